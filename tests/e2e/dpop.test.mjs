// DPoP (RFC 9449) in the desktop app, as a person uses it (issue 16): a profile of the test
// provider's plain OpenID provider (`/oidc`) with its DPoP client (nonces required, bound access
// tokens only), DPoP turned on under the profile form's "More parameters"; the sign-in passes the
// DPoP binding check and the result names the key's thumbprint (jkt); the profile form shows the
// same thumbprint, and a confirmed rotation makes a new key. The private key stays in the keyring.
//
// Its own app, provider and keyring (scripts/e2e.sh runs every tests/e2e/*.test.mjs).

import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { axeCheck } from './axe.mjs';
import { gone, run, shown, tid } from './harness.mjs';
import { Session, browserCommand, inResult } from './session.mjs';

const s = new Session('dpop');
const b = () => s.b();
const NAME = 'DPoP nonce';

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

const text = async (selector) => (await (await shown(b(), selector)).getText()).trim();

describe('Tokenscope desktop, DPoP', () => {
  before(() => s.start());
  after(() => s.stop());

  s.step('DPoP turned on for the DPoP client: the binding check passes and the key’s jkt is shown', async () => {
    const { ready } = s.provider;
    await s.createProfile({
      name: NAME,
      browser: browserCommand(),
      policy: 'oidc',
      authority: ready.generic.metadata,
      // The API's scope: a JWT access token whose cnf.jkt the check reads.
      scopes: `offline_access ${ready.api_scope}`,
      extra: async () => {
        const id = await shown(b(), tid('client-id-input'));
        await id.clearValue();
        await id.setValue(ready.generic.dpop_nonce_client_id);
        await openMoreParameters();
        const box = await shown(b(), tid('dpop-checkbox'));
        if (!(await box.isSelected())) await box.click();
        assert.equal(await box.isSelected(), true, 'DPoP should be on');
      },
    });
    assert.equal(await keyring(`dpop-key:${NAME}`), null, 'no DPoP key before the first sign-in');

    const got = await s.signIn(NAME);
    if (got !== tid('result-view')) assert.fail(`sign-in ended on the error view: ${await s.errorText()}`);
    const view = await shown(b(), tid('result-view'));
    assert.equal(await view.getAttribute('data-passed'), 'true', 'the sign-in should pass');
    const binding = await shown(b(), inResult(tid('check', '[data-name="dpop_binding"]')));
    assert.equal(await binding.getAttribute('data-ok'), 'true', await binding.getText());
    const jkt = await text(inResult(tid('used-dpop-jkt')));
    assert.match(jkt, /^[A-Za-z0-9_-]{43}$/, `jkt ${jkt}`);
    assert.ok((await binding.getText()).includes(jkt), `the check names another key: ${await binding.getText()}`);
    // Made on first use, in the keyring; its private half never in the window.
    const stored = await keyring(`dpop-key:${NAME}`);
    assert.ok(stored, 'the DPoP key should be in the keyring');
    const d = JSON.parse(JSON.parse(stored).value).d;
    assert.ok(d && !(await b().getPageSource()).includes(d), 'the private key reached the window');

    // The profile form shows the same key; a confirmed rotation makes another.
    await (await shown(b(), tid('edit-profile'))).click();
    await openMoreParameters();
    assert.equal(await text(tid('dpop-jkt')), jkt);
    assert.match(await text(tid('dpop-created')), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    await (await shown(b(), tid('dpop-rotate'))).click();
    assert.match(await text(tid('dpop-confirm')), /Tokens bound to the old key stop working/);
    await axeCheck(b(), 'profile form with the DPoP key and its rotation asked');
    await (await shown(b(), tid('dpop-confirm-button'))).click();
    await b().waitUntil(async () => (await text(tid('dpop-jkt'))) !== jkt, {
      timeout: 10_000, interval: 100, timeoutMsg: 'the thumbprint shown did not change after the rotation',
    });
    const rotated = await text(tid('dpop-jkt'));
    assert.ok(!(await keyring(`dpop-key:${NAME}`)).includes(d), 'the old key is still stored');
    await (await shown(b(), tid('cancel-edit'))).click();
    await gone(b(), tid('profile-form'));

    // The next sign-in is bound to the new key.
    await (await shown(b(), tid('sign-in'))).click();
    await b().waitUntil(async () => (await text(inResult(tid('used-dpop-jkt')))) === rotated, {
      timeout: 60_000, interval: 200, timeoutMsg: 'the sign-in after the rotation does not name the new key',
    });
    const again = await shown(b(), inResult(tid('check', '[data-name="dpop_binding"]')));
    assert.equal(await again.getAttribute('data-ok'), 'true', await again.getText());
  }, { timeout: 180_000 });
});
