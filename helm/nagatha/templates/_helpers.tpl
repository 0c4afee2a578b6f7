{{/*
Chart name, truncated to 63 characters (the limit for DNS names and label values).
*/}}
{{- define "nagatha.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Base name for every resource: the release name, plus the chart name unless the release name
already contains it ("nagatha" -> nagatha-gateway, "t" -> t-nagatha-gateway).
*/}}
{{- define "nagatha.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Name of one component's resources. Takes (dict "root" $ "component" "gateway").
*/}}
{{- define "nagatha.componentName" -}}
{{- printf "%s-%s" (include "nagatha.fullname" .root | trunc 46 | trimSuffix "-") .component }}
{{- end }}

{{/*
Labels. Take (dict "root" $ "component" "gateway").
*/}}
{{- define "nagatha.selectorLabels" -}}
app.kubernetes.io/name: {{ include "nagatha.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "nagatha.labels" -}}
{{ include "nagatha.selectorLabels" . }}
app.kubernetes.io/part-of: nagatha
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The Redis URL every service uses: redis.url if set, else the bundled Redis, else fail. (With
redis.existingSecret the URL is read from the Secret instead; see nagatha.redisEnv.)
*/}}
{{- define "nagatha.redisUrl" -}}
{{- if .Values.redis.url }}
{{- .Values.redis.url }}
{{- else if .Values.redis.enabled }}
{{- printf "redis://%s:6379" (include "nagatha.componentName" (dict "root" . "component" "redis")) }}
{{- else if not .Values.redis.existingSecret }}
{{- fail "redis.enabled is false: set redis.url (e.g. redis://my-redis:6379) or redis.existingSecret" }}
{{- end }}
{{- end }}

{{/*
The Redis settings of every service, as env entries (a YAML list): the URL (a value, or a Secret
holding it when it carries a password), and the client type / Sentinel master name.
*/}}
{{- define "nagatha.redisEnv" -}}
{{- $r := .Values.redis }}
{{- if $r.existingSecret }}
- name: NAGATHA_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ $r.existingSecret }}
      key: {{ $r.existingSecretKey }}
{{- else }}
- name: NAGATHA_REDIS_URL
  value: {{ include "nagatha.redisUrl" . | quote }}
{{- end }}
{{- if ne $r.mode "standalone" }}
- name: NAGATHA_REDIS_CLIENT_TYPE
  value: {{ $r.mode | quote }}
{{- end }}
{{- if eq $r.mode "sentinel" }}
- name: NAGATHA_REDIS_MASTER_NAME
  value: {{ $r.sentinel.masterName | quote }}
{{- end }}
{{- end }}

{{/*
A Nagatha image: [global.imageRegistry/]repository:(image.tag | global.imageTag | appVersion).
Takes (dict "root" $ "image" .Values.gateway.image).
*/}}
{{- define "nagatha.image" -}}
{{- $tag := .image.tag | default .root.Values.global.imageTag | default .root.Chart.AppVersion | toString }}
{{- if .root.Values.global.imageRegistry }}
{{- printf "%s/%s:%s" (trimSuffix "/" .root.Values.global.imageRegistry) .image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .image.repository $tag }}
{{- end }}
{{- end }}

{{/*
Everything one Nagatha service consists of; all four share this shape: Deployment, Service,
PodDisruptionBudget and (optionally) a HorizontalPodAutoscaler.
Takes (dict "root" $ "component" "gateway" "values" .Values.gateway "port" 8080 "env" (list ...)).
"env" is a list of container env entries (Redis first); the service's extraEnv is appended.
Optional: "volumeMounts", "volumes" (lists), "scaledByKeda" (bool: KEDA owns the replica count),
"recreate" (bool: replace the pod instead of rolling, for a singleton).
*/}}
{{- define "nagatha.service" -}}
{{- $root := .root }}
{{- $v := .values }}
{{- $ctx := dict "root" $root "component" .component }}
{{- $name := include "nagatha.componentName" $ctx }}
{{- $service := $v.service | default dict }}
{{- $hpa := $v.autoscaling | default dict }}
{{- $autoscaled := or $hpa.enabled .scaledByKeda }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $name }}
  labels:
    {{- include "nagatha.labels" $ctx | nindent 4 }}
spec:
  {{- if not $autoscaled }}
  replicas: {{ $v.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  strategy:
    {{- if .recreate }}
    # The old pod goes before the new one starts: never two of it at once.
    type: Recreate
    {{- else }}
    type: RollingUpdate
    rollingUpdate:
      # A new pod is ready before an old one goes: no capacity dip during an upgrade.
      maxSurge: 1
      maxUnavailable: 0
    {{- end }}
  selector:
    matchLabels:
      {{- include "nagatha.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "nagatha.labels" $ctx | nindent 8 }}
        {{- with $root.Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- if or $root.Values.metrics.annotations $root.Values.podAnnotations }}
      annotations:
        {{- if $root.Values.metrics.annotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ .port | quote }}
        prometheus.io/path: /q/metrics
        {{- end }}
        {{- with $root.Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- end }}
    spec:
      automountServiceAccountToken: false
      # Service links would inject NAGATHA_REDIS_PORT, NAGATHA_SESSION_SERVICE_PORT, ... next to
      # Nagatha's own NAGATHA_* settings.
      enableServiceLinks: false
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds | default 30 }}
      {{- with $root.Values.global.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.podSecurityContext }}
      securityContext:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .component }}
          image: {{ include "nagatha.image" (dict "root" $root "image" $v.image) | quote }}
          imagePullPolicy: {{ $root.Values.global.imagePullPolicy }}
          ports:
            - name: http
              containerPort: {{ .port }}
              protocol: TCP
          {{- $env := concat (.env | default list) ($root.Values.extraEnv | default list) ($v.extraEnv | default list) }}
          {{- with $env }}
          env:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          startupProbe:
            httpGet:
              path: /q/health/live
              port: http
            periodSeconds: 2
            failureThreshold: 60
          livenessProbe:
            httpGet:
              path: /q/health/live
              port: http
            periodSeconds: 10
            timeoutSeconds: 3
            failureThreshold: 3
          readinessProbe:
            # Not ready while Redis is unreachable.
            httpGet:
              path: /q/health/ready
              port: http
            periodSeconds: 5
            timeoutSeconds: 3
            failureThreshold: 3
          resources:
            {{- toYaml ($v.resources | default $root.Values.resources) | nindent 12 }}
          {{- with $root.Values.securityContext }}
          securityContext:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          volumeMounts:
            # The JVM and Quarkus need a writable /tmp (the root filesystem is read-only).
            - name: tmp
              mountPath: /tmp
            {{- with .volumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 256Mi
        {{- with .volumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- tpl (toYaml .) $root | nindent 8 }}
      {{- end }}
---
apiVersion: v1
kind: Service
metadata:
  name: {{ $name }}
  labels:
    {{- include "nagatha.labels" $ctx | nindent 4 }}
  {{- with $service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $service.type | default "ClusterIP" }}
  selector:
    {{- include "nagatha.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ .port }}
      targetPort: http
      protocol: TCP
{{- with $v.podDisruptionBudget }}
{{- if .enabled }}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ $name }}
  labels:
    {{- include "nagatha.labels" $ctx | nindent 4 }}
spec:
  {{- if hasKey . "minAvailable" }}
  minAvailable: {{ .minAvailable }}
  {{- else }}
  maxUnavailable: {{ .maxUnavailable | default 1 }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "nagatha.selectorLabels" $ctx | nindent 6 }}
{{- end }}
{{- end }}
{{- if and $hpa.enabled (not .scaledByKeda) }}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $name }}
  labels:
    {{- include "nagatha.labels" $ctx | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $name }}
  minReplicas: {{ $hpa.minReplicas }}
  maxReplicas: {{ $hpa.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $hpa.targetCPUUtilizationPercentage }}
    {{- with $hpa.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  behavior:
    scaleDown:
      # Scale down slowly: a JVM replica is cheap to keep and slower to bring back.
      stabilizationWindowSeconds: 300
{{- end }}
{{- end }}

{{/*
In-cluster URL of the session service (its port is fixed by the service, 8081).
*/}}
{{- define "nagatha.sessionServiceUrl" -}}
{{- printf "http://%s:8081" (include "nagatha.componentName" (dict "root" . "component" "session-service")) }}
{{- end }}

{{/*
The turn settings the gateway and the agents must agree on (either may accept a turn).
*/}}
{{- define "nagatha.turnsEnv" -}}
- name: NAGATHA_TURNS_DEFAULT_POLICY
  value: {{ .Values.turns.defaultPolicy | quote }}
{{- end }}
