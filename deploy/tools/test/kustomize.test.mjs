// kubectl kustomize of k8s/base and k8s/overlays/example with a real kubectl, every manifest
// validated against the schemas and held to the same rules as the chart.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { byKind, renderKustomize, validateAll } from '../lib/manifests.mjs';
import * as policy from '../lib/policy.mjs';

for (const dir of ['k8s/base', 'k8s/overlays/example']) {
  describe(`kubectl kustomize ${dir}`, () => {
    const docs = renderKustomize(dir);
    test(`${docs.length} manifests validate against the schemas`, async () => {
      assert.ok(docs.length >= 20, `only ${docs.length} manifests`);
      assert.deepEqual(await validateAll(docs), []);
    });
    test('probes, resources, non-root, exposure, NetworkPolicies, PDBs, autoscalers', () => {
      assert.deepEqual(policy.allRules(docs), []);
      assert.ok(byKind(docs, 'NetworkPolicy').length >= 5);
    });
  });
}

describe('the example overlay', () => {
  const docs = renderKustomize('k8s/overlays/example');
  test('puts everything in its namespace, with its images', () => {
    for (const d of docs.filter((x) => x.kind !== 'Namespace')) assert.equal(d.metadata.namespace, 'nagatha', `${d.kind} ${d.metadata.name}`);
    for (const d of byKind(docs, 'Deployment').filter((x) => x.metadata.labels['app.kubernetes.io/component'] !== 'redis')) {
      assert.match(d.spec.template.spec.containers[0].image, /^registry\.example\.com\/nagatha\/[a-z-]+:0\.1\.0$/);
    }
  });
  test('has one Ingress, to the gateway, and ScaledObjects on the streams of contracts/Keys.java', () => {
    assert.equal(byKind(docs, 'Ingress').length, 1);
    const keys = policy.streamKeys();
    const streams = byKind(docs, 'ScaledObject').map((so) => [so.spec.scaleTargetRef.name, ...new Set(so.spec.triggers.map((t) => `${t.metadata.stream}/${t.metadata.consumerGroup}`))]);
    assert.deepEqual(streams.sort(), [
      ['nagatha-agent-service', `${keys.turns.stream}/${keys.turns.group}`],
      ['nagatha-pool-service', `${keys.toolCalls.stream}/${keys.toolCalls.group}`],
    ]);
  });
  test('carries the same dashboard and alert rules as the chart', () => {
    assert.equal(byKind(docs, 'PrometheusRule').length, 1);
    const dashboard = byKind(docs, 'ConfigMap').find((c) => c.metadata.name === 'nagatha-grafana-dashboard');
    assert.equal(dashboard.metadata.labels.grafana_dashboard, '1');
    assert.equal(JSON.parse(dashboard.data['nagatha.json']).uid, 'nagatha-overview');
  });
});
