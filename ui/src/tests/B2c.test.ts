// Speaking B2C in the profile pane: the tenant's policy picker (switch in one click, add a
// policy), AADB2C90118's password reset chain, the redirect URI check, the support bundle, and
// this session's history with what the tenant returned and the refresh token's age.
import { emit } from '@tauri-apps/api/event';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import App from '../App.svelte';
import type { ErrorAdvice, HistoryEntry, HistoryView, IpcError, SignInView, TenantView } from '../lib/bindings';
import { PROGRESS_EVENT } from '../lib/ipc';
import { backend, deferred } from './backend';
import { appInfo, entry, profile, SIGN_IN_EVENTS, signInView, tokenDiff } from './fixtures';

const NAME = 'Contoso SUSI';
const EDIT_AUTHORITY =
  'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_edit/v2.0/.well-known/openid-configuration';

function tenant(current = 'B2C_1_susi', reset: string | null = 'B2C_1_reset'): TenantView {
  const p = (name: string, kind: TenantView['policies'][number]['kind']) => ({
    name,
    kind,
    current: name === current,
    profiles: name === current ? [NAME] : [],
  });
  return {
    key: 'contoso.b2clogin.com/contoso.onmicrosoft.com',
    host: 'contoso.b2clogin.com',
    tenant: 'contoso.onmicrosoft.com',
    current_policy: current,
    policies: [p('B2C_1_susi', 'sign_in'), p('B2C_1_edit', 'profile_edit'), p('B2C_1_reset', 'password_reset')],
    reset_policy: reset,
  };
}

const forgot: IpcError = {
  kind: 'provider',
  message: 'the provider refused the sign-in: access_denied (AADB2C90118)',
  provider: {
    origin: 'authorization',
    error: 'access_denied',
    description: 'AADB2C90118: The user has forgotten their password.\r\nCorrelation ID: c0ffee00-1111-2222-3333-444455556666\r\nTimestamp: 2026-11-25 15:00:00Z\r\n',
    uri: null,
    code: 'AADB2C90118',
    message: 'The user has forgotten their password.',
    correlation_id: 'c0ffee00-1111-2222-3333-444455556666',
    timestamp: '2026-11-25 15:00:00Z',
    advice: {
      code: 'AADB2C90118',
      meaning: 'The user chose “Forgot your password?”.',
      advice: "Start the tenant's password-reset policy, then return to sign-in.",
      area: 'user',
      action: 'password_reset',
      details: [],
      sent: [],
      note: null,
    },
  },
  body: null,
};

/** A sign-in through `policy` that ended at `at` with all 12 checks passed. */
function passedSignIn(at: string, policy: string, more: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    at,
    flow: 'sign_in',
    purpose: 'sign_in',
    policy,
    passed: true,
    checks_passed: 12,
    checks_total: 12,
    failed_checks: [],
    error: null,
    error_message: null,
    changes: null,
    facts: null,
    ...more,
  };
}

function history(): HistoryView {
  return {
    entries: [
      passedSignIn('2026-11-25T15:00:00Z', 'B2C_1_susi'),
      passedSignIn('2026-11-25T15:01:00Z', 'B2C_1_edit', {
        changes: tokenDiff(),
        facts: {
          issuer: 'https://contoso.b2clogin.com/8c2b9e3a-5f2d-4c5e-9f4a-1b2c3d4e5f60/v2.0/',
          issuer_form: 'guid',
          issuer_tenant: '8c2b9e3a-5f2d-4c5e-9f4a-1b2c3d4e5f60',
          policy_claim: 'tfp',
          policy: 'B2C_1_edit',
          id_token_lifetime: 3600,
          access_token_lifetime: 3600,
          expires_in: 3600,
          refresh_token_expires_in: 1209600,
        },
      }),
    ],
    refresh_age: {
      stored_at: '2026-11-25T15:01:00Z',
      age_seconds: 60,
      lifetime_days: 14,
      expires_at: '2026-12-09T15:01:00Z',
      window_started_at: '2026-11-25T15:00:00Z',
      window_days: 90,
      window_ends_at: '2027-02-23T15:00:00Z',
      summary: '1 min old of 14 days (B2C default lifetime); 89 days left of the 90-day sliding window',
      age: { at: '2026-11-25T15:01:00Z', phrase: '1 min' },
    },
    redirect_rules: ['`http://localhost` registered without a port accepts any port.'],
    left_out: 0,
  };
}

describe('External ID', () => {
  test('an External ID profile shows its no-policy note instead of the policy picker', async () => {
    const note = 'Entra External ID names no policy in the URL.';
    const ciam = { ...entry(profile()), kind: 'external_id' as const, policy_note: note };
    const b = backend({
      app_info: () => appInfo(NAME),
      list_profiles: () => [{ ...ciam, profile: { ...ciam.profile, authority: 'https://contoso.ciamlogin.com/' } }],
      tenant_policies: () => tenant(),
    });
    render(App);
    expect(await screen.findByTestId('policy-note')).toHaveTextContent(note);
    expect(screen.queryByTestId('policy-picker')).toBeNull();
    expect(b.argsOf('tenant_policies')).toEqual([]);
  });
});

describe('B2C', () => {
  test('the policy picker switches the profile to another policy of its tenant in one click', async () => {
    let current = profile();
    const b = backend({
      app_info: () => appInfo(NAME),
      list_profiles: () => [entry(current)],
      tenant_policies: () => tenant(current.authority === EDIT_AUTHORITY ? 'B2C_1_edit' : 'B2C_1_susi'),
      switch_policy: () => {
        current = { ...current, authority: EDIT_AUTHORITY };
        return [entry(current)];
      },
      add_policy: (args) => ({ ...tenant(), policies: [...tenant().policies, { name: args.policy as string, kind: 'custom', current: false, profiles: [] }] }),
    });
    const user = userEvent.setup();
    render(App);
    const picker = await screen.findByTestId('policy-picker');
    expect(within(picker).getByTestId('tenant-name')).toHaveTextContent('contoso.onmicrosoft.com');
    expect(within(picker).getByTestId('reset-policy')).toHaveTextContent('B2C_1_reset');
    const option = (p: string) =>
      within(picker).getAllByTestId('policy-option').find((o) => o.dataset.policy === p) as HTMLElement;
    expect(option('B2C_1_susi')).toHaveAttribute('aria-pressed', 'true');
    expect(option('B2C_1_susi')).toBeDisabled();

    await user.click(option('B2C_1_edit'));
    await waitFor(() => expect(b.argsOf('switch_policy')).toEqual([{ name: NAME, policy: 'B2C_1_edit' }]));
    await waitFor(() => expect(option('B2C_1_edit')).toHaveAttribute('aria-pressed', 'true'));
    expect(screen.getByTitle('Authority')).toHaveTextContent('B2C_1_edit');

    await user.type(within(picker).getByTestId('add-policy-input'), 'B2C_1A_signup_invitation');
    await user.click(within(picker).getByTestId('add-policy'));
    await waitFor(() =>
      expect(b.argsOf('add_policy')).toEqual([{ name: NAME, policy: 'B2C_1A_signup_invitation', reset: false }]),
    );
    expect(await within(picker).findByText('B2C_1A_signup_invitation')).toBeInTheDocument();
  });

  test('after a policy switch the verdict on screen says which policy it is from', async () => {
    let current = profile();
    backend({
      app_info: () => appInfo(NAME),
      list_profiles: () => [entry(current)],
      tenant_policies: () => tenant(current.authority === EDIT_AUTHORITY ? 'B2C_1_edit' : 'B2C_1_susi'),
      switch_policy: () => {
        current = { ...current, authority: EDIT_AUTHORITY };
        return [entry(current)];
      },
      sign_in: () => signInView(),
    });
    const user = userEvent.setup();
    render(App);
    const picker = await screen.findByTestId('policy-picker');
    await user.click(screen.getByTestId('sign-in'));
    expect(await screen.findByTestId('result-policy')).toHaveTextContent('B2C_1_susi');
    expect(screen.queryByTestId('result-policy-stale')).toBeNull();
    const edit = within(picker).getAllByTestId('policy-option').find((o) => o.dataset.policy === 'B2C_1_edit')!;
    await user.click(edit);
    const stale = await screen.findByTestId('result-policy-stale');
    expect(stale).toHaveTextContent('This verdict is from B2C_1_susi, before the switch to B2C_1_edit');
    expect(screen.getByTestId('result-policy')).toHaveTextContent('B2C_1_susi');
  });

  test('AADB2C90118 offers the reset policy, runs it, then signs in again', async () => {
    let signIns = 0;
    const b = backend(
      {
        app_info: () => appInfo(NAME),
        list_profiles: () => [entry(profile())],
        tenant_policies: () => tenant(),
        add_policy: () => tenant(),
        sign_in: () => {
          signIns += 1;
          if (signIns === 1) throw forgot;
          return signInView();
        },
        reset_password: () => signInView({ profile: NAME }),
        support_bundle: () => 'Tokenscope support bundle\nCode:           AADB2C90118\n',
      },
      { events: true },
    );
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('sign-in'));
    const offer = await screen.findByTestId('password-reset-offer');
    expect(screen.getByTestId('error-code')).toHaveTextContent('AADB2C90118');
    expect(screen.getByTestId('error-correlation-id')).toHaveTextContent('c0ffee00-1111-2222-3333-444455556666');
    expect(within(offer).getByTestId('reset-policy-input')).toHaveValue('B2C_1_reset');

    await user.click(screen.getByTestId('copy-support-bundle'));
    expect(await screen.findByTestId('support-bundle-text')).toHaveTextContent('AADB2C90118');
    expect(b.argsOf('support_bundle')).toEqual([{ name: NAME }]);

    await user.click(within(offer).getByTestId('start-password-reset'));
    await waitFor(() => expect(b.argsOf('reset_password')).toEqual([{ name: NAME, policy: 'B2C_1_reset' }]));
    expect(b.argsOf('add_policy')).toEqual([{ name: NAME, policy: 'B2C_1_reset', reset: true }]);
    await waitFor(() => expect(signIns).toBe(2));
    await screen.findByTestId('result-view');
    expect(screen.getByTestId('b2c-notice')).toHaveTextContent(
      'Password reset through B2C_1_reset completed, then signed in again',
    );
    expect(screen.queryByTestId('password-reset-offer')).toBeNull();
  });

  test('a sign-in that never came back shows the redirect URI sent and the registration rules', async () => {
    const done = deferred<SignInView>();
    backend(
      {
        app_info: () => appInfo(NAME),
        list_profiles: () => [entry(profile())],
        sign_in: () => done.promise,
        cancel_sign_in: () => {
          done.reject({ kind: 'cancelled', message: 'sign-in cancelled', provider: null, body: null });
          return true;
        },
        session_history: () => history(),
      },
      { events: true },
    );
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('sign-in'));
    for (const p of SIGN_IN_EVENTS.slice(0, 3)) await emit(PROGRESS_EVENT, p);
    await user.click(await screen.findByTestId('cancel-sign-in'));
    const check = await screen.findByTestId('redirect-check');
    expect(within(check).getByTestId('sent-redirect-uri')).toHaveTextContent('http://localhost:53124/');
    expect(check).toHaveTextContent('accepts any port');
  });

  test('a sign-in that waits shows the time elapsed, then asks whether the browser shows an error', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const done = deferred<SignInView>();
      const advice = (code: string, meaning: string, sent: [string, string][]): ErrorAdvice => ({
        code,
        meaning,
        advice: 'Copy the Application (client) ID from this tenant.',
        area: 'registration',
        action: null,
        details: [],
        sent: sent.map(([name, value]) => ({ name, value })),
        note: null,
      });
      const sentUrl = SIGN_IN_EVENTS[1]!.step === 'browser_opened' ? SIGN_IN_EVENTS[1]!.authorize_url : '';
      const b = backend(
        {
          app_info: () => appInfo(NAME),
          list_profiles: () => [entry(profile())],
          sign_in: () => done.promise,
          session_history: () => history(),
          browser_error_help: (args) => ({
            likely: [advice('AADB2C90018', 'The client ID is not registered in this tenant.', [['client_id', 'the-client']])],
            explained:
              typeof args.read === 'string' && args.read.includes('AADB2C90018')
                ? advice('AADB2C90018', 'The client ID is not registered in this tenant.', [['client_id', 'the-client']])
                : null,
          }),
        },
        { events: true },
      );
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
      render(App);
      await user.click(await screen.findByTestId('sign-in'));
      for (const p of SIGN_IN_EVENTS.slice(0, 3)) await emit(PROGRESS_EVENT, p);
      expect(await screen.findByTestId('waiting-elapsed')).toHaveTextContent('waiting 0:0');
      expect(screen.queryByTestId('browser-error-help')).toBeNull();
      await vi.advanceTimersByTimeAsync(9000);
      expect(screen.getByTestId('waiting-elapsed')).toHaveTextContent(/waiting 0:(09|1\d)/);
      const panel = await screen.findByTestId('browser-error-help');
      expect(panel).toHaveTextContent('Is the browser showing an error?');
      // Built from the request actually sent.
      expect(b.argsOf('browser_error_help')[0]).toEqual({ authorizeUrl: sentUrl, read: null });
      const likely = await within(panel).findByTestId('likely-code');
      expect(likely.dataset.code).toBe('AADB2C90018');
      expect(within(likely).getByTestId('sent-client_id')).toHaveTextContent('the-client');
      await user.type(within(panel).getByTestId('browser-error-code'), 'AADB2C90018: The client id is not registered');
      await vi.advanceTimersByTimeAsync(300);
      const explained = await within(panel).findByTestId('browser-error-explained');
      expect(explained).toHaveTextContent('not registered in this tenant');
      await user.clear(within(panel).getByTestId('browser-error-code'));
      await user.type(within(panel).getByTestId('browser-error-code'), 'Oops');
      await vi.advanceTimersByTimeAsync(300);
      expect(await within(panel).findByTestId('browser-error-unknown')).toHaveTextContent('“Oops” is not in');
    } finally {
      vi.useRealTimers();
    }
  });

  test('the session history shows each run, the claims changed and what the tenant returned', async () => {
    backend({
      app_info: () => appInfo(NAME),
      list_profiles: () => [entry(profile(), true)],
      refresh: () => signInView({ flow: 'refresh' }),
      session_history: () => history(),
    });
    render(App);
    const section = await screen.findByTestId('session-history');
    const entries = within(section).getAllByTestId('history-entry');
    expect(entries.map((e) => e.dataset.policy)).toEqual(['B2C_1_edit', 'B2C_1_susi']);
    const newest = entries[0] as HTMLElement;
    expect(within(newest).getByTestId('history-checks')).toHaveTextContent('12/12 checks');
    expect(within(newest).getByTestId('history-changes')).toHaveTextContent('besides times and nonces: tfp, newUser');
    // A space on both sides of the separator, as rendered (not "differs· besides").
    expect(within(newest).getByTestId('history-changes').textContent).toMatch(/\S · besides/);
    expect(within(section).getByTestId('fact-issuer-form')).toHaveTextContent('tenant GUID form');
    expect(within(section).getByTestId('fact-policy-claim')).toHaveTextContent('tfp = B2C_1_edit');
    expect(within(section).getByTestId('fact-id-lifetime')).toHaveTextContent('1 h');
    expect(within(section).getByTestId('fact-refresh-lifetime')).toHaveTextContent('14 days');
    expect(within(section).getByTestId('refresh-age-summary')).toHaveTextContent('90-day sliding window');
    // The age the engine wrote ("1 min old") is re-said on the window's clock, which is later.
    expect(within(section).getByTestId('refresh-age-summary')).not.toHaveTextContent('1 min old');
    expect(within(section).getByTestId('refresh-age-summary')).toHaveTextContent(/\d+ (days|h) old of 14 days/);
  });

  test('a long session shows its newest runs, the rest on request, and says how many are no longer kept', async () => {
    const many: HistoryEntry[] = Array.from({ length: 50 }, (_, i) =>
      passedSignIn(new Date(Date.UTC(2026, 10, 25, 15, i)).toISOString(), i === 49 ? 'B2C_1_edit' : 'B2C_1_susi', {
        changes: i > 0 ? tokenDiff() : null,
      }),
    );
    backend({
      app_info: () => appInfo(NAME),
      list_profiles: () => [entry(profile(), true)],
      refresh: () => signInView({ flow: 'refresh' }),
      session_history: () => ({ ...history(), entries: many, left_out: 150 }),
    });
    const user = userEvent.setup();
    render(App);
    const section = await screen.findByTestId('session-history');
    let rows = within(section).getAllByTestId('history-entry');
    expect(rows).toHaveLength(10);
    expect(rows[0]).toHaveAttribute('data-policy', 'B2C_1_edit');
    expect(within(section).queryByTestId('history-left-out')).toBeNull();
    // A diff is drawn when its entry is opened.
    expect(within(rows[0] as HTMLElement).queryAllByTestId('diff-row')).toHaveLength(0);
    await user.click(within(rows[0] as HTMLElement).getByTestId('history-changes'));
    await waitFor(() => expect(within(rows[0] as HTMLElement).queryAllByTestId('diff-row').length).toBeGreaterThan(0));

    await user.click(within(section).getByTestId('history-show-all'));
    rows = within(section).getAllByTestId('history-entry');
    expect(rows).toHaveLength(50);
    expect(within(section).getByTestId('history-left-out')).toHaveTextContent(
      '150 earlier runs of this session are no longer kept: the window keeps the latest 50.',
    );
  });
});
