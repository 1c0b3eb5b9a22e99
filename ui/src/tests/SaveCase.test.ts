// "Save as test case" from a sign-in result, and the sign-in behind a case of the Tests view:
// the picks the user makes are what the shell is asked to write; a refusal is shown as the
// engine words it; the saved file opens in the Tests view; a case's sign-in opens in the same
// result view as any sign-in (without its own "Save as test case").
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import App from '../App.svelte';
import type { CaseReport, TestFileView } from '../lib/bindings';
import { backend } from './backend';
import { appInfo, entry, profile, signInView } from './fixtures';

const PATH = '/work/flows/contoso.tokenscope.toml';
const FILE: TestFileView = {
  path: PATH,
  cases: [{ name: 'Contoso SUSI: sign-in', driver: 'browser', action: 'sign-in', policy: null, line: 9 }],
};
const PASSED: CaseReport = {
  name: 'Contoso SUSI: sign-in',
  file: PATH,
  ok: true,
  duration_ms: 900,
  failures: [],
  driver: 'browser',
  warnings: [],
};

async function signedIn(handlers: Parameters<typeof backend>[0]) {
  const b = backend({
    app_info: () => appInfo('Contoso SUSI'),
    list_profiles: () => [entry(profile())],
    sign_in: () => signInView(),
    ...handlers,
  });
  const user = userEvent.setup();
  render(App);
  await user.click(await screen.findByTestId('sign-in'));
  await screen.findByTestId('result-view');
  await user.click(screen.getByTestId('save-case-toggle'));
  return { b, user };
}

const pick = (claim: string) => {
  const found = screen.getAllByTestId('save-case-pick').find((s) => s.dataset.claim === claim);
  if (!found) throw new Error(`no pick for claim ${claim}`);
  return found as HTMLSelectElement;
};

describe('Save as test case', () => {
  test('writes the picks the user made, then opens the file in the Tests view', async () => {
    const { b, user } = await signedIn({ save_test_case: () => FILE, read_test_file: () => FILE });
    // tfp names the user flow: expected as it is unless the user says otherwise; the rest nothing.
    expect(pick('tfp').value).toBe('equals');
    expect(pick('name').value).toBe('ignore');
    await user.selectOptions(pick('emails'), 'equals');
    await user.selectOptions(pick('name'), 'present');
    await user.selectOptions(pick('zz_team'), 'absent');
    await user.click(screen.getByTestId('save-case-refresh'));
    await user.click(screen.getByTestId('save-case-file'));
    await user.paste(PATH);
    await user.click(screen.getByTestId('save-case-save'));
    await screen.findByTestId('save-case-saved');
    expect(b.argsOf('save_test_case')).toEqual([
      {
        path: PATH,
        draft: {
          name: 'Contoso SUSI: sign-in',
          profile: 'Contoso SUSI',
          refresh: true,
          claims: [
            ['emails', { pick: 'equals', value: ['tester@example.com'] }],
            ['name', { pick: 'present' }],
            ['tfp', { pick: 'equals', value: 'B2C_1_susi' }],
            ['zz_team', { pick: 'absent' }],
          ],
        },
      },
    ]);
    expect(screen.getByTestId('save-case-saved')).toHaveTextContent(`${PATH} now has 1 case`);
    await user.click(screen.getByTestId('save-case-open-tests'));
    await waitFor(() => expect(screen.getAllByTestId('case').map((c) => c.dataset.name)).toEqual(['Contoso SUSI: sign-in']));
    expect(b.argsOf('read_test_file')).toEqual([{ path: PATH }]);
  }, 20_000);

  test("shows the engine's refusal and keeps the form as it was", async () => {
    const message = `${PATH}:0: : claim exp: it changes on every sign-in; expect it present instead`;
    await signedIn({
      save_test_case: () => {
        throw { kind: 'test_file', message, provider: null, body: null };
      },
    });
    const user = userEvent.setup();
    await user.selectOptions(pick('exp'), 'equals');
    await user.click(screen.getByTestId('save-case-file'));
    await user.paste(PATH);
    await user.click(screen.getByTestId('save-case-save'));
    expect((await screen.findByTestId('save-case-error')).textContent).toBe(message);
    expect(pick('exp').value).toBe('equals');
    expect(screen.queryByTestId('save-case-saved')).toBeNull();
  });
});

describe('the sign-in behind a case', () => {
  test('opens in the result view after a run, and says so when none is kept', async () => {
    let kept = false;
    const b = backend({
      read_test_file: () => FILE,
      run_test_file: () => [PASSED],
      test_case_sign_in: () => {
        if (kept) return signInView();
        throw { kind: 'test_file', message: 'no sign-in is kept for case "Contoso SUSI: sign-in": run it first', provider: null, body: null };
      },
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('nav-tests'));
    await user.type(screen.getByTestId('test-file'), PATH);
    await user.click(screen.getByTestId('open-test-file'));
    await user.click(await screen.findByTestId('run-all'));
    const row = await screen.findByTestId('case');
    await waitFor(() => expect(row.dataset.status).toBe('passed'));
    await user.click(within(row).getByRole('button', { name: 'Contoso SUSI: sign-in' }));
    await user.click(within(row).getByTestId('show-case-sign-in'));
    expect(await within(row).findByTestId('case-sign-in-error')).toHaveTextContent('run it first');
    kept = true;
    await user.click(within(row).getByTestId('show-case-sign-in'));
    const view = await screen.findByTestId('case-sign-in');
    expect(within(view).getByTestId('result-view')).toBeInTheDocument();
    expect(within(view).getByTestId('result-summary')).toBeInTheDocument();
    expect(within(view).queryByTestId('save-case-toggle')).toBeNull();
    expect(b.argsOf('test_case_sign_in').at(-1)).toEqual({ path: PATH, name: 'Contoso SUSI: sign-in' });
  });
});
