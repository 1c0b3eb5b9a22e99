// Signing in as a person does: one button, the steps as progress events arrive, Cancel (or Esc)
// while the browser has them, and the end: the result, an error, or a calm cancelled state.
// Events go through the mocked Tauri event system, as the shell's `signin-progress` would.
import { emit } from '@tauri-apps/api/event';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import App from '../App.svelte';
import type { IpcError, SignInView, SignOutView } from '../lib/bindings';
import { PROGRESS_EVENT } from '../lib/ipc';
import { backend, deferred } from './backend';
import { appInfo, cancelledByUser, entry, profile, SIGN_IN_EVENTS, signInView } from './fixtures';

const states = () => screen.getAllByTestId('step').map((s) => `${s.dataset.step}:${s.dataset.state}`);

async function startSignIn(result: Promise<SignInView>, extra: Parameters<typeof backend>[0] = {}) {
  const b = backend(
    {
      app_info: () => appInfo('Contoso SUSI'),
      list_profiles: () => [entry(profile())],
      sign_in: () => result,
      cancel_sign_in: () => true,
      ...extra,
    },
    { events: true },
  );
  const user = userEvent.setup();
  render(App);
  await user.click(await screen.findByTestId('sign-in'));
  await waitFor(() => expect(b.argsOf('sign_in')).toEqual([{ name: 'Contoso SUSI' }]));
  return { b, user };
}

describe('sign in', () => {
  test('shows each step as it happens and ends on the result', async () => {
    const done = deferred<SignInView>();
    const { user } = await startSignIn(done.promise);
    expect(states()).toEqual(['metadata_fetched:active']);
    expect(screen.getByTestId('sign-in')).toBeDisabled();

    for (const p of SIGN_IN_EVENTS.slice(0, 3)) await emit(PROGRESS_EVENT, p);
    await waitFor(() =>
      expect(states()).toEqual(['metadata_fetched:done', 'browser_opened:done', 'waiting_for_redirect:active']),
    );
    expect(screen.getByTestId('redirect-uri')).toHaveTextContent('http://localhost:53124/');
    expect(screen.getByTestId('cancel-sign-in')).toBeInTheDocument();

    for (const p of SIGN_IN_EVENTS.slice(3)) await emit(PROGRESS_EVENT, p);
    done.resolve(signInView());
    const result = await screen.findByTestId('result-view');
    expect(states().every((s) => s.endsWith(':done'))).toBe(true);
    expect(screen.queryByTestId('cancel-sign-in')).toBeNull();
    expect(within(result).getByTestId('result-summary')).toHaveTextContent('All 12 checks passed');
    expect(within(result).getAllByTestId('check')).toHaveLength(12);
    expect(within(result).getByTestId('claims-table')).toBeInTheDocument();
    const tfp = within(result).getAllByTestId('claim-row').find((r) => r.dataset.name === 'tfp');
    expect(within(tfp as HTMLElement).getByTestId('claim-value')).toHaveTextContent('B2C_1_susi');
    expect(screen.getByTestId('refresh-status')).toHaveTextContent('stored in the OS keyring');
    expect(screen.getByTestId('copy-id-token')).toBeInTheDocument();
    expect(screen.getByTestId('copy-access-token')).toBeInTheDocument();
    expect(screen.getByTestId('copy-claims')).toBeInTheDocument();
    expect(screen.queryByTestId('startup-refresh-note')).toBeNull();

    await user.click(screen.getByTestId('tab-access-token'));
    expect(screen.getByTestId('tab-access-token')).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByTestId('opaque-note')).toBeInTheDocument();
    await user.keyboard('{ArrowLeft}');
    expect(screen.getByTestId('tab-id-token')).toHaveFocus();
    expect(screen.getByTestId('claims-table')).toBeInTheDocument();
  });

  test('a verdict that arrives is scrolled into view (a small window has it below the fold)', async () => {
    const scrolled: Element[] = [];
    const spy = vi.fn(function (this: Element) {
      scrolled.push(this);
    });
    Element.prototype.scrollIntoView = spy;
    try {
      const done = deferred<SignInView>();
      await startSignIn(done.promise);
      for (const p of SIGN_IN_EVENTS) await emit(PROGRESS_EVENT, p);
      done.resolve(signInView());
      const result = await screen.findByTestId('result-view');
      await waitFor(() => expect(scrolled).toContain(within(result).getByTestId('result-summary').closest('header')));
      expect(spy).toHaveBeenCalledWith({ block: 'start' });
    } finally {
      delete (Element.prototype as { scrollIntoView?: unknown }).scrollIntoView;
    }
  });

  test('Compare with… on the result opens the inspector with that token as A', async () => {
    const done = deferred<SignInView>();
    const { user } = await startSignIn(done.promise);
    for (const p of SIGN_IN_EVENTS) await emit(PROGRESS_EVENT, p);
    const view = signInView();
    done.resolve(view);
    await screen.findByTestId('result-view');
    await user.click(screen.getByTestId('compare-with'));
    expect(await screen.findByTestId('inspector')).toBeInTheDocument();
    expect(screen.getByTestId('diff-a')).toHaveValue(view.id_token?.raw);
    expect(screen.getByTestId('diff-b')).toHaveFocus();
  });

  test('says when checks failed', async () => {
    const failing = signInView({
      passed: false,
      checks: signInView().checks.map((c) => (c.name === 'iss' ? { ...c, ok: false, detail: 'https://evil.example/ is not the issuer' } : c)),
      refresh: { received: true, stored: false, location: { kind: 'keyring' }, note: 'not stored: the ID token failed validation' },
    });
    await startSignIn(Promise.resolve(failing));
    expect(await screen.findByTestId('result-summary')).toHaveTextContent('1 check failed: the sign-in does not count');
    expect(screen.getByTestId('result-view')).toHaveAttribute('data-passed', 'false');
    const iss = screen.getAllByTestId('check').find((c) => c.dataset.name === 'iss');
    expect(iss).toHaveAttribute('data-ok', 'false');
    expect(iss).toHaveTextContent('https://evil.example/ is not the issuer');
    expect(screen.getByTestId('refresh-status')).toHaveTextContent('not stored: the ID token failed validation');
  });

  test('Cancel calls cancel_sign_in and ends calmly', async () => {
    const done = deferred<SignInView>();
    const { b, user } = await startSignIn(done.promise, {
      cancel_sign_in: () => {
        done.reject({ kind: 'cancelled', message: 'sign-in cancelled', provider: null, body: null } satisfies IpcError);
        return true;
      },
    });
    for (const p of SIGN_IN_EVENTS.slice(0, 3)) await emit(PROGRESS_EVENT, p);
    await user.click(await screen.findByTestId('cancel-sign-in'));
    expect(b.argsOf('cancel_sign_in')).toHaveLength(1);
    expect(await screen.findByTestId('signin-cancelled')).toHaveTextContent('Sign-in cancelled');
    expect(screen.queryByTestId('error-view')).toBeNull();
    expect(screen.queryByTestId('cancel-sign-in')).toBeNull();
    expect(states().at(-1)).toBe('waiting_for_redirect:failed');
    expect(screen.getByTestId('sign-in')).toBeEnabled();
  });

  test('Escape cancels a running sign-in', async () => {
    const done = deferred<SignInView>();
    const { b, user } = await startSignIn(done.promise);
    await emit(PROGRESS_EVENT, SIGN_IN_EVENTS[0]);
    await user.keyboard('{Escape}');
    await waitFor(() => expect(b.argsOf('cancel_sign_in')).toHaveLength(1));
    done.reject({ kind: 'cancelled', message: 'sign-in cancelled', provider: null, body: null });
    expect(await screen.findByTestId('signin-cancelled')).toBeInTheDocument();
  });

  test('Ctrl+Enter signs in', async () => {
    const b = backend({ list_profiles: () => [entry(profile())], sign_in: () => signInView() }, { events: true });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('sign-in');
    await user.keyboard('{Control>}{Enter}{/Control}');
    expect(await screen.findByTestId('result-view')).toBeInTheDocument();
    expect(b.argsOf('sign_in')).toEqual([{ name: 'Contoso SUSI' }]);
  });

  test('a provider error shows its code, Correlation ID and Timestamp', async () => {
    const done = deferred<SignInView>();
    await startSignIn(done.promise);
    for (const p of SIGN_IN_EVENTS.slice(0, 3)) await emit(PROGRESS_EVENT, p);
    done.reject(cancelledByUser);
    const view = await screen.findByTestId('error-view');
    expect(within(view).getByTestId('error-kind')).toHaveTextContent('provider');
    expect(within(view).getByTestId('error-code')).toHaveTextContent('AADB2C90091');
    expect(within(view).getByTestId('error-correlation-id')).toHaveTextContent('0f9a2c1e-4b7d-4e0a-9c3b-2d1e0f9a8b7c');
    expect(within(view).getByTestId('error-timestamp')).toHaveTextContent('2026-03-02 09:15:01Z');
    expect(states().at(-1)).toBe('waiting_for_redirect:failed');
    expect(screen.queryByTestId('result-view')).toBeNull();
  });

  test('a non-JSON answer shows the message and the body', async () => {
    const done = deferred<SignInView>();
    await startSignIn(done.promise);
    done.reject({
      kind: 'invalid_response',
      message: 'https://contoso.b2clogin.com/token answered something Tokenscope cannot use: expected JSON',
      provider: null,
      body: '<html>Bad gateway</html>',
    } satisfies IpcError);
    expect(await screen.findByTestId('error-message')).toHaveTextContent('expected JSON');
    expect(screen.getByTestId('error-body').textContent).toBe('<html>Bad gateway</html>');
  });
});

describe('stay signed in', () => {
  test('Refresh now redeems the stored token without a browser', async () => {
    const b = backend(
      {
        list_profiles: () => [entry(profile(), true)],
        refresh: () =>
          signInView({
            flow: 'refresh',
            redirect_uri: null,
            refresh: {
              received: true,
              stored: true,
              location: { kind: 'keyring' },
              note: 'rotated: the new refresh token replaced the old one (stored in the OS keyring)',
            },
          }),
      },
      { events: true },
    );
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('refresh-now'));
    expect(await screen.findByTestId('result-view')).toBeInTheDocument();
    expect(b.argsOf('refresh')).toEqual([{ name: 'Contoso SUSI' }]);
    expect(states()).toEqual(['metadata_fetched:done', 'tokens_exchanged:done', 'validated:done']);
    expect(screen.getByTestId('refresh-status')).toHaveTextContent('rotated');
    expect(screen.queryByTestId('startup-refresh-note')).toBeNull();
  });

  test('Sign out says the token was deleted and the logout page opened', async () => {
    let stored = true;
    const out: SignOutView = {
      deleted: true,
      logout_url: 'https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_susi/oauth2/v2.0/logout',
      logout_error: null,
    };
    const b = backend({
      list_profiles: () => [entry(profile(), stored)],
      sign_out: () => {
        stored = false;
        return out;
      },
    });
    const user = userEvent.setup();
    render(App);
    expect(await screen.findByTestId('refresh-badge')).toBeInTheDocument();
    await user.click(screen.getByTestId('sign-out'));
    const result = await screen.findByTestId('signout-result');
    expect(result).toHaveTextContent('The stored refresh token was deleted.');
    expect(result).toHaveTextContent('logout page was opened');
    expect(b.argsOf('sign_out')).toEqual([{ name: 'Contoso SUSI' }]);
    await waitFor(() => expect(screen.queryByTestId('refresh-badge')).toBeNull());
    expect(screen.getByTestId('refresh-status')).toHaveTextContent('No refresh token stored');
  });

  test('Sign out says why the logout page did not open', async () => {
    backend({
      list_profiles: () => [entry(profile())],
      sign_out: () => ({ deleted: false, logout_url: 'https://idp.example/logout', logout_error: 'could not open the browser: no such command `firefx`' }),
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('sign-out'));
    const result = await screen.findByTestId('signout-result');
    expect(result).toHaveTextContent('No refresh token was stored');
    expect(result).toHaveTextContent('no such command `firefx`');
  });
});
