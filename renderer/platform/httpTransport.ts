/**
 * The browser host's side of the contract: requests as POST /ipc/<channel>, events from one shared
 * server-sent-event stream read with fetch (EventSource cannot send the bearer token).
 */
import type { ClientTransport } from '../../common/ipc/client';
import type { EventName } from '../../common/ipc/contract';
import { ErrorCode, type WireResult } from '../../common/ipc/errors';
import { says } from '../../common/i18n/says';

/** A little under the 64 KiB of keepalive request bodies the Fetch standard allows in flight. */
const KEEPALIVE_MAX = 60_000;

/**
 * Set while the page goes away. Registered when this module loads: a feature that saves on pagehide imports the
 * platform (whose modules load before its own), so this listener runs before the feature's and its requests go out
 * as keepalive. (A listener added when a transport is created would come after a feature's added at module load.)
 */
let leaving = false;
if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', () => (leaving = true));
  window.addEventListener('pageshow', () => (leaving = false));
}

export function createHttpTransport(origin: string, token: string, windowId: string): ClientTransport {
  const headers = { Authorization: `Bearer ${token}`, 'X-Dokuei-Window': windowId };
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let streaming = false;

  async function readEvents(): Promise<void> {
    streaming = true;
    let delay = 500;
    while (listeners.size > 0) {
      try {
        const res = await fetch(`${origin}/ipc/events`, { headers });
        if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
        delay = 500;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let sep: number;
          while ((sep = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, sep);
            buffer = buffer.slice(sep + 2);
            const event = /^event: (.+)$/m.exec(frame)?.[1];
            const data = /^data: (.+)$/m.exec(frame)?.[1];
            if (!event || data === undefined) continue;
            let payload: unknown;
            try {
              payload = JSON.parse(data);
            } catch {
              continue;
            }
            for (const l of listeners.get(event) ?? []) l(payload);
          }
        }
      } catch {
        // The host restarted or the network blipped: retry with backoff, events are hints, not data.
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10000);
    }
    streaming = false;
  }

  return {
    async invoke(channel, request): Promise<WireResult<unknown>> {
      const payload = JSON.stringify(request);
      const res = await fetch(`${origin}/ipc/${channel}`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: payload,
        // A request made as the page goes away (a save flushed on pagehide) must outlive it. Only then: the
        // browser allows 64 KiB of keepalive bodies in flight, and refuses the request beyond.
        ...(leaving && payload.length < KEEPALIVE_MAX ? { keepalive: true } : {}),
      });
      if (res.status === 401) return { ok: false, error: { code: ErrorCode.Forbidden, message: 'The access token was refused: open the URL printed by the browser host.', says: says('services.request.tokenRefused') } };
      const body = (await res.json().catch(() => undefined)) as WireResult<unknown> | undefined;
      if (!body) return { ok: false, error: { code: ErrorCode.TransportError, message: `The browser host answered HTTP ${res.status} without a result` } };
      return body;
    },
    subscribe(event: EventName, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      if (!streaming) void readEvents();
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(event);
      };
    },
  };
}
