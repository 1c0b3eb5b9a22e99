// The end-to-end harness: the real test provider, a private config directory, and the real
// desktop binary driven through tauri-driver + WebKitWebDriver with WebdriverIO's standalone
// `remote()` (one kept-alive connection: reliable with tauri-driver 2.1, field guide §7).
//
// Expects to run under a display (xvfb-run) and a D-Bus session with an unlocked Secret Service
// (scripts/with-keyring.sh); scripts/e2e.sh sets all of that up.

import { spawn, execFile } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const APP = path.resolve(process.env.TOKENSCOPE_E2E_APP || path.join(REPO, 'target/debug/tokenscope-desktop'));
export const BROWSER_MJS = path.join(REPO, 'tests/idp/browser.mjs');
export const SCREENSHOTS = path.resolve(REPO, process.env.TOKENSCOPE_SCREENSHOTS_DIR || 'target/e2e/screenshots');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Resolves with `promise`, or with undefined after `ms` (without keeping the process alive). */
const within = (promise, ms) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  timer.unref();
  promise.then((v) => { clearTimeout(timer); resolve(v); }, () => { clearTimeout(timer); resolve(); });
});
const log = (...a) => process.stderr.write(`[e2e] ${a.join(' ')}\n`);

/** The tauri-driver binary: $TAURI_DRIVER, else target/tools/bin (scripts/e2e.sh), else PATH. */
export function tauriDriverPath() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  const local = path.join(REPO, 'target/tools/bin/tauri-driver');
  return existsSync(local) ? local : 'tauri-driver';
}

/** A temp directory removed by `cleanup()`. */
export function tempDir(prefix) {
  return mkdtempSync(path.join(process.env.TMPDIR || tmpdir(), `tokenscope-e2e-${prefix}-`));
}

/** A port nobody listens on right now (127.0.0.1). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
async function waitForPort(port, ms, alive = () => true) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`the process that should listen on port ${port} exited`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`nothing listens on port ${port} after ${ms} ms`);
}

/** Runs a command; resolves {code, stdout, stderr} (never rejects on a non-zero exit). */
export function run(cmd, args, opts = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 15_000, ...opts }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** `secret-tool lookup service tokenscope username refresh-token:<profile>`: the stored value, or null. */
export async function keyringLookup(profile) {
  const r = await run('secret-tool', ['lookup', 'service', 'tokenscope', 'username', `refresh-token:${profile}`]);
  return r.code === 0 && r.stdout.length > 0 ? r.stdout : null;
}

// ---------------------------------------------------------------------------------------------
// Processes

/** Live (non-zombie) processes of a process group, from /proc. */
export function groupMembers(pgid) {
  const out = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat;
    try { stat = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { continue; }
    // pid (comm) state ppid pgrp ...; comm may contain spaces and parentheses.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [state, , pgrp] = rest;
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') {
      out.push({ pid: Number(pid), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    }
  }
  return out;
}

/**
 * Processes whose command line contains `needle` and, when `envVar` is given ("NAME=value"),
 * whose environment holds it: processes started by this test's app, not by anyone else on the
 * machine (for "did a browser start?").
 */
export function processesMatching(needle, envVar) {
  const out = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (!cmd.includes(needle)) continue;
      if (envVar && !readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(envVar)) continue;
      out.push({ pid: Number(pid), cmd });
    } catch { /* gone */ }
  }
  return out;
}

/**
 * Samples /proc every 100 ms and remembers every pid whose command line contains `needle`,
 * except those already running when the watch started.
 */
export function watchProcesses(needle, envVar) {
  const before = new Set(processesMatching(needle, envVar).map((p) => p.pid));
  const seen = new Map();
  const sample = () => {
    for (const p of processesMatching(needle, envVar)) if (!before.has(p.pid)) seen.set(p.pid, p.cmd);
  };
  const timer = setInterval(sample, 100);
  return { seen, stop() { clearInterval(timer); sample(); return seen; } };
}

/** Sends `signal` to a process group; false when it no longer exists. */
function signalGroup(pgid, signal) {
  try { process.kill(-pgid, signal); return true; } catch { return false; }
}

/** Ends a process group: SIGTERM, wait until it is empty, SIGKILL what is left, wait again. */
export async function killGroup(pgid, { graceMs = 8000, killMs = 5000 } = {}) {
  const t0 = Date.now();
  signalGroup(pgid, 'SIGTERM');
  let deadline = Date.now() + graceMs;
  while (groupMembers(pgid).length && Date.now() < deadline) await sleep(100);
  const left = groupMembers(pgid);
  if (left.length) {
    log(`process group ${pgid} still has ${left.map((p) => `${p.pid}:${p.comm}`).join(', ')} after SIGTERM; SIGKILL`);
    signalGroup(pgid, 'SIGKILL');
    deadline = Date.now() + killMs;
    while (groupMembers(pgid).length && Date.now() < deadline) await sleep(100);
  }
  const still = groupMembers(pgid);
  if (still.length) throw new Error(`process group ${pgid} did not end: ${still.map((p) => p.comm).join(', ')}`);
  return Date.now() - t0;
}

// ---------------------------------------------------------------------------------------------
// The test provider

/**
 * Starts tests/idp/server.mjs on a free port and reads its ready line. stdin is a pipe, so the
 * provider also exits if this process dies.
 */
export async function startProvider({ logFile, timeoutMs = 20_000 } = {}) {
  const child = spawn(process.execPath, [path.join(REPO, 'tests/idp/server.mjs'), '--port', '0'], {
    stdio: ['pipe', 'pipe', logFile ? 'pipe' : 'ignore'],
  });
  if (logFile) child.stderr.pipe(createWriteStream(logFile));
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the test provider sent no ready line in ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the test provider exited (${code}) before it was ready`)); });
    lines.once('line', (line) => { clearTimeout(timer); try { resolve(JSON.parse(line)); } catch (e) { reject(e); } });
  });
  if (!ready.ready) throw new Error(`unexpected ready line: ${JSON.stringify(ready)}`);
  return {
    ready,
    /** The B2C path-form metadata URL of a policy. */
    metadataUrl: (policy) => `${ready.base}/${ready.tenant}/${policy}/v2.0/.well-known/openid-configuration`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await within(gone, 5000);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The app

/**
 * Starts tauri-driver in its own session and process group (spawn `detached` = setsid(2)) on a
 * fresh port pair, then a WebDriver session that launches the app. tauri-driver hands its own
 * environment to WebKitWebDriver and so to the app: `env` goes there.
 *
 * Returns { browser, pgid, stop() }. `stop()` deletes the session and ends the whole process
 * group (tauri-driver, WebKitWebDriver, the app, WebKit helpers), waiting until it is empty.
 */
export async function startApp({ env = {}, logFile, sessionTimeoutMs = 60_000 } = {}) {
  if (!existsSync(APP)) throw new Error(`no app binary at ${APP}: run cargo build -p tokenscope-desktop`);
  const port = await freePort();
  let nativePort = await freePort();
  while (nativePort === port) nativePort = await freePort();
  const out = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
  if (out) await new Promise((r) => out.once('open', r));
  const driver = spawn(tauriDriverPath(), ['--port', String(port), '--native-port', String(nativePort)], {
    detached: true,
    stdio: ['ignore', out ?? 'ignore', out ?? 'ignore'],
    env: { ...process.env, NO_AT_BRIDGE: '1', ...env },
  });
  const pgid = driver.pid;
  let spawnError = null;
  driver.once('error', (e) => { spawnError = e; });
  const alive = () => !spawnError && driver.exitCode === null && driver.signalCode === null;

  let browser = null;
  const stop = async () => {
    const t0 = Date.now();
    if (browser) {
      await within(browser.deleteSession(), 10_000);
      browser = null;
    }
    if (pgid) await killGroup(pgid);
    out?.end();
    return Date.now() - t0;
  };

  try {
    // tauri-driver listens at once and starts WebKitWebDriver; a session requested before
    // WebKitWebDriver listens fails (connection refused behind tauri-driver): wait for both.
    await waitForPort(port, 15_000, alive);
    await waitForPort(nativePort, 15_000, alive);
    if (spawnError) throw spawnError;
    browser = await remote({
      hostname: '127.0.0.1',
      port,
      // 'warn' would report every stale element met while polling for something to go away.
      logLevel: 'error',
      connectionRetryTimeout: sessionTimeoutMs,
      connectionRetryCount: 0,
      capabilities: {
        // Plain WebDriver: WebKitWebDriver behind tauri-driver has no BiDi.
        'wdio:enforceWebDriverClassic': true,
        'tauri:options': { application: APP },
      },
    });
  } catch (e) {
    await stop().catch(() => {});
    throw new Error(`could not start the app through tauri-driver: ${e.message}`);
  }
  return { get browser() { return browser; }, pgid, port, nativePort, stop };
}

// ---------------------------------------------------------------------------------------------
// Page helpers (poll, never sleep)

/** CSS selector of a data-testid, optionally with more attribute conditions. */
export const tid = (id, extra = '') => `[data-testid="${id}"]${extra}`;

/** Waits until the element is displayed; returns it. */
export async function shown(browser, selector, { timeout = 20_000, msg } = {}) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout, interval: 100, timeoutMsg: msg || `${selector} not shown within ${timeout} ms` });
  return el;
}

/** Waits until the selector matches nothing displayed. */
export async function gone(browser, selector, { timeout = 20_000, msg } = {}) {
  await browser.waitUntil(async () => {
    const els = await browser.$$(selector);
    for (const el of els) if (await el.isDisplayed().catch(() => false)) return false;
    return true;
  }, { timeout, interval: 100, timeoutMsg: msg || `${selector} still shown after ${timeout} ms` });
}

/** Waits for the first of several selectors to be displayed; returns its selector. */
export async function first(browser, selectors, { timeout = 60_000 } = {}) {
  let found = null;
  await browser.waitUntil(async () => {
    for (const s of selectors) {
      const el = await browser.$(s);
      if (await el.isExisting().catch(() => false) && await el.isDisplayed().catch(() => false)) { found = s; return true; }
    }
    return false;
  }, { timeout, interval: 150, timeoutMsg: `none of ${selectors.join(', ')} shown within ${timeout} ms` });
  return found;
}

/** Replaces an input's value by typing (fires the input events a framework listens to). */
export async function fill(browser, selector, value) {
  const el = await shown(browser, selector);
  await el.clearValue();
  if (value !== '') await el.setValue(value);
  const got = await el.getValue();
  if (got !== value) throw new Error(`${selector}: typed ${JSON.stringify(value)}, field holds ${JSON.stringify(got)}`);
  return el;
}

/** Scrolls the element to the top of its scrolling container. */
export async function scrollIntoView(browser, selector) {
  const el = await shown(browser, selector);
  await browser.execute((e) => e.scrollIntoView({ block: 'start', behavior: 'instant' }), el);
}

/** Scrolls the element's scrolling container (and the page) back to the top. */
export async function scrollToTop(browser, selector) {
  const el = await shown(browser, selector);
  await browser.execute((e) => {
    for (let p = e.parentElement; p; p = p.parentElement) {
      if (p.scrollHeight > p.clientHeight) p.scrollTop = 0;
    }
    window.scrollTo(0, 0);
  }, el);
}

/**
 * Pastes text into an input or textarea the way a paste lands: the whole value at once and one
 * `input` event (typing a 1,000-character token key by key takes seconds through WebDriver).
 */
export async function paste(browser, selector, text) {
  const el = await shown(browser, selector);
  await el.click();
  await browser.execute((e, t) => {
    e.focus();
    e.value = t;
    e.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste', data: t }));
  }, el, text);
  const got = await el.getValue();
  if (got !== text) throw new Error(`${selector}: pasted ${text.length} characters, field holds ${got.length}`);
  return el;
}

/** Saves a PNG of the window (after the caller waited for what it should show). */
export async function screenshot(browser, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  // The DOM can be ahead of the picture: let two frames pass so the last change is painted.
  await browser.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
  await browser.saveScreenshot(file);
  log(`screenshot ${path.relative(REPO, file)} (${Math.round(statSync(file).size / 1024)} KiB)`);
  return file;
}

/** Removes temp directories, ignoring errors. */
export function cleanup(...dirs) {
  for (const d of dirs) if (d) rmSync(d, { recursive: true, force: true });
}
