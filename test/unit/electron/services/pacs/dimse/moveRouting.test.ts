import { describe, expect, it } from 'vitest';
import { MoveRouter, outsideScope, type InstanceIdentity, type MoveReceiver } from '../../../../../../electron/services/pacs/dimse/moveRouting';

function receiver(over: Partial<MoveReceiver>): MoveReceiver {
  return { peerAeTitle: 'PACS', originatorAeTitle: 'DOKUEI', messageId: 1, scope: { studyInstanceUid: '1.1' }, accept: async () => 0, ...over };
}

const inStudy = (study: string, over: Partial<InstanceIdentity> = {}) => (): InstanceIdentity => ({ studyInstanceUid: study, seriesInstanceUid: `${study}.1`, sopInstanceUids: [`${study}.1.1`], ...over });

describe('MoveRouter', () => {
  it('matches the move originator message ID and AE title exactly', () => {
    const router = new MoveRouter();
    const a = receiver({ messageId: 7 });
    const b = receiver({ messageId: 8 });
    router.register(a);
    router.register(b);
    expect(router.route({ callingAeTitle: 'PACS', moveOriginatorAeTitle: 'DOKUEI', moveOriginatorMessageId: 8, identity: inStudy('1.1') })).toEqual({ kind: 'accept', receiver: b });
    expect(router.route({ callingAeTitle: 'PACS ', moveOriginatorAeTitle: 'DOKUEI ', moveOriginatorMessageId: 7, identity: inStudy('1.1') })).toEqual({ kind: 'accept', receiver: a });
  });

  it('refuses an instance of another study even when it quotes the running move’s message ID', () => {
    const router = new MoveRouter();
    router.register(receiver({ messageId: 7, scope: { studyInstanceUid: '1.1' } }));
    const route = router.route({ callingAeTitle: 'PACS', moveOriginatorAeTitle: 'DOKUEI', moveOriginatorMessageId: 7, identity: inStudy('6.6') });
    expect(route).toEqual({ kind: 'outside-move', reason: 'it belongs to study 6.6, not 1.1, which the C-MOVE asked for' });
  });

  it('does not let a message ID of one move carry an instance of another move’s study', () => {
    const router = new MoveRouter();
    router.register(receiver({ messageId: 7, scope: { studyInstanceUid: '1.1' } }));
    router.register(receiver({ messageId: 8, scope: { studyInstanceUid: '2.2' } }));
    expect(router.route({ callingAeTitle: 'PACS', moveOriginatorMessageId: 7, identity: inStudy('2.2') })).toMatchObject({ kind: 'outside-move' });
  });

  it('only routes instances from the peer the move went to', () => {
    const router = new MoveRouter();
    router.register(receiver({ peerAeTitle: 'PACS' }));
    expect(router.route({ callingAeTitle: 'OTHER', moveOriginatorMessageId: 1, identity: inStudy('1.1') })).toEqual({ kind: 'no-move' });
  });

  it('without originator fields, finds the move whose scope holds the instance; reads the dataset only when a move runs', () => {
    const router = new MoveRouter();
    let reads = 0;
    const counted = (study: string) => () => (reads++, inStudy(study)());
    expect(router.route({ callingAeTitle: 'PACS', identity: counted('1.1') })).toEqual({ kind: 'no-move' });
    expect(reads).toBe(0);
    const a = receiver({ messageId: 1, scope: { studyInstanceUid: '1.1' } });
    const b = receiver({ messageId: 2, scope: { studyInstanceUid: '2.2' } });
    router.register(a);
    router.register(b);
    expect(router.route({ callingAeTitle: 'PACS', identity: counted('2.2') })).toEqual({ kind: 'accept', receiver: b });
    // A message ID nobody uses (stale, or guessed) is no key: the scope still decides.
    expect(router.route({ callingAeTitle: 'PACS', moveOriginatorMessageId: 999, identity: inStudy('1.1') })).toEqual({ kind: 'accept', receiver: a });
    const stray = router.route({ callingAeTitle: 'PACS', identity: inStudy('3.3') });
    expect(stray).toEqual({ kind: 'outside-move', reason: 'it is in none of the 2 C-MOVEs in progress from this node (study 3.3)' });
  });

  it('knows which message IDs a running move to a peer uses', () => {
    const router = new MoveRouter();
    router.register(receiver({ peerAeTitle: 'PACS', messageId: 42 }));
    expect(router.inUse('PACS', 42)).toBe(true);
    expect(router.inUse('OTHER', 42)).toBe(false);
    expect(router.inUse('PACS', 43)).toBe(false);
  });

  it('forgets a receiver once unregistered', () => {
    const router = new MoveRouter();
    const stop = router.register(receiver({}));
    stop();
    expect(router.size).toBe(0);
    expect(router.route({ callingAeTitle: 'PACS', moveOriginatorMessageId: 1, identity: inStudy('1.1') })).toEqual({ kind: 'no-move' });
  });
});

describe('outsideScope', () => {
  const series = { studyInstanceUid: '1.1', seriesInstanceUid: '1.1.1' };

  it('accepts what a study, series or instance move asked for', () => {
    expect(outsideScope({ studyInstanceUid: '1.1' }, { studyInstanceUid: '1.1', seriesInstanceUid: '9.9', sopInstanceUids: ['5'] })).toBeUndefined();
    expect(outsideScope(series, { studyInstanceUid: '1.1', seriesInstanceUid: '1.1.1', sopInstanceUids: ['5'] })).toBeUndefined();
    expect(outsideScope({ ...series, sopInstanceUids: ['5', '6'] }, { studyInstanceUid: '1.1', seriesInstanceUid: '1.1.1', sopInstanceUids: ['6'] })).toBeUndefined();
  });

  it('names what is outside: another series, an instance not asked for, an unreadable study', () => {
    expect(outsideScope(series, { studyInstanceUid: '1.1', seriesInstanceUid: '1.1.2', sopInstanceUids: ['5'] })).toBe('it belongs to series 1.1.2, not 1.1.1, which the C-MOVE asked for');
    expect(outsideScope({ ...series, sopInstanceUids: ['5'] }, { studyInstanceUid: '1.1', seriesInstanceUid: '1.1.1', sopInstanceUids: ['7'] })).toBe('instance 7 is not one of the 1 the C-MOVE asked for');
    expect(outsideScope({ studyInstanceUid: '1.1' }, { sopInstanceUids: ['5'] })).toBe('its Study Instance UID cannot be read');
  });

  it('checks both the command’s and the dataset’s SOP Instance UID', () => {
    // A command naming an awaited instance does not smuggle in a dataset that is another one.
    expect(outsideScope({ ...series, sopInstanceUids: ['5'] }, { studyInstanceUid: '1.1', seriesInstanceUid: '1.1.1', sopInstanceUids: ['5', '8'] })).toMatch(/instance 8 is not one/);
  });
});
