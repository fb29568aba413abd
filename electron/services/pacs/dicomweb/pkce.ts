/**
 * PKCE (RFC 7636) and the OAuth `state`: a desktop app cannot keep a client secret, so the authorization
 * code is bound to a one-time verifier only this process knows (S256: the IdP gets its SHA-256 only).
 */
import { createHash, randomBytes } from 'node:crypto';

export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** 43 characters from 32 random bytes: the minimum length RFC 7636 §4.1 allows, with 256 bits of entropy. */
export function newCodeVerifier(): string {
  return base64url(randomBytes(32));
}

/** code_challenge = BASE64URL(SHA256(ASCII(code_verifier))), RFC 7636 §4.2. */
export function s256Challenge(verifier: string): string {
  return base64url(createHash('sha256').update(verifier, 'ascii').digest());
}

/** An unguessable state value that ties the redirect to the request we made (CSRF protection). */
export function newState(): string {
  return base64url(randomBytes(16));
}
