// The benchmark probe (src-tauri/src/bench.rs injects it only when TOKENSCOPE_BENCH_REPORT is
// set). Reports, as `tokenscope-bench` events, epoch milliseconds and durations measured in the
// window itself:
//   {kind:"first-screen", mark_epoch_ms, painted_epoch_ms, layout_ms, layout_at_ms,
//       origin_epoch_ms, dom_interactive_ms, dom_content_loaded_ms, resources, marks}  the UI's
//       `tokenscope:first-screen` mark (ui/src/lib/perf.ts: the profile list rendered), the end
//       of the frame after it, the first screen's style and layout forced at the mark, the
//       page's navigation phases and files, and the UI's own `tokenscope:*` marks
//   {kind:"render", rows, first_rows, first_dom_ms, first_painted_ms, dom_ms, layout_ms,
//       painted_ms, ipc_ms}
//       Decode clicked in the inspector -> the token view's first claim rows in the DOM -> that
//       frame painted; -> every claim row (one per member of the payload), the decoded JSON and the whole encoded token in the
//       DOM (nothing in the view marked aria-busy) -> its style and layout, forced -> that frame
//       painted; and the inspect call alone
//   {kind:"signed-in", ok}  Sign in clicked -> the result (or error) view shown
//   {kind:"checkpoint", cycle, settle_ms, dom_nodes}  after that many sign-in + refresh cycles in this
//       window; the probe then waits settle_ms (the benchmark reads the memory meanwhile)
//   {kind:"error", message}
window.__tokenscopeBench = (scenario) => {
  const epoch = () => performance.timeOrigin + performance.now();
  const emit = (payload) =>
    window.__TAURI_INTERNALS__.invoke('plugin:event|emit', { event: 'tokenscope-bench', payload });
  // rAF runs before the frame is painted; a task queued from it runs after.
  const afterPaint = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const q = (selector) => document.querySelector(selector);
  const tid = (id) => `[data-testid="${id}"]`;
  // Resolves with test()'s first truthy value, checked after every DOM change (no polling delay).
  const until = (test, ms = 60000) => new Promise((resolve, reject) => {
    const now = test();
    if (now) return resolve(now);
    const timer = setTimeout(() => { obs.disconnect(); reject(new Error(`timed out after ${ms} ms waiting for ${test}`)); }, ms);
    const obs = new MutationObserver(() => {
      const v = test();
      if (v) { obs.disconnect(); clearTimeout(timer); resolve(v); }
    });
    obs.observe(document, { subtree: true, childList: true, attributes: true });
  });

  const nav = () => performance.getEntriesByType('navigation')[0];
  const firstScreen = new Promise((resolve) => {
    const name = 'tokenscope:first-screen';
    const done = (mark) => {
      // Style and layout of the first screen, forced here (they would run before the paint
      // anyway), so the report can tell them from the paint.
      const l0 = performance.now();
      document.body.getBoundingClientRect();
      const layoutMs = performance.now() - l0;
      return afterPaint().then(() => resolve({
        kind: 'first-screen',
        layout_ms: layoutMs,
        layout_at_ms: l0,
        mark_epoch_ms: performance.timeOrigin + mark.startTime,
        painted_epoch_ms: epoch(),
        // Where the time before the mark went: the page's navigation start (the web process
        // asked for the page), its document parsed, and its scripts run (DOMContentLoaded).
        origin_epoch_ms: performance.timeOrigin,
        dom_interactive_ms: nav()?.domInteractive ?? null,
        dom_content_loaded_ms: nav()?.domContentLoadedEventEnd ?? null,
        // The page's files: when each was asked for and had arrived, ms after navigation start.
        resources: [nav(), ...performance.getEntriesByType('resource')].filter(Boolean)
          .map((r) => ({ name: r.name.split('/').pop(), start: r.startTime, end: r.responseEnd })),
        // The UI's own start-up steps (ui/src/lib/perf.ts), ms after navigation start.
        marks: performance.getEntriesByType('mark')
          .filter((m) => m.name.startsWith('tokenscope:'))
          .map((m) => ({ name: m.name, ms: m.startTime })),
      }));
    };
    const seen = performance.getEntriesByName(name, 'mark')[0];
    if (seen) return done(seen);
    // Seen as it is set (this script runs before the page's): a PerformanceObserver is told in
    // a later task, which can come after the frame it is meant to time, and the probe would
    // then wait for one more frame.
    const mark = performance.mark.bind(performance);
    performance.mark = (...args) => {
      const entry = mark(...args);
      if (args[0] === name) {
        performance.mark = mark;
        done(entry ?? performance.getEntriesByName(name, "mark").pop());
      }
      return entry;
    };
  });

  async function render(token) {
    (await until(() => q(tid('nav-inspector')))).click();
    const input = await until(() => q(tid('token-input')));
    const rows = () => document.querySelectorAll(`${tid('inspect-token')} ${tid('claim-row')}`).length;
    const paste = (text) => {
      input.focus();
      input.value = text;
      input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste', data: text }));
    };
    const click = () => q(tid('decode-button')).click();
    const decode = (text) => { paste(text); click(); };
    // Every claim of the token has its row: as many as the payload has members.
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = Object.keys(JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))))).length;
    // A one-claim token decoded between rounds: each round renders the big token's rows anew.
    const small = 'eyJhbGciOiJub25lIn0.eyJ4IjoxfQ.';
    const results = [];
    for (let round = 0; round < 5; round++) {
      decode(small);
      await until(() => { const n = rows(); return n > 0 && n < 10; });
      await afterPaint();
      // Pasted, and the paste painted (the textarea laid out with 26 KB of text: 30-50 ms that
      // belong to the paste), then Decode clicked: the measure starts at the click. The click
      // comes well before the inspector's own decode-as-you-type (150 ms after the input).
      paste(token);
      await afterPaint();
      const t0 = performance.now();
      click();
      // The first screen: the first rows of the token in the DOM, then that frame painted. (The
      // UI renders the whole view in one frame; this would tell if part of it came later.)
      const first = until(() => { const n = rows(); return n > 1 || n >= claims ? n : 0; }).then(async (n) => {
        const dom = performance.now();
        await afterPaint();
        return { n, dom, painted: performance.now() };
      });
      // Everything: every claim row, the decoded payload and the whole encoded token in the DOM.
      const n = await until(() => { const n = rows(); return n >= claims && q(`${tid('inspect-token')} ${tid('decoded-payload')}`) && !q(`${tid('inspect-token')} [aria-busy="true"]`) ? n : 0; });
      const t1 = performance.now();
      // Style and layout, forced here (they would run before the paint anyway), so the report
      // can tell them from the script before and the paint after.
      document.body.getBoundingClientRect();
      const tl = performance.now();
      await afterPaint();
      const t2 = performance.now();
      const f = await first;
      // The same inspection over IPC alone (engine + serialisation + transfer), for comparison.
      const t3 = performance.now();
      const ipc = await window.__TAURI_INTERNALS__.invoke('inspect', {
        text: token,
        options: { verify: false, public_key: null, decryption_key: null, redact: false, skew_seconds: 300 },
      }).then(() => performance.now() - t3, () => null);
      results.push({
        kind: 'render', round, rows: n, first_rows: f.n, first_dom_ms: f.dom - t0, first_painted_ms: f.painted - t0,
        dom_ms: t1 - t0, layout_ms: tl - t1, painted_ms: t2 - t0, ipc_ms: ipc,
      });
    }
    return results;
  }

  // Clicks a profile's button and waits until the work it started is over (the button is
  // disabled while the app is busy) and the result view shows it passed.
  async function runButton(testid) {
    const button = await until(() => q(`${tid('profile-pane')} ${tid(testid)}:not([disabled])`));
    button.click();
    await until(() => q(`${tid('profile-pane')} ${tid(testid)}[disabled]`) || null, 5000).catch(() => null);
    await until(() => q(`${tid('profile-pane')} ${tid(testid)}:not([disabled])`));
    const view = q(tid('result-view'));
    if (!view || view.getAttribute('data-passed') !== 'true') {
      throw new Error(`${testid} did not end on a passed result view`);
    }
  }

  async function cycles(profile, n) {
    (await until(() => q(`${tid('profile-item')}[data-name="${CSS.escape(profile)}"]`))).click();
    await until(() => q(`${tid('profile-pane')} h1`)?.textContent === profile);
    const settle = 8000;
    for (let cycle = 1; cycle <= n; cycle++) {
      await runButton('sign-in');
      await runButton('refresh-now');
      if (cycle === 1 || cycle % 10 === 0 || cycle === n) {
        await afterPaint();
        // The elements in the document: growth here is the page holding more, not a leak.
        const domNodes = document.getElementsByTagName('*').length;
        await emit({ kind: 'checkpoint', cycle, settle_ms: settle, dom_nodes: domNodes });
        await new Promise((r) => setTimeout(r, settle));
      }
    }
  }

  async function signIn(profile) {
    (await until(() => q(`${tid('profile-item')}[data-name="${CSS.escape(profile)}"]`))).click();
    // The pane shows the first profile at start: wait until it shows this one.
    await until(() => q(`${tid('profile-pane')} h1`)?.textContent === profile);
    (await until(() => q(`${tid('profile-pane')} ${tid('sign-in')}:not([disabled])`))).click();
    await until(() => q(tid('result-view')) || q(tid('error-view')));
    await afterPaint();
    return { kind: 'signed-in', ok: !!q(tid('result-view')) };
  }

  (async () => {
    try {
      await emit(await firstScreen);
      if (scenario.kind === 'render') for (const r of await render(scenario.token)) await emit(r);
      if (scenario.kind === 'signin') await emit(await signIn(scenario.profile));
      if (scenario.kind === 'cycles') await cycles(scenario.profile, scenario.n);
      await emit({ kind: 'done' });
    } catch (e) {
      await emit({ kind: 'error', message: `${e && e.message} (${e && e.stack})`, body: document.body.innerText.slice(0, 2000) });
    }
  })();
};
