/**
 * The browser host's binding of the IPC contract: POST /ipc/<channel> for requests, GET /ipc/events
 * (server-sent events) for events. Derived from the contract like the Electron binder, so both hosts
 * serve the same channels.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { type EventName, type Handlers, type PayloadOf } from '../../common/ipc/contract';
import { dispatch, isRequestChannel } from '../../common/ipc/dispatch';
import { ErrorCode } from '../../common/ipc/errors';

const MAX_BODY = 1024 * 1024;
export const WINDOW_HEADER = 'x-dokuei-window';

interface EventClient {
  windowId: string;
  res: ServerResponse;
}

export class HttpBridge {
  private readonly clients = new Set<EventClient>();

  constructor(private readonly handlers: Handlers) {}

  /** Sends an event to one window, or to all when windowId is undefined. */
  emit<E extends EventName>(event: E, payload: PayloadOf<E>, windowId?: string): void {
    const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const c of this.clients) if (windowId === undefined || c.windowId === windowId) c.res.write(frame);
  }

  closeAll(): void {
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }

  async handleRequest(channel: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST') return send(405, { ok: false, error: { code: ErrorCode.InvalidRequest, message: 'Use POST' } });
    if (!isRequestChannel(channel)) return send(404, { ok: false, error: { code: ErrorCode.UnknownChannel, message: `Unknown channel "${channel}"` } });
    let raw = '';
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).byteLength;
      if (size > MAX_BODY) return send(413, { ok: false, error: { code: ErrorCode.InvalidRequest, message: 'Request too large' } });
      raw += chunk;
    }
    let body: unknown;
    try {
      body = raw === '' ? {} : JSON.parse(raw);
    } catch {
      return send(400, { ok: false, error: { code: ErrorCode.InvalidRequest, message: 'Request body is not JSON' } });
    }
    const windowId = String(req.headers[WINDOW_HEADER] ?? 'anonymous').slice(0, 64);
    const result = await dispatch(this.handlers, channel, body, {
      windowId,
      emit: (event, payload) => this.emit(event, payload, windowId),
    });
    send(200, result);
  }

  handleEvents(req: IncomingMessage, res: ServerResponse): void {
    const windowId = String(req.headers[WINDOW_HEADER] ?? randomUUID()).slice(0, 64);
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    const client = { windowId, res };
    this.clients.add(client);
    req.on('close', () => this.clients.delete(client));
  }
}
