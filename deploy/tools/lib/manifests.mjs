// Rendering (helm template, kubectl kustomize) and offline schema validation of Kubernetes
// manifests: core kinds against kubernetes-models, KEDA and prometheus-operator kinds against
// their CRD models. A kind without a schema here is an error, so nothing slips through unchecked.
import yaml from 'js-yaml';
import { chartDir, helm, kubectl, repoRoot } from './tools.mjs';
import { join } from 'node:path';

const modelPackages = [
  [/^keda\.sh\//, (v) => `@kubernetes-models/keda/${v}`],
  [/^monitoring\.coreos\.com\//, (v) => `@kubernetes-models/prometheus-operator/${v}`],
  [/^[a-z0-9.]+\/v[0-9a-z]+$|^v1$/, (v) => `kubernetes-models/${v}`],
];

async function modelClass(apiVersion, kind) {
  const entry = modelPackages.find(([pattern]) => pattern.test(apiVersion));
  if (!entry) return undefined;
  try {
    const module = await import(entry[1](apiVersion));
    return module[kind];
  } catch (e) {
    if (e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || e.code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw e;
  }
}

/** Parses a multi-document YAML stream into its non-empty documents. */
export function parseDocuments(text) {
  return yaml.loadAll(text).filter((doc) => doc && typeof doc === 'object');
}

/** Validates one manifest; returns a list of problems (empty when valid). */
export async function validate(doc) {
  const where = `${doc.kind ?? '?'} ${doc.metadata?.name ?? '?'}`;
  if (!doc.apiVersion || !doc.kind) return [`${where}: no apiVersion/kind`];
  const Model = await modelClass(doc.apiVersion, doc.kind);
  if (!Model) return [`${where}: no schema for ${doc.apiVersion} ${doc.kind}`];
  try {
    new Model(doc).validate();
    return [];
  } catch (e) {
    const details = e.errors?.map((err) => `${err.instancePath} ${err.message}`).join('; ') ?? e.message;
    return [`${where}: ${details}`];
  }
}

/** Validates every document; returns all problems. */
export async function validateAll(docs) {
  return (await Promise.all(docs.map(validate))).flat();
}

/** helm template of the chart; args are extra flags (-f file, --set k=v). Throws on failure. */
export function renderChart(release, ...args) {
  const result = helm('template', release, chartDir, '--namespace', 'nagatha', ...args);
  if (result.status !== 0) throw new Error(`helm template ${args.join(' ')} failed:\n${result.stderr}`);
  return parseDocuments(result.stdout);
}

/** kubectl kustomize of a directory under the repository. Throws on failure. */
export function renderKustomize(dir) {
  const result = kubectl('kustomize', join(repoRoot, dir));
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return parseDocuments(result.stdout);
}

export const productionValues = join(chartDir, 'values-production.yaml');
export const byKind = (docs, kind) => docs.filter((d) => d.kind === kind);
