/**
 * What deep services record audit events through: a fire-and-forget sink, so a service never waits on the
 * audit log's fsync and never fails because of it (the user's action already happened; the failure goes to
 * the log instead). Services receive it as an optional `audit` in their options and stay usable without one.
 *
 * An event is given as a function of the AuditContext (who records), so the services need not know it; a
 * builder that throws is caught like a failed append.
 */
import type { AuditContext, AuditEvent } from '../../../common/audit/builders';

export type AuditEventSource = AuditEvent | ((ctx: AuditContext) => AuditEvent | undefined);

export interface AuditSink {
  /** Appends the event in the background; never throws and never rejects. */
  record(event: AuditEventSource): void;
}

/** Where a sink appends: AuditLog has this shape. */
export interface AuditAppender {
  append(event: AuditEvent): Promise<unknown>;
}

/** A sink over an audit log; `log` says why an event could not be recorded. */
export function auditSink(target: AuditAppender, context: AuditContext, log: (message: string) => void = (m) => console.warn(m)): AuditSink {
  const fail = (err: unknown) => {
    try {
      log(`Audit: an event could not be recorded: ${err instanceof Error ? err.message : String(err)}`);
    } catch {
      // A broken log must not break the caller either.
    }
  };
  return {
    record(event) {
      try {
        const built = typeof event === 'function' ? event(context) : event;
        if (built) target.append(built).catch(fail);
      } catch (err) {
        fail(err);
      }
    },
  };
}

/** Records through `sink` when there is one: the services' one-liner. */
export function recordAudit(sink: AuditSink | undefined, event: AuditEventSource): void {
  sink?.record(event);
}
