// The request builder as a person uses it: a confidential client's secret typed once in the
// profile form (never shown again), the claims parameter checked before saving, the options of
// the next sign-in (clean session, id_token_hint), the authorize URL preview with B2C's
// one-resource warning, and the logout test's verdict.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import App from '../App.svelte';
import type { LogoutReport, ProfileEntry, RequestPreview } from '../lib/bindings';
import { backend, deferred } from './backend';
import { appInfo, entry, profile, signInView } from './fixtures';

const SECRET = 'itsme-s3cret';

function withSecret(e: ProfileEntry, stored: boolean): ProfileEntry {
  return { ...e, client_secret: stored };
}

describe('confidential client in the profile form', () => {
  test('a typed secret is saved once to the keyring and afterwards only said to be stored', async () => {
    let stored = false;
    const list = () => [withSecret(entry(profile()), stored)];
    const b = backend({
      app_info: () => appInfo('Contoso SUSI'),
      list_profiles: list,
      save_profile: () => list(),
      set_client_secret: () => {
        stored = true;
        return list();
      },
      delete_client_secret: () => {
        stored = false;
        return list();
      },
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('edit-profile'));
    expect(screen.queryByTestId('client-secret-stored')).toBeNull();
    await user.type(screen.getByTestId('client-secret-input'), SECRET);
    await user.selectOptions(screen.getByTestId('client-auth-select'), 'client_secret_post');
    await user.click(screen.getByTestId('save-profile'));

    await waitFor(() => expect(b.argsOf('set_client_secret')).toEqual([{ name: 'Contoso SUSI', secret: SECRET }]));
    expect(b.argsOf('save_profile')[0]?.profile).toMatchObject({ client_auth: 'client_secret_post' });
    // The secret is not part of the profile sent, nor anywhere on screen afterwards.
    expect(JSON.stringify(b.argsOf('save_profile'))).not.toContain(SECRET);
    await screen.findByTestId('profile-pane');
    expect(document.body.innerHTML).not.toContain(SECRET);

    await user.click(screen.getByTestId('edit-profile'));
    expect(screen.getByTestId('client-secret-stored')).toHaveTextContent('A secret is stored');
    expect(screen.getByTestId('client-secret-input')).toHaveValue('');
    await user.click(screen.getByTestId('remove-client-secret'));
    await user.click(screen.getByTestId('save-profile'));
    await waitFor(() => expect(b.argsOf('delete_client_secret')).toEqual([{ name: 'Contoso SUSI' }]));
    expect(b.argsOf('set_client_secret')).toHaveLength(1);
  });

  test('a claims parameter that is not a JSON object stops the save and says why', async () => {
    const b = backend({ app_info: () => appInfo('Contoso SUSI'), list_profiles: () => [entry(profile())] });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('edit-profile'));
    const claims = screen.getByTestId('claims-input');
    await user.click(claims);
    await user.paste('{"id_token": ');
    await user.click(screen.getByTestId('save-profile'));
    expect(await screen.findByTestId('claims-error')).toHaveTextContent('not valid JSON');
    expect(b.argsOf('save_profile')).toEqual([]);
    await user.clear(claims);
    await user.paste('{"access_token": {}}');
    await user.click(screen.getByTestId('save-profile'));
    expect(await screen.findByTestId('claims-error')).toHaveTextContent('only "id_token" and "userinfo"');
    expect(claims).toHaveValue('{"access_token": {}}');
  });
});

describe('scope helpers in the profile form', () => {
  test('one click adds offline_access or the client ID, and two resources warn of AADB2C90146', async () => {
    const b = backend({
      app_info: () => appInfo('Contoso SUSI'),
      list_profiles: () => [entry(profile({ scopes: ['https://contoso.onmicrosoft.com/api/read'] }))],
      scope_advice: (args) => {
        const scopes = args.scopes as string[];
        const two = scopes.includes(String(args.clientId)) && scopes.some((s) => s.startsWith('https://'));
        return {
          scopes: [],
          warnings: two ? ['these scopes ask for access tokens for 2 resources; B2C refuses this with AADB2C90146'] : [],
        };
      },
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('edit-profile'));
    const scopes = screen.getByTestId('scopes-input');
    await user.click(screen.getByTestId('add-scope-offline'));
    expect(scopes).toHaveValue('https://contoso.onmicrosoft.com/api/read offline_access');
    expect(screen.queryByTestId('add-scope-offline')).toBeNull();
    expect(screen.queryByTestId('scope-form-warning')).toBeNull();
    await user.click(screen.getByTestId('add-scope-client-id'));
    expect(scopes).toHaveValue(`https://contoso.onmicrosoft.com/api/read offline_access ${profile().client_id}`);
    expect(await screen.findByTestId('scope-form-warning')).toHaveTextContent('AADB2C90146');
    expect(b.argsOf('scope_advice').at(-1)).toEqual({
      clientId: profile().client_id,
      scopes: ['https://contoso.onmicrosoft.com/api/read', 'offline_access', profile().client_id],
    });
    await user.clear(scopes);
    await user.type(scopes, 'offline_access');
    await waitFor(() => expect(screen.queryByTestId('scope-form-warning')).toBeNull());
  });
});

const PREVIEW: RequestPreview = {
  authorize_url:
    'https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_susi/oauth2/v2.0/authorize?client_id=cid&prompt=login',
  redirect_uri: 'http://localhost:1',
  port_placeholder: true,
  scopes: {
    scopes: [
      { scope: 'openid', kind: 'openid', resource: null },
      { scope: 'cid', kind: 'client_id', resource: 'cid' },
      { scope: 'https://contoso.onmicrosoft.com/api/read', kind: 'api', resource: 'https://contoso.onmicrosoft.com/api' },
    ],
    warnings: ['these scopes ask for access tokens for 2 resources (cid, https://contoso.onmicrosoft.com/api); AADB2C90146'],
  },
  client_auth: 'none (public client, PKCE)',
};

describe('request tools', () => {
  test('clean session and id_token_hint go with the next sign-in; the preview shows the URL and the warning', async () => {
    const b = backend({
      app_info: () => appInfo('Contoso SUSI'),
      list_profiles: () => [entry(profile())],
      preview_request: () => PREVIEW,
      sign_in: () => signInView(),
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('request-tools-toggle'));
    await user.click(screen.getByTestId('clean-session'));
    await user.click(screen.getByTestId('id-token-hint'));
    await user.paste('a.b.c');
    await user.click(screen.getByTestId('preview-request'));
    const preview = await screen.findByTestId('request-preview');
    expect(b.argsOf('preview_request')).toEqual([
      { name: 'Contoso SUSI', options: { clean: true, id_token_hint: 'a.b.c', no_browser: false } },
    ]);
    expect(within(preview).getByTestId('authorize-url')).toHaveTextContent(PREVIEW.authorize_url);
    expect(within(preview).getByTestId('copy-authorize-url')).toBeInTheDocument();
    expect(within(preview).getByTestId('scope-warning')).toHaveTextContent('AADB2C90146');
    expect(within(preview).getByTestId('client-auth-used')).toHaveTextContent('none');

    await user.click(screen.getByTestId('sign-in'));
    await waitFor(() =>
      expect(b.argsOf('sign_in')).toEqual([{ name: 'Contoso SUSI', options: { clean: true, id_token_hint: 'a.b.c', no_browser: false } }]),
    );
  });

  test('after a sign-in, one click puts its ID token in id_token_hint for the next sign-in', async () => {
    const view = signInView();
    const b = backend({
      app_info: () => appInfo('Contoso SUSI'),
      list_profiles: () => [entry(profile())],
      sign_in: () => view,
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('request-tools-toggle'));
    // Nothing to offer before a sign-in.
    expect(screen.queryByTestId('use-last-id-token')).toBeNull();
    await user.click(screen.getByTestId('sign-in'));
    await screen.findByTestId('result-view');
    await user.click(await screen.findByTestId('use-last-id-token'));
    const raw = view.id_token?.raw;
    expect(raw).toBeTruthy();
    expect(screen.getByTestId('id-token-hint')).toHaveValue(raw);
    expect(screen.queryByTestId('use-last-id-token')).toBeNull();
    await user.click(screen.getByTestId('sign-in'));
    await waitFor(() => expect(b.argsOf('sign_in')).toHaveLength(2));
    expect(b.argsOf('sign_in')[1]).toEqual({ name: 'Contoso SUSI', options: { clean: false, id_token_hint: raw, no_browser: false } });
  });

  test('open no browser goes with the next sign-in', async () => {
    const b = backend({
      app_info: () => appInfo('Contoso SUSI'),
      list_profiles: () => [entry(profile())],
      sign_in: () => deferred<never>().promise,
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('request-tools-toggle'));
    await user.click(screen.getByTestId('no-browser'));
    await user.click(screen.getByTestId('sign-in'));
    await waitFor(() =>
      expect(b.argsOf('sign_in')).toEqual([
        { name: 'Contoso SUSI', options: { clean: false, id_token_hint: null, no_browser: true } },
      ]),
    );
  });

  test('the logout test says whether the provider came back and with which state', async () => {
    const answer = deferred<LogoutReport>();
    const b = backend({
      app_info: () => appInfo('Contoso SUSI'),
      list_profiles: () => [entry(profile())],
      logout_test: () => answer.promise,
      cancel_sign_in: () => true,
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('request-tools-toggle'));
    await user.click(screen.getByTestId('logout-test'));
    expect(await screen.findByTestId('logout-test')).toHaveTextContent('Waiting for the provider');
    expect(screen.getByTestId('sign-in')).toBeDisabled();
    expect(b.argsOf('logout_test')).toEqual([{ name: 'Contoso SUSI', idTokenHint: null }]);
    await user.click(screen.getByTestId('cancel-logout-test'));
    expect(b.argsOf('cancel_sign_in')).toHaveLength(1);
    answer.resolve({
      logout_url: 'https://contoso.b2clogin.com/logout?id_token_hint=eyJhbGciOiJS…(900 chars)&state=s1',
      post_logout_redirect_uri: 'http://localhost:50123',
      state_sent: 's1',
      id_token_hint_sent: true,
      returned: { state: 's1', state_matches: true, error: null, method: 'GET' },
      summary: 'the provider signed out and came back with the state sent',
      passed: true,
    });
    const result = await screen.findByTestId('logout-result');
    expect(result).toHaveAttribute('data-passed', 'true');
    expect(within(result).getByTestId('logout-summary')).toHaveTextContent('came back with the state sent');
    expect(within(result).getByTestId('logout-returned')).toHaveTextContent('by GET with state s1');
    expect(screen.getByTestId('sign-in')).toBeEnabled();
  });

  test('a provider without end_session_endpoint is a clear error', async () => {
    backend({
      app_info: () => appInfo('Contoso SUSI'),
      list_profiles: () => [entry(profile())],
      logout_test: () => {
        throw { kind: 'metadata', message: 'the provider’s metadata has no end_session_endpoint', provider: null, body: null };
      },
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('request-tools-toggle'));
    await user.click(screen.getByTestId('logout-test'));
    expect(await screen.findByTestId('logout-error')).toHaveTextContent('no end_session_endpoint');
  });
});
