// Issue 16 in the window: a profile's DPoP key in the profile form (its thumbprint and when it
// was made, Rotate and Remove asked again, each the engine's call by profile name), and the
// sign-in result saying which request form and sender constraint were used.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import App from '../App.svelte';
import type { DpopKeyInfo, IpcError, Profile } from '../lib/bindings';
import ResultView from '../lib/components/ResultView.svelte';
import { formatTime } from '../lib/format';
import { backend } from './backend';
import { entry, metadataPreview, profile, signInView } from './fixtures';

const NAME = 'Contoso SUSI';
const JKT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';
const NEW_JKT = 'A3qHtq1d9R2kL0zcX5hxvC8bTgE4yNfWmJpUoS7aBdQ';

function keyInfo(thumbprint: string, created: string): DpopKeyInfo {
  return {
    thumbprint,
    jwk: { kty: 'EC', crv: 'P-256', x: 'x-coordinate', y: 'y-coordinate' },
    location: { kind: 'keyring' },
    created,
  };
}

async function editDpopProfile(handlers: Parameters<typeof backend>[0]) {
  const b = backend({
    list_profiles: () => [entry(profile({ dpop: true }))],
    preview_authority: () => metadataPreview,
    save_profile: (args) => [entry(args.profile as Profile)],
    ...handlers,
  });
  const user = userEvent.setup();
  render(App);
  await user.click(await screen.findByTestId('edit-profile'));
  await user.click(screen.getByText('More parameters'));
  return { b, user };
}

describe('the DPoP key in the profile form', () => {
  test('shows the thumbprint and when the key was made; Rotate asks first and makes a new one', async () => {
    const { b, user } = await editDpopProfile({
      dpop_key: () => keyInfo(JKT, '2026-03-02T09:15:00Z'),
      rotate_dpop_key: () => keyInfo(NEW_JKT, '2026-03-03T10:00:00Z'),
    });
    expect(await screen.findByTestId('dpop-jkt')).toHaveTextContent(JKT);
    expect(b.argsOf('dpop_key')).toEqual([{ name: NAME }]);
    expect(screen.getByTestId('dpop-created')).toHaveTextContent(formatTime('2026-03-02T09:15:00Z'));
    expect(screen.getByTestId('dpop-key')).toHaveTextContent('OS keyring');

    // Asked again, in words: the tokens bound to the old key stop working. Kept: nothing done.
    await user.click(screen.getByTestId('dpop-rotate'));
    const confirm = screen.getByTestId('dpop-confirm');
    expect(confirm).toHaveTextContent('Tokens bound to the old key stop working');
    expect(confirm).toHaveTextContent('Sign in again');
    await user.click(within(confirm).getByText('Keep the key'));
    expect(screen.queryByTestId('dpop-confirm')).toBeNull();
    expect(b.argsOf('rotate_dpop_key')).toEqual([]);

    await user.click(screen.getByTestId('dpop-rotate'));
    await user.click(screen.getByTestId('dpop-confirm-button'));
    await waitFor(() => expect(screen.getByTestId('dpop-jkt')).toHaveTextContent(NEW_JKT));
    expect(b.argsOf('rotate_dpop_key')).toEqual([{ name: NAME }]);
    expect(screen.getByTestId('dpop-created')).toHaveTextContent(formatTime('2026-03-03T10:00:00Z'));
    expect(screen.getByTestId('dpop-done')).toHaveTextContent('sign in again');
    // At once, not on save: the profile itself was not saved.
    expect(b.argsOf('save_profile')).toEqual([]);
  });

  test('Escape keeps the key', async () => {
    const { b, user } = await editDpopProfile({ dpop_key: () => keyInfo(JKT, '2026-03-02T09:15:00Z') });
    await user.click(await screen.findByTestId('dpop-rotate'));
    expect(screen.getByTestId('dpop-confirm-button')).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('dpop-confirm')).toBeNull();
    expect(screen.getByTestId('profile-form')).toBeInTheDocument();
    expect(b.calls.map((c) => c.cmd)).not.toContain('rotate_dpop_key');
  });

  test('Remove asks first, deletes the key and says a new one comes at the next sign-in', async () => {
    const { b, user } = await editDpopProfile({
      dpop_key: () => keyInfo(JKT, '2026-03-02T09:15:00Z'),
      remove_dpop_key: () => true,
    });
    await user.click(await screen.findByTestId('dpop-remove'));
    expect(screen.getByTestId('dpop-confirm')).toHaveTextContent('Delete the DPoP key?');
    await user.click(screen.getByTestId('dpop-confirm-button'));
    await waitFor(() => expect(screen.getByTestId('dpop-no-key')).toBeInTheDocument());
    expect(b.argsOf('remove_dpop_key')).toEqual([{ name: NAME }]);
    expect(screen.getByTestId('dpop-no-key')).toHaveTextContent('made at the first sign-in with DPoP');
    expect(screen.queryByTestId('dpop-jkt')).toBeNull();
  });

  test('a refused rotation is said and the key shown stays the old one', async () => {
    const refused: IpcError = {
      kind: 'config',
      message: 'the DPoP key could not be stored: the keyring is locked',
      provider: null,
      body: null,
    };
    const { user } = await editDpopProfile({
      dpop_key: () => keyInfo(JKT, '2026-03-02T09:15:00Z'),
      rotate_dpop_key: () => {
        throw refused;
      },
    });
    await user.click(await screen.findByTestId('dpop-rotate'));
    await user.click(screen.getByTestId('dpop-confirm-button'));
    expect(await screen.findByTestId('dpop-error')).toHaveTextContent('the keyring is locked');
    expect(screen.getByTestId('dpop-jkt')).toHaveTextContent(JKT);
  });

  test('a profile without a key says one is made on first use, with nothing to rotate', async () => {
    await editDpopProfile({ dpop_key: () => null });
    expect(await screen.findByTestId('dpop-no-key')).toBeInTheDocument();
    expect(screen.queryByTestId('dpop-rotate')).toBeNull();
  });

  test('a new profile asks for no key, and the control stays folded under More parameters', async () => {
    const b = backend({ preview_authority: () => metadataPreview });
    const user = userEvent.setup();
    render(App);
    await screen.findByTestId('profile-list');
    await user.click(screen.getByTestId('new-profile'));
    const more = screen.getByText('More parameters').closest('details')!;
    expect(more.open).toBe(false);
    expect(within(more).getByTestId('dpop-field')).toBeInTheDocument();
    expect(screen.queryByTestId('dpop-key')).toBeNull();
    expect(b.argsOf('dpop_key')).toEqual([]);
  });
});

describe('the request form and sender constraint of a sign-in', () => {
  test('PAR with its request_uri, a signed+encrypted request object, the DPoP jkt and the certificate, near the checks', () => {
    render(ResultView, {
      result: signInView({
        request_form: {
          pushed_to: 'https://idp.example/oidc/request',
          request_uri: 'urn:ietf:params:oauth:request_uri:Z2bD4',
          request_uri_expires_in: 60,
          signed_alg: 'RS256',
          signed_with: "the profile's client key (RS256, kid k1)",
          encrypted: 'RSA-OAEP-256/A256GCM to key enc-1',
        },
        sender: { dpop_jkt: JKT, mtls_thumbprint: 'q3hR7Y1xW0u9bTnd4s3KcE2zVfPj6LmNoQaBxYz1c2E' },
      }),
      saveable: false,
    });
    const used = screen.getByTestId('request-used');
    expect(within(used).getByTestId('used-request-uri')).toHaveTextContent('urn:ietf:params:oauth:request_uri:Z2bD4');
    expect(within(used).getByTestId('used-par')).toHaveTextContent('valid 60 s');
    expect(within(used).getByTestId('used-jar')).toHaveTextContent('signed + encrypted request object: RS256');
    expect(within(used).getByTestId('used-jar')).toHaveTextContent('RSA-OAEP-256/A256GCM');
    expect(within(used).getByTestId('used-dpop-jkt')).toHaveTextContent(JKT);
    expect(within(used).getByTestId('used-mtls-thumbprint')).toHaveTextContent('q3hR7Y1xW0u9bTnd4s3KcE2zVfPj6LmNoQaBxYz1c2E');
    // Just above the checklist.
    const checklist = screen.getByTestId('checklist');
    expect(used.compareDocumentPosition(checklist) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
  });

  test('a request object only signed says signed, and nothing is said of what was not used', () => {
    render(ResultView, {
      result: signInView({
        request_form: {
          pushed_to: null,
          request_uri: null,
          request_uri_expires_in: null,
          signed_alg: 'HS256',
          signed_with: 'the client secret',
          encrypted: null,
        },
      }),
      saveable: false,
    });
    const jar = screen.getByTestId('used-jar');
    expect(jar).toHaveTextContent('signed request object: HS256 with the client secret');
    expect(jar).not.toHaveTextContent('encrypted');
    for (const id of ['used-par', 'used-dpop', 'used-mtls']) expect(screen.queryByTestId(id)).toBeNull();
  });

  test('a plain B2C sign-in shows no such line', () => {
    render(ResultView, {
      result: signInView({
        request_form: {
          pushed_to: null,
          request_uri: null,
          request_uri_expires_in: null,
          signed_alg: null,
          signed_with: null,
          encrypted: null,
        },
      }),
      saveable: false,
    });
    expect(screen.queryByTestId('request-used')).toBeNull();
  });
});
