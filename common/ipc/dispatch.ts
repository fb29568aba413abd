/**
 * The host side of every binder: look the channel up in the contract, validate the request at runtime,
 * call the handler, validate what it returns, and map anything thrown to a wire error.
 */
import { type CallContext, type Handlers, type RequestChannel, requestChannels, type ChannelEntry } from './contract';
import { DokueiError, ErrorCode, toWireError, type WireResult } from './errors';
import { says } from '../i18n/says';

const byChannel = new Map<string, ChannelEntry>(requestChannels().map((e) => [e.channel, e]));

export function isRequestChannel(name: string): name is RequestChannel {
  return byChannel.has(name);
}

type AnyHandler = (request: unknown, ctx: CallContext) => Promise<unknown>;

export async function dispatch(
  handlers: Handlers,
  channel: string,
  rawRequest: unknown,
  ctx: CallContext,
): Promise<WireResult<unknown>> {
  const entry = byChannel.get(channel);
  if (!entry) return { ok: false, error: { code: ErrorCode.UnknownChannel, message: `Unknown channel "${channel}"`, says: says('services.request.unknownChannel', { channel }) } };
  const parsed = entry.def.request.safeParse(rawRequest ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(request)'}: ${i.message}`).join('; ');
    return { ok: false, error: { code: ErrorCode.InvalidRequest, message: `Invalid request for ${channel}: ${detail}`, says: says('services.request.invalid', { channel, detail }) } };
  }
  const ns = (handlers as unknown as Record<string, Record<string, AnyHandler>>)[entry.namespace];
  const handler = ns?.[entry.method];
  if (!handler) return { ok: false, error: { code: ErrorCode.UnknownChannel, message: `No handler bound for ${channel}` } };
  try {
    const value = await handler(parsed.data, ctx);
    const checked = entry.def.response.safeParse(value);
    if (!checked.success) {
      throw new DokueiError(ErrorCode.InvalidResponse, `The ${channel} handler returned a malformed response`, says('services.request.malformedResponse', { channel }));
    }
    return { ok: true, value: checked.data };
  } catch (err) {
    return { ok: false, error: toWireError(err) };
  }
}
