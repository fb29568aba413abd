/**
 * Builds the renderer-facing API from the contract over any transport (Electron ipcRenderer in the
 * preload, HTTP + server-sent events in the browser host). Nothing outside the contract is exposed.
 */
import { type DokueiApi, type EventName, eventNames, requestChannels, type RequestChannel } from './contract';
import { DokueiError, ErrorCode, isErrorCode, toBridgeError, type WireResult } from './errors';
import { asSays, says, type Says } from '../i18n/says';

export interface ClientTransport {
  invoke(channel: RequestChannel, request: unknown): Promise<WireResult<unknown>>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

export interface ClientOptions {
  /** In the preload: throw plain Errors whose message carries the code (contextBridge drops other fields). */
  bridgeErrors?: boolean;
}

export function buildClient(transport: ClientTransport, options: ClientOptions = {}): DokueiApi {
  const api: Record<string, Record<string, unknown>> = { on: {} };
  const fail = (code: ErrorCode, message: string, said?: Says): Error => (options.bridgeErrors ? toBridgeError(code, message, said) : new DokueiError(code, message, said));
  for (const { channel, namespace, method, def } of requestChannels()) {
    api[namespace] ??= {};
    api[namespace][method] = async (request: unknown) => {
      // Validate before sending: a bad call fails here with the same message the host would give.
      const parsed = def.request.safeParse(request ?? {});
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => i.message).join('; ');
        throw fail(ErrorCode.InvalidRequest, `Invalid request for ${channel}: ${detail}`, says('services.request.invalid', { channel, detail }));
      }
      let result: WireResult<unknown>;
      try {
        result = await transport.invoke(channel, parsed.data);
      } catch (err) {
        const detail = err instanceof Error ? err.message : String(err);
        throw fail(ErrorCode.TransportError, `Could not reach the Dokuei services (${channel}): ${detail}`, says('services.request.unreachable', { channel, detail }));
      }
      if (!result || typeof result !== 'object' || !('ok' in result)) {
        throw fail(ErrorCode.InvalidResponse, `Malformed reply on ${channel}`);
      }
      if (!result.ok) {
        throw fail(isErrorCode(result.error?.code) ? result.error.code : ErrorCode.Internal, result.error?.message ?? 'Unknown error', asSays(result.error?.says));
      }
      return result.value;
    };
  }
  const on = api.on as Record<string, unknown>;
  for (const name of eventNames()) {
    on[name] = (listener: (payload: unknown) => void) => transport.subscribe(name, listener);
  }
  return api as unknown as DokueiApi;
}
