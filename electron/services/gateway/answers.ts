/**
 * The gateway's own answers: DICOM JSON, JSON problems, the Warning 299 header of a usable but incomplete
 * answer, and paging of local listings. Shared by the router and every route handler.
 */

export const DICOM_JSON = 'application/dicom+json';

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status < 300 ? DICOM_JSON : 'application/json', ...headers } });
}

export function problem(status: number, message: string): Response {
  return json(status, { error: message });
}

export function warningHeader(failures: string[]): Record<string, string> {
  // RFC 7234 Warning 299: the answer is usable but incomplete. The UI shows these per node.
  // Header values must be Latin-1 (a node's name may be Japanese): other characters are percent-encoded.
  const text = (f: string) => f.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/gu, (c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        return '?'; // a lone surrogate
      }
    });
  return failures.length ? { Warning: failures.map((f) => `299 dokuei "${text(f)}"`).join(', ') } : {};
}

export function page<T>(items: T[], offset: number, limit?: number): T[] {
  return items.slice(offset, limit === undefined ? undefined : offset + limit);
}
