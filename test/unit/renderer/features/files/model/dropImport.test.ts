/** The renderer's side of STOW-RS import: batching and tallying the gateway's per-part answers. */
import { describe, expect, it } from 'vitest';
import { batches, importDropped } from '../../../../../../renderer/features/files/model/dropImport';
import type { StowAnswer } from '../../../../../../renderer/platform/dicomweb';

const f = (name: string, size = 10) => ({ name, size });

describe('drop import batching', () => {
  it('cuts batches by file count and bytes, a large file alone', () => {
    const files = Array.from({ length: 20 }, (_, i) => f(`f${i}`));
    expect(batches(files).map((b) => b.length)).toEqual([16, 4]);
    expect(batches([f('a', 60), f('b', 60), f('c', 200), f('d', 1)], 16, 100).map((b) => b.map((x) => x.name))).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(batches([])).toEqual([]);
  });

  it('tallies stored, duplicate and refused parts, and a batch refused as a whole', async () => {
    const files = [f('a'), f('empty', 0), f('b'), f('c'), ...Array.from({ length: 16 }, (_, i) => f(`z${i}`))];
    const progress: string[] = [];
    const result = await importDropped(
      files,
      async (batch): Promise<StowAnswer> => {
        if (batch[0]!.name !== 'a') throw new Error('connection refused');
        return { status: 202, parts: [{ part: 1, outcome: 'stored' }, { part: 2, outcome: 'duplicate' }, { part: 3, outcome: 'failed', reason: 'bad' }] };
      },
      (sent, total) => progress.push(`${sent}/${total}`),
    );
    expect(result.imported).toBe(1);
    expect(result.duplicates).toBe(1);
    expect(result.failed).toContainEqual({ name: 'empty', reason: 'Empty file (or a folder): nothing to import' });
    expect(result.failed).toContainEqual({ name: 'c', reason: 'bad' });
    expect(result.failed).toContainEqual({ name: 'z0', reason: 'Not imported (HTTP 202)' });
    expect(result.failed).toContainEqual({ name: 'z15', reason: 'connection refused' });
    expect(result.failed).toHaveLength(2 + 12 + 4);
    const cut = await importDropped([f('x'), f('y')], async () => ({ status: 400, parts: [{ part: 1, outcome: 'stored' }], error: 'cut short' }));
    expect(cut).toEqual({ imported: 1, duplicates: 0, failed: [{ name: 'y', reason: 'cut short' }] });
    expect(progress).toEqual(['0/20', '16/20', '20/20']);
  });
});
