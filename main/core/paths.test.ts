// The data dir rule that the CLI, `maestro serve` and the Electron shell share.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packagedCliEntry, resolveDataDir } from './paths';

describe('resolveDataDir', () => {
  const env = { HOME: '/home/ada', MAESTRO_DATA_DIR: '/srv/maestro', XDG_CONFIG_HOME: '/home/ada/.cfg' };

  it('takes an explicit --data-dir first, resolved against the working directory', () => {
    expect(resolveDataDir('/tmp/d', env)).toBe('/tmp/d');
    expect(resolveDataDir('rel/d', env)).toBe(path.resolve('rel/d'));
  });

  it('then $MAESTRO_DATA_DIR', () => {
    expect(resolveDataDir(undefined, env)).toBe('/srv/maestro');
    expect(resolveDataDir('', env)).toBe('/srv/maestro');
  });

  it('else the OS app-data folder of each platform', () => {
    expect(resolveDataDir(undefined, { HOME: '/home/ada' }, 'linux')).toBe('/home/ada/.config/maestro');
    expect(resolveDataDir(undefined, { HOME: '/home/ada', XDG_CONFIG_HOME: '/home/ada/.cfg' }, 'linux')).toBe('/home/ada/.cfg/maestro');
    expect(resolveDataDir(undefined, { HOME: '/Users/ada' }, 'darwin')).toBe('/Users/ada/Library/Application Support/maestro');
    expect(resolveDataDir(undefined, { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32')).toBe('C:\\Users\\ada\\AppData\\Roaming\\maestro');
    expect(resolveDataDir(undefined, { USERPROFILE: 'C:\\Users\\ada' }, 'win32')).toBe('C:\\Users\\ada\\AppData\\Roaming\\maestro');
  });

  it('treats empty variables as unset', () => {
    expect(resolveDataDir(undefined, { HOME: '/home/ada', MAESTRO_DATA_DIR: '', XDG_CONFIG_HOME: '' }, 'linux')).toBe('/home/ada/.config/maestro');
  });
});

describe('packagedCliEntry (the RunAsNode fuse is off in the packaged app)', () => {
  it('runs the unpacked bundle with the system Node from PATH, without ELECTRON_RUN_AS_NODE', () => {
    const bin = path.dirname(process.execPath);
    const entry = packagedCliEntry('/opt/Maestro/resources/app.asar', `/nowhere${path.delimiter}${bin}`, 'linux');
    expect(entry.args).toEqual(['/opt/Maestro/resources/app.asar.unpacked/dist/cli/maestro.cjs']);
    expect(entry.env).toEqual({});
    expect(path.isAbsolute(entry.node)).toBe(true);
    expect(path.dirname(entry.node)).toBe(bin);
  });

  it('leaves a bare `node` when PATH has none (the session is then refused with what to install)', () => {
    expect(packagedCliEntry('/opt/Maestro/resources/app.asar', '/nowhere', 'linux').node).toBe('node');
  });
});
