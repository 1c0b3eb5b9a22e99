// One end-to-end suite's run: its temp directory and config directory, the test provider, the
// app (a WebDriver session), ordered steps, and the moves a person makes in the app that several
// suites share (create a profile, select it, sign in, read the error view).
//
//   const s = new Session();
//   describe('…', () => {
//     before(() => s.start());
//     after(() => s.stop());
//     s.step('first thing', async () => { … s.b() … });
//     s.step('second thing', async () => { … }, { needs: ['first thing'] });
//   });

import { test } from 'node:test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import {
  BROWSER_MJS, REPO, cleanup, fill, first, gone, scrollToTop, screenshot, shown, startApp, startProvider,
  tempDir, tid, watchProcesses,
} from './harness.mjs';

const FAILURES = path.join(REPO, 'target/e2e/failures');

/** Quotes a word for the browser-command field (split like a shell by the app). */
const sq = (w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`);
/** The profile browser command that drives headless Chromium (tests/idp/browser.mjs). */
export const browserCommand = (...extra) => ['node', BROWSER_MJS, ...extra].map(sq).join(' ');

export const profileItem = (name) => tid('profile-item', `[data-name="${name}"]`);
export const inResult = (selector) => `${tid('result-view')} ${selector}`;
export const claimValue = (name) => inResult(`${tid('claim-row', `[data-name="${name}"]`)} ${tid('claim-value')}`);

export class Session {
  constructor(prefix = 'run') {
    this.prefix = prefix;
    this.work = null; // temp dir: config, XDG dirs, logs
    this.config = null; // TOKENSCOPE_CONFIG_DIR
    this.provider = null;
    this.app = null;
    this.results = new Map();
  }

  /** The WebDriver browser of the running app. */
  b() {
    return this.app.browser;
  }

  /** Checks the environment, starts the provider and the app. */
  async start() {
    assert.ok(process.env.DISPLAY, 'no DISPLAY: run through scripts/e2e.sh (xvfb-run)');
    assert.ok(process.env.DBUS_SESSION_BUS_ADDRESS && process.env.TOKENSCOPE_KEYRING,
      'no private keyring: run through scripts/e2e.sh (scripts/with-keyring.sh)');
    this.work = tempDir(this.prefix);
    this.config = path.join(this.work, 'config');
    mkdirSync(this.config);
    this.provider = await startProvider({ logFile: path.join(this.work, 'provider.log') });
    await this.launch();
  }

  async stop() {
    await this.app?.stop().catch((e) => process.stderr.write(`[e2e] stopping the app: ${e.message}\n`));
    this.app = null;
    await this.provider?.stop();
    cleanup(this.work);
  }

  /** Starts the app (a new WebDriver session) on this run's config directory. */
  async launch() {
    const xdg = (d) => path.join(this.work, 'xdg', d);
    for (const d of ['config', 'cache', 'data']) mkdirSync(xdg(d), { recursive: true });
    this.app = await startApp({
      logFile: path.join(this.work, 'app.log'),
      env: {
        TOKENSCOPE_CONFIG_DIR: this.config,
        // Window state and WebKit's caches go to the test's directory, not the user's.
        XDG_CONFIG_HOME: xdg('config'),
        XDG_CACHE_HOME: xdg('cache'),
        XDG_DATA_HOME: xdg('data'),
      },
    });
  }

  /** Ends the app, then starts it again on the same config directory. */
  async restart() {
    await this.app.stop();
    this.app = null;
    await this.launch();
  }

  /** An ordered step; skipped when a step it needs failed or was skipped. */
  step(name, fn, { needs = [], timeout = 120_000 } = {}) {
    test(name, { timeout }, async (t) => {
      const missing = needs.filter((n) => this.results.get(n) !== true);
      if (missing.length) {
        this.results.set(name, false);
        t.skip(`needs: ${missing.join(', ')}`);
        return;
      }
      try {
        if (!this.app) await this.launch(); // an earlier step lost the app: start it again
        await fn(t);
        this.results.set(name, true);
      } catch (e) {
        this.results.set(name, false);
        await this.saveFailure(name);
        throw e;
      }
    });
  }

  /** On failure: a screenshot and the page source in target/e2e/failures, and the app's log tail. */
  async saveFailure(name) {
    const base = path.join(FAILURES, name.replace(/[^\w-]+/g, '_').slice(0, 60));
    if (this.app?.browser) {
      try {
        mkdirSync(FAILURES, { recursive: true });
        await this.b().saveScreenshot(`${base}.png`);
        writeFileSync(`${base}.html`, await this.b().getPageSource());
        process.stderr.write(`[e2e] failure evidence: ${path.relative(REPO, base)}.{png,html}\n`);
      } catch (e) {
        process.stderr.write(`[e2e] could not save failure evidence: ${e.message}\n`);
      }
    }
    try {
      const log = readFileSync(path.join(this.work, 'app.log'), 'utf8').split('\n').slice(-30).join('\n');
      process.stderr.write(`[e2e] last lines of the app/driver log:\n${log}\n`);
    } catch { /* no log */ }
  }

  /** Watches for browser.mjs processes started by this run's app (they inherit its config dir). */
  watchBrowsers() {
    return watchProcesses(BROWSER_MJS, `TOKENSCOPE_CONFIG_DIR=${this.config}`);
  }

  /** Presses keys together, then releases the input state (WebKitWebDriver keeps it otherwise). */
  async press(keys) {
    await this.b().keys(keys);
    await this.b().releaseActions();
  }

  async selectProfile(name) {
    const item = await shown(this.b(), profileItem(name));
    await item.click();
  }

  /**
   * Fills and saves the profile form for a new profile on the test provider. `authority`
   * defaults to the metadata URL of the user flow `policy`.
   */
  async createProfile({ name, browser, policy = 'B2C_1_susi', authority, scopes, screenshotName, extra }) {
    const b = this.b();
    const { ready, metadataUrl } = this.provider;
    await (await shown(b, tid('new-profile'))).click();
    await shown(b, tid('profile-form'));
    await fill(b, tid('name-input'), name);
    await fill(b, tid('authority-input'), authority ?? metadataUrl(policy));
    // The pasted authority is recognised before anything is fetched.
    const preview = await shown(b, tid('authority-preview'));
    await b.waitUntil(async () => new RegExp(policy, 'i').test(await preview.getText()), {
      timeout: 10_000, interval: 100, timeoutMsg: `the authority preview does not name the user flow ${policy}`,
    });
    await fill(b, tid('client-id-input'), ready.client_id);
    await fill(b, tid('scopes-input'), scopes ?? `offline_access ${ready.api_scope}`);
    await fill(b, tid('browser-input'), browser);
    if (extra) await extra(b);
    if (screenshotName) {
      await scrollToTop(b, tid('name-input'));
      await screenshot(b, screenshotName);
    }
    await (await shown(b, tid('save-profile'))).click();
    await shown(b, profileItem(name), { msg: `no profile item "${name}" after saving` });
    await gone(b, tid('profile-form'));
  }

  /**
   * Clicks sign-in and waits for the result or the error view; returns which. Meant for a profile
   * whose pane shows no earlier result.
   */
  async signIn(name, timeout = 60_000) {
    await this.selectProfile(name);
    await (await shown(this.b(), tid('sign-in'))).click();
    return first(this.b(), [tid('result-view'), tid('error-view')], { timeout });
  }

  /** What the error view says, for assertion messages. */
  async errorText() {
    const parts = [];
    for (const id of ['error-kind', 'error-code', 'error-message']) {
      const el = await this.b().$(tid(id));
      if (await el.isExisting()) parts.push(`${id}: ${await el.getText()}`);
    }
    return parts.join(' | ');
  }
}
