/**
 * The renderer's Content-Security-Policy, shared by both hosts so they cannot drift.
 * 'wasm-unsafe-eval' lets the image codecs (WebAssembly) compile; workers come from our origin or blob:.
 */
export interface CspOptions {
  /** Where fetch/XHR may go besides 'self' (dicomweb: in Electron). */
  connectSrc: string[];
}

export function contentSecurityPolicy(options: CspOptions): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'worker-src': ["'self'", 'blob:'],
    'connect-src': ["'self'", ...options.connectSrc.filter((s) => s !== "'self'")],
    'img-src': ["'self'", 'blob:', 'data:'],
    // React and cornerstone set inline style attributes on elements.
    'style-src': ["'self'", "'unsafe-inline'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'frame-ancestors': ["'none'"],
    'form-action': ["'none'"],
  };
  return Object.entries(directives)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}
