/** The Files panel's confirm step for typed paths: asked only when the services refuse them, granted, retried. */
import { describe, expect, it } from 'vitest';
import { DokueiError, ErrorCode } from '../../../../../../common/ipc/errors';
import { NOT_ALLOWED, withConfirmedPaths } from '../../../../../../renderer/features/files/model/pickedPaths';

function services(granted = new Set<string>()) {
  const log: string[] = [];
  return {
    log,
    call: async () => {
      log.push('call');
      if (!granted.has('/data')) throw new DokueiError(ErrorCode.PathNotPicked, '/data was not picked in Dokuei');
      return 'read';
    },
    steps: (allow: boolean, grantAnswers: string[] = ['/data']) => ({
      confirm: async (paths: readonly string[]) => (log.push(`confirm:${paths.join(',')}`), allow),
      grant: async (paths: readonly string[]) => {
        log.push(`grant:${paths.join(',')}`);
        for (const p of grantAnswers) granted.add(p);
        return { granted: grantAnswers };
      },
    }),
  };
}

describe('withConfirmedPaths', () => {
  it('asks the reader about the typed paths once, grants them and reads', async () => {
    const s = services();
    expect(await withConfirmedPaths(['/data'], s.call, s.steps(true))).toBe('read');
    expect(s.log).toEqual(['call', 'confirm:/data', 'grant:/data', 'call']);
  });

  it('asks nothing when the paths were picked already', async () => {
    const s = services(new Set(['/data']));
    expect(await withConfirmedPaths(['/data'], s.call, s.steps(true))).toBe('read');
    expect(s.log).toEqual(['call']);
  });

  it('reads nothing when the reader cancels, in the page or in main’s dialog', async () => {
    const page = services();
    await expect(withConfirmedPaths(['/data'], page.call, page.steps(false))).rejects.toThrow(NOT_ALLOWED);
    expect(page.log).toEqual(['call', 'confirm:/data']);
    const main = services();
    await expect(withConfirmedPaths(['/data'], main.call, main.steps(true, []))).rejects.toThrow(NOT_ALLOWED);
    expect(main.log).toEqual(['call', 'confirm:/data', 'grant:/data']);
  });

  it('passes other errors through without asking', async () => {
    const steps = services().steps(true);
    await expect(withConfirmedPaths(['/data'], () => Promise.reject(new DokueiError(ErrorCode.Internal, 'disk gone')), steps)).rejects.toThrow('disk gone');
  });
});
