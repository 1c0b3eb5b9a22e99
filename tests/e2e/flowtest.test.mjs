// User-flow tests in the window: a sign-in is saved as a test case (the user picks what each
// claim must be), the file opens in the Tests view, its cases run unattended (the profile's
// browser command completes the pages), a case that expects another policy fails with what was
// expected and what came back, and the sign-in behind a case opens in the result view.
// Run with scripts/e2e.sh -- tests/e2e/flowtest.test.mjs (or scripts/e2e.sh for every suite).

import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fill, screenshot, shown, tid } from './harness.mjs';
import { Session, browserCommand } from './session.mjs';

const NAME = 'Flow under test';
const s = new Session('flowtest');
const b = () => s.b();
const file = () => path.join(s.work, 'contoso.tokenscope.toml');
const caseRow = (name) => tid('case', `[data-name="${name}"]`);
const pick = (claim) => tid('save-case-pick', `[data-claim="${claim}"]`);

async function status(name, want) {
  try {
    await b().waitUntil(async () => (await (await b().$(caseRow(name))).getAttribute('data-status')) === want, {
      timeout: 90_000, interval: 250, timeoutMsg: `case "${name}" should end ${want}`,
    });
  } catch (e) {
    const view = await b().$(tid('tests'));
    throw new Error(`${e.message}; the Tests view reads:\n${(await view.isExisting()) ? await view.getText() : '(gone)'}`);
  }
}

describe('User-flow tests in the desktop app', () => {
  before(() => s.start());
  after(() => s.stop());

  s.step('the app starts', async () => {
    await shown(b(), tid('profile-list'), { timeout: 30_000 });
  });

  s.step('a sign-in is saved as a test case with the expectations picked', async () => {
    await s.createProfile({ name: NAME, browser: browserCommand(), policy: 'B2C_1_susi' });
    const view = await s.signIn(NAME);
    assert.equal(view, tid('result-view'), `sign-in ended on the error view: ${await s.errorText()}`);
    await (await shown(b(), tid('save-case-toggle'))).click();
    await shown(b(), tid('save-case-form'));
    assert.equal(await (await shown(b(), pick('tfp'))).getValue(), 'equals', 'tfp is expected as it is by default');
    await (await shown(b(), pick('sub'))).selectByAttribute('value', 'present');
    await fill(b(), tid('save-case-file'), file());
    await fill(b(), tid('save-case-name'), 'susi returns its policy');
    await screenshot(b(), 'save-as-test-case');
    await (await shown(b(), tid('save-case-save'))).click();
    const saved = await shown(b(), tid('save-case-saved'));
    assert.match(await saved.getText(), /now has 1 case/);
    const text = readFileSync(file(), 'utf8');
    assert.match(text, /\[\[case\]\]\nname = "susi returns its policy"\nprofile = "Flow under test"\n/);
    assert.match(text, /\[case\.expect\]\n/);
    assert.match(text, /\nclaims\.tfp = "B2C_1_susi"\n/);
    assert.match(text, /\nclaims\.sub = \{ present = true \}\n/);
  }, { needs: ['the app starts'] });

  s.step('the saved file runs in the Tests view; a wrong expectation fails with expected and actual', async () => {
    // A second case, written by hand, expects another policy's tfp.
    appendFileSync(file(), `\n[[case]]\nname = "expects another policy"\nprofile = "${NAME}"\n[case.expect]\nclaims.tfp = "B2C_1_edit"\n`);
    await (await shown(b(), tid('save-case-open-tests'))).click();
    await shown(b(), tid('tests'));
    await shown(b(), caseRow('expects another policy'));
    await (await shown(b(), tid('run-all'))).click();
    await status('susi returns its policy', 'passed');
    await status('expects another policy', 'failed');
    assert.match(await (await shown(b(), tid('tests-summary'))).getText(), /1 passed, 1 failed/);
    const failures = await shown(b(), `${caseRow('expects another policy')} ${tid('failures')}`);
    const text = await failures.getText();
    assert.match(text, /claims\.tfp/);
    assert.match(text, /"B2C_1_edit"/);
    assert.match(text, /"B2C_1_susi"/);
  }, { needs: ['a sign-in is saved as a test case with the expectations picked'], timeout: 240_000 });

  s.step('the sign-in behind a case opens in the result view', async () => {
    const row = caseRow('expects another policy');
    await (await shown(b(), `${row} ${tid('show-case-sign-in')}`)).click();
    const behind = await shown(b(), tid('case-sign-in'));
    const tfp = await behind.$(`${tid('claim-row', '[data-name="tfp"]')} ${tid('claim-value')}`);
    await tfp.waitForExist({ timeout: 10_000 });
    assert.equal((await tfp.getText()).trim(), 'B2C_1_susi');
    assert.equal(await (await behind.$(tid('save-case-toggle'))).isExisting(), false);
  }, { needs: ['the saved file runs in the Tests view; a wrong expectation fails with expected and actual'] });
});
