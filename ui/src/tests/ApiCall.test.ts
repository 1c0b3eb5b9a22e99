// "Call API" under a sign-in result: the request goes to the shell without any token, the ID
// token only with a warning on screen, the answer and its findings in plain words, curl with
// the token masked unless asked for in the clear, and the profile's recent calls to reuse.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test } from 'vitest';
import ResultView from '../lib/components/ResultView.svelte';
import type { ApiCall, RecentCall } from '../lib/bindings';
import { backend } from './backend';
import { signInView } from './fixtures';

const URL_ = 'https://api.contoso.com/orders';

function refused(): ApiCall {
  return {
    request: {
      method: 'POST',
      url: URL_,
      headers: [{ name: 'Authorization', value: 'Bearer [redacted]' }],
      body: '{"item":"book"}',
    },
    response: {
      status: 403,
      reason: 'Forbidden',
      headers: [{ name: 'www-authenticate', value: 'Bearer error="insufficient_scope", scope="orders.write"' }],
      content_type: null,
      body: '',
      json: null,
      body_bytes: 0,
      body_truncated: false,
      binary: false,
    },
    elapsed_ms: 42,
    sent_at: '2026-12-07T15:00:00Z',
    token: 'access',
    challenges: [],
    bearer: null,
    diagnosis: [
      {
        code: 'insufficient_scope',
        message: "The API asks for the scope orders.write; the token's scp is `read`. Add it to the profile's scopes.",
      },
    ],
    curl: `curl -X POST ${URL_} -H "Authorization: Bearer $TOKEN"`,
    exchanges: [
      {
        step: 'refresh',
        method: 'POST',
        url: 'https://login.contoso.com/token',
        request_headers: [],
        request_body: 'grant_type=refresh_token&refresh_token=[redacted]',
        status: 200,
        elapsed_ms: 12,
        response_headers: [],
        response_body: '{"access_token":"[redacted]"}',
        response_bytes: 30,
        error: null,
        note: null,
        curl: 'curl -X POST https://login.contoso.com/token --data-raw …',
      },
      {
        step: 'api',
        method: 'POST',
        url: URL_,
        request_headers: [{ name: 'Authorization', value: 'Bearer [redacted]' }],
        request_body: '{"item":"book"}',
        status: 403,
        elapsed_ms: 42,
        response_headers: [{ name: 'www-authenticate', value: 'Bearer error="insufficient_scope"' }],
        response_body: null,
        response_bytes: 0,
        error: null,
        note: null,
        curl: `curl -X POST ${URL_} -H "Authorization: Bearer $TOKEN"`,
      },
    ],
  };
}

const recent: RecentCall = {
  at: '2026-12-07T14:00:00Z',
  method: 'GET',
  url: 'https://api.contoso.com/me',
  headers: [['X-Request-Id', 'r-1']],
  body: null,
  id_token: true,
  status: 401,
  elapsed_ms: 7,
};

/** Types by pasting (typing key by key is slow on a loaded machine). */
async function paste(user: ReturnType<typeof userEvent.setup>, testid: string, text: string) {
  await user.click(screen.getByTestId(testid));
  await user.paste(text);
}

async function open() {
  const user = userEvent.setup();
  render(ResultView, { result: signInView(), saveable: false });
  await user.click(screen.getByTestId('api-call-toggle'));
  return user;
}

describe('call API', () => {
  test('sends what was typed (no token), shows the status and why it was refused', async () => {
    const b = backend({ call_api: () => refused(), recent_calls: () => [] });
    const user = await open();
    await user.selectOptions(screen.getByTestId('api-method'), 'POST');
    await paste(user, 'api-url', URL_);
    await paste(user, 'api-headers', 'X-Request-Id: t-1');
    await paste(user, 'api-body', '{"item":"book"}');
    await user.click(screen.getByTestId('api-send'));
    const result = await screen.findByTestId('api-result');
    expect(b.argsOf('call_api')).toEqual([
      {
        name: 'Contoso SUSI',
        request: { method: 'POST', url: URL_, headers: ['X-Request-Id: t-1'], body: '{"item":"book"}', token: 'access' },
      },
    ]);
    expect(JSON.stringify(b.calls)).not.toContain(signInView().access_token!.raw);
    expect(within(result).getByTestId('api-status')).toHaveTextContent('403 Forbidden');
    const finding = within(result).getByTestId('api-finding');
    expect(finding.dataset.code).toBe('insufficient_scope');
    expect(finding).toHaveTextContent('A scope is missing');
    expect(finding).toHaveTextContent('Add it to the profile');
    expect(result).toHaveTextContent('Bearer $TOKEN');
  }, 15_000);

  test('what went over the wire shows under the answer, the silent refresh first; a clear copy names the API log', async () => {
    const b = backend({ call_api: () => refused(), recent_calls: () => [], exchange_curl: () => 'curl -X POST …' });
    const user = await open();
    await paste(user, 'api-url', URL_);
    await user.click(screen.getByTestId('api-send'));
    const log = await screen.findByTestId('api-wire-log');
    const entries = within(log).getAllByTestId('wire-entry');
    expect(entries.map((e) => [e.dataset.step, e.dataset.status])).toEqual([
      ['refresh', '200'],
      ['api', '403'],
    ]);
    const call = entries[1]!;
    expect(call).toHaveTextContent('API call');
    expect(log).not.toHaveTextContent(signInView().access_token!.raw);
    await user.click(within(call).getByText(URL_));
    await user.click(within(call).getByTestId('wire-curl-clear'));
    await waitFor(() =>
      expect(b.argsOf('exchange_curl')).toEqual([{ name: 'Contoso SUSI', kind: 'api', index: 1, url: URL_ }]),
    );
  }, 15_000);

  test('the ID token only with a visible warning', async () => {
    backend({});
    const user = await open();
    expect(screen.queryByTestId('api-id-token-warning')).toBeNull();
    await user.click(screen.getByTestId('api-token-id'));
    expect(screen.getByTestId('api-id-token-warning')).toHaveTextContent('not for APIs');
  });

  test('copy as curl asks for the token in the clear only when ticked', async () => {
    const b = backend({ api_curl: (a) => (a.reveal ? 'curl … Bearer eyJ…' : 'curl … Bearer $TOKEN') });
    const user = await open();
    await paste(user, 'api-url', URL_);
    await user.click(screen.getByTestId('api-copy-curl'));
    await user.click(screen.getByTestId('api-curl-reveal'));
    await user.click(screen.getByTestId('api-copy-curl'));
    await waitFor(() => expect(b.argsOf('api_curl').map((a) => a.reveal)).toEqual([false, true]));
  });

  test('recent calls come from the profile state and fill the form again', async () => {
    backend({ recent_calls: () => [recent] });
    const user = await open();
    await user.click(await screen.findByTestId('api-recent-call'));
    expect(screen.getByTestId('api-url')).toHaveValue('https://api.contoso.com/me');
    expect(screen.getByTestId('api-headers')).toHaveValue('X-Request-Id: r-1');
    expect(screen.getByTestId('api-id-token-warning')).toBeInTheDocument();
  });
});

describe('userinfo', () => {
  test('claims through the catalogue and the comparison with the ID token', async () => {
    const b = backend({
      userinfo: () => ({
        endpoint: 'https://contoso.b2clogin.com/openid/v2.0/userinfo',
        status: 200,
        elapsed_ms: 12,
        claims: [
          { name: 'sub', value: 'u1', description: 'Subject: who the token is about', catalogue: null, time: null, local_time: null, relative: null, flag: null },
        ],
        signed: false,
        same_subject: true,
        differences: [{ name: 'emails', change: 'added', old: null, new: ['ada@contoso.com'], description: '', note: null }],
        same: ['sub', 'oid'],
        notes: [],
        diagnosis: [],
        body: null,
        exchanges: [
          {
            step: 'userinfo',
            method: 'GET',
            url: 'https://contoso.b2clogin.com/openid/v2.0/userinfo',
            request_headers: [{ name: 'authorization', value: 'Bearer [redacted]' }],
            request_body: null,
            status: 200,
            elapsed_ms: 12,
            response_headers: [],
            response_body: '{"sub":"u1"}',
            response_bytes: 12,
            error: null,
            note: null,
            curl: 'curl https://contoso.b2clogin.com/openid/v2.0/userinfo -H "Authorization: Bearer $TOKEN"',
          },
        ],
      }),
    });
    const user = userEvent.setup();
    render(ResultView, { result: signInView(), saveable: false });
    await user.click(screen.getByTestId('userinfo-toggle'));
    await user.click(screen.getByTestId('userinfo-call'));
    expect(await screen.findByTestId('userinfo-same-sub')).toHaveTextContent('The same sub');
    const wire = within(screen.getByTestId('userinfo-wire-log')).getAllByTestId('wire-entry');
    expect(wire.map((e) => [e.dataset.step, e.dataset.status])).toEqual([['userinfo', '200']]);
    expect(screen.getByTestId('userinfo-claims')).toHaveTextContent('Subject: who the token is about');
    const diff = screen.getByTestId('userinfo-difference');
    expect(diff.dataset.change).toBe('added');
    expect(diff).toHaveTextContent('only in userinfo: ["ada@contoso.com"]');
    expect(b.argsOf('userinfo')).toEqual([{ name: 'Contoso SUSI' }]);
  });

  test('a provider without userinfo says so', async () => {
    backend({
      userinfo: () => {
        throw { kind: 'config', message: 'the provider has no userinfo_endpoint: B2C user flows have none', provider: null, body: null };
      },
    });
    const user = userEvent.setup();
    render(ResultView, { result: signInView(), saveable: false });
    await user.click(screen.getByTestId('userinfo-toggle'));
    await user.click(screen.getByTestId('userinfo-call'));
    expect(await screen.findByTestId('userinfo-error')).toHaveTextContent('B2C user flows have none');
  });
});
