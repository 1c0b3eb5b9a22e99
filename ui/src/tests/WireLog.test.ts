// "What went over the wire" under a sign-in result: the engine's masked exchange log as a
// timeline, each entry opening to its headers and bodies, copied as text or as curl (masked),
// and as curl with the secrets it sent in the clear only from the shell, by index and URL.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import ResultView from '../lib/components/ResultView.svelte';
import type { Exchange } from '../lib/bindings';
import { backend } from './backend';
import { signInView } from './fixtures';

const BASE = 'https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_susi';

function exchange(step: Exchange['step'], method: string, url: string, more: Partial<Exchange> = {}): Exchange {
  return {
    step,
    method,
    url,
    request_headers: [{ name: 'accept', value: 'application/json' }],
    request_body: null,
    status: 200,
    elapsed_ms: 42,
    response_headers: [{ name: 'content-type', value: 'application/json' }],
    response_body: '{}',
    response_bytes: 2,
    error: null,
    note: null,
    curl: `curl ${url}`,
    ...more,
  };
}

const LOG: Exchange[] = [
  exchange('discovery', 'GET', `${BASE}/v2.0/.well-known/openid-configuration`),
  exchange('authorize', 'GET', `${BASE}/oauth2/v2.0/authorize?client_id=c&code_challenge=abc`, {
    status: null,
    request_headers: [],
    response_headers: [],
    response_body: null,
    note: 'opened in the browser; the provider answers the browser',
  }),
  exchange('token', 'POST', `${BASE}/oauth2/v2.0/token`, {
    request_body: 'grant_type=authorization_code&code=[redacted]&code_verifier=[redacted]',
    response_body: '{"id_token":"[redacted]","refresh_token":"[redacted]","token_type":"Bearer"}',
    elapsed_ms: 187,
    curl: `curl -X POST ${BASE}/oauth2/v2.0/token --data-raw 'grant_type=authorization_code&code=[redacted]'`,
  }),
  exchange('keys', 'GET', `${BASE}/discovery/v2.0/keys`),
];

describe('WireLog', () => {
  test('the exchanges show in order with their status and time, masked, each opening to its bodies', async () => {
    backend({});
    const user = userEvent.setup();
    render(ResultView, { result: signInView({ exchanges: LOG }), saveable: false });
    const log = screen.getByTestId('wire-log');
    expect(within(log).getByText('What went over the wire')).toBeInTheDocument();
    const entries = within(log).getAllByTestId('wire-entry');
    expect(entries.map((e) => e.dataset.step)).toEqual(['discovery', 'authorize', 'token', 'keys']);
    const token = entries[2]!;
    expect(within(token).getByTestId('wire-outcome')).toHaveTextContent('200 · 187 ms');
    expect(within(entries[1]!).getByTestId('wire-outcome')).toHaveTextContent('opened in the browser');
    await user.click(within(token).getByText('POST'));
    expect(within(token).getByTestId('wire-request')).toHaveTextContent('code_verifier=[redacted]');
    expect(within(token).getByTestId('wire-response')).toHaveTextContent('"refresh_token": "[redacted]"');

    await user.click(within(token).getByTestId('wire-curl'));
    expect(await navigator.clipboard.readText()).toBe(LOG[2]!.curl);
    await user.click(within(token).getByTestId('wire-copy'));
    const text = await navigator.clipboard.readText();
    expect(text).toContain(`Token  POST ${BASE}/oauth2/v2.0/token → 200 · 187 ms`);
    expect(text).toContain('< {"id_token":"[redacted]"');
  });

  test('curl with the secrets in the clear comes from the shell, by index and the URL shown', async () => {
    const b = backend({ exchange_curl: () => 'curl -X POST … code=abc' });
    const user = userEvent.setup();
    render(ResultView, { result: signInView({ exchanges: LOG }), saveable: false });
    const token = screen.getAllByTestId('wire-entry')[2]!;
    await user.click(within(token).getByText('POST'));
    await user.click(within(token).getByTestId('wire-curl-clear'));
    await waitFor(() =>
      expect(b.argsOf('exchange_curl')).toEqual([
        { name: 'Contoso SUSI', kind: 'sign_in', index: 2, url: `${BASE}/oauth2/v2.0/token` },
      ]),
    );
    await waitFor(() => expect(within(token).getByTestId('wire-curl-clear')).toHaveTextContent('Copied'));
  });

  test('no exchanges, no timeline', () => {
    backend({});
    render(ResultView, { result: signInView(), saveable: false });
    expect(screen.queryByTestId('wire-log')).toBeNull();
  });
});
