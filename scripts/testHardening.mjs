#!/usr/bin/env node
/**
 * `npm run test:hardening` (issue 16): runs the hardening tests, gathers the figures lines they print, prints one
 * summary line per area, and exits non-zero when a figure is off, an area printed no line, or a test failed.
 *
 *   corpus:  files tried / clear errors / unclear errors 0 / crashes 0 / hangs 0   (at least 150 tried)
 *   fuzz:    cases / crashes 0
 *   faults:  N injected × {outcomes} / corrupt entries 0 / lost instances 0 / incomplete served 0   (none unresolved)
 *   journal: N damage cases / N detected / N user state kept                      (detected and kept = cases)
 *   load:    N requests / errors 0 / p99 event-loop lag X ms
 * An area with no test yet prints "<area>: not built yet" and counts as off: no figure is ever made up here.
 *
 * Which tests: every test file under a `hardening/` folder of test/unit, test/integration or test/e2e, every
 * `*.hardening.test.ts`, the fault-injection tests (test/integration/faults/) and the journal tests
 * (test/unit/electron/services/archive/journal*.test.ts). Add a file by one of these names (or to EXTRA below).
 * A test prints its area's line with console.log, e.g. `journal: 12 damage cases / 12 detected / 12 user state kept`;
 * several lines of one area (`faults (gateway read-through): …`) are added up.
 *
 * The short runs are the ones `npm test` runs too; DOKUEI_FUZZ_RUNS (see `npm run fuzz`) is passed through.
 *   npm run test:hardening [-- --project unit,integration,e2e]
 * Runs with tsx (package.json), to read the faults lines with test/support/hardeningFigures.ts.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFaultLine } from '../test/support/hardeningFigures.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const AREAS = ['corpus', 'fuzz', 'faults', 'journal', 'load'];
/** Hardening tests that follow none of the naming conventions (paths from the repository root). */
// The load test (8 concurrent opens while a prefetch runs and a STOW lands) prints the 'load:' line.
const EXTRA = ['test/integration/load/concurrentOpens.test.ts'];

const args = process.argv.slice(2);
const projectArg = args.flatMap((a, i) => (a === '--project' ? [args[i + 1]] : a.startsWith('--project=') ? [a.slice(10)] : [])).join(',');
const projects = projectArg ? projectArg.split(',').filter(Boolean) : ['unit', 'integration', 'e2e'];

function walk(dir, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(path.relative(root, p).split(path.sep).join('/'));
  }
  return out;
}

const isHardening = (f) =>
  /\/hardening\//.test(f) || f.endsWith('.hardening.test.ts') || f.startsWith('test/integration/faults/') || /^test\/unit\/electron\/services\/archive\/journal[^/]*\.test\.ts$/.test(f) || EXTRA.includes(f);
const files = walk(path.join(root, 'test')).filter(isHardening).sort();

function canUseNetns() {
  if (process.platform !== 'linux' || process.getuid?.() !== 0 || process.env.DOKUEI_NO_NETNS) return false;
  return spawnSync('unshare', ['-n', 'sh', '-c', 'ip link set lo up'], { stdio: 'ignore' }).status === 0;
}
const netns = canUseNetns();
const vitest = path.join(root, 'node_modules', '.bin', 'vitest');

/** Runs one project's files, echoing the output; resolves to { code, lines }. */
function runProject(project, list) {
  const vitestArgs = ['run', '--project', project, ...list];
  // Suites that start servers run in a private network namespace, loopback only (as scripts/runTests.mjs does).
  const [cmd, cmdArgs] =
    project !== 'unit' && netns
      ? ['unshare', ['-n', 'sh', '-c', `ip link set lo up && exec ${[vitest, ...vitestArgs].map((a) => JSON.stringify(a)).join(' ')}`]]
      : [vitest, vitestArgs];
  console.log(`\n=== hardening ${project}: ${list.join(' ')}`);
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let text = '';
    child.stdout.on('data', (d) => {
      process.stdout.write(d);
      text += d;
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), text }));
  });
}

const ANSI = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g');
const AREA_LINE = new RegExp(`^(${AREAS.join('|')})(?: \\([^)]*\\))?: `);

const failedRuns = [];
const lines = [];
for (const project of projects) {
  const list = files.filter((f) => f.startsWith(`test/${project}/`));
  if (!list.length) continue;
  const { code, text } = await runProject(project, list);
  if (code !== 0) failedRuns.push(`${project} tests (exit ${code})`);
  for (const raw of text.replace(ANSI, '').split('\n')) if (AREA_LINE.test(raw.trim())) lines.push(raw.trim());
}

const num = (s) => Number(s);
/** Each area's rule: the figures of its lines added up, and whether they are as they must be. */
const RULES = {
  corpus: {
    re: /(\d+) files tried \/ (\d+) clear errors \/ unclear errors (\d+) \/ crashes (\d+) \/ hangs (\d+)/,
    add: (a, m) => ({ tried: (a.tried ?? 0) + num(m[1]), clear: (a.clear ?? 0) + num(m[2]), unclear: (a.unclear ?? 0) + num(m[3]), crashes: (a.crashes ?? 0) + num(m[4]), hangs: (a.hangs ?? 0) + num(m[5]) }),
    off: (s) => [s.tried < 150 && `only ${s.tried} files tried (at least 150)`, s.unclear && `${s.unclear} unclear errors`, s.crashes && `${s.crashes} crashes`, s.hangs && `${s.hangs} hangs`],
    line: (s) => `corpus: ${s.tried} files tried / ${s.clear} clear errors / unclear errors ${s.unclear} / crashes ${s.crashes} / hangs ${s.hangs}`,
  },
  fuzz: {
    re: /(\d+) cases \/ crashes (\d+)/,
    add: (a, m) => ({ cases: (a.cases ?? 0) + num(m[1]), crashes: (a.crashes ?? 0) + num(m[2]) }),
    off: (s) => [!s.cases && 'no case ran', s.crashes && `${s.crashes} crashes`],
    line: (s) => `fuzz: ${s.cases} cases / crashes ${s.crashes}`,
  },
  faults: {
    parse: (l) => parseFaultLine(l),
    add: (a, f) => {
      const outcomes = { ...(a.outcomes ?? {}) };
      for (const [k, v] of Object.entries(f.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v;
      return { injected: (a.injected ?? 0) + f.injected, outcomes, corrupt: (a.corrupt ?? 0) + f.corruptEntries, lost: (a.lost ?? 0) + f.lostInstances, incomplete: (a.incomplete ?? 0) + f.incompleteServed };
    },
    off: (s) => [!s.injected && 'no fault injected', s.outcomes.unresolved && `${s.outcomes.unresolved} unresolved`, s.corrupt && `${s.corrupt} corrupt entries`, s.lost && `${s.lost} lost instances`, s.incomplete && `${s.incomplete} incomplete served`],
    line: (s) => `faults: ${s.injected} injected × {${Object.entries(s.outcomes).map(([k, v]) => `${k} ${v}`).join(', ')}} / corrupt entries ${s.corrupt} / lost instances ${s.lost} / incomplete served ${s.incomplete}`,
  },
  journal: {
    re: /(\d+) damage cases \/ (\d+) detected \/ (?:user state kept (\d+)|(\d+) user state kept)/,
    add: (a, m) => ({ cases: (a.cases ?? 0) + num(m[1]), detected: (a.detected ?? 0) + num(m[2]), kept: (a.kept ?? 0) + num(m[3] ?? m[4]) }),
    off: (s) => [!s.cases && 'no damage case', s.detected < s.cases && `${s.cases - s.detected} not detected`, s.kept < s.cases && `user state lost in ${s.cases - s.kept}`],
    line: (s) => `journal: ${s.cases} damage cases / ${s.detected} detected / ${s.kept} user state kept`,
  },
  load: {
    re: /(\d+) requests \/ errors (\d+) \/ p99 event-loop lag ([\d.]+) ?ms/,
    add: (a, m) => ({ requests: (a.requests ?? 0) + num(m[1]), errors: (a.errors ?? 0) + num(m[2]), lag: Math.max(a.lag ?? 0, num(m[3])) }),
    off: (s) => [!s.requests && 'no request made', s.errors && `${s.errors} errors`],
    line: (s) => `load: ${s.requests} requests / errors ${s.errors} / p99 event-loop lag ${s.lag} ms`,
  },
};

console.log('\n=== Hardening summary');
for (const l of lines) console.log(`  ${l}`);
let off = 0;
for (const area of AREAS) {
  const rule = RULES[area];
  const own = lines.filter((l) => l.replace(/ \([^)]*\):/, ':').startsWith(`${area}: `));
  if (!own.length) {
    console.log(projectArg ? `${area}: no figures (not built yet, or its tests are outside --project ${projectArg})` : `${area}: not built yet`);
    off++;
    continue;
  }
  let sum = {};
  const unreadable = [];
  for (const l of own) {
    const m = rule.parse ? rule.parse(l) : rule.re.exec(l);
    if (m) sum = rule.add(sum, m);
    else unreadable.push(l);
  }
  const problems = [...(Object.keys(sum).length ? rule.off(sum) : []), ...unreadable.map((l) => `unreadable figures "${l}"`)].filter(Boolean);
  if (!Object.keys(sum).length) problems.push('no readable figures');
  if (problems.length) off++;
  console.log(`${Object.keys(sum).length ? rule.line(sum) : `${area}: ?`}${problems.length ? `   OFF: ${problems.join('; ')}` : ''}`);
}
for (const f of failedRuns) console.log(`FAILED: ${f}`);
console.log(`hardening: ${AREAS.length - off} of ${AREAS.length} areas as they must be${failedRuns.length ? `, ${failedRuns.length} test runs failed` : ''}`);
process.exit(off || failedRuns.length ? 1 : 0);
