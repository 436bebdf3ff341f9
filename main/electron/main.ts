// The Electron shell: app lifecycle, the window, IPC wiring to the engine, notifications, security.
// Everything else lives in main/core, which this file only constructs and connects.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fs from 'node:fs';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  MessageChannelMain,
  Notification,
  net,
  protocol,
  safeStorage,
  session,
  shell,
  type IpcMainInvokeEvent,
  type MessagePortMain,
} from 'electron';
import ElectronStore from 'electron-store';
import type { EngineEvents } from '../../preload/contract';
import { IPC_CALL, IPC_PICK_FOLDER, IPC_TERMINAL_PORT } from '../../preload/wire';
import { toApiError } from '../core/api/dispatcher';
import { fileInside } from '../core/api/guard';
import { startInstance, type Instance } from '../core/instance';
import { resolveDataDir } from '../core/paths';
import type { DocumentFileFactory } from '../core/store';
import { guardSession, guardWebContents } from './guard';
import { createSecretStore } from './secrets';
import { WindowClients } from './window-clients';
import { APP_ORIGIN, APP_SCHEME, CSP, isSafeExternalUrl, isTrustedIpcSender, runAsNodeRefusal } from './security';

const here = path.dirname(fileURLToPath(import.meta.url));
const appRoot = path.resolve(here, '..', '..');
const rendererDir = path.resolve(appRoot, 'dist', 'renderer');
const preloadPath = path.join(appRoot, 'dist', 'preload', 'preload.cjs');
const devServerUrl = app.isPackaged ? undefined : process.env.VITE_DEV_SERVER_URL;

// ELECTRON_RUN_AS_NODE reaches this file only when the RunAsNode fuse is off: refuse a script run
// instead of opening a window; a stray copy of the variable is dropped so no child inherits it.
const runAsNodeMessage = runAsNodeRefusal(process.env, process.argv);
if (runAsNodeMessage) {
  process.stderr.write(runAsNodeMessage);
  app.exit(2);
}
delete process.env.ELECTRON_RUN_AS_NODE;

// Every WebContents and every session, whoever creates them, get the guards before any page loads.
const guardOptions = {
  devServerUrl,
  openExternal: (url: string) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
  },
};
app.on('web-contents-created', (_event, contents) => guardWebContents(contents, guardOptions));
app.on('session-created', (created) => guardSession(created, devServerUrl));

// A separate profile (window state, storage, the single-instance lock): tests, side-by-side installs.
if (process.env.MAESTRO_USER_DATA_DIR) app.setPath('userData', path.resolve(process.env.MAESTRO_USER_DATA_DIR));

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);

/** electron-store is conf with Electron's defaults: the same class, the same file format. */
const electronStoreFactory: DocumentFileFactory = (opts) =>
  new ElectronStore({
    cwd: opts.cwd,
    name: opts.configName,
    configFileMode: 0o600,
    accessPropertiesByDotNotation: false,
    serialize: opts.compact ? (v) => JSON.stringify(v) : (v) => JSON.stringify(v, null, 2),
  }) as never;

let instance: Instance | undefined;
let mainWindow: BrowserWindow | undefined;
// Each window's bridge to the engine and its terminal port (window-clients.ts).
const clients = new WindowClients<MessagePortMain>(
  () => instance!.engine,
  () => new MessageChannelMain(),
);

if (runAsNodeMessage) {
  // exiting (above): start nothing, and do not wake a running instance
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      // E.g. the data dir is in use by `maestro serve`: say so instead of dying silently.
      const message = err instanceof Error ? err.message : String(err);
      console.error(err);
      dialog.showErrorBox('Maestro could not start', message);
      app.exit(1);
    });
}

async function start(): Promise<void> {
  // The default session exists before 'session-created' listeners can see it: guard it here, first.
  guardSession(session.defaultSession, devServerUrl);
  // The same rule as the CLI's (core/paths.ts), not Electron's userData: `maestro` in a terminal finds this instance.
  const dataDir = resolveDataDir();
  // The API key is encrypted with the OS keychain (safeStorage is usable once the app is ready).
  instance = await startInstance({ dataDir, files: electronStoreFactory, secrets: createSecretStore(dataDir, safeStorage) });
  serveRendererProtocol();
  wireIpc(instance);
  wireNotifications(instance);
  Menu.setApplicationMenu(buildMenu());
  mainWindow = createWindow(dataDir);
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow(dataDir);
  });
}

/** app://maestro/… serves the built renderer, with the CSP, and nothing outside its folder. */
function serveRendererProtocol(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== 'maestro') return new Response('not found', { status: 404 });
    let file = fileInside(rendererDir, url.pathname);
    if (!file) return new Response('forbidden', { status: 403 });
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(rendererDir, 'index.html');
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('content-security-policy', CSP);
    headers.set('x-content-type-options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}

interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

function createWindow(dataDir: string): BrowserWindow {
  const stateStore = new ElectronStore<{ window: WindowState }>({ cwd: dataDir, name: 'window-state' });
  const state = stateStore.get('window', { width: 1440, height: 900, maximized: false });
  const win = new BrowserWindow({
    ...state,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Maestro',
    backgroundColor: '#1e1f22',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  const save = () => {
    if (win.isDestroyed()) return;
    stateStore.set('window', { ...win.getNormalBounds(), maximized: win.isMaximized() });
  };
  win.on('close', save);
  win.on('resized', save);
  win.on('moved', save);

  // Navigation, new windows and <webview>: guarded for every WebContents by app.on('web-contents-created').
  void win.loadURL(devServerUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

function wireIpc(inst: Instance): void {
  ipcMain.handle(IPC_CALL, async (event: IpcMainInvokeEvent, method: unknown, params: unknown) => {
    // Every call checks who sends it: only the app's own top frame.
    if (!isTrustedIpcSender(event.senderFrame, devServerUrl)) {
      return { error: { code: 'forbidden', message: 'IPC from an unexpected frame' } };
    }
    if (typeof method !== 'string') return { error: { code: 'bad-request', message: 'the method must be a string' } };
    try {
      return { result: await clients.bridgeFor(event.sender).call(method, params) };
    } catch (err) {
      const e = toApiError(err);
      return { error: { code: e.code, message: e.message } };
    }
  });
  ipcMain.handle(IPC_TERMINAL_PORT, (event: IpcMainInvokeEvent) => {
    if (!isTrustedIpcSender(event.senderFrame, devServerUrl)) return false;
    clients.openTerminalPort(event.sender);
    return true;
  });
  // The request box's "Choose…": the system's folder picker, for the app's own top frame only.
  ipcMain.handle(IPC_PICK_FOLDER, async (event: IpcMainInvokeEvent) => {
    if (!isTrustedIpcSender(event.senderFrame, devServerUrl)) return null;
    const win = BrowserWindow.fromWebContents(event.sender);
    const options = { title: 'Workspace for the request', properties: ['openDirectory' as const, 'createDirectory' as const] };
    const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return r.canceled ? null : (r.filePaths[0] ?? null);
  });
  const forward = <E extends keyof EngineEvents>(name: E) =>
    inst.engine.on(name, (payload) => {
      for (const b of clients.all()) b.event(name, payload);
    });
  (['tasks.changed', 'roots.changed', 'session.changed', 'timeline.event', 'notice'] as const).forEach(forward);
}

function wireNotifications(inst: Instance): void {
  if (!Notification.isSupported()) return;
  const notified = new Set<string>();
  inst.engine.on('root.settled', ({ rootId, status }) => {
    const key = `${rootId}:${status}`;
    if (notified.has(key)) return;
    notified.add(key);
    const title = inst.engine.listRoots().find((r) => r.id === rootId)?.title ?? rootId;
    new Notification({
      title: status === 'COMPLETED' ? 'Request completed' : `Request ${status.toLowerCase()}`,
      body: title,
    }).show();
  });
  inst.engine.on('tasks.changed', ({ tasks }) => {
    for (const t of tasks) {
      if (t.kind !== 'subtask' || t.status !== 'FAILED') continue;
      const key = `${t.id}:${t.updatedAt}`;
      if (notified.has(key)) continue;
      notified.add(key);
      new Notification({ title: `Failed: ${t.title}`, body: t.result ?? '' }).show();
    }
  });
  // An agent waits for a person: once per time it asks (the flag's start).
  inst.engine.on('session.changed', (info) => {
    if (!info.attention || (info.status !== 'running' && info.status !== 'starting')) return;
    const key = `${info.id}:needs-input:${info.attention.since}`;
    if (notified.has(key)) return;
    notified.add(key);
    new Notification({ title: `Needs input: ${info.title}`, body: info.attention.message ?? 'An agent waits for you in its pane.' }).show();
  });
}

function buildMenu(): Menu {
  const isMac = process.platform === 'darwin';
  return Menu.buildFromTemplate([
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Maestro on GitHub', click: () => void shell.openExternal('https://github.com/') }],
    },
  ]);
}

let quitting = false;
app.on('before-quit', (event) => {
  if (quitting || !instance) return;
  event.preventDefault();
  quitting = true;
  clients.dropAll();
  void instance.close().finally(() => app.quit());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
