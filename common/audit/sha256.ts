/**
 * SHA-256 for the audit chain, from @noble/hashes (audited, no dependencies): common/ may use neither node:crypto
 * nor WebCrypto (async, and absent from some test environments), and the chain must be hashed the same way by the
 * service that writes it and by any verifier that reads it.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

export function sha256Hex(data: Uint8Array): string {
  return bytesToHex(sha256(data));
}
