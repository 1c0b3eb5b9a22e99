#!/usr/bin/env node
// "System browser" stand-in for tests: headless Debian Chromium driven by playwright-core.
//
//   node tests/idp/browser.mjs [--user NAME] [--password PW] [--cancel] [--timeout SECONDS] <URL>
//
// Opens URL (an authorize or logout URL of tests/idp/server.mjs), signs in on the dev login
// page (login = --user, default "tester"), clicks "Continue" on the consent page, and waits
// until the browser lands on a loopback redirect (localhost / 127.0.0.1 / [::1] on a port other
// than the provider's) and that response has loaded. With --cancel it clicks "[ Cancel ]" on the
// login page instead, so the callback carries error=access_denied.
//
// Progress goes to stderr. stdout gets exactly one JSON line at the end:
//   {"ok":true,"url":"<callback URL>","status":200,"steps":["login","consent","callback"],"ms":950}
// Exit codes: 0 callback reached; 1 bad usage / browser failed to start; 2 timeout;
//             3 stuck on a provider page that is neither login nor consent (error page);
//             4 the callback request itself failed (nothing listening, connection reset).

import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const EXECUTABLE = process.env.TOKENSCOPE_CHROMIUM || '/usr/bin/chromium';
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

const log = (...a) => console.error('[browser]', ...a);

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      user: { type: 'string', default: 'tester' },
      password: { type: 'string', default: 'password' },
      cancel: { type: 'boolean', default: false },
      timeout: { type: 'string', default: '60' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (e) {
  log(e.message);
  process.exit(1);
}
const { values: opts, positionals } = parsed;
if (opts.help || positionals.length !== 1) {
  log('usage: node browser.mjs [--user NAME] [--password PW] [--cancel] [--timeout SECONDS] <URL>');
  process.exit(opts.help ? 0 : 1);
}

let start;
try {
  start = new URL(positionals[0]);
} catch {
  log(`not a URL: ${positionals[0]}`);
  process.exit(1);
}
const providerOrigin = start.origin;
const providerPort = start.port || (start.protocol === 'https:' ? '443' : '80');
const timeoutMs = Math.max(1, Number(opts.timeout) || 60) * 1000;
const t0 = Date.now();
const deadline = t0 + timeoutMs;

/** A navigation to a loopback host on another port than the provider's = the app's callback. */
function isCallback(href) {
  const u = URL.parse(href);
  if (!u || u.protocol !== 'http:' || !LOOPBACK.has(u.hostname)) return false;
  return (u.port || '80') !== providerPort;
}
const isLoopbackUrl = (href) => { const u = URL.parse(href); return !!u && LOOPBACK.has(u.hostname); };

/** A URL for the log with the authorization code masked (stdout keeps it for selftest.mjs). */
function redact(href) {
  const u = URL.parse(href);
  if (!u || !u.searchParams.has('code')) return href;
  u.searchParams.set('code', '[redacted]');
  return u.href;
}

function finish(code, result) {
  process.stdout.write(`${JSON.stringify({ ...result, ms: Date.now() - t0 })}\n`);
  process.exitCode = code;
}

const steps = [];
let browser;
try {
  browser = await chromium.launch({
    executablePath: EXECUTABLE,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic', '--no-proxy-server'],
  });
} catch (e) {
  log(`cannot start ${EXECUTABLE}: ${e.message.split('\n')[0]}`);
  finish(1, { ok: false, error: 'launch_failed', steps });
  process.exit(1);
}

try {
  const context = await browser.newContext();
  // The dev pages @import Google fonts; nothing but loopback is reachable here, so refuse
  // everything else at once instead of waiting for it to time out.
  await context.route((url) => !isLoopbackUrl(url.href), (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();

  // Watch main-frame navigations for the callback (event-driven, so a fast listener that
  // answers and closes is not missed between polls).
  let callback = null; // { url, status, done, failed }
  page.on('response', (resp) => {
    const req = resp.request();
    if (req.frame() !== page.mainFrame() || !req.isNavigationRequest() || !isCallback(resp.url())) return;
    if (resp.status() >= 300 && resp.status() < 400) return; // the app redirected itself; keep following
    callback = { url: resp.url(), status: resp.status(), done: false };
    resp.finished().then(() => { callback.done = true; }, () => { callback.done = true; });
  });
  page.on('requestfailed', (req) => {
    if (req.frame() !== page.mainFrame() || !req.isNavigationRequest() || !isCallback(req.url())) return;
    callback = { url: req.url(), failed: req.failure()?.errorText ?? 'failed', done: true };
  });

  log(`open ${start.href}`);
  page.goto(start.href, { waitUntil: 'commit', timeout: timeoutMs }).catch((e) => {
    if (!callback) log(`navigation: ${e.message.split('\n')[0]}`);
  });

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  let lastUrl = '';
  let idleSince = Date.now();
  let outcome = null;

  while (!outcome) {
    if (Date.now() > deadline) {
      log(`timeout after ${timeoutMs / 1000}s at ${redact(page.url())}`);
      outcome = [2, { ok: false, error: 'timeout', url: page.url(), steps }];
      break;
    }
    if (callback?.done) {
      steps.push('callback');
      if (callback.failed) {
        log(`callback request failed: ${callback.failed} (${redact(callback.url)})`);
        outcome = [4, { ok: false, error: 'callback_failed', detail: callback.failed, url: callback.url, steps }];
      } else {
        log(`callback loaded: HTTP ${callback.status} ${redact(callback.url)}`);
        outcome = [0, { ok: true, url: callback.url, status: callback.status, steps }];
      }
      break;
    }
    if (callback) { await sleep(20); continue; } // callback response still loading

    const here = page.url();
    if (here !== lastUrl) { lastUrl = here; idleSince = Date.now(); }
    const onProvider = URL.parse(here)?.origin === providerOrigin;

    if (onProvider) {
      // eslint-disable-next-line no-await-in-loop
      await page.waitForLoadState('domcontentloaded', { timeout: 2000 }).catch(() => {});
      const login = page.locator('form input[name="login"]');
      const consent = page.locator('form button[type="submit"]', { hasText: 'Continue' });
      if (await login.count().catch(() => 0)) {
        if (opts.cancel) {
          log('login page: clicking [ Cancel ]');
          steps.push('cancel');
          await page.locator('a', { hasText: 'Cancel' }).first().click({ timeout: 5000 });
        } else {
          log(`login page: signing in as ${opts.user}`);
          steps.push('login');
          await login.fill(opts.user);
          await page.locator('form input[name="password"]').fill(opts.password);
          await page.locator('form button[type="submit"]').first().click({ timeout: 5000 });
        }
        await page.waitForURL((u) => u.href !== here, { timeout: Math.max(1, deadline - Date.now()), waitUntil: 'commit' }).catch(() => {});
        continue;
      }
      if (await consent.count().catch(() => 0)) {
        log('consent page: clicking Continue');
        steps.push('consent');
        await consent.first().click({ timeout: 5000 });
        await page.waitForURL((u) => u.href !== here, { timeout: Math.max(1, deadline - Date.now()), waitUntil: 'commit' }).catch(() => {});
        continue;
      }
      // Some other provider page: give scripts (form_post, auto-submit) a moment, then give up.
      if (Date.now() - idleSince > 2000) {
        const title = await page.title().catch(() => '');
        const text = (await page.locator('body').innerText({ timeout: 1000 }).catch(() => '')).trim();
        log(`stuck on provider page "${title}" at ${here}:\n${text}`);
        outcome = [3, { ok: false, error: 'provider_page', title, text: text.slice(0, 2000), url: here, steps }];
        break;
      }
    }
    await sleep(50);
  }
  finish(...outcome);
} catch (e) {
  log(`error: ${e.stack || e}`);
  finish(1, { ok: false, error: 'exception', detail: String(e.message || e), steps });
} finally {
  await browser.close().catch(() => {});
}
