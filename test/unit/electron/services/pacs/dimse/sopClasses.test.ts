import { describe, expect, it } from 'vitest';
import { LOSSLESS_COMPRESSED_SYNTAXES, TS, UNCOMPRESSED_SYNTAXES, cGetStorageContexts, chooseScpSyntax, isStorageSopClass } from '../../../../../../electron/services/pacs/dimse/sopClasses';

describe('storage SOP classes and syntaxes', () => {
  it('fits a C-GET association: our storage contexts plus the C-GET one within 128', () => {
    const contexts = cGetStorageContexts();
    expect(contexts.length + 1).toBeLessThanOrEqual(128);
    expect(contexts.every((c) => isStorageSopClass(c.abstractSyntaxUid))).toBe(true);
    expect(contexts.some((c) => c.abstractSyntaxUid === '1.2.840.10008.5.1.4.1.1.2')).toBe(true);
  });

  it('never proposes a lossy syntax for C-GET', () => {
    const offered = new Set(cGetStorageContexts().flatMap((c) => c.transferSyntaxUids));
    expect([...offered].sort()).toEqual([...UNCOMPRESSED_SYNTAXES, ...LOSSLESS_COMPRESSED_SYNTAXES].sort());
    expect(offered.has(TS.JpegBaseline)).toBe(false);
  });

  it('accepts, as SCP, the sender\'s first syntax among those we decode', () => {
    expect(chooseScpSyntax(['1.2.840.10008.1.2.2', TS.JpegBaseline, TS.ExplicitLittle])).toBe(TS.JpegBaseline);
    expect(chooseScpSyntax(['1.2.840.10008.1.2.1.99'])).toBeUndefined();
    expect(isStorageSopClass('1.2.840.10008.1.1')).toBe(false);
  });
});
