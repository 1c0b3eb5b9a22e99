// The desktop app end to end, as a person uses it: the real binary (target/debug) under Xvfb,
// driven through tauri-driver + WebKitWebDriver, signing in to the real B2C-shaped test provider
// (tests/idp) through a headless Chromium "system browser" (tests/idp/browser.mjs, the profile's
// browser command), with refresh tokens in a real gnome-keyring (scripts/with-keyring.sh).
//
// One app, one config directory, ordered steps: a step that later steps build on skips them when
// it fails. Run with scripts/e2e.sh (builds, installs tauri-driver, sets up Xvfb and the keyring).

import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  REPO, SCREENSHOTS, fill, gone, keyringLookup, screenshot, paste, processesMatching, scrollIntoView, scrollToTop,
  shown, tid,
} from './harness.mjs';
import { Session, browserCommand, claimValue, inResult, profileItem } from './session.mjs';

const DEMO = 'Demo B2C';
const WAITING = 'Waiting demo';
const CANCELLED = 'Cancelled demo';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const s = new Session();
const b = () => s.b();
const ctx = { idToken: null, refreshToken: null };

/** Where an element is, against the window's viewport. */
const rectOf = (sel) => b().execute((q) => {
  const r = document.querySelector(q)?.getBoundingClientRect();
  return r ? { top: r.top, bottom: r.bottom, left: r.left, right: r.right, width: r.width, vh: innerHeight, vw: innerWidth } : null;
}, sel);
const selectProfile = (name) => s.selectProfile(name);
const press = (keys) => s.press(keys);

describe('Tokenscope desktop, end to end', () => {
  before(() => s.start());
  after(() => s.stop());

  s.step('the window opens on the profile list, with the vault in the status bar', async () => {
    await shown(b(), tid('profile-list'), { timeout: 30_000 });
    assert.equal(await b().getTitle(), 'Tokenscope');
    const vault = await shown(b(), tid('vault-location'));
    assert.match(await vault.getText(), /keyring/i, 'the status bar should say the OS keyring is used');
  });

  s.step('a profile is created by pasting the B2C metadata URL', async () => {
    await s.createProfile({ name: DEMO, browser: browserCommand(), screenshotName: 'profile-form' });
    // Persisted in the config directory, as typed.
    const saved = JSON.parse(readFileSync(path.join(s.config, 'profiles.json'), 'utf8'));
    const p = saved.profiles.find((x) => x.name === DEMO);
    assert.ok(p, 'profiles.json should hold the new profile');
    assert.equal(p.authority, s.provider.metadataUrl('B2C_1_susi'));
    assert.equal(p.client_id, s.provider.ready.client_id);
    assert.deepEqual(p.scopes, ['offline_access', s.provider.ready.api_scope]);
    assert.equal(p.browser_command, browserCommand());
  }, { needs: ['the window opens on the profile list, with the vault in the status bar'] });

  s.step('signing in goes through the browser and shows the claims', async () => {
    const watch = s.watchBrowsers();
    const view = await s.signIn(DEMO);
    const browsers = watch.stop();
    if (view !== tid('result-view')) assert.fail(`sign-in ended on the error view: ${await s.errorText()}`);
    assert.ok(browsers.size >= 1, 'the profile browser command (browser.mjs) should have run');
    await shown(b(), tid('result-summary'));
    // The steps, when still shown, all completed.
    const steps = await b().$$(tid('step'));
    for (const s of steps) {
      assert.equal(await s.getAttribute('data-state'), 'done', `step ${await s.getAttribute('data-step')} is not done`);
    }
    const tab = await b().$(tid('tab-id-token'));
    if (await tab.isExisting()) await tab.click();
    assert.equal((await (await shown(b(), claimValue('tfp'))).getText()).trim(), 'B2C_1_susi');
    assert.match(await (await shown(b(), claimValue('emails'))).getText(), /tester@example\.com/);
    const encoded = await shown(b(), inResult(tid('encoded-token')));
    ctx.idToken = (await encoded.getText()).replace(/\s+/g, '');
    assert.match(ctx.idToken, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'the encoded ID token should be a JWS');
    await scrollToTop(b(), tid('result-view'));
    await screenshot(b(), 'signin-result');
    await scrollIntoView(b(), inResult(tid('claims-table')));
    await screenshot(b(), 'claims');
  }, { needs: ['a profile is created by pasting the B2C metadata URL'] });

  s.step('every validation check passes', async () => {
    const list = await shown(b(), inResult(tid('checklist')));
    const checks = await list.$$(tid('check'));
    assert.ok(checks.length >= 5, `expected the validation report, found ${checks.length} checks`);
    for (const c of checks) {
      assert.equal(await c.getAttribute('data-ok'), 'true', `check ${await c.getAttribute('data-name')} failed: ${await c.getText()}`);
    }
    await scrollIntoView(b(), inResult(tid('checklist')));
    await screenshot(b(), 'checklist');
  }, { needs: ['signing in goes through the browser and shows the claims'] });

  s.step('what went over the wire shows the token request, 200, with no token in the clear', async () => {
    const log = await shown(b(), inResult(tid('wire-log')));
    const token = await log.$(`${tid('wire-entry')}[data-step="token"]`);
    assert.ok(await token.isExisting(), `no token request in the log: ${await log.getText()}`);
    assert.equal(await token.getAttribute('data-status'), '200');
    assert.match(await (await token.$(tid('wire-outcome'))).getText(), /^200 · \d+ ms$/);
    await scrollIntoView(b(), inResult(tid('wire-log')));
    await (await token.$('summary')).click();
    const opened = async (id) => {
      const el = await token.$(tid(id));
      await el.waitForDisplayed({ timeout: 10_000 });
      return el.getText();
    };
    const request = await opened('wire-request');
    assert.match(request, /code=\[redacted\]/, request);
    assert.match(request, /code_verifier=\[redacted\]/, request);
    const answer = await opened('wire-response');
    assert.match(answer, /"id_token": "\[redacted\]"/, answer);
    const html = await log.getHTML();
    assert.ok(ctx.idToken && !html.includes(ctx.idToken), 'the ID token is in the log in the clear');
    for (const part of ctx.idToken.split('.')) assert.ok(!html.includes(part), 'a part of the ID token is in the log');
    await screenshot(b(), 'wire-log');
  }, { needs: ['signing in goes through the browser and shows the claims'] });

  s.step('the refresh token is in the OS keyring, and never in the window or the config files', async () => {
    const status = await shown(b(), tid('refresh-status'));
    const text = await status.getText();
    assert.match(text, /keyring/i, `refresh-status: ${text}`);
    assert.doesNotMatch(text, /session only/i);
    await shown(b(), `${profileItem(DEMO)} ${tid('refresh-badge')}`);
    ctx.refreshToken = await keyringLookup(DEMO);
    assert.ok(ctx.refreshToken, `secret-tool finds no refresh-token:${DEMO} in the keyring`);
    assert.ok(!(await b().getPageSource()).includes(ctx.refreshToken), 'the refresh token reached the webview');
    for (const f of readdirSync(s.config, { recursive: true }).filter((f) => statSync(path.join(s.config, f)).isFile())) {
      assert.ok(!readFileSync(path.join(s.config, f), 'utf8').includes(ctx.refreshToken), `the refresh token is in ${f}`);
    }
  }, { needs: ['signing in goes through the browser and shows the claims'] });

  s.step('after a restart the app signs in silently with the stored refresh token', async () => {
    const watch = s.watchBrowsers();
    try {
      await s.restart();
      await shown(b(), tid('startup-refresh-note'), { timeout: 30_000 });
      await shown(b(), tid('result-view'), { timeout: 30_000 });
    } finally {
      watch.stop();
    }
    assert.equal(watch.seen.size, 0, `a browser was started: ${[...watch.seen.values()].join('; ')}`);
    assert.equal(await (await b().$(tid('step', '[data-step="browser_opened"]'))).isExisting(), false,
      'a silent sign-in has no browser step');
    const tab = await b().$(tid('tab-id-token'));
    if (await tab.isExisting()) await tab.click();
    assert.equal((await (await shown(b(), claimValue('tfp'))).getText()).trim(), 'B2C_1_susi');
    // The refresh token was redeemed: the provider rotated it, and the new one is stored.
    const rotated = await keyringLookup(DEMO);
    assert.ok(rotated, 'the keyring lost the refresh token');
    assert.notEqual(rotated, ctx.refreshToken, 'the refresh token should have rotated');
    ctx.refreshToken = rotated;
    await scrollToTop(b(), tid('result-view'));
    await screenshot(b(), 'startup-refresh');
    // "Compare with…" from the ID token on screen: the inspector compares it (A) with the first
    // sign-in's (pasted as B); times read as dates, like the token view.
    const refreshedIdToken = (await (await shown(b(), inResult(tid('encoded-token')))).getText()).replace(/\s+/g, '');
    await (await shown(b(), inResult(tid('compare-with')))).click();
    const a = await shown(b(), tid('diff-a'));
    assert.equal(await a.getValue(), refreshedIdToken, 'A is not the token that was open');
    assert.equal(await b().execute(() => document.activeElement?.dataset.testid), 'diff-b', 'B should have the focus');
    await paste(b(), tid('diff-b'), ctx.idToken);
    const iat = await shown(b(), tid('diff-row', '[data-name="iat"]'));
    for (const id of ['diff-old-date', 'diff-new-date']) {
      assert.match(await (await iat.$(tid(id))).getText(), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \S+$/, `iat ${id}`);
    }
    await screenshot(b(), 'compare');
    await (await shown(b(), tid('inspect-mode'))).click();
    await (await shown(b(), tid('nav-profiles'))).click();
  }, { needs: ['the refresh token is in the OS keyring, and never in the window or the config files'] });

  s.step('signing out deletes the refresh token from the keyring', async () => {
    await selectProfile(DEMO);
    await (await shown(b(), tid('sign-out'))).click();
    await shown(b(), tid('signout-result'));
    await b().waitUntil(async () => (await keyringLookup(DEMO)) === null, {
      timeout: 10_000, interval: 200, timeoutMsg: 'secret-tool still finds the refresh token after sign-out',
    });
    await gone(b(), `${profileItem(DEMO)} ${tid('refresh-badge')}`);
  }, { needs: ['after a restart the app signs in silently with the stored refresh token'] });

  s.step('while waiting for the redirect the app shows the redirect URI and can cancel', async () => {
    // A browser command that opens nothing: the app waits for a redirect that never comes.
    await s.createProfile({ name: WAITING, browser: 'true' });
    await selectProfile(WAITING);
    await (await shown(b(), tid('sign-in'))).click();
    await shown(b(), tid('step', '[data-step="waiting_for_redirect"][data-state="active"]'));
    const uri = await shown(b(), tid('redirect-uri'));
    assert.match(await uri.getText(), /^http:\/\/localhost:\d+\/?$/, 'the exact redirect_uri sent');
    await screenshot(b(), 'signin-waiting');
    await (await shown(b(), tid('cancel-sign-in'))).click();
    await gone(b(), tid('cancel-sign-in'), { timeout: 10_000 });
    await shown(b(), tid('sign-in'));
  }, { needs: ['the window opens on the profile list, with the vault in the status bar'] });

  s.step('the keyboard reaches new profile (Ctrl+N), sign in (Ctrl+Enter), cancel (Esc) and the inspector (Ctrl+I)', async () => {
    const focused = () => b().execute(() => document.activeElement?.getAttribute('data-testid') ?? null);
    await press(['Control', 'n']);
    await shown(b(), tid('profile-form'));
    await b().waitUntil(async () => (await focused()) === 'name-input', {
      timeout: 5000, interval: 100, timeoutMsg: 'Ctrl+N should put the focus in the name field',
    });
    await (await shown(b(), tid('cancel-edit'))).click();
    await gone(b(), tid('profile-form'));

    await selectProfile(WAITING);
    await press(['Control', 'Enter']);
    await shown(b(), tid('step', '[data-step="waiting_for_redirect"][data-state="active"]'));
    await press(['Escape']);
    await gone(b(), tid('cancel-sign-in'), { timeout: 10_000 });
    await shown(b(), tid('sign-in'));

    await press(['Control', 'i']);
    await shown(b(), tid('token-input'));
    await b().waitUntil(async () => (await focused()) === 'token-input', {
      timeout: 5000, interval: 100, timeoutMsg: 'Ctrl+I should put the focus in the token field',
    });
    await (await shown(b(), tid('nav-profiles'))).click();
    await shown(b(), tid('profile-list'));
  }, { needs: ['while waiting for the redirect the app shows the redirect URI and can cancel'] });

  s.step('a sign-in cancelled at the provider shows AADB2C90091 with its Correlation ID and Timestamp', async () => {
    await s.createProfile({ name: CANCELLED, browser: browserCommand('--cancel') });
    const view = await s.signIn(CANCELLED);
    assert.equal(view, tid('error-view'), 'a cancelled sign-in should end on the error view');
    assert.match(await (await shown(b(), tid('error-code'))).getText(), /AADB2C90091/);
    assert.match(await (await shown(b(), tid('error-message'))).getText(), /cancel/i);
    assert.match(await (await shown(b(), tid('error-correlation-id'))).getText(), UUID);
    assert.match(await (await shown(b(), tid('error-timestamp'))).getText(), /\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d/);
    assert.equal(await keyringLookup(CANCELLED), null, 'nothing is stored after an error');
    await screenshot(b(), 'error-view');
  }, { needs: ['a profile is created by pasting the B2C metadata URL'] });

  s.step('the inspector explains a pasted redirect URL, verifies it with the issuer\'s keys, copies it redacted and refuses garbage', async () => {
    await (await shown(b(), tid('nav-inspector'))).click();
    // The whole URL a browser shows after a jwt.ms-style redirect, as support staff paste it.
    await paste(b(), tid('token-input'), `https://jwt.ms/#id_token=${ctx.idToken}&state=e2e`);
    await (await shown(b(), tid('decode-button'))).click();
    const form = await shown(b(), tid('input-form'));
    assert.equal(await form.getAttribute('data-form'), 'redirect_url', `recognised as: ${await form.getText()}`);
    const tfp = `${tid('inspect-token', '[data-label="id_token"]')} ${tid('claim-row', '[data-name="tfp"]')}`;
    assert.equal((await (await shown(b(), `${tfp} ${tid('claim-value')}`)).getText()).trim(), 'B2C_1_susi');
    assert.match(await (await shown(b(), `${tfp} ${tid('claim-description')}`)).getText(), /Trust framework policy/);
    await screenshot(b(), 'inspector');
    // Verify signature without a pasted key: the user flow's keys, found from iss and tfp on the
    // running provider (http on loopback is allowed for that).
    await (await shown(b(), tid('verify-button'))).click();
    const verification = await shown(b(), tid('verification'), { timeout: 30_000 });
    assert.equal(await verification.getAttribute('data-passed'), 'true', `verification: ${await verification.getText()}`);
    const keysFrom = await (await shown(b(), tid('verification-keys-from'))).getText();
    assert.ok(keysFrom.startsWith(s.provider.ready.base), `keys from ${keysFrom}, not the test provider`);
    await scrollIntoView(b(), tid('verification'));
    await screenshot(b(), 'inspector-verified');
    // Redacted copy: the clipboard gets the redacted JSON (WebKit allows the write only during
    // the click, while the export still comes from the shell); pasted back into a field here.
    await (await shown(b(), tid('copy-redacted'))).click();
    const status = await shown(b(), tid('export-status'));
    await b().waitUntil(async () => /Copied|refused|failed/.test(await status.getText()), {
      timeout: 10_000, interval: 100, timeoutMsg: 'the redacted copy never finished',
    });
    assert.match(await status.getText(), /^Copied the redacted claims list/);
    await (await shown(b(), tid('diff-mode'))).click();
    const field = await shown(b(), tid('diff-a'));
    await field.clearValue(); // "Compare with…" after the restart left a token in A
    await field.click();
    await press(['Control', 'v']);
    await b().waitUntil(async () => (await field.getValue()).length > 0, {
      timeout: 5000, interval: 100, timeoutMsg: 'Ctrl+V pasted nothing from the clipboard',
    });
    const copied = await field.getValue();
    // One line per claim (after a title line), masked by core's rule, small enough for a ticket.
    const lines = copied.trim().split('\n');
    assert.match(lines[0], /^id_token.*masked as \[redacted\]/, copied);
    assert.ok(lines.includes('tfp: B2C_1_susi'), copied);
    assert.ok(lines.some((l) => /^emails: \["\[redacted\]"\]$/.test(l)), copied);
    assert.ok(lines.slice(1).every((l) => /^[\w:/.-]+: |^\(kept/.test(l)), copied);
    assert.ok(copied.length < 3000, `the redacted copy is ${copied.length} characters`);
    process.stderr.write(`[e2e] redacted claims list: ${lines.length} lines, ${copied.length} characters\n`);
    assert.ok(!copied.includes('tester@example.com'), 'the redacted copy holds the e-mail address');
    assert.ok(!copied.includes(ctx.idToken), 'the redacted copy holds the token');
    await (await shown(b(), tid('inspect-mode'))).click();
    // A JWS whose payload is not JSON (typed, this time): the error names the part.
    await fill(b(), tid('token-input'), 'eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln');
    await (await shown(b(), tid('decode-button'))).click();
    assert.match(await (await shown(b(), tid('decode-error'))).getText(), /payload/i);
    await (await shown(b(), tid('nav-profiles'))).click();
    await shown(b(), tid('profile-list'));
  }, { needs: ['signing in goes through the browser and shows the claims'] });

  s.step('Make a token: an HS256 token with exp -1h is made by the engine and the inspector shows it expired', async () => {
    await (await shown(b(), tid('nav-inspector'))).click();
    await (await shown(b(), `${tid('make-token')} > summary`)).click();
    await fill(b(), tid('make-key'), '{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM"}');
    await fill(b(), tid('make-exp'), '-1h');
    await (await shown(b(), tid('make-button'))).click();
    assert.match(await (await shown(b(), tid('make-status'))).getText(), /HS256 token signed/);
    const exp = tid('claim-row', '[data-name="exp"]');
    assert.match(await (await shown(b(), `${exp} ${tid('claim-flag')}`)).getText(), /expired/i);
    const token = await (await shown(b(), tid('token-input'))).getValue();
    assert.equal(token.split('.').length, 3, `a compact JWS in the text field: ${token.slice(0, 40)}`);
    await (await shown(b(), tid('nav-profiles'))).click();
    await shown(b(), tid('profile-list'));
  }, { needs: ['the inspector explains a pasted redirect URL, verifies it with the issuer\'s keys, copies it redacted and refuses garbage'] });

  s.step('at 1024×640 a sign-in ends with the verdict in view', async () => {
    await b().setWindowSize(1024, 640);
    try {
      await selectProfile(DEMO);
      await scrollToTop(b(), tid('profile-pane'));
      const button = await shown(b(), tid('sign-in'));
      await button.click();
      await b().waitUntil(async () => !(await button.isEnabled()), { timeout: 10_000, interval: 50, timeoutMsg: 'the sign-in never started' });
      await b().waitUntil(async () => button.isEnabled(), { timeout: 60_000, interval: 200, timeoutMsg: 'the sign-in never ended' });
      const verdict = inResult(tid('result-summary'));
      await shown(b(), verdict);
      await b().executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
      const r = await rectOf(verdict);
      assert.ok(r.vh <= 640 && r.vw <= 1024, `the viewport is ${r.vw}×${r.vh}`);
      assert.ok(r.top >= 0 && r.bottom <= r.vh, `the verdict is at ${Math.round(r.top)}–${Math.round(r.bottom)} px in a ${r.vh} px viewport`);
      await b().saveScreenshot(path.join(REPO, 'target/e2e/small-window-verdict.png'));
    } finally {
      await b().setWindowSize(1280, 800);
    }
  }, { needs: ['signing in goes through the browser and shows the claims'] });

  s.step('at the minimum width the status bar shows all of itself', async () => {
    const conf = JSON.parse(readFileSync(path.join(REPO, 'src-tauri/tauri.conf.json'), 'utf8'));
    const { minWidth, minHeight } = conf.app.windows[0];
    await b().setWindowSize(minWidth, Math.max(minHeight, 600));
    try {
      await b().waitUntil(async () => (await b().execute(() => innerWidth)) <= minWidth, { timeout: 5000, interval: 100 });
      const parts = await b().execute(() => {
        const bar = document.querySelector('[data-testid="status-bar"]');
        return [...bar.children].map((c) => {
          const r = c.getBoundingClientRect();
          return { text: c.textContent.trim().slice(0, 40), left: r.left, right: r.right, bottom: r.bottom, vw: innerWidth, vh: innerHeight,
            cut: c.scrollWidth > c.clientWidth + 1 };
        });
      });
      for (const p of parts) {
        assert.ok(p.left >= 0 && p.right <= p.vw + 0.5 && p.bottom <= p.vh + 0.5 && !p.cut, `status bar part "${p.text}" is clipped: ${JSON.stringify(p)}`);
      }
      await b().saveScreenshot(path.join(REPO, 'target/e2e/min-width-status-bar.png'));
    } finally {
      await b().setWindowSize(1280, 800);
    }
  }, { needs: ['the window opens on the profile list, with the vault in the status bar'] });

  s.step('the client secret field is as wide as the other fields', async () => {
    await (await shown(b(), tid('new-profile'))).click();
    await (await shown(b(), tid('client-auth-toggle'))).click();
    await shown(b(), tid('client-secret-input'));
    const id = await rectOf(tid('client-id-input'));
    const secret = await rectOf(tid('client-secret-input'));
    assert.ok(id && secret, 'no client ID or secret field');
    assert.ok(Math.abs(secret.width - id.width) <= 2, `client secret ${Math.round(secret.width)} px wide, client ID ${Math.round(id.width)} px`);
    await (await shown(b(), tid('cancel-edit'))).click();
    await gone(b(), tid('profile-form'));
  }, { needs: ['the window opens on the profile list, with the vault in the status bar'] });

  s.step('when the app ends, nothing it started is left running', async () => {
    await s.app.stop();
    s.app = null;
    // Everything the app started inherits its config directory in the environment: WebKit's
    // processes, browser.mjs and the Chromium it drives (which runs in its own process group).
    const mine = `TOKENSCOPE_CONFIG_DIR=${s.config}`;
    const deadline = Date.now() + 10_000;
    let left = processesMatching('', mine);
    while (left.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      left = processesMatching('', mine);
    }
    for (const p of left) try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
    assert.deepEqual(left.map((p) => p.cmd.slice(0, 120)), [], 'processes outlived the app');
  }, { needs: ['the window opens on the profile list, with the vault in the status bar'] });
});

process.on('exit', () => {
  if (s.results.size) process.stderr.write(`[e2e] screenshots in ${path.relative(REPO, SCREENSHOTS) || '.'}\n`);
});
