import { describe, expect, it } from 'vitest';
import { etaSeconds, formatBytes, formatEta } from '../../../../../../renderer/features/status/model/format';
import { locationBadges } from '../../../../../../renderer/features/worklist/model/availability';

describe('status formatting', () => {
  it('formats sizes and time left', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(17.1 * 1048576)).toBe('17 MB');
    expect(formatBytes(2.5 * 1073741824)).toBe('2.5 GB');
    const job = { jobId: 'j', studyInstanceUid: '1', nodeId: 'n', nodeName: 'N', state: 'running' as const, completed: 10, failed: 0, total: 40, bytes: 0, bytesPerSecond: 0, startedAt: 0 };
    expect(etaSeconds(job, 20000)).toBe(60); // 2 s per image, 30 left
    expect(formatEta(60)).toBe('1 min 0 s left');
    expect(etaSeconds({ ...job, completed: 0 }, 20000)).toBeUndefined();
    expect(etaSeconds({ ...job, state: 'done' }, 20000)).toBeUndefined();
  });

  it('marks a study readable offline only when every image is local', () => {
    const base = {
      studyInstanceUid: '1', patientName: {}, patientNameText: '', patientId: '', patientBirthDate: '', patientSex: '', studyDate: '', studyTime: '',
      studyDescription: '', accessionNumber: '', modalities: [], locations: ['local', 'offsite'], numberOfInstances: 10,
      availability: { local: true, onsite: false, offsite: true, other: false },
    };
    expect(locationBadges({ ...base, localInstances: 10 })[0]).toMatchObject({ label: 'badges.local', title: 'badges.localTitle', values: { local: 10, total: 10 } });
    expect(locationBadges({ ...base, localInstances: 4 })[0]).toMatchObject({ label: 'badges.localPartial', title: 'badges.localPartialTitle', values: { local: 4, total: 10 } });
  });
});
