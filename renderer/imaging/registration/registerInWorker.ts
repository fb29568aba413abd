/** The viewer's side of registration: one worker per run, progress, cancel; the UI never waits on it. */
import type { RegistrationOptions, RegistrationProgress, RegistrationResult, Volume } from '../../../common/registration';

export interface RegistrationRun {
  result: Promise<RegistrationResult>;
  cancel(): void;
}

export function registerInWorker(fixed: Volume, moving: Volume, options: RegistrationOptions = {}, onProgress?: (p: RegistrationProgress) => void): RegistrationRun {
  const worker = new Worker(new URL('./registrationWorker.ts', import.meta.url), { type: 'module' });
  let settle: { reject(e: Error): void } | undefined;
  const result = new Promise<RegistrationResult>((resolve, reject) => {
    settle = { reject };
    worker.onmessage = (e: MessageEvent<{ progress?: RegistrationProgress; result?: RegistrationResult; error?: string }>) => {
      if (e.data.progress) onProgress?.(e.data.progress);
      else if (e.data.result) {
        resolve(e.data.result);
        worker.terminate();
      } else if (e.data.error !== undefined) {
        reject(new Error(e.data.error));
        worker.terminate();
      }
    };
    worker.onerror = (e) => {
      reject(new Error(`The registration worker failed: ${e.message}`));
      worker.terminate();
    };
  });
  // Functions cannot cross to a worker: the options go without callbacks or signals.
  const { onProgress: _p, signal: _s, ...plain } = options as RegistrationOptions & { onProgress?: unknown; signal?: unknown };
  worker.postMessage({ fixed, moving, options: plain });
  return {
    result,
    cancel() {
      worker.postMessage({ cancel: true });
      worker.terminate();
      settle?.reject(new Error('Registration cancelled.'));
    },
  };
}
