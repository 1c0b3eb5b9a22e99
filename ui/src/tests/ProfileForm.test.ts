// The profile form through the whole app: what pasting an authority shows, what a save sends,
// how failures are shown, and edit / duplicate / delete.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import App from '../App.svelte';
import type { IpcError, Profile } from '../lib/bindings';
import { backend } from './backend';
import {
  CLIENT_ID,
  entry,
  METADATA_URL,
  metadataPreview,
  portalPreview,
  PORTAL_URL,
  profile,
} from './fixtures';

async function openForm() {
  const user = userEvent.setup();
  render(App);
  await screen.findByTestId('profile-list');
  await user.click(screen.getByTestId('new-profile'));
  return user;
}

describe('new profile', () => {
  test('pasting a portal "Run user flow" URL fills the client ID and scopes and warns about its redirect', async () => {
    const b = backend({ preview_authority: () => portalPreview });
    const user = await openForm();
    await user.click(screen.getByTestId('authority-input'));
    await user.paste(PORTAL_URL);
    const preview = await screen.findByTestId('authority-preview');
    expect(b.argsOf('preview_authority').at(-1)).toEqual({ text: PORTAL_URL });
    expect(preview).toHaveTextContent('Portal “Run user flow” URL');
    expect(within(preview).getByTestId('preview-tenant')).toHaveTextContent('contoso.onmicrosoft.com');
    expect(within(preview).getByTestId('preview-policy')).toHaveTextContent('B2C_1_susi');
    expect(within(preview).getByTestId('preview-metadata-url')).toHaveTextContent(METADATA_URL);
    expect(within(preview).getByTestId('portal-redirect-warning')).toHaveTextContent('https://jwt.ms');
    expect(screen.getByTestId('client-id-input')).toHaveValue(CLIENT_ID);
    expect(screen.getByTestId('scopes-input')).toHaveValue('openid offline_access');
    // prompt=login is taken, not dropped; what is left out says why; it is saved as the metadata URL.
    expect(screen.getByTestId('prompt-select')).toHaveValue('login');
    expect(within(preview).getByTestId('portal-saved-as')).toHaveTextContent("Saved as the policy's metadata URL");
    const taken = within(within(preview).getByTestId('portal-taken')).getAllByRole('listitem');
    expect(taken.map((li) => li.dataset.name)).toEqual(['p', 'client_id', 'scope', 'prompt']);
    const left = within(preview).getByTestId('portal-discarded');
    expect(left).toHaveTextContent('nonce=defaultNonce');
    expect(left).toHaveTextContent('response_type=id_token');
    expect(within(preview).queryByTestId('client-id-differs')).toBeNull();
    // A Client ID edited after the paste no longer matches the URL's: flagged.
    await user.clear(screen.getByTestId('client-id-input'));
    await user.type(screen.getByTestId('client-id-input'), 'another-client');
    expect(within(preview).getByTestId('client-id-differs')).toHaveTextContent(
      `The Client ID field (another-client) differs from the portal URL's (${CLIENT_ID})`,
    );
  });

  test('an External ID authority says there is no policy in the URL', async () => {
    const tid = '5d2c8a1e-7b3f-4e9a-9c61-2f4b8d0e6a17';
    const note = 'Entra External ID names no policy in the URL: the user flow is the one linked to this application.';
    backend({
      preview_authority: () => ({
        ...metadataPreview,
        metadata_url: `https://contoso.ciamlogin.com/${tid}/v2.0/.well-known/openid-configuration`,
        form: 'external_id_tenant_id',
        kind: 'external_id',
        b2c: null,
        external_id: { host: 'contoso.ciamlogin.com', tenant: tid },
        policy_note: note,
      }),
    });
    const user = await openForm();
    await user.click(screen.getByTestId('authority-input'));
    await user.paste(`https://contoso.ciamlogin.com/${tid}/v2.0`);
    const preview = await screen.findByTestId('authority-preview');
    expect(within(preview).getByTestId('authority-form')).toHaveTextContent('Entra External ID (tenant ID)');
    expect(within(preview).getByTestId('preview-tenant')).toHaveTextContent(tid);
    expect(within(preview).getByTestId('preview-policy')).toHaveTextContent('none in the URL');
    expect(within(preview).getByTestId('preview-policy-note')).toHaveTextContent(note);
  });

  test('the name is asked for on save, not when the field is left first, and "tenant · policy" is offered', async () => {
    backend({ preview_authority: () => portalPreview });
    const user = await openForm();
    // The name field has the focus; the tester goes to the authority first.
    expect(screen.getByTestId('name-input')).toHaveFocus();
    await user.click(screen.getByTestId('authority-input'));
    await user.paste(PORTAL_URL);
    await screen.findByTestId('authority-preview');
    expect(screen.queryByText('Give the profile a name.')).toBeNull();
    const suggest = await screen.findByTestId('name-suggestion');
    expect(suggest).toHaveTextContent('Name it “contoso · B2C_1_susi”');
    expect(screen.getByTestId('name-input')).toHaveAttribute('placeholder', 'contoso · B2C_1_susi');
    await user.click(screen.getByTestId('save-profile'));
    expect(await screen.findByText('Give the profile a name.')).toBeInTheDocument();
    await user.click(suggest);
    expect(screen.getByTestId('name-input')).toHaveValue('contoso · B2C_1_susi');
    expect(screen.queryByTestId('name-suggestion')).toBeNull();
  });

  test('says what an authority is not', async () => {
    backend({
      preview_authority: () => {
        throw {
          kind: 'authority',
          message: 'authority not understood: `contoso` is not a URL; give an issuer or metadata URL (https://…), or a B2C tenant and policy as `contoso/B2C_1_susi`',
          provider: null,
          body: null,
        } satisfies IpcError;
      },
    });
    const user = await openForm();
    await user.type(screen.getByTestId('authority-input'), 'contoso');
    await user.tab();
    const authorityError = await screen.findByTestId('authority-error');
    expect(authorityError).toHaveTextContent('contoso is not a URL');
    expect(authorityError.textContent).not.toContain('`');
    expect(authorityError.querySelector('code')).toHaveTextContent('contoso');
    expect(screen.getByTestId('authority-input')).toHaveAttribute('aria-invalid', 'true');
  });

  test('tenant and policy build the authority', async () => {
    const b = backend({ preview_authority: () => ({ ...metadataPreview, form: 'b2c_tenant_policy' }) });
    const user = await openForm();
    await user.click(screen.getByText('Or build it from a B2C tenant and policy'));
    await user.type(screen.getByTestId('tenant-input'), 'contoso');
    await user.type(screen.getByTestId('policy-input'), 'B2C_1_susi');
    expect(screen.getByTestId('authority-input')).toHaveValue('contoso/B2C_1_susi');
    expect(await screen.findByTestId('authority-preview')).toHaveTextContent('B2C tenant and policy');
    expect(b.argsOf('preview_authority').at(-1)).toEqual({ text: 'contoso/B2C_1_susi' });
  });

  test('save sends the profile as the engine expects it, then shows it selected', async () => {
    let saved: Profile[] = [];
    const b = backend({
      preview_authority: () => metadataPreview,
      save_profile: (args) => {
        saved = [args.profile as Profile];
        return saved.map((p) => entry(p));
      },
    });
    const user = await openForm();
    await user.type(screen.getByTestId('name-input'), 'Contoso staging');
    await user.click(screen.getByTestId('authority-input'));
    await user.paste(METADATA_URL);
    await user.type(screen.getByTestId('client-id-input'), CLIENT_ID);
    await user.type(screen.getByTestId('scopes-input'), 'offline_access  https://contoso.onmicrosoft.com/api/read');
    await user.selectOptions(screen.getByTestId('redirect-host-select'), '127.0.0.1');
    await user.clear(screen.getByTestId('redirect-port-input'));
    await user.type(screen.getByTestId('redirect-port-input'), '8400');
    await user.clear(screen.getByTestId('redirect-path-input'));
    await user.type(screen.getByTestId('redirect-path-input'), '/callback');
    await user.selectOptions(screen.getByTestId('prompt-select'), 'login');
    await user.type(screen.getByTestId('login-hint-input'), 'tester@example.com');
    await user.click(screen.getByTestId('add-param'));
    await user.type(screen.getByTestId('param-key'), 'ui_hint');
    await user.type(screen.getByTestId('param-value'), 'blue');
    await user.type(screen.getByTestId('browser-input'), 'firefox --private-window');
    expect(screen.getByText('http://127.0.0.1:8400/callback')).toBeInTheDocument();
    await user.click(screen.getByTestId('save-profile'));

    await waitFor(() => expect(b.argsOf('save_profile')).toHaveLength(1));
    expect(b.argsOf('save_profile')[0]).toEqual({
      previousName: null,
      profile: {
        name: 'Contoso staging',
        authority: METADATA_URL,
        client_id: CLIENT_ID,
        scopes: ['offline_access', 'https://contoso.onmicrosoft.com/api/read'],
        redirect: { host: 'ipv4', port: 8400, path: '/callback' },
        params: {
          prompt: 'login',
          login_hint: 'tester@example.com',
          domain_hint: null,
          ui_locales: null,
          max_age: null,
          acr_values: null,
          response_mode: 'query',
          extra: [['ui_hint', 'blue']],
          claims: null,
        },
        browser_command: 'firefox --private-window',
        client_auth: 'auto',
        request_form: { par: 'auto', jar: 'off' },
        dpop: false,
        client_certificate: null,
      } satisfies Profile,
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Contoso staging' })).toBeInTheDocument();
    expect(screen.queryByTestId('profile-form')).toBeNull();
    const item = screen.getAllByTestId('profile-item').find((i) => i.dataset.name === 'Contoso staging');
    expect(item).toHaveAttribute('aria-current', 'true');
    expect(b.argsOf('set_last_profile')).toEqual([{ name: 'Contoso staging' }]);
  });

  test('shows the shell’s error next to the form when the save fails', async () => {
    backend({
      preview_authority: () => metadataPreview,
      save_profile: () => {
        throw {
          kind: 'config',
          message: 'invalid setting: could not read the browser command `"firefox`: unclosed quote',
          provider: null,
          body: null,
        } satisfies IpcError;
      },
    });
    const user = await openForm();
    await user.type(screen.getByTestId('name-input'), 'Broken browser');
    await user.type(screen.getByTestId('authority-input'), 'contoso/B2C_1_susi');
    await user.type(screen.getByTestId('client-id-input'), CLIENT_ID);
    await user.type(screen.getByTestId('browser-input'), '"firefox');
    await user.click(screen.getByTestId('save-profile'));
    expect(await screen.findByTestId('form-error')).toHaveTextContent('unclosed quote');
    expect(screen.getByTestId('profile-form')).toBeInTheDocument();
    expect(screen.getByTestId('name-input')).toHaveValue('Broken browser');
  });

  test('checks the fields before asking the shell', async () => {
    const b = backend({ list_profiles: () => [entry(profile())] });
    const user = await openForm();
    await user.type(screen.getByTestId('name-input'), 'Contoso SUSI');
    await user.clear(screen.getByTestId('redirect-path-input'));
    await user.type(screen.getByTestId('redirect-path-input'), 'callback');
    await user.click(screen.getByTestId('save-profile'));
    expect(screen.getByText('A profile named “Contoso SUSI” exists.')).toBeInTheDocument();
    expect(screen.getByText('Paste an authority, or fill tenant and policy.')).toBeInTheDocument();
    expect(screen.getByText('The client (application) ID is needed.')).toBeInTheDocument();
    expect(screen.getByText('The path starts with “/”.')).toBeInTheDocument();
    expect(screen.getByTestId('name-input')).toHaveFocus();
    // Each control is tied to its own error: a screen reader reads it with the field.
    expect(screen.getByTestId('client-id-input')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('client-id-input')).toHaveAccessibleDescription('The client (application) ID is needed.');
    expect(screen.getByTestId('redirect-path-input')).toHaveAccessibleDescription('The path starts with “/”.');
    expect(screen.getByLabelText('Path')).toBe(screen.getByTestId('redirect-path-input'));
    expect(b.argsOf('save_profile')).toEqual([]);
  });

  test('cancel leaves without saving', async () => {
    const b = backend({ list_profiles: () => [entry(profile())] });
    const user = await openForm();
    await user.type(screen.getByTestId('name-input'), 'Never mind');
    await user.click(screen.getByTestId('cancel-edit'));
    expect(screen.queryByTestId('profile-form')).toBeNull();
    expect(b.argsOf('save_profile')).toEqual([]);
  });
});

describe('existing profiles', () => {
  test('edit keeps the other settings and sends the previous name', async () => {
    const original = profile({
      params: { ...profile().params, domain_hint: 'facebook.com', max_age: 600, extra: [['campaign', 'spring']] },
    });
    const b = backend({
      list_profiles: () => [entry(original)],
      preview_authority: () => metadataPreview,
      save_profile: (args) => [entry(args.profile as Profile)],
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('edit-profile'));
    expect(screen.getByTestId('name-input')).toHaveValue('Contoso SUSI');
    expect(await screen.findByTestId('authority-preview')).toHaveTextContent('B2C metadata URL (path form)');
    await user.clear(screen.getByTestId('name-input'));
    await user.type(screen.getByTestId('name-input'), 'Contoso prod');
    await user.click(screen.getByTestId('save-profile'));
    await waitFor(() => expect(b.argsOf('save_profile')).toHaveLength(1));
    expect(b.argsOf('save_profile')[0]).toEqual({
      previousName: 'Contoso SUSI',
      profile: { ...original, name: 'Contoso prod' },
    });
  });

  test('DPoP is a switch under More parameters, kept on edit and saved with the profile', async () => {
    const original = profile({ dpop: true });
    const b = backend({
      list_profiles: () => [entry(original)],
      preview_authority: () => metadataPreview,
      save_profile: (args) => [entry(args.profile as Profile)],
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('edit-profile'));
    const box = screen.getByTestId('dpop-checkbox');
    expect(box).toBeChecked();
    expect(screen.getByTestId('dpop-field')).toHaveTextContent('OS keyring');
    await user.click(screen.getByTestId('save-profile'));
    await waitFor(() => expect(b.argsOf('save_profile')).toHaveLength(1));
    expect((b.argsOf('save_profile')[0] as { profile: Profile }).profile.dpop).toBe(true);
    // Turned off, it is saved off.
    await user.click(await screen.findByTestId('edit-profile'));
    await user.click(screen.getByText('More parameters'));
    await user.click(screen.getByTestId('dpop-checkbox'));
    await user.click(screen.getByTestId('save-profile'));
    await waitFor(() => expect(b.argsOf('save_profile')).toHaveLength(2));
    expect((b.argsOf('save_profile')[1] as { profile: Profile }).profile.dpop).toBe(false);
  });

  test('duplicate saves “<name> (copy)” and selects it', async () => {
    const b = backend({
      list_profiles: () => [entry(profile())],
      save_profile: (args) => [entry(profile()), entry(args.profile as Profile)],
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('duplicate-profile'));
    await waitFor(() => expect(b.argsOf('save_profile')).toHaveLength(1));
    expect(b.argsOf('save_profile')[0]).toEqual({
      previousName: null,
      profile: { ...profile(), name: 'Contoso SUSI (copy)' },
    });
    expect(await screen.findByRole('heading', { level: 1, name: 'Contoso SUSI (copy)' })).toBeInTheDocument();
  });

  test('delete asks first, and Keep it keeps it', async () => {
    const b = backend({
      list_profiles: () => [entry(profile(), true), entry(profile({ name: 'Other' }))],
      delete_profile: () => [entry(profile({ name: 'Other' }))],
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('delete-profile'));
    expect(screen.getByTestId('confirm-delete')).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Keep it' }));
    expect(screen.queryByTestId('confirm-delete')).toBeNull();
    expect(b.argsOf('delete_profile')).toEqual([]);

    await user.click(screen.getByTestId('delete-profile'));
    await user.click(screen.getByTestId('confirm-delete'));
    await waitFor(() => expect(b.argsOf('delete_profile')).toEqual([{ name: 'Contoso SUSI' }]));
    await waitFor(() =>
      expect(screen.getAllByTestId('profile-item').map((i) => i.dataset.name)).toEqual(['Other']),
    );
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Other');
  });
});
