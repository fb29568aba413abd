/**
 * How report values read (issue #19): a NUM as written with its unit in the usual symbol ("12.3 mm", "45°", "HU",
 * "mm²"), nothing after a dimensionless value, the qualifier when there is no number; dates and times per language.
 */
import { describe, expect, it } from 'vitest';
import { codeText, contentWhen, dateText, dateTimeText, numberText, numValueText, timeText, unitText } from '../../../../../../renderer/features/reports/model/format';

const ucum = (value: string, meaning = value) => ({ value, scheme: 'UCUM', meaning });

describe('report value formatting', () => {
  it('writes a UCUM unit as its symbol, and other units by their meaning', () => {
    expect(unitText(ucum('mm', 'millimeter'))).toBe('mm');
    expect(unitText(ucum('mm2', 'square millimeter'))).toBe('mm²');
    expect(unitText(ucum("[hnsf'U]", 'Hounsfield unit'))).toBe('HU');
    expect(unitText(ucum('deg', 'degree'))).toBe('°');
    expect(unitText(ucum('mg/dL', 'milligram per deciliter'))).toBe('mg/dL');
    expect(unitText(ucum('1', 'no units'))).toBe('');
    expect(unitText(ucum('{ratio}', 'ratio'))).toBe('');
    expect(unitText(ucum('[in_i]', 'inch'))).toBe('inch');
    expect(unitText({ value: '99X', scheme: '99LOCAL', meaning: 'counts per second' })).toBe('counts per second');
    expect(unitText(undefined)).toBe('');
  });

  it('keeps the number as written, else the float to 6 digits, else the qualifier', () => {
    expect(numberText({ valueText: '12.30', value: 12.3 })).toBe('12.30');
    expect(numberText({ valueText: '+5' })).toBe('5');
    expect(numberText({ value: 0.1 + 0.2 })).toBe('0.3');
    expect(numberText({ qualifier: { value: '114006', scheme: 'DCM', meaning: 'Measurement failure' } })).toBe('Measurement failure');
  });

  it('puts the unit after the number: a space before most, none before ° and %', () => {
    expect(numValueText({ valueText: '12.3', unit: ucum('mm', 'millimeter') })).toBe('12.3 mm');
    expect(numValueText({ valueText: '-12', unit: ucum("[hnsf'U]") })).toBe('-12 HU');
    expect(numValueText({ valueText: '45', unit: ucum('deg') })).toBe('45°');
    expect(numValueText({ valueText: '30', unit: ucum('%') })).toBe('30%');
    expect(numValueText({ valueText: '0.82', unit: ucum('1') })).toBe('0.82');
    // No number: the qualifier alone, not "Value unknown mm".
    expect(numValueText({ qualifier: { value: '114000', scheme: 'DCM', meaning: 'Not a number' }, unit: ucum('mm') })).toBe('Not a number');
  });

  it('names a code by its meaning, or its value when the meaning is empty', () => {
    expect(codeText({ value: '45653009', scheme: 'SCT', meaning: 'Upper lobe of right lung' })).toBe('Upper lobe of right lung');
    expect(codeText({ value: 'X1', scheme: '99L', meaning: ' ' })).toBe('X1');
    expect(codeText(undefined)).toBe('');
  });

  it('writes dates and times as each language does, and odd values as written', () => {
    expect(dateText('20260102', 'en')).toBe('2026-01-02');
    expect(dateText('20260102', 'ja')).toBe('2026/01/02');
    expect(dateText('2026-1-2', 'en')).toBe('2026-1-2');
    expect(timeText('091500')).toBe('09:15');
    expect(timeText('091533.123')).toBe('09:15:33');
    expect(timeText('0915')).toBe('09:15');
    expect(dateTimeText('20260102091500.000+0900', 'ja')).toBe('2026/01/02 09:15');
    expect(dateTimeText('20260102', 'en')).toBe('2026-01-02');
    expect(contentWhen('20260102', '091500', 'en')).toBe('2026-01-02 09:15');
    expect(contentWhen(undefined, '091500', 'en')).toBe('');
  });
});
