// Revoke and introspect under a sign-in result, and "Save whole body" of an API answer: the
// shell is asked by profile name and token kind (never a token), a provider without the
// endpoints (B2C) disables the actions with the engine's reason.
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import ResultView from '../lib/components/ResultView.svelte';
import ApiCallResult from '../lib/components/ApiCallResult.svelte';
import type { ApiCall, EndpointSupport, Introspection, Revocation } from '../lib/bindings';
import { backend } from './backend';
import { rowsOf, signInView } from './fixtures';

const B2C_MISSING =
  'this provider has no revocation endpoint: its metadata (https://contoso.b2clogin.com/…) has no `revocation_endpoint`. Azure AD B2C has none';

function generic(): EndpointSupport {
  return {
    revocation: 'https://idp.example/revoke',
    revocation_missing: null,
    introspection: 'https://idp.example/introspect',
    introspection_missing: null,
  };
}

async function open() {
  const user = userEvent.setup();
  render(ResultView, { result: signInView(), saveable: false });
  await user.click(screen.getByTestId('endpoints-toggle'));
  return user;
}

describe('revoke and introspect', () => {
  test('a B2C provider disables both actions and says why', async () => {
    backend({
      provider_endpoints: () => ({
        revocation: null,
        revocation_missing: B2C_MISSING,
        introspection: null,
        introspection_missing: 'this provider has no introspection endpoint: Azure AD B2C has none',
      }),
    });
    await open();
    await waitFor(() => expect(screen.getByTestId('revoke')).toBeDisabled());
    expect(screen.getByTestId('introspect')).toBeDisabled();
    expect(screen.getByTestId('revoke-missing')).toHaveTextContent('this provider has no revocation endpoint');
    expect(screen.getByTestId('introspect-missing')).toHaveTextContent('no introspection endpoint');
  });

  test('revokes the stored refresh token by name and shows what the engine says', async () => {
    const revoked: Revocation = {
      endpoint: 'https://idp.example/revoke',
      token: 'refresh',
      status: 200,
      elapsed_ms: 9,
      revoked: true,
      error: null,
      removed_from_vault: true,
      message: 'revoked: the provider took the refresh token back, and it was removed from the OS keyring',
      exchanges: [],
    };
    const b = backend({ provider_endpoints: () => generic(), revoke_token: () => revoked });
    const user = await open();
    await waitFor(() => expect(screen.getByTestId('revoke')).toBeEnabled());
    await user.click(screen.getByTestId('revoke'));
    await waitFor(() => expect(screen.getByTestId('revoke-result')).toHaveTextContent('removed from the OS keyring'));
    expect(b.argsOf('revoke_token')).toEqual([{ name: 'Contoso SUSI', token: 'refresh' }]);
  });

  test('introspects the access token and explains the claims', async () => {
    const answer: Introspection = {
      endpoint: 'https://idp.example/introspect',
      token: 'access token',
      status: 200,
      elapsed_ms: 5,
      active: true,
      claims: rowsOf({ active: true, scope: 'openid offline_access', client_id: 'app' }),
      error: null,
      notes: ['active: the provider says this access token is valid now'],
      exchanges: [],
    };
    const b = backend({ provider_endpoints: () => generic(), introspect_token: () => answer });
    const user = await open();
    await waitFor(() => expect(screen.getByTestId('introspect')).toBeEnabled());
    await user.click(screen.getByTestId('introspect'));
    await waitFor(() => expect(screen.getByTestId('introspect-result')).toHaveTextContent('Active'));
    expect(screen.getByTestId('introspect-claims')).toHaveTextContent('openid offline_access');
    expect(b.argsOf('introspect_token')).toEqual([{ name: 'Contoso SUSI', token: 'access' }]);
  });
});

function bigAnswer(): ApiCall {
  return {
    request: { method: 'GET', url: 'https://api.example/big', headers: [], body: null },
    response: {
      status: 200,
      reason: 'OK',
      headers: [],
      content_type: 'application/json',
      body: '{"rows":[',
      json: null,
      body_bytes: 200000,
      body_truncated: true,
      binary: false,
    },
    elapsed_ms: 3,
    sent_at: '2026-12-07T15:00:00Z',
    token: 'access',
    challenges: [],
    bearer: null,
    diagnosis: [],
    curl: 'curl https://api.example/big -H "Authorization: Bearer $TOKEN"',
    exchanges: [],
  };
}

describe('save whole body', () => {
  test('sends the typed path to the shell and says where the whole body went', async () => {
    const b = backend({ save_api_body: () => ({ path: '/tmp/big.json', bytes: 200000 }) });
    const user = userEvent.setup();
    render(ApiCallResult, { call: bigAnswer(), name: 'Contoso SUSI' });
    expect(screen.getByTestId('api-body-cut')).toHaveTextContent('Save whole body');
    await user.click(screen.getByTestId('api-save-path'));
    await user.paste('/tmp/big.json');
    await user.click(screen.getByTestId('api-save'));
    await waitFor(() => expect(screen.getByTestId('api-saved')).toHaveTextContent('Saved 200,000 bytes to /tmp/big.json'));
    expect(b.argsOf('save_api_body')).toEqual([{ name: 'Contoso SUSI', path: '/tmp/big.json' }]);
  });

  test('a refusal (the file exists) is shown and nothing else changes', async () => {
    backend({
      save_api_body: () => {
        throw { kind: 'config', message: '/tmp/big.json already exists: it is kept; choose another name', provider: null, body: null };
      },
    });
    const user = userEvent.setup();
    render(ApiCallResult, { call: bigAnswer(), name: 'Contoso SUSI' });
    await user.click(screen.getByTestId('api-save-path'));
    await user.paste('/tmp/big.json');
    await user.click(screen.getByTestId('api-save'));
    await waitFor(() => expect(screen.getByTestId('api-save-error')).toHaveTextContent('already exists'));
  });
});
