// Issue 16 in the window: "Sign in on another device" (the code, its QR code, the countdown, the
// polling, Cancel, then the usual result), the profile form's "Advanced: client authentication"
// with a private key that goes in once and comes back only described, and the B2C → External ID
// migration view. Events go through the mocked Tauri event system, as the shell's would.
import { emit } from '@tauri-apps/api/event';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import App from '../App.svelte';
import type { DeviceCode, Migration, ProfileEntry, SignInView } from '../lib/bindings';
import { DEVICE_CODE_EVENT, DEVICE_POLL_EVENT, PROGRESS_EVENT } from '../lib/ipc';
import { backend, deferred } from './backend';
import { appInfo, entry, profile, signInView } from './fixtures';

const CODE: DeviceCode = {
  user_code: 'WDJB-MJHT',
  verification_uri: 'https://idp.example/device',
  verification_uri_complete: 'https://idp.example/device?user_code=WDJB-MJHT',
  expires_in: 600,
  interval: 1,
  qr: { size: 29, svg_path: 'M4 4h7v1h-7z', text: 'https://idp.example/device?user_code=WDJB-MJHT' },
};

const offered = { endpoint: 'https://idp.example/device/auth', missing: null };

describe('sign in on another device', () => {
  test('is offered only where the provider has the device flow', async () => {
    backend({ app_info: () => appInfo('Contoso SUSI'), list_profiles: () => [entry(profile())] });
    render(App);
    await screen.findByTestId('sign-in');
    // The default backend says the provider has no device flow.
    await waitFor(() => expect(screen.queryByTestId('sign-in-device')).toBeNull());
  });

  test('shows the code, its QR code, the countdown and the polling, then the result', async () => {
    const done = deferred<SignInView>();
    const b = backend(
      {
        app_info: () => appInfo('Contoso SUSI'),
        list_profiles: () => [entry(profile())],
        device_support: () => offered,
        sign_in_device: () => done.promise,
        cancel_sign_in: () => true,
      },
      { events: true },
    );
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('sign-in-device'));
    await waitFor(() => expect(b.argsOf('sign_in_device')).toEqual([{ name: 'Contoso SUSI' }]));
    await emit(PROGRESS_EVENT, { step: 'metadata_fetched', metadata_url: 'https://idp.example/m', issuer: 'https://idp.example/' });
    await emit(DEVICE_CODE_EVENT, CODE);
    const panel = await screen.findByTestId('device-code-panel');
    expect(within(panel).getByTestId('device-user-code')).toHaveTextContent('WDJB-MJHT');
    expect(within(panel).getByTestId('device-verification-uri')).toHaveTextContent('https://idp.example/device');
    expect(within(panel).getByTestId('device-verification-uri-complete')).toHaveTextContent('?user_code=WDJB-MJHT');
    const qr = within(panel).getByTestId('device-qr');
    expect(qr.getAttribute('viewBox')).toBe('0 0 29 29');
    expect(qr.querySelector('path')?.getAttribute('d')).toBe('M4 4h7v1h-7z');
    expect(qr).toHaveAccessibleName(`QR code of ${CODE.qr?.text}`);
    expect(within(panel).getByTestId('device-expires-in')).toHaveTextContent(/^(10:00|9:5\d)$/);
    expect(within(panel).getByTestId('device-status')).toHaveTextContent('Checking every 1 s');
    const waiting = screen.getAllByTestId('step').find((s) => s.dataset.step === 'tokens_exchanged');
    expect(waiting).toHaveTextContent('Waiting for the sign-in on the other device');

    await emit(DEVICE_POLL_EVENT, { interval: 1 });
    await emit(DEVICE_POLL_EVENT, { interval: 6 });
    await waitFor(() =>
      expect(within(panel).getByTestId('device-status')).toHaveTextContent(
        'Checked 2 times, every 6 s (the provider asked to slow down)',
      ),
    );

    done.resolve(signInView());
    await screen.findByTestId('result-view');
    expect(screen.queryByTestId('device-code-panel')).toBeNull();
  });

  test('Cancel stops the polling and ends calmly', async () => {
    const done = deferred<SignInView>();
    const b = backend(
      {
        app_info: () => appInfo('Contoso SUSI'),
        list_profiles: () => [entry(profile())],
        device_support: () => offered,
        sign_in_device: () => done.promise,
        cancel_sign_in: () => {
          done.reject({ kind: 'cancelled', message: 'cancelled', provider: null, body: null });
          return true;
        },
      },
      { events: true },
    );
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('sign-in-device'));
    await emit(DEVICE_CODE_EVENT, CODE);
    await user.click(await screen.findByTestId('cancel-device'));
    await waitFor(() => expect(b.argsOf('cancel_sign_in')).toHaveLength(1));
    await screen.findByTestId('signin-cancelled');
    expect(screen.queryByTestId('device-code-panel')).toBeNull();
  });
});

const KEY = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----';
const described = { alg: 'RS256', thumbprint: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', x5t_s256: 'x5t-of-the-cert' };

describe('advanced: client authentication', () => {
  test('a new profile keeps the section closed: a public client needs nothing there', async () => {
    backend({ list_profiles: () => [] });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('new-profile'));
    const section = screen.getByTestId('client-auth-section') as HTMLDetailsElement;
    expect(section.open).toBe(false);
    await user.click(screen.getByTestId('client-auth-toggle'));
    expect(section.open).toBe(true);
    const methods = [...(screen.getByTestId('client-auth-select') as HTMLSelectElement).options].map((o) => o.value);
    expect(methods).toEqual([
      'auto',
      'client_secret_basic',
      'client_secret_post',
      'client_secret_jwt',
      'private_key_jwt',
      'tls_client_auth',
      'self_signed_tls_client_auth',
    ]);
  });

  test('a private key is saved once to the keyring and afterwards only described', async () => {
    let stored = false;
    const list = (): ProfileEntry[] => [{ ...entry(profile()), client_key: stored ? described : null }];
    const b = backend({
      app_info: () => appInfo('Contoso SUSI'),
      list_profiles: list,
      save_profile: () => list(),
      set_client_key: () => {
        stored = true;
        return list();
      },
      delete_client_key: () => {
        stored = false;
        return list();
      },
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('edit-profile'));
    await user.click(screen.getByTestId('client-auth-toggle'));
    await user.selectOptions(screen.getByTestId('client-auth-select'), 'private_key_jwt');
    await user.click(screen.getByTestId('client-key-input'));
    await user.paste(KEY);
    await user.click(screen.getByTestId('save-profile'));
    await waitFor(() => expect(b.argsOf('set_client_key')).toEqual([{ name: 'Contoso SUSI', key: KEY }]));
    expect(b.argsOf('save_profile')[0]?.profile).toMatchObject({ client_auth: 'private_key_jwt' });
    expect(JSON.stringify(b.argsOf('save_profile'))).not.toContain('PRIVATE KEY');
    await screen.findByTestId('profile-pane');
    expect(document.body.innerHTML).not.toContain('MIIEvQ');

    // Edited again: the section is open (the profile uses it), the key described, never shown.
    await user.click(screen.getByTestId('edit-profile'));
    expect((screen.getByTestId('client-auth-section') as HTMLDetailsElement).open).toBe(true);
    expect(screen.getByTestId('client-key-stored')).toHaveTextContent('A RS256 key is stored');
    expect(screen.getByTestId('client-key-thumbprint')).toHaveTextContent(described.thumbprint);
    expect(screen.getByTestId('client-key-x5t')).toHaveTextContent('x5t-of-the-cert');
    expect(screen.getByTestId('client-key-input')).toHaveValue('');
    await user.click(screen.getByTestId('remove-client-key'));
    await user.click(screen.getByTestId('save-profile'));
    await waitFor(() => expect(b.argsOf('delete_client_key')).toEqual([{ name: 'Contoso SUSI' }]));
  });
});

describe('B2C → External ID migration', () => {
  const ciam = (): ProfileEntry => ({
    ...entry({ ...profile(), name: 'Contoso CIAM', authority: 'https://contoso.ciamlogin.com/' }),
    kind: 'external_id',
  });
  const migration: Migration = {
    diff: {
      a: 'id_token',
      b: 'id_token',
      header: [],
      claims: [
        { name: 'tfp', change: 'removed', old: 'B2C_1_susi', new: null, description: 'policy', note: null, old_time: null, new_time: null },
        { name: 'email', change: 'added', old: null, new: 'a@example.com', description: 'email', note: null, old_time: null, new_time: null },
      ],
      unchanged: ['name'],
      notes: [],
    },
    notes: [
      { id: 'policy_claim', b2c: ['tfp', 'acr'], external_id: [], title: 'The user flow’s name is not in the token', explanation: 'One user flow per app.', found: ['tfp'] },
      { id: 'emails', b2c: ['emails'], external_id: ['email'], title: 'emails becomes email', explanation: 'Read email.', found: ['email'] },
    ],
    unexplained: [],
  };

  test('signs each profile in and compares their ID tokens with the renames explained', async () => {
    const b = backend({
      app_info: () => appInfo('Contoso SUSI'),
      list_profiles: () => [entry(profile()), ciam()],
      sign_in: () => signInView(),
      migration_compare: () => migration,
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('nav-migration'));
    expect(screen.getByTestId('migration-a-select')).toHaveValue('Contoso SUSI');
    expect(screen.getByTestId('migration-b-select')).toHaveValue('Contoso CIAM');
    expect(screen.getByTestId('migration-compare')).toBeDisabled();
    await user.click(screen.getByTestId('migration-a-sign-in'));
    await waitFor(() => expect(screen.getByTestId('migration-a-state')).toHaveTextContent('Latest sign-in'));
    await user.click(screen.getByTestId('migration-b-sign-in'));
    await waitFor(() => expect(screen.getByTestId('migration-b-state')).toHaveTextContent('Latest sign-in'));
    await user.click(screen.getByTestId('migration-compare'));
    const raw = signInView().id_token?.raw;
    await waitFor(() => expect(b.argsOf('migration_compare')).toEqual([{ a: raw, b: raw }]));
    const notes = await screen.findAllByTestId('migration-note');
    expect(notes.map((n) => n.dataset.id)).toEqual(['policy_claim', 'emails']);
    expect(within(notes[0] as HTMLElement).getByTestId('migration-found')).toHaveTextContent('tfp');
    expect(screen.getAllByTestId('diff-row').map((r) => r.dataset.name)).toEqual(['tfp', 'email']);
  });
});
