// The inspector: paste a token, see it decoded with the same token view; see precisely why a
// token does not decode.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import App from '../App.svelte';
import type { IpcError } from '../lib/bindings';
import { backend } from './backend';
import { idToken } from './fixtures';

async function openInspector() {
  const user = userEvent.setup();
  render(App);
  await screen.findByTestId('profile-list');
  await user.click(screen.getByTestId('nav-inspector'));
  return user;
}

describe('Inspector', () => {
  test('decodes a pasted token as it is pasted and shows the token view', async () => {
    const token = idToken();
    const b = backend({ decode_token: () => token });
    const user = await openInspector();
    await user.click(screen.getByTestId('token-input'));
    await user.paste(token.raw);
    const inspector = screen.getByTestId('inspector');
    const table = await within(inspector).findByTestId('claims-table');
    expect(within(table).getAllByTestId('claim-row').map((r) => r.dataset.name)).toContain('tfp');
    expect(within(inspector).getByTestId('encoded-token').textContent).toBe(token.raw);
    expect(b.argsOf('decode_token').at(-1)).toEqual({ text: token.raw });
  });

  test('names the part that did not decode', async () => {
    const error: IpcError = {
      kind: 'decode',
      message: 'the payload (part 2) is not valid base64url: invalid byte 0x2E at offset 12',
      provider: null,
      body: null,
    };
    backend({
      decode_token: () => {
        throw error;
      },
    });
    const user = await openInspector();
    await user.type(screen.getByTestId('token-input'), 'eyJhbGciOiJSUzI1NiJ9.not.base64');
    await user.click(screen.getByTestId('decode-button'));
    expect(await screen.findByTestId('decode-error')).toHaveTextContent('the payload (part 2) is not valid base64url');
    expect(screen.queryByTestId('claims-table')).toBeNull();
  });

  test('keeps the pasted token while looking elsewhere', async () => {
    const token = idToken();
    backend({ decode_token: () => token });
    const user = await openInspector();
    await user.click(screen.getByTestId('token-input'));
    await user.paste(token.raw);
    await screen.findByTestId('claims-table');
    await user.click(screen.getByTestId('nav-profiles'));
    await user.click(screen.getByTestId('nav-inspector'));
    expect(screen.getByTestId('token-input')).toHaveValue(token.raw);
    await waitFor(() => expect(screen.getByTestId('claims-table')).toBeInTheDocument());
  });
});
