// The Grafana dashboard is well-formed dashboard JSON, every PromQL expression of the dashboard
// and the alert rules parses with Prometheus's grammar, and the rules are a valid PrometheusRule
// whose alerts each have a runbook section. (That every metric they read is really exported is
// system-tests' DashboardMetricsIT, against the running services.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { validate } from '../lib/manifests.mjs';
import { analyse, dashboard, expressions, grafanaVariables, metricNames, rules } from '../lib/promql.mjs';
import { repoRoot } from '../lib/tools.mjs';

const panelsOf = (d) => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

describe('the Grafana dashboard', () => {
  const d = dashboard();
  const panels = panelsOf(d);
  const queries = panels.filter((p) => p.type !== 'row');

  test('has the fields Grafana needs to import it', () => {
    assert.equal(typeof d.uid, 'string');
    assert.match(d.uid, /^[a-zA-Z0-9_-]{1,40}$/);
    assert.equal(typeof d.title, 'string');
    assert.ok(Number.isInteger(d.schemaVersion) && d.schemaVersion >= 36, `schemaVersion ${d.schemaVersion}`);
    assert.ok(Array.isArray(d.panels) && d.panels.length > 0);
    assert.ok(d.time?.from && d.time?.to);
    assert.equal(d.id, undefined, 'an id would clash on import');
  });

  test('panels have unique ids, known types and fit the 24-column grid without overlapping', () => {
    const ids = panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate panel ids');
    const known = new Set(['row', 'timeseries', 'stat', 'gauge', 'table', 'bargauge', 'state-timeline', 'text']);
    const cells = new Set();
    for (const p of panels) {
      assert.ok(known.has(p.type), `${p.title}: unknown panel type ${p.type}`);
      const { x, y, w, h } = p.gridPos;
      assert.ok([x, y, w, h].every(Number.isInteger) && x >= 0 && w > 0 && h > 0 && x + w <= 24, `${p.title}: gridPos ${JSON.stringify(p.gridPos)}`);
      for (let i = x; i < x + w; i++) for (let j = y; j < y + h; j++) {
        assert.ok(!cells.has(`${i},${j}`), `${p.title} overlaps another panel at ${i},${j}`);
        cells.add(`${i},${j}`);
      }
    }
  });

  test('every query panel reads Prometheus through the datasource variable, with unique refIds', () => {
    const ds = d.templating.list.find((v) => v.name === 'datasource');
    assert.equal(ds.type, 'datasource');
    assert.equal(ds.query, 'prometheus');
    for (const p of queries) {
      assert.deepEqual(p.datasource, { type: 'prometheus', uid: '${datasource}' }, p.title);
      assert.ok(p.targets.length > 0, `${p.title}: no query`);
      const refs = p.targets.map((t) => t.refId);
      assert.equal(new Set(refs).size, refs.length, `${p.title}: duplicate refId`);
      for (const t of p.targets) assert.ok(t.expr.trim(), `${p.title} ${t.refId}: empty expr`);
    }
  });

  test('uses only variables it defines (or Grafana\'s own)', () => {
    const defined = new Set([...d.templating.list.map((v) => v.name), ...grafanaVariables.filter((v) => v.startsWith('__'))]);
    for (const p of queries) for (const t of p.targets) {
      for (const [, name] of t.expr.matchAll(/\$\{?(\w+)\}?/g)) assert.ok(defined.has(name), `${p.title}: $${name} is not defined`);
    }
  });

  test('shows what the issue asks for', () => {
    const read = new Set(metricNames());
    for (const m of ['turns_total', 'turn_duration_seconds_bucket', 'nagatha_stream_lag', 'nagatha_stream_pending',
      'tool_calls_total', 'mcp_connections', 'nagatha_sessions_active', 'nagatha_websocket_clients', 'nagatha_redis_up']) {
      assert.ok(read.has(m), `the dashboard does not show ${m}`);
    }
  });
});

describe('PromQL', () => {
  const all = expressions();
  test(`all ${all.length} expressions of the dashboard and the rules parse`, () => {
    assert.ok(all.length >= 30, `only ${all.length}`);
    const broken = all.map((e) => ({ ...e, errors: analyse(e.expr).errors })).filter((e) => e.errors.length);
    assert.deepEqual(broken, []);
  });
  test('the parser can fail, and finds metric names inside functions and aggregations', () => {
    assert.notDeepEqual(analyse('sum(rate(foo[5m])').errors, []);
    assert.deepEqual(analyse('histogram_quantile(0.9, sum by (le) (rate(a_bucket{x="y"}[$__rate_interval]))) / on() max(b)').metrics, ['a_bucket', 'b']);
  });
});

describe('the alert rules', () => {
  const r = rules();
  test('are a valid PrometheusRule', async () => {
    assert.deepEqual(await validate(r), []);
  });
  test('cover growing queue lag, a pool server in error and the turn failure rate', () => {
    const alerts = r.spec.groups.flatMap((g) => g.rules.map((x) => x.alert));
    for (const a of ['NagathaQueueLagGrowing', 'NagathaMcpServerInError', 'NagathaTurnFailureRateHigh']) assert.ok(alerts.includes(a), a);
  });
  test('each alert has a severity, a summary, a duration and a runbook section that exists', () => {
    const runbook = readFileSync(join(repoRoot, 'docs/RUNBOOK.md'), 'utf8');
    const anchors = new Set([...runbook.matchAll(/^#+ (.+)$/gm)].map(([, h]) => h.toLowerCase().replace(/[^a-z0-9 -]/g, '').trim().replace(/ /g, '-')));
    for (const rule of r.spec.groups.flatMap((g) => g.rules)) {
      assert.match(rule.labels?.severity ?? '', /^(warning|critical)$/, rule.alert);
      assert.ok(rule.annotations?.summary, `${rule.alert}: no summary`);
      assert.match(rule.for ?? '', /^\d+[smh]$/, `${rule.alert}: no for`);
      const anchor = rule.annotations.runbook?.split('#')[1];
      assert.ok(anchors.has(anchor), `${rule.alert}: docs/RUNBOOK.md has no section #${anchor}`);
    }
  });
});
