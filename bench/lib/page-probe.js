// Loaded by the bench's private build of the app (bench/lib/build.ts adds it to index.html, before the
// app's own script) and inert unless the page URL carries `?bench=<json>` orders. It measures inside the
// page and reports with `console.log('MAESTRO-BENCH {json}')`, which Chromium prints on its stderr when
// started by the bench (bench/lib/bare.ts): no DevTools client is needed, so none copies the page's
// WebSocket frames. Plain browser JavaScript; times are `performance.timeOrigin + performance.now()`,
// comparable with the bench process's clock. It observes the DOM and the acknowledgements the page
// sends (over its WebSocket, or to the Worker that holds the WebSocket); it changes nothing in the app.
(() => {
  let orders;
  try {
    orders = JSON.parse(new URLSearchParams(location.search).get('bench') || 'null');
  } catch {
    orders = null;
  }
  if (!orders) return;
  const now = () => performance.timeOrigin + performance.now();
  const report = (msg) => console.log(`MAESTRO-BENCH ${JSON.stringify({ ...msg, at: msg.at ?? now() })}`);
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  if (orders.prefs) localStorage.setItem('maestro.ui', JSON.stringify(orders.prefs));
  // Whether the page is inside a frame: from the first animation-frame callback of a frame until a task
  // posted then runs (after the frame's rendering), and never while a message event is dispatched.
  let frameOpen = false;
  const nativeRaf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) =>
    nativeRaf((t) => {
      if (!frameOpen) {
        frameOpen = true;
        const channel = new MessageChannel();
        channel.port1.onmessage = () => (frameOpen = false);
        channel.port2.postMessage(0);
      }
      return cb(t);
    });
  window.addEventListener('error', (e) => report({ ev: 'page-error', message: String(e.message) }));

  function whenDom(predicate) {
    return new Promise((resolve) => {
      if (predicate()) return resolve(now());
      const obs = new MutationObserver(() => {
        if (!predicate()) return;
        obs.disconnect();
        resolve(now());
      });
      obs.observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true });
    });
  }
  function pane(title) {
    return title ? document.querySelector(`section[aria-label="Terminal: ${CSS.escape(title)}"]`) : document;
  }
  function paneText(title) {
    const p = pane(title);
    if (!p) return '';
    return [...p.querySelectorAll('.xterm-rows')].map((r) => r.textContent).join('\n');
  }
  const whenPaneShows = (text, title) => whenDom(() => paneText(title).includes(text));

  /** [time, chars arrived, chars acknowledged] per batch received and per acknowledgement sent. */
  const stream = [];
  // Flow-control acknowledgements ("parsed by xterm"), whichever way the page sends them.
  const acked = new Map();
  const ackWaiters = [];
  function sawOutgoing(data) {
    if (typeof data !== 'string' || !(data.includes('"session.ack"') || data.startsWith('{"t":"ack"'))) return;
    try {
      const msg = JSON.parse(data);
      const ack = msg.t === 'ack' ? msg : msg.params;
      const id = ack.sessionId;
      acked.set(id, (acked.get(id) || 0) + ack.chars);
      stream.push([now(), 0, ack.chars]);
      for (const w of ackWaiters.splice(0)) {
        if ((acked.get(w.id) || 0) >= w.chars) w.resolve(now());
        else ackWaiters.push(w);
      }
    } catch {
      // not a call of ours to interpret
    }
  }
  const wsSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    sawOutgoing(data);
    return wsSend.call(this, data);
  };
  // Which transport the app chose: a WebSocket in a Worker, or on this thread.
  let transport = 'websocket on the main thread';
  // Arrival (before the app's handler) of engine events and of large text frames (a tree answer).
  const arrivals = {};
  const big = [];
  let workerStarted = NaN;
  let workerOpened = NaN;
  function sawIncoming(data) {
    frameOpen = false; // a message event is a task of its own, never part of a frame
    if (data && typeof data === 'object' && data.t === 'data') {
      stream.push([now(), data.chars, 0]);
      return;
    }
    if (typeof data === 'string') {
      const m = /^\{"t":"event","event":"([\w.]+)"/.exec(data);
      if (m) arrivals[m[1]] = now();
      else if (data.length > 20_000) big.push({ at: performance.now(), chars: data.length });
    } else if (data && typeof data === 'object' && !ArrayBuffer.isView(data) && data.t === 'open' && Number.isNaN(workerOpened)) {
      workerOpened = performance.now();
    } else if (data && typeof data === 'object' && data.t === 'result' && data.big) {
      big.push({ at: performance.now(), chars: data.big });
    }
  }
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      if (Number.isNaN(workerOpened)) this.addEventListener('open', () => (workerOpened = performance.now()));
      this.addEventListener('message', (e) => sawIncoming(e.data));
    }
  };
  if (typeof Worker === 'function') {
    const NativeWorker = window.Worker;
    window.Worker = class extends NativeWorker {
      constructor(...args) {
        if (Number.isNaN(workerStarted)) workerStarted = performance.now();
        super(...args);
        transport = 'websocket in a worker';
        this.addEventListener('message', (e) => sawIncoming(e.data));
      }
    };
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (data, ...rest) {
      sawOutgoing(data);
      return post.call(this, data, ...rest);
    };
  }
  const ackedOf = (id) => acked.get(id) || 0;
  const whenAcked = (id, chars) =>
    new Promise((resolve) => {
      if (ackedOf(id) >= chars) resolve(now());
      else ackWaiters.push({ id, chars, resolve });
    });

  async function throughput(o) {
    await whenPaneShows('#ready');
    // The gated script echoes nothing more until it is released: what arrives from here is the stream, and
    // the wait for the release is not the pipeline's.
    stream.length = 0;
    const renderer = document.querySelector('.term-pane .xterm-rows') ? 'dom' : 'webgl';
    // The router acknowledges in batches: at most `ackSlack` parsed chars stay unacknowledged at the end.
    const parsed = whenAcked(o.sessionId, ackedOf(o.sessionId) + o.chars - o.ackSlack);
    report({ ev: 'ready', renderer, transport: transport });
    const tp = await parsed;
    // Watched only from here: a DOM observer while the stream runs would cost the page on every frame.
    // The end marker is the stream's last line, so it cannot show before (almost) everything is parsed.
    const visible = renderer === 'dom' ? whenPaneShows(o.end) : Promise.resolve(NaN);
    // The stream as the page saw it: batches arriving, acknowledgements (parsed) leaving. While nothing is
    // outstanding the page had nothing to parse: it waited for the pipeline.
    let outstanding = 0;
    let last = stream.length ? stream[0][0] : 0;
    let waitedMs = 0;
    let holdingMs = 0;
    let batches = 0;
    let batchChars = 0;
    for (const [t, arrived, acked] of stream) {
      if (outstanding <= 0) waitedMs += t - last;
      else holdingMs += t - last;
      outstanding += arrived - acked;
      last = t;
      if (arrived) {
        batches++;
        batchChars += arrived;
      }
    }
    report({ ev: 'stream', batches, avgBatchChars: Math.round(batchChars / Math.max(1, batches)), waitedMs: Math.round(waitedMs), holdingMs: Math.round(holdingMs) });
    report({ ev: 'parsed', at: tp });
    report({ ev: 'visible', at: await visible });
  }

  /** One key into xterm's input element, as the keyboard would send it (xterm takes `key` on keydown). */
  function press(textarea, key) {
    const init = { key, bubbles: true, cancelable: true, keyCode: key === 'Enter' ? 13 : 65, which: key === 'Enter' ? 13 : 65 };
    textarea.dispatchEvent(new KeyboardEvent('keydown', init));
    textarea.dispatchEvent(new KeyboardEvent('keyup', init));
  }

  async function typeAndMeasure(textarea, title, count, lineBase) {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    const out = [];
    let line = '';
    let lineNo = lineBase;
    for (let i = 0; i < count; i++) {
      if (i % 30 === 0) {
        if (line) {
          // cat prints the finished line again: wait for that before typing on, or the two interleave.
          const done = line;
          press(textarea, 'Enter');
          await whenDom(() => paneText(title).split(done).length > 2);
        }
        line = `#${++lineNo}:`;
        for (const ch of line) press(textarea, ch);
        const stuck = setTimeout(() => report({ ev: 'debug', line, text: paneText(title).slice(0, 300), panes: [...document.querySelectorAll('section[aria-label]')].map((s) => s.getAttribute('aria-label')) }), 5000);
        await whenPaneShows(line, title);
        clearTimeout(stuck);
      }
      line += letters[i % letters.length];
      const shown = whenPaneShows(line, title);
      const t = now();
      press(textarea, line.at(-1));
      out.push((await shown) - t);
      await sleep(20 + ((i * 7) % 30)); // a typist's pace, not a burst
    }
    press(textarea, 'Enter');
    return out;
  }

  async function latency(o) {
    await whenPaneShows('#ready', o.echoTitle);
    await whenPaneShows('#ready', o.floodTitle);
    const textarea = pane(o.echoTitle).querySelector('textarea');
    report({ ev: 'ready', transport: transport });
    const idle = await typeAndMeasure(textarea, o.echoTitle, o.keystrokes, 0);
    report({ ev: 'idle-done' });
    // The bench releases the flood now: wait for 1 MiB of it, then a second for a steady state.
    await whenAcked(o.floodId, ackedOf(o.floodId) + 1024 * 1024);
    await sleep(1000);
    const a0 = ackedOf(o.floodId);
    const t0 = now();
    const flooding = await typeAndMeasure(textarea, o.echoTitle, o.keystrokes, 1000);
    const floodMBs = (ackedOf(o.floodId) - a0) / (1024 * 1024) / ((now() - t0) / 1000);
    report({ ev: 'done', idle, flooding, floodMBs });
  }

  /** Resolves once a task posted now has run: after the browser has finished the current frame. */
  const afterFrame = () =>
    new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(now());
      channel.port2.postMessage(0);
    });
  /**
   * Resolves when the frame that shows a DOM change just made is done. A change made during a frame
   * (in an animation-frame callback or its microtasks) is painted by that frame: a task posted now runs
   * after it. A change made in any other task (a message from the Worker, say) waits for the next frame.
   */
  const whenChangePainted = () => (frameOpen ? afterFrame() : new Promise((resolve) => nativeRaf(() => afterFrame().then(resolve))));
  const longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push({ start: Math.round(e.startTime), ms: Math.round(e.duration) });
    }).observe({ type: 'longtask' });
  } catch {
    // no long-task timing in this browser
  }

  /**
   * The task tree: the first frame that paints tree rows (ms since navigation start, with where the time
   * went), then status changes the bench makes through the API, one at a time: the page arms a watch on
   * the row (`armed`), the bench makes the call, the page reports the event's arrival and the painted frame.
   */
  async function tree(o) {
    // The UI's first elements (React mounted), whatever the tree's state.
    const shell = whenDom(() => !!document.querySelector('#root > *')).then((t) => t - performance.timeOrigin);
    const rows = () => document.querySelectorAll('[role="treeitem"]').length >= 10;
    const inDom = (await whenDom(rows)) - performance.timeOrigin;
    const painted = (await whenChangePainted()) - performance.timeOrigin;
    const nav = performance.getEntriesByType('navigation')[0];
    const scripts = performance
      .getEntriesByType('resource')
      .filter((e) => /\.(js|css)$/.test(new URL(e.name).pathname))
      .map((e) => ({ name: new URL(e.name).pathname, start: Math.round(e.startTime), end: Math.round(e.responseEnd), bytes: e.encodedBodySize }));
    report({
      ev: 'first-paint',
      inDom,
      painted,
      transport,
      phases: {
        html: nav ? Math.round(nav.responseEnd) : NaN,
        domInteractive: nav ? Math.round(nav.domInteractive) : NaN,
        workerStarted: Math.round(workerStarted),
        socketOpen: Math.round(workerOpened),
        uiMounted: Math.round(await shell),
        // Large answers (a tree, or its first part) as they reached the page: [ms, chars].
        treeAnswers: big.filter((b) => b.at < painted).map((b) => [Math.round(b.at), b.chars]),
        treeArrived: big.length ? Math.round(big[0].at) : NaN,
        treeChars: big.length ? big[0].chars : 0,
      },
      scripts,
      longTasks: longTasks.filter((t) => t.start < painted + 1),
    });
    if (o.rows) {
      // Status changes are timed on the whole tree: the page paints its first rows before the rest has
      // arrived, and the rest's arrival must not be counted as the cost of a change. The tree is whole
      // when its canvas holds `o.rows` rows (every task shown: nothing collapsed, no filter).
      const whole = () => {
        const canvas = document.querySelector('[role="tree"] .tree-canvas');
        const rowHeight = parseFloat(document.querySelector('[role="treeitem"]')?.style.height || '0');
        return !!canvas && rowHeight > 0 && parseFloat(canvas.style.height) >= o.rows * rowHeight;
      };
      await whenDom(whole);
      await whenChangePainted();
      report({ ev: 'whole-tree', at: now() - performance.timeOrigin });
    }
    for (const [i, c] of (o.changes || []).entries()) {
      const row = `#${CSS.escape(`task-row-${c.id}`)}`;
      const shown = whenDom(() => {
        const el = document.querySelector(row);
        return !!el && (el.getAttribute('aria-label') || '').endsWith(c.label);
      });
      delete arrivals['tasks.changed'];
      report({ ev: 'armed', i });
      await shown;
      const at = await whenChangePainted();
      report({ ev: 'changed', i, arrived: arrivals['tasks.changed'] ?? NaN, painted: at });
    }
    report({ ev: 'done' });
  }

  const run = { throughput, latency, tree }[orders.mode];
  if (!run) return report({ ev: 'page-error', message: `unknown mode ${orders.mode}` });
  run(orders).catch((e) => report({ ev: 'page-error', message: String(e && e.stack) }));
})();
