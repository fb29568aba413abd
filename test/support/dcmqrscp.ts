/**
 * dcmtk's dcmqrscp as a second, independent DIMSE Q/R SCP in integration tests: own temp folder with a
 * generated dcmqrscp.cfg, a free port, its storage area inside the folder, and a HostTable naming the
 * C-MOVE destinations it may send to. Unlike Orthanc it answers C-FIND with the bytes it stored (no
 * character set conversion). Seeded with dcmtk's storescu.
 *
 * It forks a child per association (its --single-process mode crashes with SIGSEGV after the first
 * C-STORE association in dcmtk 3.6.7), so it runs in its own process group and stops are sent to the group.
 * The group is killed when the test process exits, and a detached watchdog kills it even when the test
 * process itself is killed (as orthanc.ts does for Orthanc).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promises as fs, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForPort } from './freePort';
import { makeTempDir, removeDir } from './tempDir';

const run = promisify(execFile);
const LOG_TAIL_BYTES = 8192;
const STOP_GRACE_MS = 5000;

export interface DcmqrscpOptions {
  /** Its AE title. Default "DCMQR". */
  aet?: string;
  /** C-MOVE destinations it knows: AE title → port on 127.0.0.1 (e.g. our StoreScp). */
  moveDestinations?: Record<string, number>;
  /** How long to wait for its port. Default 15 s. */
  startTimeoutMs?: number;
}

export interface DcmqrscpInstance {
  port: number;
  aet: string;
  dir: string;
  /** C-STOREs the files with storescu (calling AE "SEEDER"); throws with storescu's output if it fails. */
  store(files: readonly string[]): Promise<void>;
  logTail(): string;
  /** SIGTERM, wait (SIGKILL after 5 s), remove the temp folder. Safe to call twice. */
  stop(): Promise<void>;
}

const live = new Set<{ child: ChildProcess; watchdog?: ChildProcess; dir: string }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const t of live) {
      killGroup(t.child, 'SIGKILL');
      try {
        t.watchdog?.kill('SIGKILL');
      } catch {
        // already gone
      }
      try {
        rmSync(t.dir, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  });
}

/** Signals dcmqrscp and the children it forked (its process group, which it leads). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Waits for its stdin (a pipe from us) to close — i.e. for this process to die — then kills the group. */
const WATCHDOG_SCRIPT = ['read _ignored', 'kill -KILL -- "-$1" 2>/dev/null', 'sleep 0.2', 'rm -rf -- "$2"', 'exit 0'].join('\n');

function startWatchdog(pid: number, dir: string): ChildProcess | undefined {
  try {
    const dog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'dcmqrscp-watchdog', String(pid), dir], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    dog.on('error', () => {});
    dog.stdin?.on('error', () => {});
    dog.unref();
    (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return dog;
  } catch {
    return undefined;
  }
}

function configText(port: number, aet: string, storage: string, destinations: Record<string, number>): string {
  const hosts = Object.entries(destinations).map(([ae, p], i) => `dest${i} = (${ae}, 127.0.0.1, ${p})`);
  return [
    `NetworkTCPPort  = ${port}`,
    'MaxPDUSize      = 65536',
    'MaxAssociations = 16',
    '',
    'HostTable BEGIN',
    ...hosts,
    'HostTable END',
    '',
    'VendorTable BEGIN',
    'VendorTable END',
    '',
    'AETable BEGIN',
    // Read/write, any peer may query, retrieve and store; room for a few thousand instances.
    `${aet}  ${storage}  RW  (500, 1024mb)  ANY`,
    'AETable END',
    '',
  ].join('\n');
}

async function launch(opts: DcmqrscpOptions, dir: string): Promise<DcmqrscpInstance> {
  const aet = opts.aet ?? 'DCMQR';
  const port = await freePort();
  const storage = path.join(dir, 'storage');
  await fs.mkdir(storage, { recursive: true });
  const cfg = path.join(dir, 'dcmqrscp.cfg');
  await fs.writeFile(cfg, configText(port, aet, storage, opts.moveDestinations ?? {}));

  let log = '';
  const append = (chunk: Buffer) => {
    log += chunk.toString('utf8');
    if (log.length > LOG_TAIL_BYTES * 2) log = log.slice(-LOG_TAIL_BYTES);
  };
  const logTail = () => log.slice(-LOG_TAIL_BYTES);

  installExitHook();
  // -dhl: no reverse DNS lookups (slow, and pointless on loopback). detached: leader of its own group.
  const child = spawn('dcmqrscp', ['-dhl', '-v', '-c', cfg], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  let spawnError: Error | undefined;
  child.on('error', (err) => (spawnError = err));
  const tracked = { child, watchdog: child.pid ? startWatchdog(child.pid, dir) : undefined, dir };
  live.add(tracked);

  let stopped: Promise<void> | undefined;
  const stopProcess = (): Promise<void> =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      // Children still serving an association when the parent went: end them too.
      killGroup(child, 'SIGKILL');
      tracked.watchdog?.kill('SIGKILL');
      live.delete(tracked);
    })());

  try {
    const timeoutMs = opts.startTimeoutMs ?? 15000;
    const exitedEarly = new Promise<never>((_, reject) =>
      child.once('exit', (code, signal) => reject(new Error(`dcmqrscp exited during start-up (code ${code}, signal ${signal}). Its output:\n${logTail()}`))),
    );
    exitedEarly.catch(() => {});
    await Promise.race([waitForPort(port, timeoutMs), exitedEarly]);
    if (spawnError) throw new Error(`Could not start dcmqrscp: ${spawnError.message}`);
  } catch (err) {
    await stopProcess();
    throw err;
  }

  async function store(files: readonly string[]): Promise<void> {
    try {
      await run('storescu', ['-aet', 'SEEDER', '-aec', aet, '127.0.0.1', String(port), ...files], { timeout: 120000 });
    } catch (err) {
      const e = err as Error & { stdout?: string; stderr?: string };
      throw new Error(`storescu to dcmqrscp failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}\ndcmqrscp:\n${logTail()}`, { cause: err });
    }
  }

  return {
    port,
    aet,
    dir,
    store,
    logTail,
    stop: async () => {
      await stopProcess();
      await removeDir(dir);
    },
  };
}

export async function startDcmqrscp(opts: DcmqrscpOptions = {}): Promise<DcmqrscpInstance> {
  const dir = await makeTempDir('dokuei-dcmqrscp-');
  try {
    // A port found free can be taken before dcmqrscp binds it: try again with a fresh one.
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(opts, dir);
      } catch (err) {
        if (attempt >= 3 || !/exited during start-up/.test((err as Error).message)) throw err;
        await fs.rm(path.join(dir, 'storage'), { recursive: true, force: true });
      }
    }
  } catch (err) {
    await removeDir(dir);
    throw err;
  }
}
