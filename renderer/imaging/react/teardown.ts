/**
 * The undo list of one viewport build (useViewportLifecycle.ts). Each step that makes something — a loaded volume,
 * the rendering engine, a tool group, a listener, a test hook — registers how to unmake it, and teardown unmakes in
 * reverse order: listeners and hooks before the tool groups, the groups before the engine, the engine before the
 * volume it shows. A build is async and can outlive its teardown (the reader picked another series mid-load):
 * what it registers after that is undone at once, so nothing it made afterwards leaks.
 */
export interface Teardown {
  /** True once run: the build stops at its next check. */
  readonly done: boolean;
  add(undo: () => void): void;
  run(): void;
}

export function createTeardown(): Teardown {
  const undos: (() => void)[] = [];
  let done = false;
  return {
    get done() {
      return done;
    },
    add(undo) {
      if (done) undo();
      else undos.push(undo);
    },
    run() {
      if (done) return;
      done = true;
      while (undos.length) undos.pop()!();
    },
  };
}
