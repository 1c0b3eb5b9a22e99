// The accessibility gate: axe-core (npm) injected into the real window on each main view (the
// start screen, the profile form, a profile, a sign-in's result with the session history, a
// sign-in that waits with the "Is the browser showing an error?" panel, an error, and the
// inspector with a token): no violation of impact serious or critical. Run with scripts/e2e.sh.

import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { axeCheck } from './axe.mjs';
import { paste, shown, tid } from './harness.mjs';
import { Session, browserCommand } from './session.mjs';

const DEMO = 'A11y demo';
const WAITING = 'A11y waiting';
const CANCELLED = 'A11y cancelled';

const s = new Session('a11y');
const b = () => s.b();

const axeClean = (view) => axeCheck(b(), view);

describe('Tokenscope desktop, accessibility', () => {
  before(() => s.start());
  after(() => s.stop());

  s.step('the start screen has no serious accessibility violation', async () => {
    await shown(b(), tid('profile-list'), { timeout: 30_000 });
    await axeClean('start screen');
  });

  s.step('the profile form has none', async () => {
    await (await shown(b(), tid('new-profile'))).click();
    await shown(b(), tid('profile-form'));
    await paste(b(), tid('authority-input'), s.provider.metadataUrl('B2C_1_susi'));
    await shown(b(), tid('authority-preview'));
    await axeClean('profile form');
    await (await shown(b(), tid('cancel-edit'))).click();
  }, { needs: ['the start screen has no serious accessibility violation'] });

  s.step('a profile, its sign-in result and the session history have none', async () => {
    await s.createProfile({ name: DEMO, browser: browserCommand() });
    await s.selectProfile(DEMO);
    await axeClean('profile');
    const view = await s.signIn(DEMO);
    if (view !== tid('result-view')) assert.fail(`sign-in ended on the error view: ${await s.errorText()}`);
    await shown(b(), tid('session-history'));
    await shown(b(), tid('id-token-expiry-countdown'));
    await axeClean('sign-in result and history');
  }, { needs: ['the start screen has no serious accessibility violation'] });

  s.step('a sign-in that waits shows the time and, after a few seconds, asks about the browser; no violation', async () => {
    await s.createProfile({ name: WAITING, browser: 'true' });
    await s.selectProfile(WAITING);
    await (await shown(b(), tid('sign-in'))).click();
    const elapsed = await shown(b(), tid('waiting-elapsed'));
    assert.match(await elapsed.getText(), /^waiting \d:\d\d$/);
    const panel = await shown(b(), tid('browser-error-help'), { timeout: 20_000 });
    assert.match(await panel.getText(), /Is the browser showing an error\?/);
    // The likely codes of the request actually sent, from core's catalogue.
    const likely = await b().$$(tid('likely-code'));
    assert.ok(likely.length > 0, 'no likely code listed');
    assert.equal(await likely[0].getAttribute('data-code'), 'AADB2C90018');
    const sentId = await (await shown(b(), `${tid('likely-code')} ${tid('sent-client_id')}`)).getText();
    assert.equal(sentId.trim(), s.provider.ready.client_id);
    await (await shown(b(), tid('browser-error-code'))).setValue('AADSTS50011');
    const explained = await shown(b(), tid('browser-error-explained'));
    assert.match(await explained.getText(), /redirect/i);
    await axeClean('waiting sign-in with the browser error panel');
    await (await shown(b(), tid('cancel-sign-in'))).click();
  }, { needs: ['the start screen has no serious accessibility violation'] });

  s.step('an error has none', async () => {
    await s.createProfile({ name: CANCELLED, browser: browserCommand('--cancel') });
    const view = await s.signIn(CANCELLED);
    assert.equal(view, tid('error-view'));
    await axeClean('error view');
  }, { needs: ['the start screen has no serious accessibility violation'] });

  s.step('the inspector with a token has none, and finds a token in a sentence', async () => {
    await (await shown(b(), tid('nav-inspector'))).click();
    const token =
      'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1MSIsImlzcyI6Imh0dHBzOi8vaXNzdWVyLmV4YW1wbGUvIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJl';
    await paste(b(), tid('token-input'), `Hi, the token ${token}, fails.`);
    await (await shown(b(), tid('decode-button'))).click();
    const form = await shown(b(), tid('input-form'));
    assert.equal(await form.getAttribute('data-form'), 'text');
    assert.match(await (await shown(b(), tid('found-count'))).getText(), /One token found/);
    await shown(b(), tid('claims-table'));
    await axeClean('inspector with a token');
  }, { needs: ['the start screen has no serious accessibility violation'] });
});
