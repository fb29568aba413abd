/**
 * What the services said, in the reader's language (issue #18): a keyed error reads in Japanese when the UI is in
 * Japanese and as the service's own sentence in English; a key this build does not know, or an error without one,
 * shows its message (never a bare key).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DokueiError, ErrorCode } from '../../../../../common/ipc/errors';
import { says } from '../../../../../common/i18n/says';
import { setLanguage, startI18n } from '../../../../../renderer/ui/i18n/i18n';
import { errorText, errorTextNow, saysText } from '../../../../../renderer/ui/i18n/errorText';

describe('errorText', () => {
  const i18n = startI18n();
  beforeAll(() => setLanguage('ja'));
  afterAll(() => setLanguage('en'));

  it('words a keyed service error in the current language, with its values', async () => {
    const err = new DokueiError(ErrorCode.InvalidRequest, 'The archive folder must be an absolute path (got rel/dir)', says('services.settings.archiveNotAbsolute', { dir: 'rel/dir' }));
    await setLanguage('ja');
    expect(errorText(i18n.t, err)).toBe('アーカイブのフォルダは絶対パスで指定してください（指定：rel/dir）');
    expect(errorTextNow(err)).toBe('アーカイブのフォルダは絶対パスで指定してください（指定：rel/dir）');
    await setLanguage('en');
    expect(errorText(i18n.t, err)).toBe(err.message);
  });

  it("keeps the node's own English detail inside the Japanese sentence of a PACS failure", async () => {
    await setLanguage('ja');
    const err = Object.assign(new Error('On-site PACS: connection refused (127.0.0.1:1)'), { says: says('services.pacs.unreachable', { detail: 'On-site PACS: connection refused (127.0.0.1:1)' }) });
    expect(errorText(i18n.t, err)).toBe('PACS ノードに接続できません（On-site PACS: connection refused (127.0.0.1:1)）');
  });

  it('falls back to the message for an unknown key, a malformed says, and errors without one', async () => {
    await setLanguage('ja');
    expect(errorText(i18n.t, new DokueiError(ErrorCode.Internal, 'from a newer host', says('services.nothing.here')))).toBe('from a newer host');
    expect(errorText(i18n.t, Object.assign(new Error('odd'), { says: { key: 42 } }))).toBe('odd');
    expect(errorText(i18n.t, new TypeError('Failed to fetch'))).toBe('Failed to fetch');
    expect(errorText(i18n.t, 'plain text')).toBe('plain text');
    expect(saysText(i18n.t, undefined, 'as given')).toBe('as given');
  });
});
