/** Person names and dates per language (issue #18): kanji first in Japanese, alphabetic first in English. */
import { describe, expect, it } from 'vitest';
import { displayDate, displayPersonName, personNameTooltip } from '../../../../../renderer/ui/i18n/personName';

const yamada = { Alphabetic: 'Yamada^Tarou', Ideographic: '山田^太郎', Phonetic: 'やまだ^たろう' };

describe('displayPersonName', () => {
  it('puts the ideographic group first in Japanese and the alphabetic one first in English', () => {
    expect(displayPersonName(yamada, 'ja')).toBe('山田 太郎 (Yamada Tarou)');
    expect(displayPersonName(yamada, 'en')).toBe('Yamada Tarou (山田 太郎)');
  });
  it('shows the one group there is, the phonetic one last of all', () => {
    expect(displayPersonName({ Alphabetic: 'Buc^Jérôme' }, 'ja')).toBe('Buc Jérôme');
    expect(displayPersonName({ Ideographic: '王^小東' }, 'en')).toBe('王 小東');
    expect(displayPersonName({ Phonetic: 'やまだ^たろう' }, 'ja')).toBe('やまだ たろう');
    expect(displayPersonName(undefined, 'en')).toBe('');
  });
  it('gives every group in the tooltip, the phonetic included', () => {
    expect(personNameTooltip(yamada)).toBe('Yamada^Tarou = 山田^太郎 = やまだ^たろう');
    expect(personNameTooltip({ Alphabetic: 'A^B' })).toBe('A^B');
  });
});

describe('displayDate', () => {
  it('writes a DICOM date as each language does, and anything else as it came', () => {
    expect(displayDate('20240501', 'ja')).toBe('2024/05/01');
    expect(displayDate('20240501', 'en')).toBe('2024-05-01');
    expect(displayDate('2024', 'en')).toBe('2024');
    expect(displayDate(undefined, 'ja')).toBe('');
  });
});
