// Speaking B2C, end to end: the tenant's policy picker switches a profile between policies of the
// test tenant (B2C_1_auto → B2C_1_edit) keeping its client ID and scopes, the session history
// shows the claims that changed and what the tenant returned (GUID or tfp issuer, tfp claim,
// lifetimes), AADB2C90118 (B2C_1_forgot) leads to the reset policy (B2C_1_reset) and back to a
// sign-in that now goes through, the support bundle carries the Correlation ID without secrets,
// and a redirect URI the tenant does not know shows the URI sent and the registration rules.
// Run with scripts/e2e.sh -- tests/e2e/b2c.test.mjs (or scripts/e2e.sh for every suite).

import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fill, first, screenshot, scrollIntoView, scrollToTop, shown, tid } from './harness.mjs';
import { Session, browserCommand, claimValue } from './session.mjs';

const SWITCH = 'B2C switch';
const TFP = 'B2C tfp issuer';
const FORGOT = 'B2C forgot';
const WRONG = 'B2C wrong redirect';
const MSAL = 'B2C MSAL authority';
const PORTAL = 'B2C portal URL';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

const s = new Session('b2c');
const b = () => s.b();
const option = (policy) => tid('policy-option', `[data-policy="${policy}"]`);
const entries = async () => {
  const out = [];
  for (const e of await b().$$(tid('history-entry'))) {
    out.push({
      purpose: await e.getAttribute('data-purpose'),
      policy: await e.getAttribute('data-policy'),
      passed: await e.getAttribute('data-passed'),
      error: await e.getAttribute('data-error'),
    });
  }
  return out;
};
const waitEntries = (n) => b().waitUntil(async () => (await b().$$(tid('history-entry'))).length === n, {
  timeout: 15_000, interval: 150, timeoutMsg: `the session history should list ${n} runs`,
});
const savedProfile = (name) =>
  JSON.parse(readFileSync(path.join(s.config, 'profiles.json'), 'utf8')).profiles.find((p) => p.name === name);

async function addPolicy(policy, { reset = false } = {}) {
  const picker = await shown(b(), tid('policy-picker'));
  await fill(b(), tid('add-policy-input'), policy);
  if (reset) await (await picker.$(tid('add-policy-reset'))).click();
  await (await picker.$(tid('add-policy'))).click();
  await shown(b(), option(policy), { msg: `${policy} should be offered in the policy picker` });
}

async function signedIn(name) {
  const view = await s.signIn(name);
  if (view !== tid('result-view')) assert.fail(`sign-in ended on the error view: ${await s.errorText()}`);
}

describe('Tokenscope speaks B2C, end to end', () => {
  before(() => s.start());
  after(() => s.stop());

  s.step('the app starts', async () => {
    await shown(b(), tid('profile-list'), { timeout: 30_000 });
  });

  s.step('a profile signs in, switches policy in the picker and signs in again with the same app', async () => {
    await s.createProfile({ name: SWITCH, browser: browserCommand(), policy: 'B2C_1_auto' });
    await signedIn(SWITCH);
    assert.equal((await (await shown(b(), claimValue('tfp'))).getText()).trim(), 'B2C_1_auto');
    assert.equal(await (await shown(b(), option('B2C_1_auto'))).getAttribute('aria-pressed'), 'true');

    await addPolicy('B2C_1_edit');
    await (await shown(b(), option('B2C_1_edit'))).click();
    await b().waitUntil(async () => (await (await b().$(option('B2C_1_edit'))).getAttribute('aria-pressed')) === 'true', {
      timeout: 10_000, interval: 100, timeoutMsg: 'B2C_1_edit should become the current policy',
    });
    assert.equal(await (await shown(b(), option('B2C_1_auto'))).getAttribute('aria-pressed'), 'false',
      'the policy left stays in the picker, one click away');
    const saved = savedProfile(SWITCH);
    assert.equal(saved.authority, s.provider.metadataUrl('B2C_1_edit'), 'the authority names the new policy');
    assert.equal(saved.client_id, s.provider.ready.client_id, 'the client ID stays');
    assert.deepEqual(saved.scopes, ['offline_access', s.provider.ready.api_scope], 'the scopes stay');

    await signedIn(SWITCH);
    assert.equal((await (await shown(b(), claimValue('tfp'))).getText()).trim(), 'B2C_1_edit');
  }, { needs: ['the app starts'] });

  s.step('the session history lists both sign-ins, the claims that changed and what the tenant returned', async () => {
    await waitEntries(2);
    assert.deepEqual((await entries()).map((e) => [e.policy, e.passed]), [['B2C_1_edit', 'true'], ['B2C_1_auto', 'true']]);
    const newest = (await b().$$(tid('history-entry')))[0];
    assert.match(await (await newest.$(tid('history-checks'))).getText(), /^(\d+)\/\1 checks$/);
    assert.match(await (await newest.$(tid('history-changes'))).getText(), /tfp/, 'tfp changed between the policies');
    const form = await shown(b(), tid('fact-issuer-form'));
    assert.equal(await form.getAttribute('data-form'), 'guid');
    assert.match(await (await shown(b(), tid('fact-policy-claim'))).getText(), /tfp = B2C_1_edit/);
    assert.equal((await (await shown(b(), tid('fact-id-lifetime'))).getText()).trim(), '1 h');
    assert.match(await (await shown(b(), tid('fact-refresh-lifetime'))).getText(), /^14 days/);
    assert.match(await (await shown(b(), tid('refresh-age-summary'))).getText(), /of 14 days.*90-day sliding window/);
    await b().execute((e) => e.scrollIntoView({ block: 'nearest', behavior: 'instant' }), await shown(b(), tid('session-history')));
    await screenshot(b(), 'b2c-history');
    await scrollToTop(b(), tid('policy-picker'));
    await screenshot(b(), 'b2c-policies');
  }, { needs: ['a profile signs in, switches policy in the picker and signs in again with the same app'] });

  s.step('an MSAL tfp authority and a portal "Run user flow" URL import, and the switch keeps their form', async () => {
    const { base, tenant } = s.provider.ready;
    const msal = `${base}/tfp/${tenant}/B2C_1_auto`;
    await s.createProfile({ name: MSAL, browser: browserCommand(), policy: 'B2C_1_auto', authority: msal });
    await signedIn(MSAL);
    assert.equal((await (await shown(b(), claimValue('tfp'))).getText()).trim(), 'B2C_1_auto');
    await addPolicy('B2C_1_edit');
    await (await shown(b(), option('B2C_1_edit'))).click();
    await b().waitUntil(async () => savedProfile(MSAL).authority === `${base}/tfp/${tenant}/B2C_1_edit`, {
      timeout: 10_000, interval: 150, timeoutMsg: 'the MSAL authority should name B2C_1_edit, in its tfp form',
    });
    await signedIn(MSAL);
    assert.equal((await (await shown(b(), claimValue('tfp'))).getText()).trim(), 'B2C_1_edit');

    const portal = `${base}/${tenant}/oauth2/v2.0/authorize?p=B2C_1_auto&client_id=${s.provider.ready.client_id}`
      + '&nonce=defaultNonce&redirect_uri=https%3A%2F%2Fjwt.ms&scope=openid&response_type=id_token&prompt=login';
    await s.createProfile({ name: PORTAL, browser: browserCommand(), policy: 'B2C_1_auto', authority: portal });
    // Kept as the policy's metadata URL, with the portal's prompt=login taken (not dropped).
    assert.equal(savedProfile(PORTAL).authority, s.provider.metadataUrl('B2C_1_auto'));
    assert.equal(savedProfile(PORTAL).params.prompt, 'login');
    await signedIn(PORTAL);
    assert.equal((await (await shown(b(), claimValue('tfp'))).getText()).trim(), 'B2C_1_auto');
    assert.equal(await (await shown(b(), tid('tenant-name'))).getText(), tenant);
  }, { needs: ['the app starts'] });

  s.step('a custom policy with the tfp issuer form is reported as such', async () => {
    await s.createProfile({ name: TFP, browser: browserCommand(), policy: 'B2C_1A_tfp' });
    await signedIn(TFP);
    await waitEntries(1);
    const form = await shown(b(), tid('fact-issuer-form'));
    assert.equal(await form.getAttribute('data-form'), 'tfp');
    assert.match(await (await shown(b(), tid('fact-policy-claim'))).getText(), /tfp = B2C_1A_tfp/);
  }, { needs: ['the app starts'] });

  s.step('AADB2C90118 is explained, bundled for support, and the reset policy leads back to a sign-in', async () => {
    await s.createProfile({ name: FORGOT, browser: browserCommand(), policy: 'B2C_1_forgot' });
    await addPolicy('B2C_1_reset', { reset: true });
    assert.equal((await (await shown(b(), tid('reset-policy'))).getText()).trim(), 'B2C_1_reset');

    const view = await s.signIn(FORGOT);
    assert.equal(view, tid('error-view'), 'B2C_1_forgot should end in an error');
    assert.equal((await (await shown(b(), tid('error-code'))).getText()).trim(), 'AADB2C90118');
    assert.match(await (await shown(b(), tid('error-meaning'))).getText(), /Forgot your password/);
    const correlation = (await (await shown(b(), tid('error-correlation-id'))).getText()).trim();
    assert.match(correlation, UUID);

    await (await shown(b(), tid('copy-support-bundle'))).click();
    await b().waitUntil(async () => /copied|refused/i.test(await (await b().$(tid('copy-support-bundle'))).getText())
      || (await b().$(tid('support-bundle-text')).isDisplayed().catch(() => false)), {
      timeout: 15_000, interval: 100, timeoutMsg: 'the support bundle should be made',
    });
    if (!(await (await b().$(tid('support-bundle-text'))).isDisplayed())) {
      await (await shown(b(), tid('support-bundle-toggle'))).click(); // shown under the button, folded
    }
    const bundle = await (await shown(b(), tid('support-bundle-text'))).getText();
    assert.match(bundle, /Code:\s+AADB2C90118/);
    assert.ok(bundle.includes(`Correlation ID: ${correlation}`), bundle);
    assert.match(bundle, /Timestamp:\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ/);
    assert.match(bundle, /Redirect URI:\s+http:\/\/localhost:\d+/);
    assert.match(bundle, /App version:\s+Tokenscope \d+\.\d+\.\d+/);
    assert.ok(bundle.includes('"code_challenge_method"'), 'the request parameters are in the bundle');
    assert.ok(!/"code_verifier"|refresh_token"\s*:\s*"ey/.test(bundle), 'no verifier or token in the bundle');

    await scrollIntoView(b(), tid('error-view'));
    await screenshot(b(), 'b2c-forgot-password');
    const offer = await shown(b(), tid('password-reset-offer'));
    assert.equal(await (await offer.$(tid('reset-policy-input'))).getValue(), 'B2C_1_reset');
    await (await offer.$(tid('start-password-reset'))).click();
    await b().waitUntil(async () => /completed, then signed in again/.test(await (await b().$(tid('b2c-notice'))).getText().catch(() => '')), {
      timeout: 60_000, interval: 200, timeoutMsg: 'the reset chain should end signed in again',
    });
    await shown(b(), tid('result-view'));
    assert.equal((await (await shown(b(), claimValue('tfp'))).getText()).trim(), 'B2C_1_forgot');
    await waitEntries(3);
    assert.deepEqual((await entries()).map((e) => [e.purpose, e.policy, e.passed, e.error]), [
      ['sign_in', 'B2C_1_forgot', 'true', ''],
      ['password_reset', 'B2C_1_reset', 'true', ''],
      ['sign_in', 'B2C_1_forgot', 'false', 'AADB2C90118'],
    ]);
    assert.equal(savedProfile(FORGOT).authority, s.provider.metadataUrl('B2C_1_forgot'), 'the profile keeps its policy');
  }, { needs: ['the app starts'] });

  s.step('a redirect URI the tenant does not know: the URI sent and the registration rules', async () => {
    await s.createProfile({
      name: WRONG,
      browser: browserCommand(),
      policy: 'B2C_1_auto',
      extra: (br) => fill(br, tid('redirect-path-input'), '/not-registered'),
    });
    await s.selectProfile(WRONG);
    await (await shown(b(), tid('sign-in'))).click();
    await shown(b(), tid('step', '[data-step="waiting_for_redirect"][data-state="active"]'));
    // B2C shows AADB2C90006 in the browser and never redirects: the person cancels the wait.
    await (await shown(b(), tid('cancel-sign-in'))).click();
    const check = await first(b(), [tid('redirect-check')], { timeout: 15_000 });
    assert.ok(check);
    const sent = (await (await shown(b(), tid('sent-redirect-uri'))).getText()).trim();
    assert.match(sent, /^http:\/\/localhost:\d+\/not-registered$/);
    assert.match(await (await shown(b(), tid('redirect-check'))).getText(), /any port/);
  }, { needs: ['the app starts'] });
});
