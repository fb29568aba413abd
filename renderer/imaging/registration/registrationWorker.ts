/**
 * Runs the rigid registration (common/registration, the same code the CLI runs in Node) off the UI thread.
 * Messages: in { fixed, moving, options } | { cancel: true }; out { progress } | { result } | { error }.
 */
import { registerRigid, type RegistrationOptions, type Volume } from '../../../common/registration';

interface Start {
  fixed: Volume;
  moving: Volume;
  options?: RegistrationOptions;
}

const scope = self as unknown as { onmessage: ((e: MessageEvent<Start | { cancel: true }>) => void) | null; postMessage(m: unknown): void };
const ctl = new AbortController();

scope.onmessage = (e) => {
  if ('cancel' in e.data) {
    ctl.abort();
    return;
  }
  const { fixed, moving, options } = e.data;
  registerRigid(fixed, moving, { ...options, signal: ctl.signal, onProgress: (progress) => scope.postMessage({ progress }) })
    .then((result) => scope.postMessage({ result }))
    .catch((err: unknown) => scope.postMessage({ error: err instanceof Error ? err.message : String(err) }));
};
