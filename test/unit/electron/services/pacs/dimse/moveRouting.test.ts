import { describe, expect, it } from 'vitest';
import { MoveRouter, type MoveReceiver } from '../../../../../../electron/services/pacs/dimse/moveRouting';

function receiver(over: Partial<MoveReceiver>): MoveReceiver {
  return { peerAeTitle: 'PACS', originatorAeTitle: 'DOKUEI', messageId: 1, studyInstanceUid: '1.1', accept: async () => 0, ...over };
}

describe('MoveRouter', () => {
  it('matches the move originator message ID and AE title exactly', () => {
    const router = new MoveRouter();
    const a = receiver({ messageId: 7 });
    const b = receiver({ messageId: 8 });
    router.register(a);
    router.register(b);
    expect(router.route({ callingAeTitle: 'PACS', moveOriginatorAeTitle: 'DOKUEI', moveOriginatorMessageId: 8, studyInstanceUid: () => '1.1' })).toBe(b);
    expect(router.route({ callingAeTitle: 'PACS ', moveOriginatorAeTitle: 'DOKUEI ', moveOriginatorMessageId: 7, studyInstanceUid: () => '1.1' })).toBe(a);
  });

  it('only routes instances from the peer the move went to', () => {
    const router = new MoveRouter();
    router.register(receiver({ peerAeTitle: 'PACS' }));
    expect(router.route({ callingAeTitle: 'OTHER', moveOriginatorMessageId: 1, studyInstanceUid: () => '1.1' })).toBeUndefined();
  });

  it('falls back to the study UID when the peer sends no originator fields, reading it only then', () => {
    const router = new MoveRouter();
    const a = receiver({ messageId: 1, studyInstanceUid: '1.1' });
    const b = receiver({ messageId: 2, studyInstanceUid: '2.2' });
    router.register(a);
    router.register(b);
    let reads = 0;
    expect(router.route({ callingAeTitle: 'PACS', studyInstanceUid: () => (reads++, '2.2') })).toBe(b);
    expect(reads).toBe(1);
    expect(router.route({ callingAeTitle: 'PACS', moveOriginatorMessageId: 1, studyInstanceUid: () => (reads++, '2.2') })).toBe(a);
    expect(reads).toBe(1);
    expect(router.route({ callingAeTitle: 'PACS', studyInstanceUid: () => '3.3' })).toBeUndefined();
  });

  it('forgets a receiver once unregistered', () => {
    const router = new MoveRouter();
    const stop = router.register(receiver({}));
    stop();
    expect(router.size).toBe(0);
    expect(router.route({ callingAeTitle: 'PACS', moveOriginatorMessageId: 1, studyInstanceUid: () => '1.1' })).toBeUndefined();
  });
});
