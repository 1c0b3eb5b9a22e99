// Issue 16 in the desktop app, as a person uses it, against the test provider's External
// ID-shaped tenant (which offers the device flow) and its B2C tenant:
// - "Sign in on another device": the user code, the verification URIs, the QR code and the
//   countdown shown (at 1024×640 too, and with no serious accessibility violation); the code is
//   entered at the provider's device page (curl with a cookie jar, as the command line's device
//   test does: the page is plain HTML forms); the sign-in ends on the usual result, its refresh
//   token in the keyring;
// - the profile form's "Advanced: client authentication": closed for a new profile; a private key
//   pasted once goes to the keyring and comes back only as its thumbprint;
// - the B2C → External ID migration view: the B2C profile signed in from the view, compared with
//   the device sign-in's ID token, the known differences explained.

import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { axeCheck } from './axe.mjs';
import { REPO, gone, keyringLookup, paste, run, screenshot, shown, tid } from './harness.mjs';
import { Session, browserCommand, claimValue, profileItem } from './session.mjs';

const TV = 'Device TV';
const B2C = 'Device B2C';

const s = new Session('device');
const b = () => s.b();

/** Enters the user code at the provider's device page and confirms, as a person would (the
 *  page's xsrf field, then the code with `confirm`); returns the last page's title. */
async function approve(uriComplete, verificationUri, userCode) {
  const script = `set -eu
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
page=$(curl -sS --max-time 20 -c "$jar" -b "$jar" "$1")
xsrf=$(printf '%s' "$page" | grep -o 'name="xsrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
curl -sS -L --max-time 20 -c "$jar" -b "$jar" --data-urlencode "xsrf=$xsrf" \\
  --data-urlencode "user_code=$3" --data-urlencode confirm=yes "$2" | grep -o '<title>[^<]*'
`;
  const r = await run('sh', ['-c', script, 'sh', uriComplete, verificationUri, userCode], { timeout: 45_000 });
  assert.equal(r.code, 0, `approving the code failed: ${r.stderr}`);
  return r.stdout;
}

/** The keyring entry of a profile's key (`client-key:<profile>`), or null. */
async function keyringKey(profile) {
  const r = await run('secret-tool', ['lookup', 'service', 'tokenscope', 'username', `client-key:${profile}`]);
  return r.code === 0 && r.stdout.length > 0 ? r.stdout : null;
}

describe('Tokenscope desktop, device sign-in, client key, migration', () => {
  before(() => s.start());
  after(() => s.stop());

  s.step('an External ID profile signs in on another device: code, QR code, countdown, then the result', async () => {
    const ext = s.provider.ready.external_id;
    await s.createProfile({
      name: TV,
      browser: browserCommand(),
      authority: ext.metadata[0],
      policy: '', // a loopback URL: the preview names no B2C policy
      scopes: 'offline_access',
    });
    await s.selectProfile(TV);
    // At 1024×640 (the smallest window), the panel brings the code and the QR code into view.
    await b().setWindowSize(1024, 640);
    let uri;
    let code;
    let complete;
    try {
      // The provider offers the device flow: the pane says so with its own button.
      await (await shown(b(), tid('sign-in-device'), { timeout: 30_000 })).click();
      await shown(b(), tid('device-code-panel'), { timeout: 30_000 });
      code = (await (await shown(b(), tid('device-user-code'))).getText()).trim();
      uri = (await (await shown(b(), tid('device-verification-uri'))).getText()).trim();
      complete = (await (await shown(b(), tid('device-verification-uri-complete'))).getText()).trim();
      assert.match(code, /^[A-Z0-9-]{4,}$/, `user code ${code}`);
      assert.ok(uri.endsWith('/device'), uri);
      assert.ok(complete.startsWith(`${uri}?user_code=`), complete);
      const qr = await shown(b(), `${tid('device-qr')} path`);
      assert.match(await qr.getAttribute('d'), /^M4 4h7v1h-7z/);
      assert.match(await (await shown(b(), tid('device-expires-in'))).getText(), /^\d+:\d\d$/);
      await b().waitUntil(async () => /Checked \d+ times?, every 1 s/.test(await (await b().$(tid('device-status'))).getText()), {
        timeout: 15_000, interval: 200, timeoutMsg: 'no poll shown',
      });
      const fits = await b().execute(() => {
        const vw = document.documentElement.clientWidth;
        const vh = document.documentElement.clientHeight;
        const rect = (id) => document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect();
        const inView = (r) => !!r && r.left >= 0 && r.top >= 0 && r.right <= vw + 0.5 && r.bottom <= vh + 0.5;
        return { vw, vh, wide: document.documentElement.scrollWidth > vw + 1, code: inView(rect('device-user-code')), qr: inView(rect('device-qr')) };
      });
      assert.ok(fits.vw <= 1024 && fits.vh <= 640, `the viewport is ${fits.vw}×${fits.vh}`);
      assert.ok(!fits.wide && fits.code && fits.qr, `at 1024×640: ${JSON.stringify(fits)}`);
      await screenshot(b(), 'device-code');
      await axeCheck(b(), 'device sign-in panel');
    } finally {
      await b().setWindowSize(1280, 800);
    }
    const title = await approve(complete, uri, code);
    assert.match(title, /Sign-in Success/, title);
    await shown(b(), tid('result-view'), { timeout: 30_000 });
    await gone(b(), tid('device-code-panel'));
    assert.equal((await (await shown(b(), claimValue('iss'))).getText()).trim(), ext.issuer);
    assert.equal(await (await shown(b(), tid('result-view'))).getAttribute('data-passed'), 'true');
    assert.ok(await keyringLookup(TV), 'no refresh token in the keyring after the device sign-in');
  });

  s.step('the profile form keeps client authentication under Advanced; a private key goes in once', async () => {
    await s.selectProfile(TV);
    await (await shown(b(), tid('edit-profile'))).click();
    const section = await shown(b(), tid('client-auth-section'));
    assert.equal(await section.getAttribute('open'), null, 'Advanced is open for a public client');
    await (await shown(b(), tid('client-auth-toggle'))).click();
    await shown(b(), tid('client-key-input'));
    await axeCheck(b(), 'profile form with Advanced: client authentication open');
    const pem = readFileSync(path.join(REPO, 'tests/fixtures/keys/rsa2.pem'), 'utf8');
    await paste(b(), tid('client-key-input'), pem);
    await (await shown(b(), tid('save-profile'))).click();
    await gone(b(), tid('profile-form'));
    // The key is stored after the profile (the form closes first); a key this long is kept in
    // chunks behind an envelope ({"v":1,"chunks":2,…}).
    await b().waitUntil(async () => (await keyringKey(TV)) !== null, {
      timeout: 10_000, interval: 200, timeoutMsg: 'secret-tool finds no private key in the keyring',
    });
    assert.equal(await (await b().$(tid('action-error'))).isExisting(), false, 'the key was refused');
    const body = pem.split('\n')[1];
    assert.ok(!(await b().getPageSource()).includes(body), 'the private key is in the window');
    await (await shown(b(), tid('edit-profile'))).click();
    assert.notEqual(await (await shown(b(), tid('client-auth-section'))).getAttribute('open'), null);
    assert.match(await (await shown(b(), tid('client-key-thumbprint'))).getText(), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(await (await shown(b(), tid('client-key-input'))).getValue(), '');
    assert.ok(!(await b().getPageSource()).includes(body), 'the form shows the stored key');
    // Removed again: the profile is a public client (the provider knows no key of it).
    await (await shown(b(), tid('remove-client-key'))).click();
    await (await shown(b(), tid('save-profile'))).click();
    await gone(b(), tid('profile-form'));
    await b().waitUntil(async () => (await keyringKey(TV)) === null, {
      timeout: 10_000, interval: 200, timeoutMsg: 'the private key is still in the keyring after Remove',
    });
  }, { needs: ['an External ID profile signs in on another device: code, QR code, countdown, then the result'] });

  s.step('the migration view compares the B2C sign-in with the External ID one and explains the differences', async () => {
    await s.createProfile({ name: B2C, browser: browserCommand(), policy: 'B2C_1_auto' });
    await (await shown(b(), tid('nav-migration'))).click();
    await shown(b(), tid('migration-view'));
    // The B2C profile is A and the other one B by default.
    assert.equal(await (await shown(b(), tid('migration-a-select'))).getValue(), B2C);
    assert.equal(await (await shown(b(), tid('migration-b-select'))).getValue(), TV);
    // B has the device sign-in of this session; A signs in from here.
    await b().waitUntil(async () => /Latest sign-in/.test(await (await b().$(tid('migration-b-state'))).getText()), {
      timeout: 10_000, interval: 200, timeoutMsg: 'the External ID profile shows no sign-in',
    });
    await (await shown(b(), tid('migration-a-sign-in'))).click();
    await b().waitUntil(async () => /Latest sign-in/.test(await (await b().$(tid('migration-a-state'))).getText()), {
      timeout: 60_000, interval: 250, timeoutMsg: 'the B2C sign-in from the migration view did not come back',
    });
    await (await shown(b(), tid('migration-compare'))).click();
    await shown(b(), tid('migration-note'));
    const ids = await b().execute(() =>
      [...document.querySelectorAll('[data-testid="migration-note"]')].map((n) => n.getAttribute('data-id')));
    // (The test provider keeps the user's object ID in both tenants: no object_id note here.)
    for (const id of ['policy_claim', 'emails', 'issuer', 'version']) {
      assert.ok(ids.includes(id), `no note ${id} in ${ids.join(', ')}`);
    }
    const tfp = await shown(b(), `${tid('migration-note', '[data-id="policy_claim"]')} ${tid('migration-found')}`);
    assert.match(await tfp.getText(), /tfp/);
    await shown(b(), tid('diff-row', '[data-name="tfp"]'));
    await axeCheck(b(), 'migration view');
    await screenshot(b(), 'migration');
    await (await shown(b(), tid('nav-profiles'))).click();
    await shown(b(), profileItem(B2C));
  }, { needs: ['an External ID profile signs in on another device: code, QR code, countdown, then the result'] });
});
