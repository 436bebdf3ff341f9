// The packaged app's fuses (electron-builder.yml electronFuses), checked without an Electron binary:
// electron-builder's own code (the step it runs right before signing) flips the fuse wire of a stand-in
// binary that carries the same sentinel and layout as Electron's, and the wire is read back.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT, tmpDir } from '../helpers';

const require = createRequire(import.meta.url);
const config = parse(fs.readFileSync(path.join(REPO_ROOT, 'electron-builder.yml'), 'utf8')) as {
  electronFuses?: Record<string, boolean>;
  asar?: unknown;
  disableAsarIntegrity?: boolean;
  asarUnpack?: string[];
  files?: string[];
};

// @electron/fuses' wire (V1): the sentinel, a version byte, the wire length, then one byte per fuse:
// '0' off, '1' on. Index order is FuseV1Options'.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ON = 0x31;
const OFF = 0x30;
const INDEX = {
  runAsNode: 0,
  enableCookieEncryption: 1,
  enableNodeOptionsEnvironmentVariable: 2,
  enableNodeCliInspectArguments: 3,
  enableEmbeddedAsarIntegrityValidation: 4,
  onlyLoadAppFromAsar: 5,
  loadBrowserProcessSpecificV8Snapshot: 6,
  grantFileProtocolExtraPrivileges: 7,
} as const;
// Electron's defaults: RunAsNode, NODE_OPTIONS, --inspect and file:// privileges on, the rest off; a ninth
// fuse stands for any newer one electron-builder does not know (it must be left alone).
const DEFAULT_WIRE = [ON, OFF, ON, ON, OFF, OFF, OFF, ON, ON];

function standInBinary(file: string): void {
  const filler = Buffer.alloc(4096, 0x90);
  fs.writeFileSync(file, Buffer.concat([filler, Buffer.from(SENTINEL), Buffer.from([1, DEFAULT_WIRE.length, ...DEFAULT_WIRE]), filler]));
}

function readWire(file: string): number[] {
  const bin = fs.readFileSync(file);
  const at = bin.indexOf(SENTINEL) + SENTINEL.length;
  return [...bin.subarray(at + 2, at + 2 + bin[at + 1]!)];
}

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

  it('electron-builder flips exactly those fuses on the binary, and leaves any other alone', async () => {
    const { LinuxPackager } = require('app-builder-lib') as { LinuxPackager: { prototype: object } };
    const appOutDir = tmpDir('maestro-fuses-');
    const binary = path.join(appOutDir, 'maestro');
    standInBinary(binary);
    // The packager step electron-builder runs after packing, with this project's configuration.
    const packager = Object.create(LinuxPackager.prototype, {
      config: { value: { electronFuses: config.electronFuses } },
      executableName: { value: 'maestro' },
    }) as { doAddElectronFuses(ctx: { appOutDir: string; electronPlatformName: string }): Promise<unknown> };
    await packager.doAddElectronFuses({ appOutDir, electronPlatformName: 'linux' });

    const wire = readWire(binary);
    const expected = [...DEFAULT_WIRE];
    for (const [name, on] of Object.entries(config.electronFuses!)) expected[INDEX[name as keyof typeof INDEX]] = on ? ON : OFF;
    expect(wire).toEqual(expected);
    expect(wire[INDEX.runAsNode]).toBe(OFF);
    expect(wire[8]).toBe(ON); // unknown to this electron-builder: untouched
  });
});
