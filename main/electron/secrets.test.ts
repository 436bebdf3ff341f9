import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileSecretStore } from '../core/secrets';
import { tmpDir } from '../../test/helpers';
import { SafeStorageSecretStore, createSecretStore, keychainAvailable, type SafeStorageLike } from './secrets';

/** A stand-in for safeStorage: reversible, and visibly not the plain text. */
function fakeSafe(opts: { available?: boolean; backend?: string } = {}): SafeStorageLike & { decrypts: number } {
  const safe = {
    decrypts: 0,
    isEncryptionAvailable: () => opts.available ?? true,
    encryptString: (plain: string) => Buffer.from(`enc:${[...plain].reverse().join('')}`),
    decryptString(encrypted: Buffer) {
      safe.decrypts++;
      const s = encrypted.toString();
      if (!s.startsWith('enc:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return [...s.slice(4)].reverse().join('');
    },
    getSelectedStorageBackend: () => opts.backend ?? 'gnome_libsecret',
  };
  return safe;
}

describe('the Electron secret store', () => {
  it('keeps the key encrypted in a 0600 file and reads it back', () => {
    const dir = tmpDir();
    const store = new SafeStorageSecretStore(dir, fakeSafe());
    expect(store.kind).toBe('os-keychain');
    expect(store.get()).toBeUndefined();
    store.set('sk-ant-secret-1');
    const file = path.join(dir, 'secrets.safe.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('sk-ant-secret-1');
    expect(store.get()).toBe('sk-ant-secret-1');
    expect(new SafeStorageSecretStore(dir, fakeSafe()).get()).toBe('sk-ant-secret-1'); // a later run
    store.set(undefined);
    expect(store.get()).toBeUndefined();
    expect(fs.existsSync(file)).toBe(false);
  });

  it('asks the keychain once, not on every read', () => {
    const dir = tmpDir();
    new SafeStorageSecretStore(dir, fakeSafe()).set('k');
    const safe = fakeSafe();
    const store = new SafeStorageSecretStore(dir, safe);
    for (let i = 0; i < 5; i++) expect(store.get()).toBe('k');
    expect(safe.decrypts).toBe(1);
    store.set('k2');
    expect(store.get()).toBe('k2');
  });

  it('moves a key saved in plain text (browser mode) into the keychain file', () => {
    const dir = tmpDir();
    new FileSecretStore(dir).set('sk-ant-plain');
    const store = new SafeStorageSecretStore(dir, fakeSafe());
    expect(store.get()).toBe('sk-ant-plain');
    expect(fs.existsSync(path.join(dir, 'secrets.json'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'secrets.safe.json'), 'utf8')).not.toContain('sk-ant-plain');
    expect(new SafeStorageSecretStore(dir, fakeSafe()).get()).toBe('sk-ant-plain');
  });

  it('treats a key it cannot decrypt (another machine, keychain reset) as no key', () => {
    const dir = tmpDir();
    fs.writeFileSync(path.join(dir, 'secrets.safe.json'), JSON.stringify({ anthropicApiKey: Buffer.from('garbage').toString('base64') }));
    expect(new SafeStorageSecretStore(dir, fakeSafe()).get()).toBeUndefined();
  });

  it('falls back to the 0600 file without a real keychain (none, or Linux basic_text)', () => {
    const dir = tmpDir();
    expect(keychainAvailable(fakeSafe(), 'linux')).toBe(true);
    expect(keychainAvailable(fakeSafe({ available: false }), 'darwin')).toBe(false);
    expect(keychainAvailable(fakeSafe({ backend: 'basic_text' }), 'linux')).toBe(false);
    expect(createSecretStore(dir, fakeSafe({ backend: 'basic_text' }), 'linux').kind).toBe('file-0600');
    expect(createSecretStore(dir, fakeSafe({ available: false }), 'win32').kind).toBe('file-0600');
    expect(createSecretStore(dir, fakeSafe(), 'darwin').kind).toBe('os-keychain');
  });
});
