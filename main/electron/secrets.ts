// The Anthropic API key in the Electron shell: encrypted with the OS keychain through safeStorage
// (Keychain on macOS, DPAPI on Windows, the Secret Service or KWallet on Linux), kept in
// <dataDir>/secrets.safe.json with mode 0600. Without a real keychain it falls back to the plain 0600
// file of browser mode, and says so (kind 'file-0600'): Linux's "basic_text" backend encrypts with a
// fixed, public password, which protects nothing.
import fs from 'node:fs';
import path from 'node:path';
import { FileSecretStore, type SecretStore } from '../core/secrets';

/** The part of Electron's `safeStorage` this needs (a fake in tests). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron. */
  getSelectedStorageBackend?(): string;
}

export class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'os-keychain' as const;
  private readonly file: string;
  private readonly plain: FileSecretStore;
  /** The decrypted key, once read (the keychain is asked once per run, not per session). */
  private cached: { value: string | undefined } | null = null;

  constructor(
    dataDir: string,
    private readonly safe: SafeStorageLike,
  ) {
    this.file = path.join(dataDir, 'secrets.safe.json');
    this.plain = new FileSecretStore(dataDir);
  }

  get(): string | undefined {
    this.cached ??= { value: this.read() };
    return this.cached.value;
  }

  private read(): string | undefined {
    let encrypted: unknown;
    try {
      encrypted = (JSON.parse(fs.readFileSync(this.file, 'utf8')) as { anthropicApiKey?: unknown }).anthropicApiKey;
    } catch {
      encrypted = undefined;
    }
    if (typeof encrypted === 'string' && encrypted) {
      try {
        return this.safe.decryptString(Buffer.from(encrypted, 'base64')) || undefined;
      } catch {
        // Encrypted by another user or machine, or the keychain entry is gone: as if no key were stored.
        return undefined;
      }
    }
    // A key saved in plain text earlier (browser mode on this data dir, or no keychain then): encrypt it now.
    const legacy = this.plain.get();
    if (legacy) this.write(legacy);
    return legacy;
  }

  set(value: string | undefined): void {
    this.cached = null;
    if (value === undefined) {
      fs.rmSync(this.file, { force: true });
      this.plain.set(undefined);
      return;
    }
    this.write(value);
  }

  private write(value: string): void {
    const data = JSON.stringify({ anthropicApiKey: this.safe.encryptString(value).toString('base64') });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data, { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.file);
    // Never leave a plain copy next to the encrypted one.
    this.plain.set(undefined);
  }
}

/** Whether safeStorage protects secrets with a real OS keychain (call after the app is ready). */
export function keychainAvailable(safe: SafeStorageLike, platform: NodeJS.Platform = process.platform): boolean {
  if (!safe.isEncryptionAvailable()) return false;
  if (platform === 'linux' && safe.getSelectedStorageBackend?.() === 'basic_text') return false;
  return true;
}

/** The store the shell gives the engine: the keychain when there is one, else the 0600 file. */
export function createSecretStore(dataDir: string, safe: SafeStorageLike, platform: NodeJS.Platform = process.platform): SecretStore {
  return keychainAvailable(safe, platform) ? new SafeStorageSecretStore(dataDir, safe) : new FileSecretStore(dataDir);
}
