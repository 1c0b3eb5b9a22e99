// The request builder end to end, as a tester uses it: a profile with response_mode=form_post
// and a claims parameter (the app shows the request URL first, then signs in through headless
// Chromium, which POSTs the code to the loopback listener); a confidential client whose secret
// is typed once, kept in the real keyring and never shown again; a clean-session sign-in; and
// the logout test coming back to the loopback listener with the state sent.
//
// Its own app, provider and keyring (scripts/e2e.sh runs every tests/e2e/*.test.mjs).

import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BROWSER_MJS, fill, first, gone, paste, run, shown, tid } from './harness.mjs';
import { Session, browserCommand, inResult } from './session.mjs';

const s = new Session('request');
const b = () => s.b();
const FORM_POST = 'Form post';
const CONFIDENTIAL = 'itsme direct';
const CLAIMS = '{"id_token": {"acr": {"essential": true}}}';
const PLAIN = 'Plain OpenID';
const DAEMON = 'Daemon app';

/** The stored value of a keyring account of the app, or null. */
async function keyring(account) {
  const r = await run('secret-tool', ['lookup', 'service', 'tokenscope', 'username', account]);
  return r.code === 0 && r.stdout.length > 0 ? r.stdout : null;
}

async function openMoreParameters() {
  const more = await shown(b(), 'details.more > summary');
  const open = await b().execute((el) => el.parentElement.open, more);
  if (!open) await more.click();
}

async function choose(selectId, value) {
  const select = await shown(b(), tid(selectId));
  await b().execute((el, v) => {
    el.value = v;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, select, value);
  assert.equal(await select.getValue(), value, `${selectId} should be ${value}`);
}

async function openTools() {
  const tools = await shown(b(), tid('request-tools'));
  if ((await tools.getAttribute('open')) === null) await (await shown(b(), tid('request-tools-toggle'))).click();
}

async function expectResultPassed(view) {
  if (view !== tid('result-view')) assert.fail(`sign-in ended on the error view: ${await s.errorText()}`);
  const checks = await (await shown(b(), inResult(tid('checklist')))).$$(tid('check'));
  assert.ok(checks.length >= 5, `expected the validation report, found ${checks.length} checks`);
  for (const c of checks) {
    assert.equal(await c.getAttribute('data-ok'), 'true', `check ${await c.getAttribute('data-name')} failed`);
  }
}

describe('Tokenscope request builder, end to end', () => {
  before(() => s.start());
  after(() => s.stop());

  s.step('a form_post profile with a claims parameter is saved', async () => {
    await s.createProfile({
      name: FORM_POST,
      browser: browserCommand(),
      policy: 'B2C_1_auto',
      extra: async () => {
        await openMoreParameters();
        await choose('response-mode-select', 'form_post');
        await fill(b(), tid('claims-input'), CLAIMS);
      },
    });
  });

  s.step('the request URL is shown before signing in, with form_post, the claims and the scopes explained', async () => {
    await s.selectProfile(FORM_POST);
    await openTools();
    await (await shown(b(), tid('preview-request'))).click();
    const url = new URL((await (await shown(b(), tid('authorize-url'))).getText()).trim());
    assert.equal(url.searchParams.get('response_mode'), 'form_post');
    assert.deepEqual(JSON.parse(url.searchParams.get('claims')), JSON.parse(CLAIMS));
    assert.equal(url.searchParams.get('client_id'), s.provider.ready.client_id);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    await shown(b(), tid('copy-authorize-url'));
    const scopes = await (await shown(b(), tid('scope-list'))).getText();
    assert.match(scopes, /offline_access/);
    assert.match(scopes, /api/);
    assert.equal((await b().$$(tid('scope-warning'))).length, 0, 'one API and offline_access: no warning');
  }, { needs: ['a form_post profile with a claims parameter is saved'] });

  s.step('signing in with form_post: the browser POSTs the code to the loopback listener', async () => {
    await expectResultPassed(await s.signIn(FORM_POST));
  }, { needs: ['a form_post profile with a claims parameter is saved'] });

  s.step('Call API: a write without its scope is explained, a read answers 200', async () => {
    await s.selectProfile(FORM_POST);
    const panel = await shown(b(), inResult(tid('api-call-panel')));
    if ((await panel.getAttribute('open')) === null) await (await shown(b(), tid('api-call-toggle'))).click();
    const api = s.provider.ready.api.base;
    const send = async (method, url, body) => {
      await choose('api-method', method);
      await fill(b(), tid('api-url'), url);
      if (body !== undefined) await fill(b(), tid('api-body'), body);
      await (await shown(b(), tid('api-send'))).click();
    };
    const statusIs = async (status) => {
      await b().waitUntil(async () => {
        const r = await b().$(tid('api-result'));
        return (await r.isExisting()) && (await r.getAttribute('data-status')) === status;
      }, { timeout: 30_000, interval: 100, timeoutMsg: `no ${status} answer shown` });
    };
    await send('POST', `${api}/orders`, '{"item":"book"}');
    await statusIs('403');
    const finding = await shown(b(), tid('api-finding'));
    assert.equal(await finding.getAttribute('data-code'), 'insufficient_scope');
    assert.match(await finding.getText(), /api\/write/);
    await send('GET', `${api}/hello`);
    await statusIs('200');
    assert.match(await (await shown(b(), tid('api-status'))).getText(), /200 OK/);
    assert.match(await (await shown(b(), tid('api-body-shown'))).getText(), /"scp": "read"/);
    assert.equal((await b().$$(tid('api-finding'))).length, 0, 'a 200 has no findings');
    await b().waitUntil(async () => (await b().$$(tid('api-recent-call'))).length === 2, {
      timeout: 10_000, interval: 100, timeoutMsg: "both calls should be in the profile's recent calls",
    });
  }, { needs: ['signing in with form_post: the browser POSTs the code to the loopback listener'] });

  s.step('Call API: what went over the wire shows under the answer, the token masked', async () => {
    await s.selectProfile(FORM_POST);
    const log = await shown(b(), inResult(tid('api-wire-log')));
    const entries = await log.$$(tid('wire-entry'));
    assert.ok(entries.length > 0, 'the call should be logged');
    const last = entries[entries.length - 1];
    assert.equal(await last.getAttribute('data-step'), 'api');
    assert.equal(await last.getAttribute('data-status'), '200');
    assert.match(await last.getText(), /API call\s+GET\s+\S*\/hello/);
    await (await last.$('summary')).click();
    const request = await last.$(tid('wire-request'));
    await request.waitForDisplayed({ timeout: 10_000, interval: 100, timeoutMsg: 'the request should open' });
    const sent = await request.getText();
    assert.match(sent, /Bearer \[redacted\]/i);
    assert.doesNotMatch(sent, /eyJ/, 'no token in the log');
  }, { needs: ['Call API: a write without its scope is explained, a read answers 200'] });

  s.step('Userinfo with the API\'s access token: the provider refuses it, and the refusal is explained', async () => {
    await s.selectProfile(FORM_POST);
    const panel = await shown(b(), inResult(tid('userinfo-panel')));
    if ((await panel.getAttribute('open')) === null) await (await shown(b(), tid('userinfo-toggle'))).click();
    await (await shown(b(), tid('userinfo-call'))).click();
    const status = await shown(b(), tid('userinfo-status'), { timeout: 30_000 });
    assert.match(await status.getText(), /401/);
    assert.match(await status.getText(), /\/openid\/v2\.0\/userinfo/);
    const said = [...(await b().$$(tid('userinfo-finding'))), ...(await b().$$('.userinfo .note'))];
    assert.ok(said.length > 0, 'the refusal should be explained');
  }, { needs: ['signing in with form_post: the browser POSTs the code to the loopback listener'] });

  s.step('Save whole body: the last answer is written to the file typed', async () => {
    await s.selectProfile(FORM_POST);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'tokenscope-e2e-body-')), 'hello.json');
    await fill(b(), tid('api-save-path'), file);
    await (await shown(b(), tid('api-save'))).click();
    assert.match(await (await shown(b(), tid('api-saved'), { timeout: 10_000 })).getText(), /Saved [\d,]+ bytes/);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).route, 'GET /hello');
  }, { needs: ['Call API: a write without its scope is explained, a read answers 200'] });

  s.step('the inspector: a token pasted from a log is taken to the API and its refusal explained', async () => {
    await s.selectProfile(FORM_POST);
    await (await shown(b(), inResult(tid('tab-access-token')))).click();
    const token = (await (await shown(b(), inResult(tid('encoded-token')))).getText()).replace(/\s+/g, '');
    assert.match(token, /^eyJ/);
    await (await shown(b(), tid('nav-inspector'))).click();
    // As support gets it: the header line from a request log.
    await paste(b(), tid('token-input'), `Authorization: Bearer ${token}`);
    await (await shown(b(), tid('decode-button'))).click();
    const panel = await shown(b(), `${tid('inspector')} ${tid('api-call-panel')}`);
    if ((await panel.getAttribute('open')) === null) await (await shown(b(), `${tid('inspector')} ${tid('api-call-toggle')}`)).click();
    await choose('api-method', 'POST');
    await fill(b(), tid('api-url'), `${s.provider.ready.api.base}/orders`);
    await fill(b(), tid('api-body'), '{"item":"book"}');
    await (await shown(b(), tid('api-send'))).click();
    await b().waitUntil(async () => {
      const r = await b().$(`${tid('inspector')} ${tid('api-result')}`);
      return (await r.isExisting()) && (await r.getAttribute('data-status')) === '403';
    }, { timeout: 30_000, interval: 100, timeoutMsg: 'no 403 answer shown in the inspector' });
    const finding = await shown(b(), `${tid('inspector')} ${tid('api-finding')}`);
    assert.equal(await finding.getAttribute('data-code'), 'insufficient_scope');
    assert.match(await finding.getText(), /the app that got this token/);
    assert.equal((await b().$$(tid('api-recent-call'))).length, 0, 'a pasted token belongs to no profile');
    await (await shown(b(), tid('nav-profiles'))).click();
  }, { needs: ['signing in with form_post: the browser POSTs the code to the loopback listener'] });

  s.step('Revoke and introspect: B2C has neither; a plain OpenID provider introspects, then revokes the stored refresh token', async () => {
    const openPanel = async () => {
      const panel = await shown(b(), inResult(tid('endpoints-panel')));
      if ((await panel.getAttribute('open')) === null) await (await shown(b(), tid('endpoints-toggle'))).click();
    };
    await s.selectProfile(FORM_POST);
    await openPanel();
    const missing = await shown(b(), tid('revoke-missing'), { timeout: 30_000 });
    assert.match(await missing.getText(), /this provider has no revocation endpoint/);
    assert.equal(await (await shown(b(), tid('revoke'))).isEnabled(), false);
    assert.equal(await (await shown(b(), tid('introspect'))).isEnabled(), false);

    await s.createProfile({
      name: PLAIN, browser: browserCommand(), policy: 'oidc', authority: s.provider.ready.generic.metadata, scopes: 'offline_access',
    });
    await expectResultPassed(await s.signIn(PLAIN));
    assert.ok(await keyring(`refresh-token:${PLAIN}`), 'the refresh token should be in the keyring');
    await openPanel();
    await (await shown(b(), tid('introspect'), { timeout: 30_000 })).click();
    const active = await shown(b(), tid('introspect-result'), { timeout: 30_000 });
    assert.match(await active.getText(), /Active/);
    assert.match(await (await shown(b(), tid('introspect-claims'))).getText(), /offline_access/);
    await (await shown(b(), tid('revoke'))).click();
    const revoked = await shown(b(), tid('revoke-result'), { timeout: 30_000 });
    assert.match(await revoked.getText(), /removed from the OS keyring/);
    assert.equal(await keyring(`refresh-token:${PLAIN}`), null, 'the revoked refresh token should be gone from the keyring');
  }, { needs: ['signing in with form_post: the browser POSTs the code to the loopback listener'] });

  s.step('the logout test comes back to the loopback listener with the state sent', async () => {
    await s.selectProfile(FORM_POST);
    await openTools();
    await (await shown(b(), tid('logout-test'))).click();
    const result = await shown(b(), tid('logout-result'), { timeout: 60_000 });
    const summary = await (await shown(b(), tid('logout-summary'))).getText();
    assert.equal(await result.getAttribute('data-passed'), 'true', `logout test: ${summary}`);
    const sent = (await (await shown(b(), tid('logout-state-sent'))).getText()).trim();
    assert.match(await (await shown(b(), tid('logout-returned'))).getText(), new RegExp(`with state ${sent}`));
    assert.match(await result.getText(), /id_token_hint\s*sent/);
    // The local refresh token is the sign-out's business.
    assert.ok(await keyring(`refresh-token:${FORM_POST}`), 'the logout test must not delete the refresh token');
  }, { needs: ['signing in with form_post: the browser POSTs the code to the loopback listener'] });

  s.step('a clean sign-in sends prompt=login', async () => {
    await s.selectProfile(FORM_POST);
    await openTools();
    const clean = await shown(b(), tid('clean-session'));
    if (!(await clean.isSelected())) await clean.click();
    await (await shown(b(), tid('preview-request'))).click();
    await b().waitUntil(async () => /prompt=login/.test(await (await shown(b(), tid('authorize-url'))).getText()), {
      timeout: 10_000, interval: 100, timeoutMsg: 'the request URL should carry prompt=login',
    });
    const idToken = async () => {
      const el = await b().$(inResult(tid('encoded-token')));
      return (await el.isExisting()) ? (await el.getText()).replace(/\s+/g, '') : null;
    };
    const before = await idToken();
    await (await shown(b(), tid('sign-in'))).click();
    // A new result (another ID token) or an error view.
    await b().waitUntil(async () => {
      if (await (await b().$(tid('error-view'))).isExisting()) return true;
      const now = await idToken();
      return now !== null && now !== before;
    }, { timeout: 60_000, interval: 200, timeoutMsg: 'no new result after the clean sign-in' });
    await expectResultPassed((await (await b().$(tid('error-view'))).isExisting()) ? tid('error-view') : tid('result-view'));
  }, { needs: ['signing in with form_post: the browser POSTs the code to the loopback listener'] });

  s.step('with no browser opened, the URL shown, copied into a browser by hand, signs in', async () => {
    await s.selectProfile(FORM_POST);
    await openTools();
    const manual = await shown(b(), tid('no-browser'));
    if (!(await manual.isSelected())) await manual.click();
    const watch = s.watchBrowsers();
    const before = await b().$(inResult(tid('encoded-token')));
    const idBefore = (await before.isExisting()) ? (await before.getText()).replace(/\s+/g, '') : null;
    await (await shown(b(), tid('sign-in'))).click();
    const opened = await shown(b(), tid('step', '[data-step="browser_opened"][data-state="done"]'));
    assert.match(await opened.getText(), /No browser opened/);
    const url = await (await shown(b(), tid('sent-url'))).getAttribute('title');
    const redirect = (await (await shown(b(), tid('redirect-uri'))).getText()).trim();
    assert.equal(new URL(url).searchParams.get('redirect_uri'), redirect, 'the URL shown carries the real redirect_uri');
    // The person opens it in a browser of their choice: here, browser.mjs started by the test.
    const browser = await run('node', [BROWSER_MJS, url], { timeout: 60_000 });
    assert.equal(browser.code, 0, `browser.mjs: ${browser.stderr.slice(-500)}`);
    await b().waitUntil(async () => {
      if (await (await b().$(tid('error-view'))).isExisting()) return true;
      const el = await b().$(inResult(tid('encoded-token')));
      return (await el.isExisting()) && (await el.getText()).replace(/\s+/g, '') !== idBefore;
    }, { timeout: 30_000, interval: 200, timeoutMsg: 'no new result after the URL was opened by hand' });
    assert.equal(watch.stop().size, 0, 'the app started a browser although told not to');
    await expectResultPassed((await (await b().$(tid('error-view'))).isExisting()) ? tid('error-view') : tid('result-view'));
    await manual.click(); // back to opening the browser
  }, { needs: ['signing in with form_post: the browser POSTs the code to the loopback listener'] });

  s.step('a confidential client: the secret is typed once, kept in the keyring, and never shown again', async () => {
    const [, post] = s.provider.ready.confidential_clients;
    await s.createProfile({
      name: CONFIDENTIAL,
      browser: browserCommand(),
      policy: 'B2C_1_auto',
      scopes: 'offline_access',
      extra: async () => {
        await fill(b(), tid('client-id-input'), post.client_id);
        await (await shown(b(), tid('client-auth-toggle'))).click();
        await fill(b(), tid('client-secret-input'), post.client_secret);
        await choose('client-auth-select', 'client_secret_post');
      },
    });
    // The vault keeps an envelope: {"v":1,"stored_at":…,"value":"<secret>"}.
    const stored = await keyring(`client-secret:${CONFIDENTIAL}`);
    assert.ok(stored, 'secret-tool finds no client secret in the keyring');
    assert.equal(JSON.parse(stored).value, post.client_secret);
    await expectResultPassed(await s.signIn(CONFIDENTIAL));
    assert.ok(!(await b().getPageSource()).includes(post.client_secret), 'the client secret is in the window');
    const config = s.config;
    for (const f of readdirSync(config, { recursive: true }).filter((f) => statSync(path.join(config, f)).isFile())) {
      const text = readFileSync(path.join(config, f), 'utf8');
      assert.ok(!text.includes(post.client_secret), `the client secret is in ${f}`);
    }
    await (await shown(b(), tid('edit-profile'))).click();
    await shown(b(), tid('client-secret-stored'));
    assert.equal(await (await shown(b(), tid('client-secret-input'))).getValue(), '');
    assert.ok(!(await b().getPageSource()).includes(post.client_secret), 'the form shows the stored secret');
    await (await shown(b(), tid('cancel-edit'))).click();
    await gone(b(), tid('profile-form'));
  }, { needs: ['a form_post profile with a claims parameter is saved'] });

  s.step('a daemon client gets an app token (client credentials): no browser, no ID token, checks passed', async () => {
    const daemon = s.provider.ready.service_client;
    const tenant = s.provider.ready.tenant;
    await s.createProfile({
      name: DAEMON,
      browser: browserCommand(),
      policy: 'B2C_1_auto',
      scopes: `offline_access ${s.provider.ready.api_scope}`,
      extra: async () => {
        await fill(b(), tid('client-id-input'), daemon.client_id);
        await (await shown(b(), tid('client-auth-toggle'))).click();
        await fill(b(), tid('client-secret-input'), daemon.client_secret);
      },
    });
    await s.selectProfile(DAEMON);
    await (await shown(b(), tid('app-token'))).click();
    // The engine's suggestion: Entra's `.default` of the API the profile's scopes name.
    const scope = await shown(b(), tid('app-token-scope'));
    assert.equal(await scope.getValue(), `https://${tenant}/api/.default`);
    await (await shown(b(), tid('app-token-run'))).click();
    await expectResultPassed(await first(b(), [tid('result-view'), tid('error-view')], { timeout: 30_000 }));
    assert.match(await (await shown(b(), inResult(tid('tab-id-token')))).getText(), /none/);
    await shown(b(), inResult(tid('app-token-note')));
    assert.ok(!(await b().getPageSource()).includes(daemon.client_secret), 'the client secret is in the window');
  });

  s.step('deleting the confidential profile deletes its secret from the keyring', async () => {
    await s.selectProfile(CONFIDENTIAL);
    await (await shown(b(), tid('delete-profile'))).click();
    await (await shown(b(), tid('confirm-delete'))).click();
    await b().waitUntil(async () => (await keyring(`client-secret:${CONFIDENTIAL}`)) === null, {
      timeout: 10_000, interval: 200, timeoutMsg: 'secret-tool still finds the client secret after the profile was deleted',
    });
  }, { needs: ['a confidential client: the secret is typed once, kept in the keyring, and never shown again'] });
});
