// The Tests view: open a user-flow test file, see why it is refused (file, line, key), run all
// cases or one, watch each end, read each failure's expectation, expected and actual.
import { emit } from '@tauri-apps/api/event';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import App from '../App.svelte';
import type { CaseReport, TestFileView } from '../lib/bindings';
import { CASE_EVENT } from '../lib/ipc';
import { backend, deferred } from './backend';

const PATH = '/work/flows/contoso.tokenscope.toml';

const FILE: TestFileView = {
  path: PATH,
  cases: [
    { name: 'sign-in: claims', driver: 'b2c-pages', action: 'sign-in', policy: 'B2C_1_susi', line: 8 },
    { name: 'forgot password', driver: 'b2c-pages', action: 'forgot-password', policy: null, line: 20 },
  ],
};

function report(name: string, failures: CaseReport['failures'] = []): CaseReport {
  return {
    name,
    file: PATH,
    ok: failures.length === 0,
    duration_ms: 1234,
    failures,
    driver: 'b2c-pages',
    warnings: [],
  };
}

const FAILED = report('sign-in: claims', [
  { expectation: 'claims.idp', expected: 'matches /itsme/', actual: '"local"' },
  { expectation: 'sign-in', expected: 'tokens that pass the expectations', actual: 'the page said: Invalid username or password.' },
]);

async function openTests() {
  const user = userEvent.setup();
  render(App);
  await screen.findByTestId('profile-list');
  await user.click(screen.getByTestId('nav-tests'));
  await user.type(screen.getByTestId('test-file'), PATH);
  await user.click(screen.getByTestId('open-test-file'));
  return user;
}

const statuses = () =>
  screen.getAllByTestId('case').map((c) => `${c.dataset.name}:${c.dataset.status}`);

describe('Tests view', () => {
  test('runs every case, shows each as it ends, and a failure expected against actual', async () => {
    const done = deferred<CaseReport[]>();
    const b = backend({ read_test_file: () => FILE, run_test_file: () => done.promise }, { events: true });
    const user = await openTests();
    expect(b.argsOf('read_test_file')).toEqual([{ path: PATH }]);
    expect(statuses()).toEqual(['sign-in: claims:idle', 'forgot password:idle']);

    await user.click(screen.getByTestId('run-all'));
    await waitFor(() => expect(statuses()).toEqual(['sign-in: claims:running', 'forgot password:running']));
    expect(b.argsOf('run_test_file')).toEqual([{ path: PATH, only: [], jobs: 1 }]);
    expect(screen.getByTestId('run-all')).toBeDisabled();

    // The second case ends first: its row says so while the first still runs.
    await emit(CASE_EVENT, report('forgot password'));
    await waitFor(() => expect(statuses()).toEqual(['sign-in: claims:running', 'forgot password:passed']));

    done.resolve([FAILED, report('forgot password')]);
    await waitFor(() => expect(statuses()).toEqual(['sign-in: claims:failed', 'forgot password:passed']));
    expect(screen.getByTestId('tests-summary')).toHaveTextContent('1 passed, 1 failed');
    // The first failure opens by itself: every expectation with what was expected and what came back.
    const rows = within(screen.getByTestId('failures')).getAllByRole('row').slice(1);
    expect(rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))).toEqual([
      ['claims.idp', 'matches /itsme/', '"local"'],
      ['sign-in', 'tokens that pass the expectations', 'the page said: Invalid username or password.'],
    ]);
  });

  test('runs one case and keeps the other results', async () => {
    const b = backend({
      read_test_file: () => FILE,
      run_test_file: (args) =>
        (args.only as string[]).length ? [report('forgot password')] : [FAILED, report('forgot password')],
    });
    const user = await openTests();
    await user.click(screen.getByTestId('run-all'));
    await waitFor(() => expect(statuses()).toEqual(['sign-in: claims:failed', 'forgot password:passed']));
    const second = screen.getAllByTestId('case')[1]!;
    await user.click(within(second).getByTestId('run-one'));
    await waitFor(() => expect(b.argsOf('run_test_file').at(-1)).toEqual({ path: PATH, only: ['forgot password'], jobs: 1 }));
    await waitFor(() => expect(statuses()).toEqual(['sign-in: claims:failed', 'forgot password:passed']));
  });

  test('a refused file shows every problem with file, line and key, and no case', async () => {
    const problems = `${PATH}:4: defaults.password: must be env:NAME or keyring:NAME\n${PATH}:9: case[1].expect.claims.x.presnt: unknown key`;
    backend({
      read_test_file: () => {
        throw { kind: 'test_file', message: problems, provider: null, body: null };
      },
    });
    await openTests();
    const error = await screen.findByTestId('tests-error');
    expect(error.textContent).toBe(problems);
    expect(screen.queryByTestId('run-all')).toBeNull();
    expect(screen.queryAllByTestId('case')).toHaveLength(0);
  });
});
