// Issue 16 in the window: "App token (client credentials)", offered by the engine (the profile
// entry's app_token) only to a profile with client authentication; the scope it prefills goes
// to the shell as typed, and the result reads as an app's token: an access token, no ID token,
// nothing stored.
import { emit } from '@tauri-apps/api/event';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import App from '../App.svelte';
import type { ProfileEntry, SignInView } from '../lib/bindings';
import { PROGRESS_EVENT } from '../lib/ipc';
import { backend, deferred } from './backend';
import { appInfo, CLIENT_ID, entry, ISSUER, jwt, profile, signInView } from './fixtures';

const API_DEFAULT = 'https://contoso.onmicrosoft.com/api/.default';

/** A confidential client's entry: a client secret stored, the engine's offer with its scope. */
const confidential = (): ProfileEntry => ({
  ...entry(profile({ scopes: ['offline_access', 'https://contoso.onmicrosoft.com/api/read'] })),
  client_secret: true,
  app_token: { scope: API_DEFAULT },
});

const APP_TOKEN = jwt(
  { alg: 'RS256', kid: 'k1', typ: 'JWT' },
  { iss: ISSUER, aud: 'https://contoso.onmicrosoft.com/api', azp: CLIENT_ID, roles: ['Data.Read'], exp: 1772446740 },
);

const appView = (): SignInView =>
  signInView({
    flow: 'client_credentials',
    redirect_uri: null,
    id_token: null,
    access_token: APP_TOKEN,
    checks: [
      { name: 'signature', ok: true, detail: 'valid RS256 signature' },
      { name: 'iss', ok: true, detail: `${ISSUER}, the metadata's issuer` },
    ],
    refresh: {
      received: false,
      stored: false,
      location: { kind: 'keyring' },
      note: 'none: the client asks again with its own credentials (client credentials grant)',
    },
    scope: API_DEFAULT,
  });

describe('app token (client credentials)', () => {
  test('a public client (a plain B2C sign-in profile) is not offered it', async () => {
    backend({ app_info: () => appInfo('Contoso SUSI'), list_profiles: () => [entry(profile())] });
    render(App);
    await screen.findByTestId('sign-in');
    expect(screen.queryByTestId('app-token')).toBeNull();
  });

  test('a confidential client asks with the prefilled scope and sees an app token, no ID token', async () => {
    const done = deferred<SignInView>();
    const b = backend(
      {
        app_info: () => appInfo('Contoso SUSI'),
        list_profiles: () => [confidential()],
        client_credentials: () => done.promise,
      },
      { events: true },
    );
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('app-token'));
    const panel = screen.getByTestId('app-token-panel');
    const scope = within(panel).getByTestId('app-token-scope') as HTMLInputElement;
    expect(scope.value).toBe(API_DEFAULT);
    await user.click(within(panel).getByTestId('app-token-run'));
    await waitFor(() => expect(b.argsOf('client_credentials')).toEqual([{ name: 'Contoso SUSI', scope: API_DEFAULT }]));
    await emit(PROGRESS_EVENT, { step: 'metadata_fetched', metadata_url: 'https://idp.example/m', issuer: ISSUER });
    const asking = await waitFor(() => {
      const step = screen.getAllByTestId('step').find((s) => s.dataset.step === 'tokens_exchanged');
      expect(step).toBeDefined();
      return step;
    });
    expect(asking).toHaveTextContent('Asking for an app token');
    expect(screen.getByTestId('app-token')).toHaveTextContent('Getting an app token…');

    done.resolve(appView());
    const result = await screen.findByTestId('result-view');
    expect(within(result).getByTestId('result-summary')).toHaveTextContent('All 2 checks passed');
    expect(within(result).getByTestId('app-token-note')).toHaveTextContent('no ID token');
    expect(within(result).getByText('issued')).toBeInTheDocument();
    expect(within(result).queryByTestId('copy-id-token')).toBeNull();
    expect(within(result).getByTestId('copy-access-token')).toBeInTheDocument();
    // The access token's tab is the one shown; the ID token's says there is none.
    expect(within(result).getByTestId('tab-access-token')).toHaveAttribute('aria-selected', 'true');
    expect(within(result).getByTestId('tab-id-token')).toHaveTextContent('none');
    expect(result).toHaveTextContent('Data.Read');
    // No panel that would act with the profile's signed-in tokens instead.
    expect(within(result).queryByTestId('userinfo-panel')).toBeNull();
    expect(within(result).queryByTestId('api-call-toggle')).toBeNull();
    expect(screen.getAllByTestId('step').find((s) => s.dataset.step === 'tokens_exchanged')).toHaveTextContent(
      'App token received',
    );
  });

  test('a blank scope asks with the profile scopes; a refusal is shown as an error', async () => {
    const b = backend({
      app_info: () => appInfo('Contoso SUSI'),
      list_profiles: () => [{ ...confidential(), app_token: { scope: '' } }],
      client_credentials: () => {
        throw {
          kind: 'provider',
          message: 'the provider refused the token request: invalid_client',
          provider: null,
          body: null,
        };
      },
    });
    const user = userEvent.setup();
    render(App);
    await user.click(await screen.findByTestId('app-token'));
    expect((screen.getByTestId('app-token-scope') as HTMLInputElement).value).toBe('');
    await user.click(screen.getByTestId('app-token-run'));
    await waitFor(() => expect(b.argsOf('client_credentials')).toEqual([{ name: 'Contoso SUSI', scope: null }]));
    expect(await screen.findByText(/invalid_client/)).toBeInTheDocument();
    expect(screen.queryByTestId('result-view')).toBeNull();
  });
});
