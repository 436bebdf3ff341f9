// Where the Anthropic API key is kept. Under plain Node (browser mode, the CLI) a file with mode 0600 in
// the data dir; the Electron shell passes a store that encrypts with the OS keychain (safeStorage).
import fs from 'node:fs';
import path from 'node:path';

export interface SecretStore {
  readonly kind: 'os-keychain' | 'file-0600';
  get(): string | undefined;
  set(value: string | undefined): void;
}

export class FileSecretStore implements SecretStore {
  readonly kind = 'file-0600' as const;
  private readonly file: string;
  constructor(dataDir: string) {
    this.file = path.join(dataDir, 'secrets.json');
  }
  get(): string | undefined {
    try {
      const v = (JSON.parse(fs.readFileSync(this.file, 'utf8')) as { anthropicApiKey?: unknown }).anthropicApiKey;
      return typeof v === 'string' && v ? v : undefined;
    } catch {
      return undefined;
    }
  }
  set(value: string | undefined): void {
    if (value === undefined) {
      fs.rmSync(this.file, { force: true });
      return;
    }
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ anthropicApiKey: value }), { mode: 0o600 });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, this.file);
  }
}

/** Whether the built-in agent has a key: the environment's (it wins, sessions get it) or a stored one. */
export function anthropicKeySource(
  env: Readonly<Record<string, string | undefined>>,
  stored: Pick<SecretStore, 'get'>,
): 'environment' | 'stored' | 'missing' {
  if (env.ANTHROPIC_API_KEY || env.ANTHROPIC_AUTH_TOKEN) return 'environment';
  return stored.get() ? 'stored' : 'missing';
}
