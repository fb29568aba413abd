/**
 * SecretStore for the Electron app: the secrets map is encrypted with Electron's safeStorage (the OS
 * keychain / DPAPI / libsecret) and kept in userData/secrets.bin. The safeStorage object is passed in, so
 * this module imports nothing from 'electron' at runtime and is testable under plain Node.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SecretStore } from '../services/secrets/secretStore';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export class SafeStorageSecretStore implements SecretStore {
  private readonly file: string;
  private readonly values = new Map<string, string>();

  constructor(
    private readonly safeStorage: SafeStorageLike,
    userDataDir: string,
  ) {
    this.file = path.join(userDataDir, 'secrets.bin');
    if (existsSync(this.file)) {
      if (!safeStorage.isEncryptionAvailable()) throw new Error('The system keychain is not available: stored PACS passwords cannot be read');
      const plain = safeStorage.decryptString(readFileSync(this.file));
      for (const [k, v] of Object.entries(JSON.parse(plain) as Record<string, string>)) this.values.set(k, v);
    }
  }

  get(ref: string): string | undefined {
    return this.values.get(ref);
  }

  set(ref: string, value: string): void {
    this.values.set(ref, value);
    this.persist();
  }

  delete(ref: string): void {
    if (this.values.delete(ref)) this.persist();
  }

  private persist(): void {
    // Never fall back to plaintext: without a keychain, secrets cannot be saved at all.
    if (!this.safeStorage.isEncryptionAvailable()) throw new Error('The system keychain is not available: PACS passwords cannot be saved');
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, this.safeStorage.encryptString(JSON.stringify(Object.fromEntries(this.values))), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}
