// Entry point: picks the API (Electron bridge, WebSocket, or the dev mock with `?mock=1`), creates the
// store and controller, starts the desktop notifier in browser mode, and renders the app.
//
// This entry holds no React: it connects and asks for the state (the tree of the request in the URL
// among it) at once, and loads the UI (ui.tsx: React and the components) alongside, so the download
// and compilation of the UI overlap the connection and the engine's answer.
import './styles.css';
import type { MaestroApi } from '../preload/contract';
import { getApi, setApi, type ConnectionAware } from './api/index';
import { DesktopNotifier, browserNotificationsSupported } from './notify';
import { loadPrefs, savePrefs } from './prefs';
import { AppController } from './store/controller';
import { jumpTo, watchFollowRunning } from './store/navigate';
import { createAppStore } from './store/store';
import { TerminalRouter } from './terminal/router';

const ROOT_HASH = /^#\/root\/(.+)$/;

async function pickApi(): Promise<MaestroApi & Partial<ConnectionAware>> {
  const params = new URLSearchParams(window.location.search);
  if (params.get('mock') === '1' && !window.maestro) {
    const { createMockApi } = await import('./dev/mock-api');
    const api = createMockApi({ bigTree: Number(params.get('big')) || 0, empty: params.get('empty') === '1', manyGroups: Number(params.get('many')) || 0, dirtyWorkspace: params.get('dirty') === '1' });
    setApi(api);
    return api;
  }
  return getApi();
}

async function boot(): Promise<void> {
  const api = await pickApi();
  const store = createAppStore(loadPrefs());
  const hash = ROOT_HASH.exec(window.location.hash);
  let mounted = () => {};
  const uiReady = new Promise<void>((resolve) => (mounted = resolve));
  const controller = new AppController(api, store, { initialRootId: hash ? decodeURIComponent(hash[1]) : null, uiReady });
  const router = new TerminalRouter(api);
  router.start();
  controller.start();
  // The UI's chunk after the socket's Worker: the Worker starts first.
  const ui = import('./ui');
  // Follow running: the selection (and a maximized pane) moves on when the selected group's sessions end.
  watchFollowRunning(store, (taskId) => jumpTo(store, (id) => controller.selectTask(id), taskId));
  if (browserNotificationsSupported()) {
    new DesktopNotifier(api, store, ({ title, body, rootId }) => {
      try {
        const n = new Notification(title, { body });
        n.onclick = () => {
          window.focus();
          void controller.selectRoot(rootId);
          n.close();
        };
      } catch (error) {
        console.warn('maestro: could not show a notification', error);
      }
    }).start();
  }

  // Keep the selected root in the URL (a reload reopens it) and the UI preferences in storage.
  store.subscribe((s, prev) => {
    if (s.selectedRootId !== prev.selectedRootId) {
      const url = new URL(window.location.href);
      url.hash = s.selectedRootId ? `#/root/${encodeURIComponent(s.selectedRootId)}` : '';
      window.history.replaceState(window.history.state, '', url.toString());
    }
    if (s.prefs !== prev.prefs) savePrefs(s.prefs);
  });

  const el = document.getElementById('root');
  if (!el) throw new Error('index.html has no #root element');
  (await ui).mountUi(el, { api, store, controller, router });
  mounted();
}

boot().catch((error: unknown) => {
  console.error(error);
  const el = document.getElementById('root');
  if (el) el.textContent = `Maestro could not start: ${error instanceof Error ? error.message : String(error)}`;
});
