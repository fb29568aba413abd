/**
 * The CSP the Electron host puts on every app:// response. Shared builder (common/security/csp.ts) so it
 * matches the browser host's; the only difference is where the data plane lives (dicomweb:, not 'self').
 */
import { contentSecurityPolicy } from '../../common/security/csp';

export const APP_CONTENT_SECURITY_POLICY = contentSecurityPolicy({ connectSrc: ["'self'", 'dicomweb:'] });
