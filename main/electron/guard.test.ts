// The Electron wiring of the security rules, driven with stand-ins for WebContents and Session (the
// Electron binary cannot run here): the same listeners Electron would call, with the same arguments.
import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { guardSession, guardWebContents } from './guard';

type OpenHandler = (details: { url: string }) => { action: string };

class FakeContents extends EventEmitter {
  openHandler?: OpenHandler;
  setWindowOpenHandler(h: OpenHandler): void {
    this.openHandler = h;
  }
}

/** Emits a navigation event the way Electron does; true when a listener cancelled it. */
function navigate(contents: FakeContents, event: string, url: string, isMainFrame = true): boolean {
  let prevented = false;
  contents.emit(event, { url, isMainFrame, preventDefault: () => (prevented = true) });
  return prevented;
}

function guarded(devServerUrl?: string) {
  const contents = new FakeContents();
  const opened: string[] = [];
  guardWebContents(contents as unknown as WebContents, { devServerUrl, openExternal: (u) => opened.push(u) });
  return { contents, opened };
}

describe('guardWebContents (app.on(web-contents-created))', () => {
  it('lets the app navigate to its own pages', () => {
    const { contents, opened } = guarded();
    for (const ev of ['will-frame-navigate', 'will-navigate', 'will-redirect']) expect(navigate(contents, ev, 'app://maestro/index.html'), ev).toBe(false);
    expect(opened).toEqual([]);
  });

  it('cancels a link out of the app and opens it in the browser, once', () => {
    const { contents, opened } = guarded();
    // Electron emits will-frame-navigate first and stops when it is cancelled.
    expect(navigate(contents, 'will-frame-navigate', 'https://example.com/docs')).toBe(true);
    expect(opened).toEqual(['https://example.com/docs']);
  });

  it('cancels a sub-frame, a redirect and a dangerous URL without opening anything', () => {
    const { contents, opened } = guarded();
    expect(navigate(contents, 'will-frame-navigate', 'https://example.com/', false)).toBe(true);
    expect(navigate(contents, 'will-redirect', 'https://example.com/')).toBe(true);
    expect(navigate(contents, 'will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(navigate(contents, 'will-frame-navigate', 'javascript:alert(1)')).toBe(true);
    expect(opened).toEqual([]);
  });

  it('counts the Vite dev server as the app only when it is given', () => {
    expect(navigate(guarded('http://localhost:5173').contents, 'will-frame-navigate', 'http://localhost:5173/x')).toBe(false);
    expect(navigate(guarded().contents, 'will-redirect', 'http://localhost:5173/x')).toBe(true);
  });

  it('denies every new window; an http(s) target opens in the browser', () => {
    const { contents, opened } = guarded();
    expect(contents.openHandler!({ url: 'https://github.com/x' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'app://maestro/index.html' })).toEqual({ action: 'deny' });
    expect(contents.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://github.com/x']);
  });

  it('destroys any <webview> before it attaches', () => {
    const { contents } = guarded();
    let prevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) }, {}, { src: 'https://example.com' });
    expect(prevented).toBe(true);
  });
});

describe('guardSession (permissions, devices, downloads)', () => {
  class FakeSession extends EventEmitter {
    request?: (wc: unknown, permission: string, cb: (granted: boolean) => void, details: { requestingUrl: string }) => void;
    check?: (wc: unknown, permission: string, origin: string, details: object) => boolean;
    device?: (details: object) => boolean;
    setPermissionRequestHandler(h: FakeSession['request']) { this.request = h; }
    setPermissionCheckHandler(h: FakeSession['check']) { this.check = h; }
    setDevicePermissionHandler(h: FakeSession['device']) { this.device = h; }
  }

  it('refuses every permission request and check, even from the app’s own page', () => {
    const s = new FakeSession();
    guardSession(s as unknown as Session);
    for (const permission of ['notifications', 'media', 'clipboard-read', 'clipboard-sanitized-write', 'geolocation', 'openExternal', 'fullscreen', 'hid']) {
      const answers: boolean[] = [];
      s.request!(null, permission, (g) => answers.push(g), { requestingUrl: 'app://maestro/index.html' });
      expect(answers, permission).toEqual([false]);
      expect(s.check!(null, permission, 'app://maestro', {}), permission).toBe(false);
    }
    expect(s.device!({ deviceType: 'usb', origin: 'app://maestro' })).toBe(false);
  });

  it('cancels downloads', () => {
    const s = new FakeSession();
    guardSession(s as unknown as Session);
    let prevented = false;
    s.emit('will-download', { preventDefault: () => (prevented = true) }, {}, {});
    expect(prevented).toBe(true);
  });
});
