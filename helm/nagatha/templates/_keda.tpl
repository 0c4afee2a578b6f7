{{/*
The Redis KEDA connects to: keda.redis.address, else the hosts of redis.url, else the bundled
Redis. A URL with a password needs keda.redis.passwordSecret (never a password in a CR).
*/}}
{{- define "nagatha.kedaRedisAddress" -}}
{{- $k := .Values.keda.redis }}
{{- if $k.address }}
{{- $k.address }}
{{- else if .Values.redis.url }}
{{- $hosts := list }}
{{- range splitList "," .Values.redis.url }}
{{- $u := urlParse (trim .) }}
{{- if and $u.userinfo (contains ":" $u.userinfo) (not $k.passwordSecret.name) }}
{{- fail "redis.url carries a password: set keda.redis.passwordSecret so that KEDA reads it from a Secret" }}
{{- end }}
{{- $hosts = append $hosts (ternary $u.host (printf "%s:6379" $u.host) (contains ":" $u.host)) }}
{{- end }}
{{- join "," $hosts }}
{{- else if .Values.redis.enabled }}
{{- printf "%s.%s.svc:6379" (include "nagatha.componentName" (dict "root" . "component" "redis")) .Release.Namespace }}
{{- else }}
{{- fail "KEDA is on and Redis comes from redis.existingSecret: set keda.redis.address (host:port)" }}
{{- end }}
{{- end }}

{{/*
A ScaledObject for a stream consumer. Two redis-streams triggers on the consumer group read what
waits (lag: entries never delivered) and what runs (pending: delivered, not yet acknowledged); the
formula adds them, so the replicas wanted are (waiting + running) / concurrency. Either alone is
wrong here: a replica reads only when it has a free worker, so lag alone drops to 0 while every
replica is busy, and pending alone never sees the queue.
Takes (dict "root" $ "component" "agent-service" "values" .Values.agentService "stream" "nagatha:turns" "group" "agents").
*/}}
{{- define "nagatha.scaledObject" -}}
{{- $root := .root }}
{{- $v := .values }}
{{- $ctx := dict "root" $root "component" .component }}
{{- $name := include "nagatha.componentName" $ctx }}
{{- $k := $root.Values.keda.redis }}
{{- $mode := $root.Values.redis.mode }}
{{- $type := get (dict "standalone" "redis-streams" "sentinel" "redis-sentinel-streams" "cluster" "redis-cluster-streams") $mode }}
{{- $tls := $k.enableTLS | toString }}
{{- if eq $tls "" }}
{{- $tls = hasPrefix "rediss://" $root.Values.redis.url | toString }}
{{- end }}
{{- $connection := dict "stream" .stream "consumerGroup" .group "enableTLS" $tls }}
{{- $address := include "nagatha.kedaRedisAddress" $root }}
{{- if eq $mode "standalone" }}
{{- $_ := set $connection "address" $address }}
{{- else }}
{{- $_ := set $connection "addresses" $address }}
{{- end }}
{{- if eq $mode "sentinel" }}
{{- $_ := set $connection "sentinelMaster" $root.Values.redis.sentinel.masterName }}
{{- end }}
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: {{ $name }}
  labels:
    {{- include "nagatha.labels" $ctx | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $name }}
  minReplicaCount: {{ $v.keda.minReplicas }}
  maxReplicaCount: {{ $v.keda.maxReplicas }}
  pollingInterval: {{ $v.keda.pollingInterval }}
  cooldownPeriod: {{ $v.keda.cooldownPeriod }}
  advanced:
    scalingModifiers:
      formula: "waiting + running"
      target: {{ $v.concurrency | quote }}
      activationTarget: "0"
      metricType: AverageValue
    horizontalPodAutoscalerConfig:
      behavior:
        scaleDown:
          stabilizationWindowSeconds: 300
  triggers:
    - type: {{ $type }}
      name: waiting
      metadata:
        {{- toYaml (merge (dict "lagCount" ($v.concurrency | toString) "activationLagCount" "0") $connection) | nindent 8 }}
      {{- if $k.passwordSecret.name }}
      authenticationRef:
        name: {{ $name }}-redis
      {{- end }}
    - type: {{ $type }}
      name: running
      metadata:
        {{- toYaml (merge (dict "pendingEntriesCount" ($v.concurrency | toString)) $connection) | nindent 8 }}
      {{- if $k.passwordSecret.name }}
      authenticationRef:
        name: {{ $name }}-redis
      {{- end }}
{{- if $k.passwordSecret.name }}
---
apiVersion: keda.sh/v1alpha1
kind: TriggerAuthentication
metadata:
  name: {{ $name }}-redis
  labels:
    {{- include "nagatha.labels" $ctx | nindent 4 }}
spec:
  secretTargetRef:
    - parameter: password
      name: {{ $k.passwordSecret.name }}
      key: {{ $k.passwordSecret.key }}
{{- end }}
{{- end }}
