// The rules a reviewer checks by eye and forgets, as functions over rendered manifests. Each
// returns a list of violations (empty = fine), so tests print every problem at once.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './tools.mjs';

export const SERVICES = ['gateway', 'session-service', 'pool-service', 'agent-service'];
const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'];

const component = (doc) => doc.metadata?.labels?.['app.kubernetes.io/component'];
const podSpec = (doc) => (doc.kind === 'CronJob' ? doc.spec.jobTemplate.spec.template.spec : doc.spec.template.spec);
export const workloads = (docs) => docs.filter((d) => WORKLOADS.includes(d.kind));

/** The stream and group names the services use, read from contracts/Keys.java (the one source). */
export function streamKeys() {
  const keys = readFileSync(join(repoRoot, 'contracts/src/main/java/io/nagatha/contracts/Keys.java'), 'utf8');
  const constant = (name) => keys.match(new RegExp(`String ${name} = "([^"]+)"`))[1];
  return {
    turns: { stream: constant('TURNS'), group: constant('TURNS_GROUP') },
    toolCalls: { stream: constant('TOOL_CALLS'), group: constant('TOOL_CALLS_GROUP') },
  };
}

/** Every container: liveness + readiness probes, CPU/memory requests, a memory limit, non-root and locked down. */
export function containerRules(docs) {
  const problems = [];
  for (const w of workloads(docs)) {
    const pod = podSpec(w);
    for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
      const at = `${w.kind} ${w.metadata.name} container ${c.name}`;
      const isInit = (pod.initContainers ?? []).includes(c);
      if (!isInit) {
        if (!c.livenessProbe) problems.push(`${at}: no livenessProbe`);
        if (!c.readinessProbe) problems.push(`${at}: no readinessProbe`);
      }
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) problems.push(`${at}: no cpu/memory requests`);
      if (!c.resources?.limits?.memory) problems.push(`${at}: no memory limit`);
      const sc = c.securityContext ?? {};
      const psc = pod.securityContext ?? {};
      if (!(sc.runAsNonRoot ?? psc.runAsNonRoot)) problems.push(`${at}: not runAsNonRoot`);
      const uid = sc.runAsUser ?? psc.runAsUser;
      if (uid === undefined || uid === 0) problems.push(`${at}: no non-zero runAsUser`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}: root filesystem not read-only`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: privilege escalation not disabled`);
      if (sc.privileged) problems.push(`${at}: privileged`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${at}: capabilities not dropped`);
    }
  }
  return problems;
}

/** The four services probe Quarkus's health endpoints: live for liveness and start-up, ready for readiness. */
export function healthProbeRules(docs) {
  const problems = [];
  for (const w of workloads(docs).filter((d) => SERVICES.includes(component(d)))) {
    const c = podSpec(w).containers[0];
    if (c.livenessProbe?.httpGet?.path !== '/q/health/live') problems.push(`${w.metadata.name}: liveness is not /q/health/live`);
    if (c.readinessProbe?.httpGet?.path !== '/q/health/ready') problems.push(`${w.metadata.name}: readiness is not /q/health/ready`);
    if (c.startupProbe && c.startupProbe.httpGet?.path !== '/q/health/live') problems.push(`${w.metadata.name}: start-up probe is not /q/health/live`);
  }
  return problems;
}

/** Only the gateway is exposed: Ingresses point at it alone, no other Service leaves the cluster. */
export function exposureRules(docs) {
  const problems = [];
  const services = Object.fromEntries(docs.filter((d) => d.kind === 'Service').map((s) => [s.metadata.name, s]));
  for (const ing of docs.filter((d) => d.kind === 'Ingress')) {
    const backends = [
      ing.spec.defaultBackend?.service?.name,
      ...(ing.spec.rules ?? []).flatMap((r) => (r.http?.paths ?? []).map((p) => p.backend.service?.name)),
    ].filter(Boolean);
    for (const b of backends) {
      if (component(services[b] ?? {}) !== 'gateway') problems.push(`Ingress ${ing.metadata.name} routes to ${b}, not the gateway`);
    }
    if (backends.length === 0) problems.push(`Ingress ${ing.metadata.name} has no backend`);
  }
  for (const s of Object.values(services)) {
    if (['LoadBalancer', 'NodePort'].includes(s.spec.type) && component(s) !== 'gateway') {
      problems.push(`Service ${s.metadata.name} is ${s.spec.type}`);
    }
  }
  return problems;
}

const selects = (selector, labels) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
  (selector?.matchExpressions ?? []).every((e) =>
    e.operator === 'In' ? e.values.includes(labels[e.key]) : e.operator === 'NotIn' ? !e.values.includes(labels[e.key]) : e.operator === 'Exists' ? e.key in labels : !(e.key in labels));

/**
 * NetworkPolicies: every pod is covered by an Ingress policy; a rule open to any source exists
 * only for the gateway; session-service admits only gateway pods (and metrics scrapers).
 */
export function networkRules(docs) {
  const problems = [];
  const policies = docs.filter((d) => d.kind === 'NetworkPolicy');
  const pods = workloads(docs).map((w) => ({ name: w.metadata.name, labels: w.spec.template.metadata.labels }));
  for (const pod of pods) {
    const covering = policies.filter((p) => p.spec.policyTypes?.includes('Ingress') && selects(p.spec.podSelector, pod.labels));
    if (covering.length === 0) problems.push(`${pod.name}: no NetworkPolicy covers it`);
    for (const p of covering) {
      for (const rule of p.spec.ingress ?? []) {
        const open = !rule.from || rule.from.length === 0;
        if (open && component({ metadata: { labels: pod.labels } }) !== 'gateway') {
          problems.push(`${pod.name}: NetworkPolicy ${p.metadata.name} admits any source`);
        }
      }
    }
    if (component({ metadata: { labels: pod.labels } }) === 'session-service') {
      const peers = covering.flatMap((p) => (p.spec.ingress ?? []).flatMap((r) => r.from ?? []));
      const fromGateway = peers.some((peer) => peer.podSelector?.matchLabels?.['app.kubernetes.io/component'] === 'gateway' && !peer.namespaceSelector);
      if (!fromGateway) problems.push('session-service: no policy admits the gateway');
    }
  }
  return problems;
}

/** Each ScaledObject targets its service's Deployment and reads the right stream and consumer group. */
export function scaledObjectRules(docs) {
  const keys = streamKeys();
  const expected = { 'agent-service': keys.turns, 'pool-service': keys.toolCalls };
  const problems = [];
  const deployments = Object.fromEntries(docs.filter((d) => d.kind === 'Deployment').map((d) => [d.metadata.name, d]));
  for (const so of docs.filter((d) => d.kind === 'ScaledObject')) {
    const target = deployments[so.spec.scaleTargetRef.name];
    const want = expected[component(target ?? so)];
    if (!target) problems.push(`ScaledObject ${so.metadata.name}: no Deployment ${so.spec.scaleTargetRef.name}`);
    if (!want) { problems.push(`ScaledObject ${so.metadata.name}: scales ${component(target ?? so)}, which reads no stream`); continue; }
    for (const t of so.spec.triggers) {
      if (!/^redis(-cluster|-sentinel)?-streams$/.test(t.type)) problems.push(`${so.metadata.name}: trigger ${t.name} is ${t.type}`);
      if (t.metadata.stream !== want.stream || t.metadata.consumerGroup !== want.group) {
        problems.push(`${so.metadata.name}: trigger ${t.name} reads ${t.metadata.stream}/${t.metadata.consumerGroup}, not ${want.stream}/${want.group}`);
      }
    }
    const names = so.spec.triggers.map((t) => t.name);
    const formula = so.spec.advanced?.scalingModifiers?.formula ?? '';
    for (const n of names) if (!formula.includes(n)) problems.push(`${so.metadata.name}: formula ignores trigger ${n}`);
  }
  return problems;
}

/** One autoscaler per Deployment at most (KEDA makes its own HPA); each scaled Deployment leaves replicas to it. */
export function autoscalerRules(docs) {
  const problems = [];
  const targets = {};
  for (const a of docs.filter((d) => d.kind === 'HorizontalPodAutoscaler' || d.kind === 'ScaledObject')) {
    const name = a.spec.scaleTargetRef.name;
    (targets[name] ??= []).push(a.kind);
  }
  for (const [name, kinds] of Object.entries(targets)) {
    if (kinds.length > 1) problems.push(`${name}: scaled by ${kinds.join(' and ')}`);
    const d = docs.find((x) => x.kind === 'Deployment' && x.metadata.name === name);
    if (!d) problems.push(`${name}: autoscaler without a Deployment`);
    else if (d.spec.replicas !== undefined) problems.push(`${name}: sets replicas although an autoscaler owns them`);
  }
  return problems;
}

/** Every service Deployment has a PodDisruptionBudget selecting its pods. */
export function disruptionRules(docs) {
  const pdbs = docs.filter((d) => d.kind === 'PodDisruptionBudget');
  return docs
    .filter((d) => d.kind === 'Deployment' && SERVICES.includes(component(d)))
    .filter((d) => !pdbs.some((p) => selects(p.spec.selector, d.spec.template.metadata.labels)))
    .map((d) => `${d.metadata.name}: no PodDisruptionBudget`);
}

/** Every rule; networkRules only where NetworkPolicies are rendered (they can be turned off). */
export const allRules = (docs) => [
  ...containerRules(docs), ...healthProbeRules(docs), ...exposureRules(docs),
  ...(docs.some((d) => d.kind === 'NetworkPolicy') ? networkRules(docs) : []),
  ...scaledObjectRules(docs), ...autoscalerRules(docs), ...disruptionRules(docs),
];
