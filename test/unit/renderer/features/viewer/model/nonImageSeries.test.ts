import { describe, expect, it } from 'vitest';
import { nonImageKind, nonImageKindText, nonImageLabel, whyNotOpened } from '../../../../../../renderer/features/viewer/model/nonImageSeries';
import { uiText } from '../../../../../support/uiText';

const en = uiText('en');
const ja = uiText('ja');

describe('non-image series', () => {
  it('knows what REG, SEG, RWVM, SR, PR are and leaves image modalities alone', () => {
    expect(nonImageKind('REG')).toBe('Spatial registration');
    expect(nonImageKind(' seg ')).toBe('Segmentation');
    expect(nonImageKind('RWVM')).toBe('Real world value mapping');
    expect(nonImageKind('SR')).toBe('Structured report');
    expect(nonImageKind('PR')).toBe('Presentation state');
    for (const m of ['CT', 'MR', 'PT', 'NM', 'US', 'CR', 'DX', 'MG', 'OT', 'SC', 'RTDOSE', '', undefined]) expect(nonImageKind(m)).toBeUndefined();
  });

  it('names every non-image modality in both languages, the English as common/ says it', () => {
    for (const m of ['REG', 'SEG', 'RWVM', 'SR', 'PR', 'KO', 'RTSTRUCT', 'RTPLAN', 'RTRECORD', 'DOC', 'FID', 'PLAN', 'AU', 'ECG', 'HD']) {
      expect(nonImageKindText(en, m)).toBe(nonImageKind(m));
      expect(nonImageKindText(ja, m)).toMatch(/[\u3040-\u30ff\u3400-\u9fff]/);
    }
    expect(nonImageKindText(en, 'CT')).toBeUndefined();
  });

  it('labels tiles and says why they do not open', () => {
    expect(nonImageLabel(en, 'REG')).toBe('REG · Spatial registration');
    expect(nonImageLabel(en, 'SEG')).toBe('SEG · Segmentation');
    expect(nonImageLabel(en, 'SEG', 2)).toBe('SEG · 2 segments');
    expect(nonImageLabel(en, 'SEG', 1)).toBe('SEG · 1 segment');
    expect(whyNotOpened(en, 'SR', '')).toBe('This series is SR (Structured report), not an image series: there is nothing to show in a viewport.');
  });

  it('words them in Japanese for a Japanese reader', () => {
    expect(nonImageLabel(ja, 'REG')).toBe('REG · 位置合わせ');
    expect(nonImageLabel(ja, 'SEG', 2)).toBe('SEG · 2 セグメント');
    expect(whyNotOpened(ja, 'SR', '報告書')).toBe('「報告書」は SR（構造化レポート）で、画像シリーズではありません：ビューポートに表示するものがありません。');
  });
});
