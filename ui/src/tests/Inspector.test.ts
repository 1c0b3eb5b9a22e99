// The inspector: paste anything (a token, Bearer, a redirect URL, a token response) and see what
// it was, every token in it explained, a code or a provider error explained; verify, decrypt,
// export, compare; hostile claim values stay text.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, test, vi } from 'vitest';
import App from '../App.svelte';
import type { InspectionView, IpcError } from '../lib/bindings';
import { backend } from './backend';
import {
  CODE_EXPLANATION,
  cancelledByUser,
  idToken,
  inspected,
  inspectedIdToken,
  inspection,
  jwt,
  opaqueAccessToken,
  tokenDiff,
  verification,
} from './fixtures';

async function openInspector() {
  const user = userEvent.setup();
  render(App);
  await screen.findByTestId('profile-list');
  await user.click(screen.getByTestId('nav-inspector'));
  return user;
}

async function pasteIn(user: ReturnType<typeof userEvent.setup>, text: string, testid = 'token-input') {
  await user.click(screen.getByTestId(testid));
  await user.paste(text);
}

function claimRow(within_: HTMLElement, name: string): HTMLElement {
  const row = within_.querySelector<HTMLElement>(`[data-testid="claim-row"][data-name="${name}"]`);
  if (!row) throw new Error(`no claim row ${name}`);
  return row;
}

const DEFAULT_OPTIONS = { verify: false, public_key: null, decryption_key: null, redact: false, skew_seconds: 300 };

describe('Inspector', () => {
  test('decodes a pasted token as it is pasted and shows the token view', async () => {
    const view = inspectedIdToken();
    const b = backend({ inspect: () => view });
    const user = await openInspector();
    await pasteIn(user, view.encoded[0]!);
    const inspector = screen.getByTestId('inspector');
    const table = await within(inspector).findByTestId('claims-table');
    expect(within(table).getAllByTestId('claim-row').map((r) => r.dataset.name)).toContain('tfp');
    expect(within(inspector).getByTestId('encoded-token').textContent).toBe(view.encoded[0]);
    expect(within(inspector).getByTestId('input-form')).toHaveTextContent('A token');
    expect(b.argsOf('inspect').at(-1)).toEqual({ text: view.encoded[0], options: DEFAULT_OPTIONS });
  });

  test('names the part that did not decode', async () => {
    const error: IpcError = {
      kind: 'decode',
      message: 'the payload (part 2) is not valid base64url: invalid byte 0x2E at offset 12',
      provider: null,
      body: null,
    };
    backend({
      inspect: () => {
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
    const view = inspectedIdToken();
    backend({ inspect: () => view });
    const user = await openInspector();
    await pasteIn(user, view.encoded[0]!);
    await screen.findByTestId('claims-table');
    await user.click(screen.getByTestId('nav-profiles'));
    await user.click(screen.getByTestId('nav-inspector'));
    expect(screen.getByTestId('token-input')).toHaveValue(view.encoded[0]);
    await waitFor(() => expect(screen.getByTestId('claims-table')).toBeInTheDocument());
  });

  test.each([
    ['token', 'A token'],
    ['bearer', 'An Authorization: Bearer header'],
    ['token_response', 'A JSON token response'],
  ] as const)('says the input was %s', async (form, words) => {
    backend({ inspect: () => inspectedIdToken(form, form === 'token_response' ? 'id_token' : 'token') });
    const user = await openInspector();
    await pasteIn(user, 'pasted');
    const chip = await screen.findByTestId('input-form');
    expect(chip).toHaveTextContent(words);
    expect(chip.dataset.form).toBe(form);
    expect(screen.getByTestId('inspect-token')).toBeInTheDocument();
  });

  test('text with tokens in it says how many were found and shows each', async () => {
    const a = idToken();
    const b2 = jwt({ alg: 'RS256' }, { sub: 'u2' });
    backend({
      inspect: () =>
        inspection('text', [
          [inspected('token 1', a), a.raw],
          [inspected('token 2', b2), b2.raw],
        ]),
    });
    const user = await openInspector();
    await pasteIn(user, `Hi, the first ${a.raw}, and\n> token: ${b2.raw}`);
    expect(await screen.findByTestId('input-form')).toHaveTextContent('Text with tokens in it');
    expect(screen.getByTestId('found-count')).toHaveTextContent('2 tokens found in it');
    expect(screen.getAllByTestId('token-tab').map((t) => t.dataset.label)).toEqual(['token 1', 'token 2']);
  });

  test('a token pasted without a name is titled by the role its claims show, never "Token token"', async () => {
    const a = idToken();
    const b2 = jwt({ alg: 'RS256' }, { scp: 'read', aud: 'api' });
    const c = jwt({ alg: 'RS256' }, { sub: 'u3' });
    backend({
      inspect: () =>
        inspection('text', [
          [inspected('token 1', a, { role: { role: 'id_token', by: ['nonce'] } }), a.raw],
          [inspected('token 2', b2, { role: { role: 'access_token', by: ['scp'] } }), b2.raw],
          [inspected('token 3', c), c.raw],
        ]),
    });
    const user = await openInspector();
    await pasteIn(user, `${a.raw} ${b2.raw} ${c.raw}`);
    const tabs = await screen.findAllByTestId('token-tab');
    expect(tabs.map((t) => t.textContent)).toEqual(['ID token 1', 'Access token 2', 'Token 3']);
    const title = screen.getByTestId('token-title');
    expect(title).toHaveTextContent('ID token 1 told by its nonce claim');
    expect(title).not.toHaveTextContent(/token token/i);
  });

  test('a redirect URL with an ID and an access token shows each in its own tab', async () => {
    const id = idToken();
    const access = jwt({ alg: 'RS256', typ: 'at+jwt' }, { scp: 'read', aud: 'api' });
    const view = inspection('redirect_url', [
      [inspected('id_token', id), id.raw],
      [inspected('access_token', access), access.raw],
    ], { parameters: [{ name: 'state', value: 's-1' }] });
    const b = backend({ inspect: () => view });
    const user = await openInspector();
    const url = `https://jwt.ms/#id_token=${id.raw}&access_token=${access.raw}&state=s-1`;
    await pasteIn(user, url);
    expect(await screen.findByTestId('input-form')).toHaveTextContent('A redirect URL');
    expect(screen.getAllByTestId('token-tab').map((t) => t.dataset.label)).toEqual(['id_token', 'access_token']);
    expect(screen.getByTestId('inspect-token').dataset.label).toBe('id_token');
    expect(claimRow(screen.getByTestId('inspect-token'), 'tfp')).toHaveTextContent('The B2C policy (user flow)');
    expect(screen.getByTestId('parameters')).toHaveTextContent('state');
    await user.click(screen.getAllByTestId('token-tab')[1]!);
    const shown = screen.getByTestId('inspect-token');
    expect(shown.dataset.label).toBe('access_token');
    expect(within(shown).getByTestId('encoded-token').textContent).toBe(access.raw);
    expect(b.argsOf('inspect').at(-1)).toEqual({ text: url, options: DEFAULT_OPTIONS });
  });

  test('a code in a redirect URL is explained as not a token', async () => {
    backend({
      inspect: () =>
        inspection('redirect_url', [], { authorization_code: { length: 712, explanation: CODE_EXPLANATION } }),
    });
    const user = await openInspector();
    await pasteIn(user, 'http://localhost:53124/?code=eyJraWQiOi.abc&state=1');
    const code = await screen.findByTestId('code-explanation');
    expect(code).toHaveTextContent('An authorization code (712 characters)');
    expect(code).toHaveTextContent('not a token');
    expect(screen.queryByTestId('inspect-token')).toBeNull();
    expect(screen.queryByTestId('verify-button')).toBeNull();
  });

  test('an error in a redirect URL shows the provider error with its Correlation ID and Timestamp', async () => {
    backend({ inspect: () => inspection('redirect_url', [], { provider_error: cancelledByUser.provider }) });
    const user = await openInspector();
    await pasteIn(user, 'https://jwt.ms/#error=access_denied&error_description=AADB2C90091…');
    const view = await screen.findByTestId('error-view');
    expect(within(view).getByTestId('error-code')).toHaveTextContent('AADB2C90091');
    expect(within(view).getByTestId('error-correlation-id')).toHaveTextContent('0f9a2c1e-4b7d-4e0a-9c3b-2d1e0f9a8b7c');
    expect(within(view).getByTestId('error-timestamp')).toHaveTextContent('2026-03-02 09:15:01Z');
    expect(view).toHaveTextContent('The user cancelled in the B2C pages.');
  });

  test('a token inside a claim is decoded right under its claim', async () => {
    const idp = jwt({ alg: 'RS256', kid: 'google' }, { iss: 'https://accounts.google.com', sub: 'g-123' });
    const outer = jwt({ alg: 'RS256', kid: 'b2c' }, { iss: 'https://contoso.b2clogin.com/x/v2.0/', idp_access_token: idp.raw, tfp: 'B2C_1_susi' });
    const token = inspected('token', outer, { nested: [inspected('idp_access_token', idp)] });
    backend({ inspect: () => inspection('token', [[token, outer.raw]]) });
    const user = await openInspector();
    await pasteIn(user, outer.raw);
    const nested = await screen.findByTestId('nested-token');
    expect(nested.dataset.label).toBe('idp_access_token');
    // In place: the row after the idp_access_token claim holds it.
    const row = claimRow(screen.getByTestId('inspector'), 'idp_access_token');
    expect(row.nextElementSibling?.contains(nested)).toBe(true);
    expect(within(nested).getByTestId('encoded-token').textContent).toBe(idp.raw);
    expect(claimRow(nested, 'iss')).toHaveTextContent('https://accounts.google.com');
  });

  test('an unsigned token warns, an opaque token says so', async () => {
    const unsigned = { ...jwt({ alg: 'none' }, { sub: 'x' }), kind: 'unsigned' as const };
    const opaque = opaqueAccessToken();
    backend({
      inspect: (args) =>
        args.text === 'unsigned'
          ? inspection('token', [[inspected('token', unsigned, { warnings: ['unsigned (alg none): anyone could have written this token; never trust its claims'] }), unsigned.raw]])
          : inspection('token', [[inspected('token', opaque, { warnings: ['opaque: not a JWT, so there is nothing to decode'] }), opaque.raw]]),
    });
    const user = await openInspector();
    await pasteIn(user, 'unsigned');
    expect(await screen.findByTestId('token-warning')).toHaveTextContent('unsigned (alg none)');
    await user.clear(screen.getByTestId('token-input'));
    await pasteIn(user, 'opaque');
    await waitFor(() => expect(screen.getByTestId('token-warning')).toHaveTextContent('opaque: not a JWT'));
    expect(screen.getByTestId('inspect-token').dataset.kind).toBe('opaque');
  });

  test('an encrypted token shows its header and decrypts with a pasted key', async () => {
    const jweHeader = { alg: 'RSA-OAEP', enc: 'A256GCM', kid: 'enc-1', cty: 'JWT' };
    const jwe = { ...jwt(jweHeader, {}), kind: 'jwe' as const, claim_rows: [], payload: {} };
    jwe.parts = ['eyJhbGciOiJSU0EtT0FFUCJ9', 'a2V5', 'aXY', 'Y2lwaGVy', 'dGFn'];
    jwe.raw = jwe.parts.join('.');
    const note = "encrypted: the payload needs the recipient's key (its private key, as a JWK or PEM, decrypts it here, offline)";
    const encrypted = inspected('token', jwe, {
      warnings: [note],
      jwe: { alg: 'RSA-OAEP', enc: 'A256GCM', kid: 'enc-1', cty: 'JWT', zip: null, decrypted: false, note },
    });
    const inner = idToken();
    const decrypted = inspected('token', jwe, {
      jwe: { ...encrypted.jwe!, decrypted: true, note: 'decrypted with the RSA key enc-1 (2048 bits)' },
      inner: inspected('decrypted', inner),
    });
    const b = backend({
      inspect: (args) =>
        inspection('token', [[(args.options as { decryption_key: string | null }).decryption_key ? decrypted : encrypted, jwe.raw]]),
    });
    const user = await openInspector();
    await pasteIn(user, jwe.raw);
    const info = await screen.findByTestId('jwe-info');
    expect(info.dataset.decrypted).toBe('false');
    expect(info).toHaveTextContent('RSA-OAEP');
    expect(info).toHaveTextContent('A256GCM');
    expect(screen.getByTestId('jwe-note')).toHaveTextContent("needs the recipient's key");
    // The note is shown once, not again among the warnings.
    expect(screen.queryByTestId('token-warning')).toBeNull();
    await user.click(screen.getByTestId('decrypt-key-input'));
    await user.paste('{"kty":"RSA","kid":"enc-1","d":"…"}');
    await user.click(screen.getByTestId('decrypt-button'));
    await waitFor(() => expect(screen.getByTestId('jwe-info').dataset.decrypted).toBe('true'));
    expect(b.argsOf('inspect').at(-1)?.options).toMatchObject({ decryption_key: '{"kty":"RSA","kid":"enc-1","d":"…"}' });
    const inside = screen.getByTestId('decrypted-token');
    expect(claimRow(inside, 'tfp')).toHaveTextContent('B2C_1_susi');
  });

  test('Verify signature discovers the keys from iss and shows the result, the key and the checks', async () => {
    const view = inspectedIdToken();
    const verified: InspectionView = { ...view, tokens: [{ ...view.tokens[0]!, verification: verification(true) }] };
    const b = backend({ inspect: (args) => ((args.options as { verify: boolean }).verify ? verified : view) });
    const user = await openInspector();
    await pasteIn(user, view.encoded[0]!);
    await screen.findByTestId('claims-table');
    await user.click(screen.getByTestId('verify-button'));
    const v = await screen.findByTestId('verification');
    expect(v.dataset.passed).toBe('true');
    expect(within(v).getByTestId('verification-summary')).toHaveTextContent('valid RS256 signature');
    expect(within(v).getByTestId('verification-keys-from')).toHaveTextContent('discovery/v2.0/keys');
    expect(within(v).getByTestId('verification-key')).toHaveTextContent('RSA');
    expect(within(v).getAllByTestId('check').map((c) => c.dataset.name)).toEqual(['keys', 'alg', 'kid', 'signature', 'issuer', 'exp']);
    expect(b.argsOf('inspect').at(-1)?.options).toMatchObject({ verify: true, public_key: null });
  });

  test('Verify names the host it will fetch the keys from before it does; with a pasted key it does not', async () => {
    const t = idToken();
    const view = inspection('token', [[inspected('token', t, { discovery_host: 'contoso.b2clogin.com' }), t.raw]]);
    const b = backend({ inspect: () => view });
    const user = await openInspector();
    await pasteIn(user, t.raw);
    await screen.findByTestId('claims-table');
    const button = screen.getByTestId('verify-button');
    expect(button).toHaveTextContent('Verify with keys from contoso.b2clogin.com');
    // Nothing was fetched for it: only the plain decode went to the shell.
    expect(b.argsOf('inspect').every((a) => !(a.options as { verify: boolean }).verify)).toBe(true);
    await pasteIn(user, '{"kty":"RSA","n":"…","e":"AQAB"}', 'verify-key-input');
    expect(screen.getByTestId('verify-button')).toHaveTextContent(/^Verify signature$/);
  });

  test('Verify signature with a pasted key sends the key; a failed check is shown as failed', async () => {
    const view = inspectedIdToken();
    const failed: InspectionView = { ...view, tokens: [{ ...view.tokens[0]!, verification: verification(false) }] };
    const b = backend({ inspect: (args) => ((args.options as { verify: boolean }).verify ? failed : view) });
    const user = await openInspector();
    await pasteIn(user, view.encoded[0]!);
    await screen.findByTestId('claims-table');
    await pasteIn(user, '{"kty":"RSA","n":"…","e":"AQAB"}', 'verify-key-input');
    await user.click(screen.getByTestId('verify-button'));
    const v = await screen.findByTestId('verification');
    expect(v.dataset.passed).toBe('false');
    expect(v).toHaveTextContent('Not verified: 1 check failed');
    expect(within(v).getByTestId('checks-failed')).toHaveTextContent('1 failed');
    expect(b.argsOf('inspect').at(-1)?.options).toMatchObject({ verify: true, public_key: '{"kty":"RSA","n":"…","e":"AQAB"}' });
  });

  test('a key that does not parse is reported under the key field, and the token stays shown', async () => {
    const view = inspectedIdToken();
    backend({
      inspect: (args) => {
        if ((args.options as { verify: boolean }).verify) {
          throw { kind: 'public_key', message: 'the public key: not a JWK or JWKS: EOF', provider: null, body: null };
        }
        return view;
      },
    });
    const user = await openInspector();
    await pasteIn(user, view.encoded[0]!);
    await screen.findByTestId('claims-table');
    await pasteIn(user, '{oops', 'verify-key-input');
    await user.click(screen.getByTestId('verify-button'));
    expect(await screen.findByTestId('verify-key-error')).toHaveTextContent('the public key: not a JWK or JWKS');
    expect(screen.getByTestId('verify-key-input')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByTestId('claims-table')).toBeInTheDocument();
    expect(screen.queryByTestId('decode-error')).toBeNull();
  });

  test('Redacted copy puts the compact redacted claims list on the clipboard; exports copy JSON and Markdown', async () => {
    const view = inspectedIdToken();
    const list = 'id_token: 2 claims, 1 masked as [redacted] (a redacted list, not the token)\nsub: u1\nname: [redacted]\n';
    const b = backend({
      inspect: () => view,
      export_inspection: (args) =>
        args.format === 'markdown'
          ? '# Token\n\n| claim | value |'
          : args.format === 'claims'
            ? list
            : JSON.stringify({ redacted: (args.options as { redact: boolean }).redact }),
    });
    const user = await openInspector();
    await pasteIn(user, view.encoded[0]!);
    await screen.findByTestId('claims-table');
    // How it relates to the mask checkbox is said next to both.
    expect(screen.getByTestId('redacted-copy-note')).toHaveTextContent('always masks the claims this box masks');
    expect(screen.getByTestId('copy-redacted')).toHaveAttribute('aria-describedby', 'redacted-copy-note');
    await user.click(screen.getByTestId('copy-redacted'));
    await waitFor(() => expect(screen.getByTestId('export-status')).toHaveTextContent('Copied the redacted claims list to the clipboard'));
    expect(await navigator.clipboard.readText()).toBe(list);
    // The list and its masking come from the engine (format claims), redacted whatever the box says.
    expect(b.argsOf('export_inspection').at(-1)).toMatchObject({ format: 'claims', options: { redact: true } });
    await user.click(screen.getByTestId('export-markdown'));
    await waitFor(() => expect(screen.getByTestId('export-status')).toHaveTextContent('Copied the Markdown export'));
    expect(await navigator.clipboard.readText()).toBe('# Token\n\n| claim | value |');
    expect(screen.getByTestId('export-preview').textContent).toBe('# Token\n\n| claim | value |');
    await user.click(screen.getByTestId('export-json'));
    await waitFor(() => expect(screen.getByTestId('export-status')).toHaveTextContent('Copied the JSON export'));
    expect(b.argsOf('export_inspection').at(-1)).toMatchObject({ format: 'json', options: { redact: false } });
  });

  test('masking personal claims asks the shell for a redacted inspection', async () => {
    const view = inspectedIdToken();
    const b = backend({ inspect: () => view });
    const user = await openInspector();
    await pasteIn(user, view.encoded[0]!);
    await screen.findByTestId('claims-table');
    await user.click(screen.getByTestId('redact-toggle'));
    await waitFor(() => expect(b.argsOf('inspect').at(-1)?.options).toMatchObject({ redact: true }));
  });

  test('NumericDate claims show the local time and UTC', async () => {
    // Relative times are read from the clock: the fixtures' are as of 10:15 UTC.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-02T10:15:00Z'));
    try {
      backend({ inspect: () => inspectedIdToken() });
      const user = await openInspector();
      await pasteIn(user, 'eyJ…');
      const exp = within(claimRow(await screen.findByTestId('claims-table'), 'exp')).getByTestId('claim-value');
      expect(within(exp).getByTestId('claim-utc')).toHaveTextContent('2026-03-02 10:19:00 UTC');
      expect(within(exp).getByTestId('claim-local-time')).toHaveTextContent('2026');
      expect(exp).toHaveTextContent('expires in 4 min');
    } finally {
      vi.useRealTimers();
    }
  });

  test('a claim value with HTML in it is shown as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
    const t = jwt({ alg: 'RS256' }, { name: hostile, tfp: 'B2C_1_susi' });
    backend({ inspect: () => inspection('token', [[inspected('token', t), t.raw]]) });
    const user = await openInspector();
    await pasteIn(user, t.raw);
    const inspector = screen.getByTestId('inspector');
    const name = within(claimRow(await within(inspector).findByTestId('claims-table'), 'name')).getByTestId('claim-value');
    expect(name.textContent).toContain(hostile);
    expect(inspector.querySelector('img')).toBeNull();
    expect(inspector.querySelector('b')).toBeNull();
    expect((window as { __pwned?: number }).__pwned).toBeUndefined();
  });

  test('Compare shows the claims added, removed and changed', async () => {
    const b = backend({ diff_tokens: () => tokenDiff() });
    const user = await openInspector();
    await user.click(screen.getByTestId('diff-mode'));
    expect(screen.queryByTestId('token-input')).toBeNull();
    await pasteIn(user, 'token-a', 'diff-a');
    await pasteIn(user, 'https://jwt.ms/#id_token=token-b', 'diff-b');
    const rows = await screen.findAllByTestId('diff-row');
    expect(rows.map((r) => [r.dataset.name, r.dataset.change])).toEqual([
      ['exp', 'changed'],
      ['tfp', 'changed'],
      ['nonce', 'removed'],
      ['newUser', 'added'],
    ]);
    const tfp = rows[1]!;
    expect(within(tfp).getByTestId('diff-old').textContent).toBe('B2C_1_susi'); // no white space shown before it
    expect(within(tfp).getByTestId('diff-new')).toHaveTextContent('B2C_1_edit');
    expect(within(rows[0]!).getByTestId('diff-new')).toHaveTextContent('later by 60 min');
    expect(within(rows[2]!).getByTestId('diff-new')).toHaveTextContent('—');
    expect(screen.getByTestId('diff-summary')).toHaveTextContent('2 changed, 1 added, 1 removed; 3 the same');
    expect(b.argsOf('diff_tokens').at(-1)).toEqual({ a: 'token-a', b: 'https://jwt.ms/#id_token=token-b' });
    // Times read as dates, in the one date format, the number kept beside.
    expect(within(rows[0]!).getByTestId('diff-old-date')).toHaveTextContent(/^2026-03-0[12] \d\d:\d\d:00/);
    expect(within(rows[0]!).getByTestId('diff-old')).toHaveTextContent('1772446740');
    expect(within(rows[0]!).getByTestId('diff-new-date')).toHaveTextContent(/^2026-03-0[12] \d\d:19:00/);
    expect(within(tfp).queryByTestId('diff-old-date')).toBeNull();
  });

  test('Compare with… starts from the token that is open: it is A, B waits for the other', async () => {
    const view = inspectedIdToken();
    backend({ inspect: () => view, diff_tokens: () => tokenDiff() });
    const user = await openInspector();
    await pasteIn(user, view.encoded[0]!);
    await screen.findByTestId('claims-table');
    await user.click(screen.getByTestId('compare-with'));
    expect(screen.getByTestId('diff-a')).toHaveValue(view.encoded[0]);
    expect(screen.getByTestId('diff-b')).toHaveValue('');
    expect(screen.getByTestId('diff-b')).toHaveFocus();
    expect(screen.getByTestId('diff-mode')).toHaveAttribute('aria-pressed', 'true');
    await user.paste('token-b');
    expect(await screen.findAllByTestId('diff-row')).toHaveLength(4);
  });

  test('Compare says which side does not decode', async () => {
    backend({
      diff_tokens: () => {
        throw { kind: 'decode', message: 'B: header: not valid base64url', provider: null, body: null };
      },
    });
    const user = await openInspector();
    await user.click(screen.getByTestId('diff-mode'));
    await pasteIn(user, 'a', 'diff-a');
    await pasteIn(user, 'b', 'diff-b');
    expect(await screen.findByTestId('diff-error')).toHaveTextContent('B: header: not valid base64url');
  });
});
