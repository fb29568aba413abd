#!/usr/bin/env node
/**
 * `npm test`: lint, typecheck, Electronegativity, build the renderer, then the unit, integration (real
 * Orthanc, dcmtk) and e2e (Chromium) suites, and a closing line "N passed, N failed, N skipped" over all suites.
 * Suites that start servers run inside a private network namespace (loopback only) when we are root,
 * because Orthanc 1.10 cannot bind to 127.0.0.1 alone.
 *   npm test -- --only unit|integration|e2e   (repeatable)   --skip-checks (no lint/typecheck/Electronegativity)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const only = args.flatMap((a, i) => (a === '--only' ? [args[i + 1]] : a.startsWith('--only=') ? [a.slice(7)] : []));
const suites = (only.length ? only : ['unit', 'integration', 'e2e']).filter(Boolean);
const skipChecks = args.includes('--skip-checks');
const resultsDir = path.join(root, 'test-results');
mkdirSync(resultsDir, { recursive: true });

const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const failures = [];

function step(title, cmd, cmdArgs, options = {}) {
  console.log(`\n=== ${title}: ${[cmd, ...cmdArgs].join(' ')}`);
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...options });
  if (r.status !== 0) {
    failures.push(`${title} (exit ${r.status ?? r.signal})`);
    return false;
  }
  return true;
}

function canUseNetns() {
  if (process.platform !== 'linux' || process.getuid?.() !== 0 || process.env.DOKUEI_NO_NETNS) return false;
  const r = spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' });
  return r.status === 0;
}

if (!skipChecks) {
  step('lint', bin('eslint'), ['.']);
  step('typecheck', process.execPath, [path.join(root, 'scripts/typecheck.mjs')]);
  // Electron security lint (webPreferences, navigation, permissions, CSP…); offline, about two seconds.
  step('electronegativity', process.execPath, [path.join(root, 'scripts/electronegativity.mjs')]);
}
if (suites.includes('e2e')) step('build renderer', bin('vite'), ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);

const netns = canUseNetns();
const counts = {};
/** Failed tests with the start of their message, repeated in the summary: CI shows only the end of the log. */
const failedTests = [];
for (const suite of suites) {
  const report = path.join(resultsDir, `${suite}.json`);
  rmSync(report, { force: true });
  const vitestArgs = ['run', '--project', suite, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
  const isolated = suite !== 'unit' && netns;
  const title = `${suite} tests${isolated ? ' (private network namespace, loopback only)' : ''}`;
  if (isolated) {
    const inner = `ip link set lo up && exec ${JSON.stringify(bin('vitest'))} ${vitestArgs.map((a) => JSON.stringify(a)).join(' ')}`;
    step(title, 'unshare', ['-n', 'sh', '-c', inner]);
  } else {
    step(title, bin('vitest'), vitestArgs);
  }
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    for (const file of r.testResults ?? []) {
      for (const t of file.assertionResults ?? []) {
        if (t.status !== 'failed') continue;
        const message = (t.failureMessages ?? []).join(' ').replace(new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g"), "").split('\n').slice(0, 4).join(' | ');
        failedTests.push(`${suite}: ${path.relative(root, file.name)} > ${t.fullName}\n    ${message.slice(0, 600)}`);
      }
      if (file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed')) {
        failedTests.push(`${suite}: ${path.relative(root, file.name)} (the file failed outside its tests)\n    ${String(file.message ?? '').split('\n').slice(0, 4).join(' | ').slice(0, 600)}`);
      }
    }
    counts[suite] = { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + (r.numTodoTests ?? 0), total: r.numTotalTests };
  } else {
    counts[suite] = { passed: 0, failed: 0, skipped: 0, total: 0 };
    failures.push(`${suite}: no report written`);
  }
  if (counts[suite].total === 0) failures.push(`${suite}: ran no test`);
}

console.log('\n=== Summary');
for (const [suite, c] of Object.entries(counts)) console.log(`${suite}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
for (const t of failedTests) console.log(`FAILED TEST: ${t}`);
for (const f of failures) console.log(`FAILED: ${f}`);
const total = Object.values(counts).reduce((a, c) => ({ passed: a.passed + c.passed, failed: a.failed + c.failed, skipped: a.skipped + c.skipped }), { passed: 0, failed: 0, skipped: 0 });
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failures.length || total.failed ? 1 : 0);
