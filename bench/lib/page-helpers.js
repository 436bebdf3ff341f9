// Injected into the app page (addInitScript) before it loads: timing probes the benchmarks call through
// page.evaluate as `window.maestroBench`. Plain browser JavaScript, untouched by any build step. Times
// are wall-clock ms (performance.timeOrigin + performance.now()), comparable with the bench process's.
// Nothing here changes what the app does: it observes the DOM, and the page's WebSocket traffic.
(() => {
  const now = () => performance.timeOrigin + performance.now();

  /** Resolves with the time `predicate()` first holds after a DOM change below `root` (or at once). */
  function whenDom(root, predicate) {
    return new Promise((resolve) => {
      if (predicate()) {
        resolve(now());
        return;
      }
      const obs = new MutationObserver(() => {
        if (!predicate()) return;
        obs.disconnect();
        resolve(now());
      });
      obs.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    });
  }

  /** Calls `resolve(value())` once a task posted now has run: after the browser has finished the current frame. */
  function afterFrame(resolve, value) {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve(value());
    channel.port2.postMessage(0);
  }

  /** The text of the terminal pane labelled `Terminal: <title>` (xterm's DOM renderer rows), or of all panes. */
  function paneText(title) {
    if (!title) return [...document.querySelectorAll('.xterm-rows')].map((r) => r.textContent).join('\n');
    const pane = document.querySelector(`section[aria-label="Terminal: ${CSS.escape(title)}"]`);
    const rows = pane && pane.querySelector('.xterm-rows');
    return rows ? rows.textContent || '' : '';
  }

  const bench = {
    now,
    paneText,

    /** Resolves with the time `text` is first on screen in the pane titled `title` (any pane if omitted). */
    whenPaneShows(text, title) {
      return whenDom(document.querySelector('.terminals') || document.body, () => paneText(title).includes(text));
    },

    /** Resolves with the time an element matching `selector` exists and `test(el)` holds. */
    whenElement(selector, test) {
      return whenDom(document.body, () => {
        const el = document.querySelector(selector);
        return !!el && (!test || test(el));
      });
    },

    /**
     * Resolves with the time the frame holding a DOM change is painted: `promise` resolves in the mutation
     * observer's microtask, and a task posted then runs once the browser has finished that frame (the app
     * applies store updates, and xterm renders, inside requestAnimationFrame).
     */
    paintedAfter(promise) {
      return promise.then(() => new Promise((resolve) => afterFrame(resolve, now)));
    },

    /** Records animation-frame intervals until `stop()`, which returns them (ms). */
    frameMonitor() {
      const gaps = [];
      let last = 0;
      let stopped = false;
      const tick = (t) => {
        if (last) gaps.push(t - last);
        last = t;
        if (!stopped) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      return {
        stop() {
          stopped = true;
          return gaps;
        },
      };
    },

    /** Times of keydown events (capture phase, before xterm sees them). */
    keydowns: [],

    /** Arrival time of the last message of each engine event (`tasks.changed`, …), before the app handles it. */
    arrivals: {},

    /** The first time the task tree shows rows: {inDom, painted}, ms since navigation start. */
    firstTreeRows: new Promise((resolve) => {
      const obs = new MutationObserver(() => {
        if (document.querySelectorAll('[role="treeitem"]').length < 10) return;
        obs.disconnect();
        const inDom = performance.now();
        afterFrame(resolve, () => ({ inDom, painted: performance.now() }));
      });
      obs.observe(document, { subtree: true, childList: true });
    }),
  };

  document.addEventListener('keydown', () => bench.keydowns.push(now()), true);

  /** Times the arrival of an engine event (a JSON text frame), whichever way it reached the page. */
  const timeArrival = (e) => {
    if (typeof e.data !== 'string') return;
    const m = /^\{"t":"event","event":"([\w.]+)"/.exec(e.data);
    if (m) bench.arrivals[m[1]] = now();
  };

  // The page's WebSocket gets a listener ahead of the app's own handler, to time event arrivals.
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', timeArrival);
    }
  };

  // The WebSocket may live in a Worker (renderer/api/terminal-worker.ts): its text frames reach the page as
  // string messages of the Worker, its calls leave as strings posted to it.
  if (typeof window.Worker === 'function') {
    const NativeWorker = window.Worker;
    window.Worker = class extends NativeWorker {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', timeArrival);
      }
      postMessage(data, ...rest) {
        sawCall(data);
        return super.postMessage(data, ...rest);
      }
    };
  }

  // Flow-control acknowledgements the page sends (`session.ack` calls): "acked" means xterm parsed it.
  const acked = new Map();
  const ackWaiters = [];
  const send = NativeWebSocket.prototype.send;
  function sawCall(data) {
    if (typeof data !== 'string' || !data.includes('"session.ack"')) return;
    try {
      const msg = JSON.parse(data);
      const id = msg.params.sessionId;
      acked.set(id, (acked.get(id) || 0) + msg.params.chars);
      for (const w of ackWaiters.splice(0)) {
        if ((acked.get(w.id) || 0) >= w.chars) w.resolve(now());
        else ackWaiters.push(w);
      }
    } catch {
      // not a call of ours to interpret
    }
  }
  NativeWebSocket.prototype.send = function (data) {
    sawCall(data);
    return send.call(this, data);
  };
  /** Chars of a session the page has acknowledged so far. */
  bench.acked = (sessionId) => acked.get(sessionId) || 0;
  /** Resolves with the time the page has acknowledged at least `chars` chars of the session. */
  bench.whenAcked = (sessionId, chars) =>
    new Promise((resolve) => {
      if ((acked.get(sessionId) || 0) >= chars) resolve(now());
      else ackWaiters.push({ id: sessionId, chars, resolve });
    });

  window.maestroBench = bench;
})();
