import { describe, expect, it } from 'vitest';
import { nonImageKind, nonImageLabel, whyNotOpened } from '../../../../../../renderer/features/viewer/model/nonImageSeries';

describe('non-image series', () => {
  it('knows what REG, SEG, RWVM, SR, PR are and leaves image modalities alone', () => {
    expect(nonImageKind('REG')).toBe('Spatial registration');
    expect(nonImageKind(' seg ')).toBe('Segmentation');
    expect(nonImageKind('RWVM')).toBe('Real world value mapping');
    expect(nonImageKind('SR')).toBe('Structured report');
    expect(nonImageKind('PR')).toBe('Presentation state');
    for (const m of ['CT', 'MR', 'PT', 'NM', 'US', 'CR', 'DX', 'MG', 'OT', 'SC', 'RTDOSE', '', undefined]) expect(nonImageKind(m)).toBeUndefined();
  });

  it('labels tiles and says why they do not open', () => {
    expect(nonImageLabel('REG')).toBe('REG · Spatial registration');
    expect(nonImageLabel('SEG')).toBe('SEG · Segmentation');
    expect(nonImageLabel('SEG', 2)).toBe('SEG · 2 segments');
    expect(nonImageLabel('SEG', 1)).toBe('SEG · 1 segment');
    expect(whyNotOpened('SR', '')).toBe('This series is SR (Structured report), not an image series: there is nothing to show in a viewport.');
  });
});
