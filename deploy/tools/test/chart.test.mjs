// helm lint + helm template of helm/nagatha with a real helm binary, every rendered manifest
// validated against the Kubernetes / KEDA / prometheus-operator schemas, and the rules of
// lib/policy.mjs on every rendering. Each rule is also shown to fail on a broken manifest.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import yaml from 'js-yaml';
import { byKind, productionValues, renderChart, validateAll } from '../lib/manifests.mjs';
import * as policy from '../lib/policy.mjs';
import { chartDir, helm } from '../lib/tools.mjs';

const scenarios = {
  default: [],
  production: ['-f', productionValues],
  // every optional part at once, on the bundled Redis, with CPU autoscaling where KEDA is off
  everything: [
    '--set', 'agentService.keda.enabled=true', '--set', 'poolService.keda.enabled=true',
    '--set', 'gateway.autoscaling.enabled=true', '--set', 'sessionService.autoscaling.enabled=true',
    '--set', 'gateway.ingress.enabled=true', '--set', 'metrics.serviceMonitor.enabled=true',
    '--set', 'metrics.prometheusRule.enabled=true', '--set', 'metrics.grafanaDashboard.enabled=true',
    '--set', 'discord.existingSecret=nagatha-discord', '--set', 'discordBot.enabled=true', '--set', 'llm.baseUrl=http://ollama:11434/v1',
    '--set', 'llm.existingSecret=nagatha-llm',
  ],
  sentinel: [
    '--set', 'redis.enabled=false', '--set', 'redis.mode=sentinel',
    '--set', 'redis.url=redis://s1:26379\\,redis://s2:26379', '--set', 'agentService.keda.enabled=true',
  ],
  'no network policies': ['--set', 'networkPolicy.enabled=false', '--set', 'metrics.annotations=false'],
};
const rendered = Object.fromEntries(Object.entries(scenarios).map(([name, args]) => [name, renderChart('nagatha', ...args)]));

describe('helm lint', () => {
  for (const [name, args] of Object.entries({ default: [], production: ['-f', productionValues] })) {
    test(`${name} values lint clean`, () => {
      const result = helm('lint', '--strict', chartDir, ...args);
      assert.equal(result.status, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }
});

describe('helm template validates against the schemas', () => {
  for (const [name, docs] of Object.entries(rendered)) {
    test(`${name}: ${docs.length} manifests`, async () => {
      assert.ok(docs.length >= 15, `only ${docs.length} manifests`);
      assert.deepEqual(await validateAll(docs), []);
    });
  }
  test('a broken manifest is rejected (the validator can fail)', async () => {
    const docs = structuredClone(rendered.default);
    byKind(docs, 'Deployment')[0].spec.replicas = 'two';
    byKind(docs, 'Service')[0].spec.ports[0].port = 'http';
    const problems = await validateAll(docs);
    assert.equal(problems.length, 2, problems.join('\n'));
  });
});

describe('what reviewers forget', () => {
  for (const [name, docs] of Object.entries(rendered)) {
    test(`${name}: probes, resources, non-root, one Ingress to the gateway, policies, autoscalers`, () => {
      assert.deepEqual(policy.allRules(docs), []);
    });
  }

  test('networkPolicy.enabled=false renders no NetworkPolicy; every other rendering covers every pod', () => {
    assert.equal(byKind(rendered['no network policies'], 'NetworkPolicy').length, 0);
    for (const name of ['default', 'production', 'everything', 'sentinel']) {
      assert.ok(byKind(rendered[name], 'NetworkPolicy').length >= 4, name);
      assert.deepEqual(policy.networkRules(rendered[name]), [], name);
    }
  });

  test('the four services and only them get probes on the Quarkus health endpoints', () => {
    const services = byKind(rendered.production, 'Deployment').map((d) => d.metadata.labels['app.kubernetes.io/component']).sort();
    assert.deepEqual(services, [...policy.SERVICES].sort());
  });

  test('the Discord bot: off by default; when on, one replica replaced not rolled, a client of the gateway only', () => {
    const bot = (docs) => byKind(docs, 'Deployment').find((d) => d.metadata.name === 'nagatha-discord-bot');
    assert.equal(bot(rendered.default), undefined);
    const d = bot(rendered.everything);
    assert.equal(d.spec.replicas, 1);
    assert.equal(d.spec.strategy.type, 'Recreate');
    const env = Object.fromEntries(d.spec.template.spec.containers[0].env.map((e) => [e.name, e]));
    assert.equal(env.NAGATHA_BOT_GATEWAY_URL.value, 'http://nagatha-gateway:8080');
    assert.equal(env.NAGATHA_BOT_API_KEY.valueFrom.secretKeyRef.name, 'nagatha-admin');
    assert.equal(env.NAGATHA_DISCORD_BOT_TOKEN.valueFrom.secretKeyRef.name, 'nagatha-discord');
    assert.ok(!Object.keys(env).some((name) => name.startsWith('NAGATHA_REDIS')), 'no Redis for the bot');
  });

  test('only the gateway has an Ingress', () => {
    for (const docs of Object.values(rendered)) {
      for (const ing of byKind(docs, 'Ingress')) assert.match(ing.metadata.name, /-gateway$/);
    }
    assert.equal(byKind(rendered.production, 'Ingress').length, 1);
    assert.equal(byKind(rendered.default, 'Ingress').length, 0);
  });

  test('the agent and pool ScaledObjects read the turns and tool-calls groups named in contracts/Keys.java', () => {
    const keys = policy.streamKeys();
    const scaled = Object.fromEntries(byKind(rendered.production, 'ScaledObject')
      .map((so) => [so.spec.scaleTargetRef.name, so.spec.triggers.map((t) => `${t.metadata.stream}/${t.metadata.consumerGroup}`)]));
    assert.deepEqual(scaled, {
      'nagatha-agent-service': [`${keys.turns.stream}/${keys.turns.group}`, `${keys.turns.stream}/${keys.turns.group}`],
      'nagatha-pool-service': [`${keys.toolCalls.stream}/${keys.toolCalls.group}`, `${keys.toolCalls.stream}/${keys.toolCalls.group}`],
    });
    const agent = byKind(rendered.production, 'ScaledObject').find((s) => s.metadata.name === 'nagatha-agent-service');
    assert.deepEqual(agent.spec.triggers.map((t) => [t.name, t.metadata.lagCount ?? t.metadata.pendingEntriesCount]), [['waiting', '8'], ['running', '8']]);
    assert.equal(agent.spec.advanced.scalingModifiers.formula, 'waiting + running');
    assert.equal(agent.spec.triggers[0].authenticationRef.name, 'nagatha-agent-service-redis');
    assert.equal(agent.spec.triggers[0].metadata.address, 'redis.prod.internal:6380');
    assert.equal(agent.spec.triggers[0].metadata.enableTLS, 'true');
  });

  test('the bundled Redis and sentinel mode give KEDA the right address', () => {
    const bundled = byKind(rendered.everything, 'ScaledObject')[0].spec.triggers[0];
    assert.equal(bundled.type, 'redis-streams');
    assert.equal(bundled.metadata.address, 'nagatha-redis.nagatha.svc:6379');
    const sentinel = byKind(rendered.sentinel, 'ScaledObject')[0].spec.triggers[0];
    assert.equal(sentinel.type, 'redis-sentinel-streams');
    assert.equal(sentinel.metadata.addresses, 's1:26379,s2:26379');
    assert.equal(sentinel.metadata.sentinelMaster, 'mymaster');
    const env = byKind(rendered.sentinel, 'Deployment')[0].spec.template.spec.containers[0].env;
    assert.deepEqual(env.filter((e) => e.name.startsWith('NAGATHA_REDIS')).map((e) => [e.name, e.value]), [
      ['NAGATHA_REDIS_URL', 'redis://s1:26379,redis://s2:26379'], ['NAGATHA_REDIS_CLIENT_TYPE', 'sentinel'], ['NAGATHA_REDIS_MASTER_NAME', 'mymaster']]);
  });

  test('production reads every secret from a Secret, never from a value', () => {
    for (const d of byKind(rendered.production, 'Deployment')) {
      const env = Object.fromEntries(d.spec.template.spec.containers[0].env.map((e) => [e.name, e]));
      assert.equal(env.NAGATHA_REDIS_URL.valueFrom.secretKeyRef.name, 'nagatha-redis', d.metadata.name);
    }
    const agentEnv = byKind(rendered.production, 'Deployment').find((d) => d.metadata.name === 'nagatha-agent-service').spec.template.spec.containers[0].env;
    assert.equal(agentEnv.find((e) => e.name === 'NAGATHA_LLM_API_KEY').valueFrom.secretKeyRef.name, 'nagatha-llm');
    assert.equal(byKind(rendered.production, 'StatefulSet').length, 0, 'no bundled Redis with an external one');
  });

  test('the PrometheusRule and the dashboard ConfigMap carry the files under deploy/ unchanged', () => {
    const rules = yaml.load(readFileSync(join(chartDir, 'files/nagatha-rules.yaml'), 'utf8'));
    assert.deepEqual(byKind(rendered.production, 'PrometheusRule')[0].spec, rules.spec);
    const dashboard = byKind(rendered.production, 'ConfigMap').find((c) => c.metadata.name.endsWith('grafana-dashboard'));
    assert.deepEqual(JSON.parse(dashboard.data['nagatha.json']), JSON.parse(readFileSync(join(chartDir, 'files/nagatha.json'), 'utf8')));
    assert.equal(dashboard.metadata.labels.grafana_dashboard, '1');
  });
});

describe('NOTES.txt', () => {
  // helm template leaves NOTES.txt out, and helm install --dry-run needs a cluster: a copy of the
  // chart renders it with tpl into an ordinary manifest.
  const notes = (...args) => {
    const copy = join(mkdtempSync(join(tmpdir(), 'nagatha-notes-')), 'nagatha');
    cpSync(chartDir, copy, { recursive: true, dereference: true });
    cpSync(join(copy, 'templates/NOTES.txt'), join(copy, 'files/notes.txt'));
    writeFileSync(join(copy, 'templates/notes-rendered.yaml'), 'notes: {{ tpl (.Files.Get "files/notes.txt") . | toJson }}\n');
    const result = helm('template', 'nagatha', copy, '--namespace', 'nagatha', '-s', 'templates/notes-rendered.yaml', ...args);
    assert.equal(result.status, 0, result.stderr);
    return yaml.load(result.stdout).notes;
  };
  test('tells how to get the admin key, reach the gateway and open the dashboard', () => {
    const text = notes();
    assert.match(text, /kubectl -n nagatha get secret nagatha-admin -o jsonpath='\{\.data\.admin-key\}' \| base64 -d/);
    assert.match(text, /port-forward svc\/nagatha-gateway 8080:8080/);
    assert.match(text, /Import the dashboard deploy\/grafana\/nagatha\.json/);
  });
  test('with the production values: the Ingress URL, the dashboard ConfigMap, KEDA and the own admin Secret', () => {
    const text = notes('-f', productionValues, '--set', 'auth.existingSecret=my-admin');
    assert.match(text, /https:\/\/nagatha\.example\.com\/api\/v1\/status/);
    assert.match(text, /get secret my-admin/);
    assert.match(text, /dashboard "Nagatha" from the ConfigMap nagatha-grafana-dashboard/);
    assert.match(text, /KEDA scales the agent on the turns stream and the pool on the tool-calls stream/);
  });
});

describe('every rule can fail', () => {
  const broken = (mutate) => { const docs = structuredClone(rendered.everything); mutate(docs); return policy.allRules(docs); };
  const agent = (docs) => docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'nagatha-agent-service');
  const cases = {
    'a missing readiness probe': (docs) => delete agent(docs).spec.template.spec.containers[0].readinessProbe,
    'a container without a memory limit': (docs) => delete agent(docs).spec.template.spec.containers[0].resources.limits,
    'a root container': (docs) => { agent(docs).spec.template.spec.securityContext.runAsNonRoot = false; agent(docs).spec.template.spec.containers[0].securityContext.runAsNonRoot = false; },
    'a writable root filesystem': (docs) => { agent(docs).spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false; },
    'an Ingress to session-service': (docs) => { byKind(docs, 'Ingress')[0].spec.rules[0].http.paths[0].backend.service.name = 'nagatha-session-service'; },
    'a LoadBalancer for the pool': (docs) => { docs.find((d) => d.kind === 'Service' && d.metadata.name === 'nagatha-pool-service').spec.type = 'LoadBalancer'; },
    'an agent ScaledObject on the wrong group': (docs) => { byKind(docs, 'ScaledObject')[0].spec.triggers[0].metadata.consumerGroup = 'pool'; },
    'session-service open to everyone': (docs) => { docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata.name.endsWith('-session-service')).spec.ingress[0].from = []; },
    'a Deployment without a PDB': (docs) => docs.splice(docs.findIndex((d) => d.kind === 'PodDisruptionBudget'), 1),
    'an HPA beside a ScaledObject': (docs) => docs.push({ kind: 'HorizontalPodAutoscaler', metadata: { name: 'x' }, spec: { scaleTargetRef: { name: 'nagatha-agent-service' } } }),
  };
  for (const [name, mutate] of Object.entries(cases)) {
    test(name, () => assert.notDeepEqual(broken(mutate), [], `${name} was not caught`));
  }
});

describe('values.schema.json rejects bad values', () => {
  const bad = {
    'replicas that are not a number': ['--set', 'agentService.replicas=one'],
    'an external Redis without a URL': ['--set', 'redis.enabled=false'],
    'a Redis URL that is not redis://': ['--set', 'redis.url=http://redis:6379'],
    'an LLM key as a value': ['--set', 'llm.apiKey=sk-123'],
    'CPU autoscaling and KEDA on one service': ['--set', 'agentService.keda.enabled=true', '--set', 'agentService.autoscaling.enabled=true'],
    'a misspelt key': ['--set', 'gateway.replica=2'],
    'an unknown Redis mode': ['--set', 'redis.mode=replicated'],
    'a KEDA address without a port': ['--set', 'keda.redis.address=redis.internal'],
  };
  for (const [name, args] of Object.entries(bad)) {
    test(name, () => {
      const result = helm('template', 'nagatha', chartDir, ...args);
      assert.notEqual(result.status, 0, `accepted: ${args.join(' ')}`);
      assert.match(result.stderr, /values don't meet the specifications of the schema/);
    });
  }
  test('good values pass the same schema', () => {
    const result = helm('template', 'nagatha', chartDir, '--set', 'agentService.replicas=2', '--set', 'redis.enabled=false', '--set', 'redis.url=rediss://r:6380');
    assert.equal(result.status, 0, result.stderr);
  });
});
