import { describe, expect, it } from 'vitest';
import { createTeardown } from '../../../../../renderer/imaging/react/teardown';

describe('viewport teardown', () => {
  it('undoes in reverse order of making, once', () => {
    const t = createTeardown();
    const log: string[] = [];
    for (const step of ['volume', 'engine', 'tool group', 'listener']) t.add(() => log.push(step));
    expect(t.done).toBe(false);
    t.run();
    t.run();
    expect(t.done).toBe(true);
    expect(log).toEqual(['listener', 'tool group', 'engine', 'volume']);
  });

  it('undoes at once what a build registers after its teardown (a volume that arrives late)', () => {
    const t = createTeardown();
    const log: string[] = [];
    t.add(() => log.push('engine'));
    t.run();
    t.add(() => log.push('volume'));
    expect(log).toEqual(['engine', 'volume']);
  });

  it('works as a detached function (React calls the cleanup without `this`)', () => {
    const { add, run } = createTeardown();
    const log: string[] = [];
    add(() => log.push('a'));
    run();
    expect(log).toEqual(['a']);
  });
});
