/**
 * A real Orthanc (with the DICOMweb plugin) as the PACS in integration tests: own temp folder, free ports,
 * the config from docs/testing.md. Every started Orthanc is tracked and killed when the test process
 * exits, and a detached watchdog kills it even if the test process itself is killed (SIGKILL, worker
 * teardown), so a failing or aborted test never leaves an Orthanc behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs, rmSync } from 'node:fs';
import path from 'node:path';
import { freePorts, waitForPort } from './freePort';
import { makeTempDir, removeDir } from './tempDir';

export interface OrthancOptions {
  /** Orthanc's "Name" (shown in /system). Default "TestPACS". */
  name?: string;
  /** The DICOM AE title. Default "ORTHANC". */
  aet?: string;
  /** Turns HTTP basic authentication on with one registered user. */
  auth?: { user: string; password: string };
  /** DicomModalities entries, e.g. { DOKUEI: ['DOKUEI', '127.0.0.1', 11112] }. */
  modalities?: Record<string, [string, string, number]>;
  /** Merged over the generated configuration (top level). */
  extraConfig?: Record<string, unknown>;
  /** How long to wait for GET /system. Default 20 s. */
  startTimeoutMs?: number;
}

export interface OrthancInstance {
  httpPort: number;
  dicomPort: number;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** baseUrl + '/dicom-web' */
  dicomwebUrl: string;
  aet: string;
  /** The temp folder holding the config and the database. */
  dir: string;
  /** Headers to send on every HTTP request (Authorization when auth is on, else empty). */
  authHeaders: Record<string, string>;
  /** POST /instances with one Part 10 file (path or bytes); throws unless Orthanc stored it. */
  upload(file: string | Uint8Array): Promise<void>;
  /** Uploads the files directly in dir that pass filter (default: names ending in .dcm); returns how many. */
  uploadDir(dir: string, filter?: (fileName: string) => boolean): Promise<number>;
  /** The last lines Orthanc wrote to stdout/stderr (for error messages). */
  logTail(): string;
  /** SIGTERM, wait for exit (SIGKILL after 10 s), remove the temp folder. Safe to call twice. */
  stop(): Promise<void>;
}

const ORTHANC_BIN = process.env.ORTHANC_BIN ?? (existsSync('/usr/sbin/Orthanc') ? '/usr/sbin/Orthanc' : 'Orthanc');
const DICOMWEB_PLUGIN = process.env.ORTHANC_DICOMWEB_PLUGIN ?? '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
const LOG_TAIL_BYTES = 8192;
const STOP_GRACE_MS = 10000;

interface Tracked {
  child: ChildProcess;
  watchdog: ChildProcess | undefined;
  dir: string;
}

const live = new Set<Tracked>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: kill hard and remove the folders right away.
  process.on('exit', () => {
    for (const t of live) {
      try {
        t.child.kill('SIGKILL');
      } catch {
        // already gone
      }
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

/**
 * A detached shell that waits for its stdin (a pipe from this process) to close, then kills the pid.
 * The pipe closes when this process dies for any reason, including the SIGTERM/SIGKILL with which test
 * runners end their workers (no 'exit' hook runs then). Nobody is left to care about a graceful shutdown
 * and the database is thrown away, so it kills at once and removes the temp folder. A normal stop()
 * kills the watchdog first, so it never acts then.
 */
const WATCHDOG_SCRIPT = ['read _ignored', 'kill -KILL "$1" 2>/dev/null', 'sleep 0.2', 'rm -rf -- "$2"', 'exit 0'].join('\n');

function startWatchdog(pid: number, dir: string): ChildProcess | undefined {
  try {
    const dog = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT, 'orthanc-watchdog', String(pid), dir], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    dog.on('error', () => {});
    dog.stdin?.on('error', () => {});
    dog.unref();
    (dog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    return dog;
  } catch {
    return undefined;
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Waits (briefly) until the child's stdout/stderr are drained, so its last words are in the log. */
function drained(closed: Promise<void>): Promise<void> {
  return Promise.race([closed, new Promise<void>((r) => setTimeout(r, 2000))]);
}

class PortInUse extends Error {}

async function launch(opts: OrthancOptions, dir: string): Promise<OrthancInstance> {
  const [httpPort, dicomPort] = (await freePorts(2)) as [number, number];
  const aet = opts.aet ?? 'ORTHANC';
  const dbDir = path.join(dir, 'db');
  const config: Record<string, unknown> = {
    Name: opts.name ?? 'TestPACS',
    StorageDirectory: dbDir,
    IndexDirectory: dbDir,
    Plugins: [DICOMWEB_PLUGIN],
    HttpPort: httpPort,
    RemoteAccessAllowed: false,
    AuthenticationEnabled: !!opts.auth,
    ...(opts.auth ? { RegisteredUsers: { [opts.auth.user]: opts.auth.password } } : {}),
    DicomServerEnabled: true,
    DicomAet: aet,
    DicomPort: dicomPort,
    DicomCheckCalledAet: false,
    DicomAlwaysAllowEcho: true,
    DicomAlwaysAllowStore: true,
    DicomAlwaysAllowFind: true,
    DicomAlwaysAllowMove: true,
    DicomModalities: opts.modalities ?? {},
    StableAge: 2,
    DicomWeb: {
      Enable: true,
      Root: '/dicom-web/',
      EnableWado: true,
      WadoRoot: '/wado',
      StudiesMetadata: 'Full',
      SeriesMetadata: 'Full',
    },
    ...opts.extraConfig,
  };
  const configPath = path.join(dir, `orthanc-${httpPort}.json`);
  await fs.writeFile(configPath, JSON.stringify(config, null, 2));

  let log = '';
  const append = (chunk: Buffer) => {
    log += chunk.toString('utf8');
    if (log.length > LOG_TAIL_BYTES * 2) log = log.slice(-LOG_TAIL_BYTES);
  };
  const logTail = () => log.slice(-LOG_TAIL_BYTES);

  installExitHook();
  const child = spawn(ORTHANC_BIN, [configPath], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  let spawnError: Error | undefined;
  child.on('error', (err) => (spawnError = err));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const tracked: Tracked = { child, watchdog: child.pid ? startWatchdog(child.pid, dir) : undefined, dir };
  live.add(tracked);

  const authHeaders: Record<string, string> = opts.auth
    ? { Authorization: `Basic ${Buffer.from(`${opts.auth.user}:${opts.auth.password}`).toString('base64')}` }
    : {};
  const baseUrl = `http://127.0.0.1:${httpPort}`;

  let stopped: Promise<void> | undefined;
  const stopProcess = (): Promise<void> =>
    (stopped ??= (async () => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited(child);
        clearTimeout(timer);
      }
      tracked.watchdog?.kill('SIGKILL');
      live.delete(tracked);
    })());

  // Ready when GET /system answers; fail early (with Orthanc's own words) if it exits meanwhile.
  const timeoutMs = opts.startTimeoutMs ?? 20000;
  const deadline = Date.now() + timeoutMs;
  let ready = false;
  while (!ready) {
    if (spawnError) {
      await stopProcess();
      throw new Error(`Could not start ${ORTHANC_BIN}: ${spawnError.message}`);
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      await stopProcess();
      await drained(closed);
      const tail = logTail();
      const why = `Orthanc exited during start-up (code ${child.exitCode}, signal ${child.signalCode}). Its output:\n${tail}`;
      if (/already in use|cannot bind/i.test(tail)) throw new PortInUse(why);
      throw new Error(why);
    }
    if (Date.now() > deadline) {
      await stopProcess();
      throw new Error(`Orthanc did not answer GET ${baseUrl}/system within ${timeoutMs} ms. Its output:\n${logTail()}`);
    }
    try {
      const res = await fetch(`${baseUrl}/system`, { headers: authHeaders, signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      ready = res.ok;
    } catch {
      // not listening yet
    }
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }
  try {
    await waitForPort(dicomPort, Math.max(1000, deadline - Date.now()));
  } catch (err) {
    await stopProcess();
    throw new Error(`${(err as Error).message} (Orthanc's DICOM port). Its output:\n${logTail()}`, { cause: err });
  }

  // A missing plugin is only logged by Orthanc: check that DICOMweb is really there.
  const plugins = await fetch(`${baseUrl}/plugins`, { headers: authHeaders }).then((r) => r.json() as Promise<unknown>).catch(() => undefined);
  if (!Array.isArray(plugins) || !plugins.includes('dicom-web')) {
    await stopProcess();
    throw new Error(`Orthanc started without the DICOMweb plugin (${DICOMWEB_PLUGIN}); GET /plugins: ${JSON.stringify(plugins)}. Its output:\n${logTail()}`);
  }

  async function upload(file: string | Uint8Array): Promise<void> {
    const bytes: Uint8Array<ArrayBuffer> = typeof file === 'string' ? new Uint8Array(await fs.readFile(file)) : new Uint8Array(file);
    const res = await fetch(`${baseUrl}/instances`, {
      method: 'POST',
      headers: { ...authHeaders, 'Content-Type': 'application/dicom', 'Accept-Encoding': 'identity' },
      body: bytes,
    });
    const text = await res.text();
    const what = typeof file === 'string' ? file : `${bytes.byteLength} bytes`;
    if (!res.ok) throw new Error(`Orthanc refused ${what}: HTTP ${res.status} ${text.slice(0, 500)}`);
    let status: unknown;
    try {
      status = (JSON.parse(text) as { Status?: unknown }).Status;
    } catch (err) {
      throw new Error(`Orthanc answered the upload of ${what} with non-JSON: ${text.slice(0, 200)}`, { cause: err });
    }
    if (status !== 'Success' && status !== 'AlreadyStored') throw new Error(`Orthanc did not store ${what}: ${text.slice(0, 500)}`);
  }

  async function uploadDir(dir: string, filter: (fileName: string) => boolean = (f) => f.toLowerCase().endsWith('.dcm')): Promise<number> {
    const names = (await fs.readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && filter(e.name)).map((e) => e.name).sort();
    let next = 0;
    const worker = async () => {
      while (next < names.length) await upload(path.join(dir, names[next++]!));
    };
    await Promise.all(Array.from({ length: Math.min(4, names.length) }, worker));
    return names.length;
  }

  return {
    httpPort,
    dicomPort,
    baseUrl,
    dicomwebUrl: `${baseUrl}/dicom-web`,
    aet,
    dir,
    authHeaders,
    upload,
    uploadDir,
    logTail,
    stop: async () => {
      await stopProcess();
      await removeDir(dir);
    },
  };
}

export async function startOrthanc(opts: OrthancOptions = {}): Promise<OrthancInstance> {
  const dir = await makeTempDir('dokuei-orthanc-');
  try {
    // A port found free can be taken before Orthanc binds it: retry with fresh ports in that case only.
    for (let attempt = 1; ; attempt++) {
      try {
        return await launch(opts, dir);
      } catch (err) {
        if (!(err instanceof PortInUse) || attempt >= 3) throw err;
        await fs.rm(path.join(dir, 'db'), { recursive: true, force: true });
      }
    }
  } catch (err) {
    await removeDir(dir);
    throw err;
  }
}
