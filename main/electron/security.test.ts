import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test/helpers';
import { CSP, isAppUrl, isSafeExternalUrl, isTrustedIpcSender, navigationVerdict, permissionAllowed, runAsNodeRefusal, windowOpenVerdict } from './security';

const DEV = 'http://localhost:5173';

describe('Electron URL rules', () => {
  it('recognises only the app’s own pages', () => {
    expect(isAppUrl('app://maestro/index.html')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('https://maestro/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('http://localhost:5173/x', DEV)).toBe(true);
    expect(isAppUrl('http://localhost:5174/x', DEV)).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('opens only plain http(s) links outside', () => {
    expect(isSafeExternalUrl('https://docs.anthropic.com/x')).toBe(true);
    expect(isSafeExternalUrl('http://example.com')).toBe(true);
    expect(isSafeExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isSafeExternalUrl('https://user:pw@example.com')).toBe(false);
    expect(isSafeExternalUrl('smb://share/x')).toBe(false);
  });
});

describe('IPC sender (event.senderFrame)', () => {
  const top = (url: string) => ({ parent: null, url });
  it('answers only the app’s own page in the top frame', () => {
    expect(isTrustedIpcSender(top('app://maestro/index.html'))).toBe(true);
    expect(isTrustedIpcSender(top('http://localhost:5173/'), DEV)).toBe(true);
    expect(isTrustedIpcSender({ parent: top('app://maestro/index.html'), url: 'app://maestro/index.html' })).toBe(false);
    expect(isTrustedIpcSender(top('https://example.com/'))).toBe(false);
    expect(isTrustedIpcSender(top('http://localhost:5173/'))).toBe(false);
    expect(isTrustedIpcSender(top('file:///tmp/x.html'))).toBe(false);
    expect(isTrustedIpcSender(null)).toBe(false); // the frame navigated away or was destroyed
    expect(isTrustedIpcSender(undefined)).toBe(false);
  });
});

describe('navigation rule (will-navigate, will-frame-navigate, will-redirect)', () => {
  it('keeps the app’s own pages, in any frame', () => {
    expect(navigationVerdict({ url: 'app://maestro/index.html', isMainFrame: true })).toBe('allow');
    expect(navigationVerdict({ url: 'app://maestro/x', isMainFrame: false })).toBe('allow');
    expect(navigationVerdict({ url: 'http://localhost:5173/', isMainFrame: true }, DEV)).toBe('allow');
  });

  it('sends a clicked http(s) link of the top frame to the browser, and nothing else', () => {
    expect(navigationVerdict({ url: 'https://example.com/a', isMainFrame: true })).toBe('external');
    // A sub-frame going out (the app has none: an injected frame) is refused, not opened.
    expect(navigationVerdict({ url: 'https://example.com/a', isMainFrame: false })).toBe('deny');
    // Not in production: the dev server's origin is only the app's when one is given.
    expect(navigationVerdict({ url: 'http://localhost:5173/', isMainFrame: true })).toBe('external');
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'data:text/html,<script>1</script>', 'app://evil/', 'ms-settings:', 'vscode://x', 'https://u:p@example.com', '%%%']) {
      expect(navigationVerdict({ url, isMainFrame: true }), url).toBe('deny');
    }
  });

  it('never follows a redirect out of the app, nor opens it outside', () => {
    expect(navigationVerdict({ url: 'https://example.com/', isMainFrame: true, redirect: true })).toBe('deny');
    expect(navigationVerdict({ url: 'file:///etc/passwd', isMainFrame: true, redirect: true })).toBe('deny');
    expect(navigationVerdict({ url: 'app://maestro/index.html', isMainFrame: true, redirect: true })).toBe('allow');
  });

  it('gives window.open no window: a vetted link opens outside, the rest is dropped', () => {
    expect(windowOpenVerdict('https://github.com/x')).toBe('external');
    expect(windowOpenVerdict('app://maestro/index.html')).toBe('deny');
    expect(windowOpenVerdict('file:///etc/passwd')).toBe('deny');
    expect(windowOpenVerdict('about:blank')).toBe('deny');
  });
});

describe('web permissions', () => {
  // Every name Electron 41 passes to setPermissionRequestHandler / setPermissionCheckHandler.
  const names = [
    'clipboard-read', 'clipboard-sanitized-write', 'deprecated-sync-clipboard-read', 'display-capture', 'fileSystem',
    'fullscreen', 'geolocation', 'hid', 'idle-detection', 'keyboardLock', 'media', 'mediaKeySystem', 'midi', 'midiSysex',
    'notifications', 'openExternal', 'pointerLock', 'serial', 'speaker-selection', 'storage-access',
    'top-level-storage-access', 'usb', 'window-management', 'unknown',
  ];
  it('refuses every permission, to the app’s own pages as to any other', () => {
    for (const origin of ['app://maestro', 'app://maestro/index.html', 'https://example.com', '', 'null']) {
      for (const name of names) expect(permissionAllowed(name, origin, DEV), `${name} for ${origin}`).toBe(false);
    }
  });
});

describe('CSP', () => {
  const directives = new Map(CSP.split(';').map((d) => { const [k, ...v] = d.trim().split(/\s+/); return [k!, v]; }));
  it('runs only the app’s own scripts and talks only to itself', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('worker-src')).toEqual(["'self'"]); // the terminal transport's Worker, from the app itself
    for (const d of ['object-src', 'base-uri', 'frame-src', 'frame-ancestors', 'form-action']) expect(directives.get(d), d).toEqual(["'none'"]);
    expect(CSP).not.toMatch(/unsafe-eval|\*|https?:|wss?:/);
  });

  it('index.html’s meta tag (browser mode, the dev server) says the same, but frame-ancestors (ignored in a meta tag)', () => {
    const html = fs.readFileSync(path.join(REPO_ROOT, 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    const norm = (policy: string) => policy.split(';').map((d) => d.trim().replace(/\s+/g, ' ')).filter(Boolean).sort();
    expect(norm(meta!)).toEqual(norm(CSP).filter((d) => !d.startsWith('frame-ancestors')));
  });
});

describe('ELECTRON_RUN_AS_NODE with the RunAsNode fuse off', () => {
  const exe = '/opt/Maestro/maestro';
  it('refuses a script run (the launcher, a hook, -e), with what to do', () => {
    const msg = runAsNodeRefusal({ ELECTRON_RUN_AS_NODE: '1' }, [exe, '/opt/Maestro/resources/app.asar/dist/cli/maestro.js', 'task', 'show']);
    expect(msg).toMatch(/RunAsNode fuse is off/);
    expect(msg).toMatch(/Node\.js 20\.19/);
    expect(runAsNodeRefusal({ ELECTRON_RUN_AS_NODE: '1' }, [exe, '/s/claude/allow-maestro.cjs'])).toBeDefined();
    expect(runAsNodeRefusal({ ELECTRON_RUN_AS_NODE: 'true' }, [exe, '-e', 'require("fs")'])).toBeDefined();
    expect(runAsNodeRefusal({ ELECTRON_RUN_AS_NODE: '1' }, [exe, '--require=./x'])).toBeDefined();
  });

  it('lets the app start normally otherwise', () => {
    expect(runAsNodeRefusal({}, [exe, '/x/maestro.js'])).toBeUndefined();
    expect(runAsNodeRefusal({ ELECTRON_RUN_AS_NODE: '' }, [exe, '/x/maestro.js'])).toBeUndefined();
    expect(runAsNodeRefusal({ ELECTRON_RUN_AS_NODE: '0' }, [exe, '/x/maestro.js'])).toBeUndefined();
    // A variable inherited from an editor's terminal, no script: the app itself.
    expect(runAsNodeRefusal({ ELECTRON_RUN_AS_NODE: '1' }, [exe])).toBeUndefined();
    expect(runAsNodeRefusal({ ELECTRON_RUN_AS_NODE: '1' }, [exe, '--no-sandbox', '.'])).toBeUndefined();
  });
});
