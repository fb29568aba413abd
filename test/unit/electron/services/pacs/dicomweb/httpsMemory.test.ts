/**
 * The record of nodes used over https: kept in <dataDir>/https-nodes.json across restarts, the first record
 * kept, an entry deleted by hand allows http again at once, and an unreadable file is reported, not ignored.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileHttpsMemory, HTTPS_MEMORY_FILE } from '../../../../../../electron/services/pacs/dicomweb/httpsMemory';
import { checkNoDowngrade } from '../../../../../../electron/services/pacs/dicomweb/transportPolicy';
import { DicomwebNodeSettings } from '../../../../../../electron/services/settings/settings';
import { makeTempDir, removeDir } from '../../../../../support/tempDir';

const httpNode = DicomwebNodeSettings.parse({ id: 'ward', name: 'Ward PACS', kind: 'dicomweb', url: 'http://pacs.ward.example/dicom-web' });

describe('FileHttpsMemory', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await removeDir(d);
  });
  const dataDir = async () => {
    const d = await makeTempDir('dokuei-https-memory-');
    dirs.push(d);
    return d;
  };

  it('survives a restart, keeps the first record, and says which file to edit', async () => {
    const dir = await dataDir();
    new FileHttpsMemory(dir, () => new Date('2025-01-02T03:04:05Z')).remember('ward', 'https://pacs.ward.example:8443/dicom-web');
    const later = new FileHttpsMemory(dir, () => new Date('2026-01-01T00:00:00Z'));
    later.remember('ward', 'https://other.example/dicom-web');
    expect(later.get('ward')).toEqual({ url: 'https://pacs.ward.example:8443', since: '2025-01-02T03:04:05.000Z' });
    expect(later.get('lab')).toBeUndefined();
    const err = (() => {
      try {
        checkNoDowngrade(httpNode, later);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toContain(`delete the entry "ward" from ${path.join(dir, HTTPS_MEMORY_FILE)} (or the whole file)`);
    // A person can read it: no secrets, no patient data.
    expect(JSON.parse(await fs.readFile(path.join(dir, HTTPS_MEMORY_FILE), 'utf8'))).toEqual({
      version: 1,
      nodes: { ward: { url: 'https://pacs.ward.example:8443', since: '2025-01-02T03:04:05.000Z' } },
    });
  });

  it('allows http again as soon as the entry is deleted, without a restart', async () => {
    const dir = await dataDir();
    const memory = new FileHttpsMemory(dir);
    memory.remember('ward', 'https://pacs.ward.example/dicom-web');
    memory.remember('lab', 'https://lab.example/dicom-web');
    expect(() => checkNoDowngrade(httpNode, memory)).toThrow(/refusing to downgrade/);
    const file = path.join(dir, HTTPS_MEMORY_FILE);
    const content = JSON.parse(await fs.readFile(file, 'utf8')) as { nodes: Record<string, unknown> };
    delete content.nodes.ward;
    await fs.writeFile(file, JSON.stringify(content));
    expect(() => checkNoDowngrade(httpNode, memory)).not.toThrow();
    expect(memory.get('lab')).toBeDefined();
  });

  it('refuses http with a clear message when the file cannot be read, rather than forgetting', async () => {
    const dir = await dataDir();
    await fs.writeFile(path.join(dir, HTTPS_MEMORY_FILE), '{"nodes": {"ward": ');
    expect(() => checkNoDowngrade(httpNode, new FileHttpsMemory(dir))).toThrow(
      new RegExp(`^Ward PACS: The list of nodes used over https, ${path.join(dir, HTTPS_MEMORY_FILE).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, cannot be read .*delete the file to start a new list$`),
    );
    await fs.writeFile(path.join(dir, HTTPS_MEMORY_FILE), '[]');
    expect(() => new FileHttpsMemory(dir).get('ward')).toThrow(/is not in the expected form: delete the file/);
  });
});
