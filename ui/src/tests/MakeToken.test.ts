// "Make a token" and "Mutate" in the inspector: the form's fields go to the engine's
// `make_token` as one request, the token made replaces the pasted text and is decoded at once;
// a refused key is said under the form and the text stays.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import App from '../App.svelte';
import type { Made, MakeRequest } from '../lib/bindings';
import { backend } from './backend';
import { inspectedIdToken } from './fixtures';

async function openInspector() {
  const user = userEvent.setup();
  render(App);
  await screen.findByTestId('profile-list');
  await user.click(screen.getByTestId('nav-inspector'));
  return user;
}

const SECRET = '{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM"}';

function made(token: string): Made {
  return { token, header: { alg: 'HS256', typ: 'JWT' }, claims: { sub: 'tester' }, signed_with: 'a symmetric key (256 bits)', jwe_header: null };
}

describe('Make a token', () => {
  test('sends alg, key, claims and the exp shift, then inspects the token made', async () => {
    const view = inspectedIdToken();
    const token = view.encoded[0]!;
    const b = backend({ make_token: () => made(token), inspect: () => view });
    const user = await openInspector();
    const form = screen.getByTestId('make-form');
    await user.selectOptions(within(form).getByTestId('make-alg'), 'HS256');
    await user.click(within(form).getByTestId('make-key'));
    await user.paste(SECRET);
    const exp = within(form).getByTestId('make-exp');
    await user.clear(exp);
    await user.type(exp, '-1h');
    await user.click(within(form).getByTestId('make-button'));
    await waitFor(() => expect(b.argsOf('inspect').at(-1)?.text).toBe(token));
    const request = b.argsOf('make_token')[0]!.request as MakeRequest;
    expect(request.alg).toBe('HS256');
    expect(request.key).toBe(SECRET);
    expect(JSON.parse(request.claims)).toEqual({ sub: 'tester', aud: 'api' });
    expect(request.times).toEqual([{ claim: 'exp', value: '-1h' }]);
    expect(request.from).toBeNull();
    expect((screen.getByTestId('token-input') as HTMLTextAreaElement).value).toBe(token);
    expect(await screen.findByTestId('make-status')).toHaveTextContent('HS256 token signed with a symmetric key');
  });

  test('mutate sends the decoded text with the new aud, exp and key', async () => {
    const view = inspectedIdToken();
    const original = view.encoded[0]!;
    const b = backend({ make_token: () => made('changed.token.sig'), inspect: () => view });
    const user = await openInspector();
    await user.click(screen.getByTestId('token-input'));
    await user.paste(original);
    const form = await screen.findByTestId('mutate-form');
    await user.type(within(form).getByTestId('mutate-exp'), '-1h');
    await user.type(within(form).getByTestId('mutate-aud'), 'other-api');
    await user.click(within(form).getByTestId('mutate-key'));
    await user.paste(SECRET);
    await user.click(within(form).getByTestId('mutate-button'));
    await waitFor(() => expect(b.argsOf('make_token')).toHaveLength(1));
    const request = b.argsOf('make_token')[0]!.request as MakeRequest;
    expect(request.from).toBe(original);
    expect(request.set).toEqual([['aud', 'other-api']]);
    expect(request.times).toEqual([{ claim: 'exp', value: '-1h' }]);
    expect(request.key).toBe(SECRET);
    expect(request.alg).toBe('');
  });

  test('a refused key is said under the form and the pasted text stays', async () => {
    backend({
      make_token: () => {
        throw { kind: 'config', message: 'RS256 needs an RSA private key', provider: null, body: null };
      },
    });
    const user = await openInspector();
    const form = screen.getByTestId('make-form');
    await user.selectOptions(within(form).getByTestId('make-alg'), 'RS256');
    await user.click(within(form).getByTestId('make-button'));
    expect(await screen.findByTestId('make-error')).toHaveTextContent('RS256 needs an RSA private key');
    expect((screen.getByTestId('token-input') as HTMLTextAreaElement).value).toBe('');
  });
});
