/**
 * Which DICOMweb nodes have been used over https, by node id, so that a node is never silently downgraded
 * to plain http (in the spirit of HSTS, RFC 6797): a settings.json edited by mistake, or by someone who
 * wants to read the traffic, must not turn an encrypted connection into a readable one.
 *
 * Kept in a small JSON file in the data folder, `https-nodes.json`: it holds node ids, URLs and dates, no
 * patient data and no secrets, and a person can read it and delete an entry to allow http again.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface HttpsRecord {
  /** The https origin the node was first used at. */
  url: string;
  /** When (ISO 8601). */
  since: string;
}

export interface HttpsMemory {
  /** The record for a node, or undefined when it has never been used over https. Throws when the record cannot be read. */
  get(nodeId: string): HttpsRecord | undefined;
  /** Notes that the node answered over https at `url` (keeps the first record). */
  remember(nodeId: string, url: string): void;
  /** What a person does to allow http for this node again (ends the downgrade refusal's message). */
  clearHint(nodeId: string): string;
}

export const HTTPS_MEMORY_FILE = 'https-nodes.json';

interface FileShape {
  version: 1;
  nodes: Record<string, HttpsRecord>;
}

const originOf = (url: string): string => new URL(url).origin;

/** For tests and one-off runs: forgotten when the process ends. */
export class MemoryHttpsMemory implements HttpsMemory {
  private readonly records = new Map<string, HttpsRecord>();
  constructor(private readonly now: () => Date = () => new Date()) {}
  get(nodeId: string): HttpsRecord | undefined {
    return this.records.get(nodeId);
  }
  remember(nodeId: string, url: string): void {
    if (!this.records.has(nodeId)) this.records.set(nodeId, { url: originOf(url), since: this.now().toISOString() });
  }
  clearHint(): string {
    return 'restart Dokuei (this record is kept in memory only)';
  }
}

/** `<dataDir>/https-nodes.json`; read on every get (it is tiny), so deleting an entry takes effect at once. */
export class FileHttpsMemory implements HttpsMemory {
  readonly file: string;

  constructor(
    dataDir: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.file = path.join(dataDir, HTTPS_MEMORY_FILE);
  }

  get(nodeId: string): HttpsRecord | undefined {
    const records = this.read();
    return Object.hasOwn(records, nodeId) ? records[nodeId] : undefined;
  }

  remember(nodeId: string, url: string): void {
    // Read again just before writing: the CLI and the app may both be running on the same data folder.
    const records = this.read();
    if (Object.hasOwn(records, nodeId)) return;
    records[nodeId] = { url: originOf(url), since: this.now().toISOString() };
    const body: FileShape = { version: 1, nodes: records };
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(body, null, 2)}\n`);
    renameSync(tmp, this.file);
  }

  clearHint(nodeId: string): string {
    return `delete the entry "${nodeId}" from ${this.file} (or the whole file)`;
  }

  private read(): Record<string, HttpsRecord> {
    if (!existsSync(this.file)) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch (err) {
      throw new Error(`The list of nodes used over https, ${this.file}, cannot be read (${(err as Error).message}): delete the file to start a new list`, { cause: err });
    }
    const nodes = (parsed as Partial<FileShape> | null)?.nodes;
    if (!nodes || typeof nodes !== 'object' || Array.isArray(nodes)) {
      throw new Error(`The list of nodes used over https, ${this.file}, is not in the expected form: delete the file to start a new list`);
    }
    const records: Record<string, HttpsRecord> = {};
    for (const [id, r] of Object.entries(nodes as Record<string, unknown>)) {
      const rec = r as Partial<HttpsRecord> | null;
      // A hand-edited entry keeps its meaning ("this node was used over https") even with odd fields.
      records[id] = { url: typeof rec?.url === 'string' ? rec.url : 'https://', since: typeof rec?.since === 'string' ? rec.since : 'an earlier run' };
    }
    return records;
  }
}
