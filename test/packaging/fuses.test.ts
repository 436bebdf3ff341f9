// The packaged app's fuses (electron-builder.yml electronFuses). electron-builder applies them right
// before signing; it is fetched by `npm run dist` (not installed: it needs Node 22.12+), so here the
// configuration it is given is checked.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers';

const config = parse(fs.readFileSync(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as {
  electronFuses?: Record<string, boolean>;
  asar?: unknown;
  disableAsarIntegrity?: boolean;
  asarUnpack?: string[];
  files?: string[];
};

describe('fuses of the packaged app', () => {
  it('turn off what makes the binary a Node interpreter, and lock the app to its checked archive', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
    // The integrity and only-from-asar fuses need the app in an asar whose hash electron-builder embeds.
    expect(config.asar).not.toBe(false);
    expect(config.disableAsarIntegrity).not.toBe(true);
    // With RunAsNode off the CLI runs on a system Node, which cannot read inside app.asar.
    expect(config.asarUnpack).toContain('dist/cli/**');
    expect(config.files).toContain('dist/**');
  });
});
