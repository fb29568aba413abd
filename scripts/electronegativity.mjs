#!/usr/bin/env node
/**
 * `npm run lint:electron` (also a step of `npm test`): Electronegativity over the Electron host's own code
 * (the inputs in electronegativity.config.json), plus the CSP the app actually sends, judged by the same CSP
 * evaluator Electronegativity uses. Exits non-zero on any finding the config does not suppress, on a
 * suppression that no longer matches a finding (so the list cannot rot), and on a file it could not parse.
 *   node scripts/electronegativity.mjs [--config FILE]
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Reads and checks the config: every exclusion and suppression must say why. */
export function loadConfig(file) {
  let config;
  try {
    config = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`Cannot read the Electronegativity config ${file}: ${err instanceof Error ? err.message : err}`, { cause: err });
  }
  const problems = [];
  if (!Array.isArray(config.inputs) || config.inputs.length === 0) problems.push('"inputs" must list the folders to scan');
  for (const [i, e] of (config.excludeChecks ?? []).entries()) {
    if (typeof e.check !== 'string' || !e.check) problems.push(`excludeChecks[${i}] has no "check"`);
    if (typeof e.reason !== 'string' || e.reason.trim().length < 20) problems.push(`excludeChecks[${i}] (${e.check}) needs a "reason"`);
  }
  for (const [i, s] of (config.suppress ?? []).entries()) {
    if (typeof s.id !== 'string' || typeof s.file !== 'string') problems.push(`suppress[${i}] needs "id" and "file"`);
    if (typeof s.reason !== 'string' || s.reason.trim().length < 20) problems.push(`suppress[${i}] (${s.id} in ${s.file}) needs a "reason"`);
  }
  if (problems.length) throw new Error(`Invalid Electronegativity config ${file}:\n  ${problems.join('\n  ')}`);
  return { inputs: config.inputs, excludeChecks: config.excludeChecks ?? [], suppress: config.suppress ?? [] };
}

/**
 * A suppression matches findings of its check in its file ("N/A" for whole-app checks) and, when it has
 * "match", only those whose detail contains that text: one line per false positive, not per check.
 */
export function applySuppressions(findings, suppressions) {
  const used = new Set();
  const open = [];
  for (const f of findings) {
    const i = suppressions.findIndex((s) => s.id === f.id && s.file === f.file && (s.match === undefined || f.detail.includes(s.match)));
    if (i === -1) open.push(f);
    else used.add(i);
  }
  return { open, unused: suppressions.filter((_, i) => !used.has(i)) };
}

/** Severities of @doyensec/csp-evaluator that count as findings: its CSP_GLOBAL_CHECK's, plus syntax errors. */
const CSP_COUNTED = ['HIGH', 'MEDIUM', 'HIGH_MAYBE', 'MEDIUM_MAYBE', 'SYNTAX'];

function electronegativityRequire() {
  return createRequire(require.resolve('@doyensec/electronegativity/package.json'));
}

/** The evaluator's findings on one policy, as findings of CSP_GLOBAL_CHECK in `file`. */
export function cspFindings(policy, file) {
  const csp = electronegativityRequire()('@doyensec/csp-evaluator');
  const parsed = new csp.CspParser(policy).csp;
  const counted = new Set(CSP_COUNTED.map((s) => csp.severities[s]));
  return new csp.CspEvaluator(parsed, csp.Version.CSP3)
    .evaluate()
    .filter((f) => counted.has(f.severity))
    .map((f) => ({ id: 'CSP_GLOBAL_CHECK', file, line: 0, column: 0, detail: `${f.directive} ${f.value}: ${f.description}` }));
}

/**
 * Electronegativity fetches translations (and, for one check, Electron's release list) over HTTPS on every
 * run. The lint must give the same answer offline and on every day, so its HTTP client is replaced by one
 * that answers "unavailable" at once: the bundled English texts are used, and the release check is excluded.
 */
function keepOffline(enRequire) {
  const offline = () => Promise.resolve({ statusCode: 503, body: '' });
  const pkgDir = path.dirname(enRequire.resolve('./package.json'));
  for (const from of ['dist/locales/i18n.js', 'dist/finder/checks/GlobalChecks/AvailableSecurityFixesGlobalCheck.js']) {
    const got = createRequire(path.join(pkgDir, from)).resolve('got');
    require.cache[got] = { id: got, filename: got, loaded: true, exports: Object.assign(offline, { default: offline }) };
  }
}

/**
 * Runs Electronegativity over copies of the inputs laid out under one temporary root, so whole-app checks
 * (navigation limits, permission handler, CSP) see main and preload together, and nothing else of the repo.
 */
export async function scan({ inputs, excludeChecks, electronVersion, baseDir = root }) {
  const enRequire = electronegativityRequire();
  keepOffline(enRequire);
  const run = enRequire('./dist/runner.js');
  const stage = mkdtempSync(path.join(os.tmpdir(), 'dokuei-electronegativity-'));
  try {
    for (const input of inputs) cpSync(path.join(baseDir, input), path.join(stage, input), { recursive: true });
    const result = await run({
      input: stage,
      isRelative: true,
      electronVersionOverride: electronVersion,
      excludeFromScan: excludeChecks.map((e) => e.check),
    });
    const findings = result.issues.map((i) => ({
      id: i.id,
      file: i.file === 'N/A' ? 'N/A' : i.file.split(path.sep).join('/'),
      line: i.location.line,
      column: i.location.column,
      detail: `${i.description}${i.sample ? ` (${String(i.sample).slice(0, 120)})` : ''}`,
    }));
    const parseErrors = result.errors.map((e) => `${path.relative(stage, e.file)}: ${e.message}`);
    return { findings, parseErrors, checks: result.atomicChecks + result.globalChecks };
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

async function main() {
  const args = process.argv.slice(2);
  const configFile = path.resolve(args.includes('--config') ? args[args.indexOf('--config') + 1] : path.join(root, 'electronegativity.config.json'));
  const config = loadConfig(configFile);
  // The installed Electron, not a range: checks judge defaults (sandbox, contextIsolation) by version.
  const electronVersion = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8')).version;
  const { findings, parseErrors, checks } = await scan({ ...config, electronVersion });

  // Electronegativity only recognises a CSP written as a literal in onHeadersReceived or a <meta> tag; ours is
  // a header that protocolHandlers.ts puts on every app:// response, so judge that exact policy here.
  const { tsImport } = await import('tsx/esm/api');
  const { APP_CONTENT_SECURITY_POLICY } = await tsImport(pathToFileURL(path.join(root, 'electron/main/csp.ts')).href, import.meta.url);
  findings.push(...cspFindings(APP_CONTENT_SECURITY_POLICY, 'electron/main/csp.ts'));

  const { open, unused } = applySuppressions(findings, config.suppress);
  const where = (f) => (f.file === 'N/A' ? 'whole app' : `${f.file}:${f.line}:${f.column}`);
  console.log(`Electronegativity (Electron ${electronVersion}, ${checks} checks) over ${config.inputs.join(', ')}: ` +
    `${findings.length} finding(s), ${findings.length - open.length} suppressed in ${path.relative(root, configFile)}.`);
  for (const e of parseErrors) console.log(`FAILED: could not parse ${e}`);
  for (const f of open) console.log(`FAILED: ${f.id} at ${where(f)}: ${f.detail}`);
  for (const s of unused) console.log(`FAILED: suppression of ${s.id} in ${s.file}${s.match ? ` matching "${s.match}"` : ''} matches no finding any more: remove it`);
  process.exit(parseErrors.length || open.length || unused.length ? 1 : 0);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(`FAILED: Electronegativity did not run: ${err instanceof Error ? err.stack : err}`);
    process.exit(1);
  });
}
