/**
 * Which Spatial Registration found in a study places the fusion's overlay on its base: the matrix as written
 * (overlay = the object's moving frame), its inverse (the base was the moving one), by images where both share a
 * frame, the newest when several apply — and the reader of the objects the writer produces.
 */
import { describe, expect, it } from 'vitest';
import { findFusionRegistration, invertRigid, readSpatialRegistrationJson, registrationWhen, type SpatialRegistrationInfo } from '../../../../common/registration/spatialRegistrationReader';
import { affineToMatrix4, applyAffine, matrix4ToAffine, rigidAffine, rotationFromEuler } from '../../../../common/registration';
import { writeSpatialRegistration } from '../../../../electron/services/registration/spatialRegistration';
import { part10ToDicomJson } from '../../../../electron/services/dicom/datasetJson';

const M = affineToMatrix4(rigidAffine(rotationFromEuler(0.1, -0.2, 0.3), [10, 20, 30], [5, -7, 2]));
const info = (over: Partial<SpatialRegistrationInfo>): SpatialRegistrationInfo => ({
  sopInstanceUid: '1.9',
  studyInstanceUid: '1.1',
  fixedFrameOfReferenceUid: 'F',
  movingFrameOfReferenceUid: 'G',
  movingInstances: [],
  matrix: M,
  matrixType: 'RIGID',
  description: '',
  contentDate: '20260101',
  contentTime: '120000',
  ...over,
});
const side = (frameOfReferenceUid: string, sopInstanceUids: string[] = []) => ({ frameOfReferenceUid, sopInstanceUids });

describe('invertRigid', () => {
  it('undoes the transform: a point mapped and mapped back is where it was', () => {
    const p: [number, number, number] = [12, -40, 77];
    const back = applyAffine(matrix4ToAffine(invertRigid(M)), applyAffine(matrix4ToAffine(M), p));
    back.forEach((x, i) => expect(x).toBeCloseTo(p[i]!, 9));
  });
});

describe('findFusionRegistration', () => {
  it('uses the matrix as is when the overlay is the moving frame, inverted when the base is', () => {
    expect(findFusionRegistration([info({})], side('F'), side('G'))).toMatchObject({ overlayToBase: M, inverted: false });
    const inv = findFusionRegistration([info({})], side('G'), side('F'))!;
    expect(inv.inverted).toBe(true);
    expect(inv.overlayToBase[0]![3]).toBeCloseTo(invertRigid(M)[0]![3]!, 12);
  });
  it('ignores registrations between other frames, and picks the newest of those that apply', () => {
    expect(findFusionRegistration([info({ movingFrameOfReferenceUid: 'H' })], side('F'), side('G'))).toBeUndefined();
    const older = info({ sopInstanceUid: 'old', contentDate: '20250101' });
    const newer = info({ sopInstanceUid: 'new', contentDate: '20260301', contentTime: '0800' });
    expect(findFusionRegistration([newer, older], side('F'), side('G'))!.info.sopInstanceUid).toBe('new');
    expect(findFusionRegistration([older, newer], side('F'), side('G'))!.info.sopInstanceUid).toBe('new');
  });
  it('in one shared frame, the side whose images the object names is the moving one', () => {
    const same = info({ movingFrameOfReferenceUid: 'F', movingInstances: ['o1'] });
    expect(findFusionRegistration([same], side('F', ['b1']), side('F', ['o1']))!.inverted).toBe(false);
    expect(findFusionRegistration([same], side('F', ['o1']), side('F', ['b1']))!.inverted).toBe(true);
    expect(findFusionRegistration([same], side('F', ['x']), side('F', ['y']))).toBeUndefined();
  });
  it('reads what the writer wrote: frames, matrix, description and date', () => {
    const ref = (frame: string, series: string) => ({ studyInstanceUid: '1.2.3', seriesInstanceUid: series, frameOfReferenceUid: frame, instances: [{ sopClassUid: '1.2.840.10008.5.1.4.1.1.4', sopInstanceUid: `${series}.1` }] });
    const bytes = writeSpatialRegistration({ fixed: ref('1.5', '1.2.3.1'), moving: ref('1.6', '1.2.3.2'), matrix: M, description: 'T2 to T1', now: new Date(2026, 10, 27, 21, 5, 0) });
    const read = readSpatialRegistrationJson(part10ToDicomJson(bytes).dataset);
    expect(read.fixedFrameOfReferenceUid).toBe('1.5');
    expect(read.movingFrameOfReferenceUid).toBe('1.6');
    read.matrix.flat().forEach((x, i) => expect(x).toBeCloseTo(M.flat()[i]!, 9));
    expect(read.description).toBe('T2 to T1');
    expect(registrationWhen(read)).toBe('2026-11-27 21:05');
  });
});
