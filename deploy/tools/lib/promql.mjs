// PromQL of the dashboard and the alert rules, parsed with Prometheus's own grammar
// (@prometheus-io/lezer-promql): syntax errors, and the metric names each expression reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import yaml from 'js-yaml';
import { chartDir } from './tools.mjs';

export const dashboardFile = join(chartDir, 'files/nagatha.json');
export const rulesFile = join(chartDir, 'files/nagatha-rules.yaml');

/** Grafana's variables, replaced by values of the right kind so that the text is plain PromQL. */
const GRAFANA_VARIABLES = { __rate_interval: '5m', __interval: '1m', __range: '1h', namespace: '.*', datasource: 'x' };
export const grafanaVariables = Object.keys(GRAFANA_VARIABLES);

export function substitute(expr) {
  return expr.replace(/\$\{?(\w+)\}?/g, (whole, name) => {
    if (!(name in GRAFANA_VARIABLES)) throw new Error(`unknown variable ${whole} in ${expr}`);
    return GRAFANA_VARIABLES[name];
  });
}

/** Parses one expression; returns {errors: [positions], metrics: [names]}. */
export function analyse(expr) {
  const text = substitute(expr);
  const tree = parser.parse(text);
  const errors = [];
  const metrics = new Set();
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(`${node.from}: …${text.slice(Math.max(0, node.from - 20), node.to + 20)}…`);
      if (node.name === 'VectorSelector') {
        const name = node.node.firstChild;
        if (name?.name === 'Identifier') metrics.add(text.slice(name.from, name.to));
      }
    },
  });
  return { errors, metrics: [...metrics] };
}

export function dashboard() {
  return JSON.parse(readFileSync(dashboardFile, 'utf8'));
}

export function rules() {
  return yaml.load(readFileSync(rulesFile, 'utf8'));
}

/** Every PromQL expression of the dashboard (panels and variable queries) and the rules, with where it is. */
export function expressions() {
  const found = [];
  const walk = (panels) => {
    for (const p of panels ?? []) {
      for (const t of p.targets ?? []) found.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr });
      walk(p.panels);
    }
  };
  const d = dashboard();
  walk(d.panels);
  for (const v of d.templating?.list ?? []) {
    const m = typeof v.query === 'object' && /^label_values\((.*),\s*\w+\)$/.exec(v.query.query);
    if (m) found.push({ where: `variable ${v.name}`, expr: m[1] });
  }
  for (const group of rules().spec.groups) {
    for (const r of group.rules) found.push({ where: `rule ${r.alert ?? r.record}`, expr: r.expr });
  }
  return found;
}

/** The metric names the dashboard and the rules read, sorted. */
export function metricNames() {
  return [...new Set(expressions().flatMap((e) => analyse(e.expr).metrics))].sort();
}
