// The pure helpers: IPC error normalisation, wording, and the profile form's model.
import { describe, expect, test, vi } from 'vitest';
import { copyWhenReady } from '../lib/clipboard';
import { copyName, draftFromProfile, emptyDraft, profileFromDraft, suggestedName, validateDraft } from '../lib/draft';
import { ago, authoritySummary, codeSpans, formatTime, redirectUriText, relativePhrase, utcText, valueText, vaultText } from '../lib/format';
import { diffSummary, diffValue, toPanel, tokenTitle, warningsOf } from '../lib/inspection';
import * as ipc from '../lib/ipc';
import { toIpcError } from '../lib/ipc';
import { COMMANDS } from '../lib/bindings';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { idToken, inspected, profile, tokenDiff } from './fixtures';

describe('toIpcError', () => {
  test('keeps an IpcError and fills what is missing', () => {
    expect(toIpcError({ kind: 'network', message: 'offline' })).toEqual({
      kind: 'network',
      message: 'offline',
      provider: null,
      body: null,
    });
  });

  test('a kind the engine does not have becomes unknown', () => {
    expect(toIpcError({ kind: 'netwrok', message: 'offline' }).kind).toBe('unknown');
    expect(toIpcError({ kind: 'public_key', message: 'bad key' }).kind).toBe('public_key');
  });

  test('turns strings and exceptions into an IpcError', () => {
    expect(toIpcError('Command sign_in not allowed by ACL')).toMatchObject({
      kind: 'unknown',
      message: 'Command sign_in not allowed by ACL',
    });
    expect(toIpcError(new TypeError('boom'))).toMatchObject({ kind: 'unknown', message: 'boom' });
    expect(toIpcError(undefined).message).toBe('Something went wrong');
  });
});

describe('wording', () => {
  test('NumericDate claims read naturally', () => {
    expect(relativePhrase('exp', 'in 4 min')).toBe('expires in 4 min');
    expect(relativePhrase('exp', '2 h ago')).toBe('expired 2 h ago');
    expect(relativePhrase('nbf', 'in 1 min')).toBe('valid in 1 min');
    expect(relativePhrase('iat', 'now')).toBe('issued just now');
    expect(relativePhrase('auth_time', '3 d ago')).toBe('signed in 3 d ago');
    expect(relativePhrase('custom_time', 'in 2 h')).toBe('in 2 h');
  });

  test('a stored time is always said in the past tense', () => {
    const now = Date.parse('2026-03-02T10:00:00Z');
    const at = (seconds: number) => new Date(now + seconds * 1000).toISOString();
    expect(ago(at(-180), now)).toBe('3 min ago');
    expect(ago(at(-2), now)).toBe('just now');
    // Stored 8 s after the window last read the clock (right after a sign-in): not "in 8 s".
    expect(ago(at(8), now)).toBe('just now');
    expect(ago(at(299), now)).toBe('just now');
    // Further ahead than any clock skew: the clocks disagree, the moment is still past.
    expect(ago(at(7200), now)).toBe("just now (this computer's clock is 2 h behind)");
    expect(ago('not a time', now)).toBe('');
  });

  test('a B2C profile is offered the name "tenant · policy"', () => {
    expect(suggestedName({ tenant: 'contoso.onmicrosoft.com', policy: 'B2C_1_susi' })).toBe('contoso · B2C_1_susi');
    expect(suggestedName({ tenant: 'fabrikam', policy: 'B2C_1A_signin' })).toBe('fabrikam · B2C_1A_signin');
    expect(suggestedName(null)).toBeNull();
    expect(suggestedName({ tenant: 'contoso', policy: ' ' })).toBeNull();
  });

  test('values render as text or JSON', () => {
    expect(valueText('<b>hi</b>')).toBe('<b>hi</b>');
    expect(valueText(42)).toBe('42');
    expect(valueText(true)).toBe('true');
    expect(valueText(null)).toBe('null');
    expect(valueText(['a', 'b'])).toBe('["a","b"]');
    expect(valueText({ long: 'x'.repeat(80) })).toContain('\n  "long"');
  });

  test('authorities summarise as host and policy', () => {
    expect(
      authoritySummary('https://contoso.b2clogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration?p=B2C_1_susi'),
    ).toBe('contoso.b2clogin.com · B2C_1_susi');
    expect(authoritySummary('contoso/B2C_1A_signup_signin')).toBe('contoso · B2C_1A_signup_signin');
    expect(authoritySummary('https://login.example.org/realms/test/')).toBe('login.example.org/realms/test');
  });

  test('redirect URIs and vault locations', () => {
    expect(redirectUriText({ host: 'ipv6', port: 0, path: '/' })).toBe('http://[::1]:<any free port>');
    expect(redirectUriText({ host: 'ipv4', port: 8400, path: '/cb' })).toBe('http://127.0.0.1:8400/cb');
    expect(vaultText({ kind: 'keyring' })).toBe('OS keyring');
    expect(vaultText({ kind: 'session_only', reason: 'the keyring is locked' })).toBe(
      'this session only: the keyring is locked',
    );
  });
});

describe('profile draft', () => {
  test('round-trips a profile', () => {
    const p = profile({ params: { ...profile().params, extra: [['a', '1']], max_age: 60, prompt: 'login' } });
    expect(profileFromDraft(draftFromProfile(p))).toEqual(p);
  });

  test('keeps the client certificate files set on the command line', () => {
    const p = profile({
      client_auth: 'tls_client_auth',
      client_certificate: { cert_file: '/etc/app/client.pem', key_file: '/etc/app/client.key', ca_file: null },
    });
    expect(profileFromDraft({ ...draftFromProfile(p), scopes: 'openid email' })).toEqual({
      ...p,
      scopes: ['openid', 'email'],
    });
  });

  test('empty optional fields are not sent', () => {
    const d = { ...emptyDraft(), name: ' x ', authority: 'contoso/B2C_1_susi', clientId: 'id', loginHint: '  ' };
    const p = profileFromDraft(d);
    expect(p.name).toBe('x');
    expect(p.params.login_hint).toBeNull();
    expect(p.browser_command).toBeNull();
    expect(p.redirect).toEqual({ host: 'localhost', port: 0, path: '/' });
  });

  test('refuses what the engine would refuse', () => {
    const d = { ...emptyDraft(), name: 'n', authority: 'a', clientId: 'c', port: 70000 };
    expect(validateDraft(d, [])).toEqual({ port: 'A port from 0 to 65535 (0 = any free port).' });
    const reserved = { ...d, port: 0, extra: [{ id: 1, key: 'redirect_uri', value: 'https://jwt.ms' }] };
    expect(validateDraft(reserved, []).extra).toContain('redirect_uri');
  });

  test('copies get a free name', () => {
    expect(copyName('A', ['A'])).toBe('A (copy)');
    expect(copyName('A', ['A', 'A (copy)'])).toBe('A (copy 2)');
  });
});

describe('inspection helpers', () => {
  test('a token found by the inspector becomes a token panel, parts from its encoded text', () => {
    const t = idToken();
    const panel = toPanel(inspected('id_token', t), t.raw);
    expect(panel.parts).toEqual(t.parts);
    expect(panel.claim_rows).toEqual(t.claim_rows);
    // Redacted or decrypted: no encoded text, no parts to colour.
    expect(toPanel(inspected('decrypted', t), '').parts).toEqual([]);
  });

  test('labels read as words, claim names stay', () => {
    expect(tokenTitle('id_token')).toBe('ID token');
    expect(tokenTitle('idp_access_token')).toBe('idp_access_token');
  });

  test('the JWE note is not repeated among the warnings', () => {
    const note = 'encrypted: the payload needs the recipient’s key';
    const t = inspected('token', idToken(), {
      warnings: [note, 'exp: expired (2 h ago)'],
      jwe: { alg: 'RSA-OAEP', enc: 'A256GCM', kid: null, cty: null, zip: null, decrypted: false, note },
    });
    expect(warningsOf(t)).toEqual(['exp: expired (2 h ago)']);
  });

  test('a diff is summed up in one line', () => {
    expect(diffSummary(tokenDiff())).toBe('2 changed, 1 added, 1 removed; 3 the same');
    expect(diffSummary({ ...tokenDiff(), claims: [] })).toBe('The claims and header are the same');
    expect(diffValue(null, false)).toBe('—');
    expect(diffValue(['a'], true)).toBe('["a"]');
  });
});

describe('copyWhenReady', () => {
  test('starts the clipboard write at once, with the text still to come (WebKit needs the click)', async () => {
    const written: ClipboardItem[] = [];
    class FakeItem {
      constructor(public items: Record<string, Promise<Blob>>) {}
    }
    vi.stubGlobal('ClipboardItem', FakeItem);
    const write = vi.fn(async (items: ClipboardItem[]) => {
      written.push(...items);
    });
    vi.stubGlobal('navigator', { clipboard: { write, writeText: vi.fn() } });
    try {
      let resolve!: (t: string) => void;
      const text = new Promise<string>((r) => (resolve = r));
      const copied = copyWhenReady(text);
      expect(write).toHaveBeenCalledTimes(1); // before the text exists
      resolve('{"redacted":true}');
      expect(await copied).toBe(true);
      const blob = await (written[0] as unknown as FakeItem).items['text/plain']!;
      const read = await new Promise<string>((done) => {
        const reader = new FileReader();
        reader.onload = () => done(String(reader.result));
        reader.readAsText(blob);
      });
      expect(read).toBe('{"redacted":true}');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  test('says false when the text never comes', async () => {
    vi.stubGlobal('navigator', { clipboard: { writeText: vi.fn() } });
    try {
      expect(await copyWhenReady(Promise.reject(new Error('no')))).toBe(false);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('the answers index.html asked for as the page started', () => {
  test('are used once, then the commands are called again', async () => {
    const { backend } = await import('./backend');
    const { appInfo: fixtureInfo } = await import('./fixtures');
    const ipc = await import('../lib/ipc');
    const shell = backend({});
    const early = { ...fixtureInfo(), version: 'from the early call' };
    const w = window as { __tokenscopeEarly?: Record<string, Promise<unknown>> };
    w.__tokenscopeEarly = {
      app_info: Promise.resolve(early),
      list_profiles: Promise.reject({ kind: 'profile', message: 'profiles.json is not JSON' }),
    };
    expect(await ipc.appInfo()).toEqual(early);
    await expect(ipc.listProfiles()).rejects.toEqual({
      kind: 'profile',
      message: 'profiles.json is not JSON',
      provider: null,
      body: null,
    });
    expect(shell.calls).toEqual([]);
    expect((await ipc.appInfo()).version).not.toBe('from the early call');
    expect(await ipc.listProfiles()).toEqual([]);
    expect(shell.calls.map((c) => c.cmd)).toEqual(['app_info', 'list_profiles']);
    delete w.__tokenscopeEarly;
  });
});

describe('the one door to the shell', () => {
  test('ipc.ts calls every command the shell registers, and no other', async () => {
    const called = new Set<string>();
    mockIPC((cmd) => {
      if (!cmd.startsWith('plugin:')) called.add(cmd);
      return null;
    });
    const skip = new Set(['toIpcError', 'isIpcError', 'onProgress', 'COMMANDS', 'PROGRESS_EVENT']);
    for (const [name, fn] of Object.entries(ipc)) {
      if (skip.has(name) || typeof fn !== 'function') continue;
      await (fn as (...a: unknown[]) => Promise<unknown>)('x', 'y', 'z');
    }
    clearMocks();
    expect([...called].sort()).toEqual([...COMMANDS].sort());
  });
});

describe('dates', () => {
  test('one format, local or UTC: "2026-03-02 10:19:00 <zone>"', () => {
    const shape = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}( \S+)?$/;
    expect(formatTime('2026-03-02T10:19:00Z')).toMatch(shape);
    expect(utcText('2026-03-02T10:19:00Z')).toBe('2026-03-02 10:19:00 UTC');
    expect(formatTime('not a time')).toBe('not a time');
  });

  test('components format dates only through format.ts', async () => {
    const files = import.meta.glob('../lib/components/*.svelte', { query: '?raw', import: 'default', eager: true });
    const offenders = Object.entries(files)
      .filter(([, src]) => /toLocale(Date|Time)String|Intl\.DateTimeFormat|toUTCString/.test(src as string))
      .map(([f]) => f);
    expect(offenders).toEqual([]);
  });
});

describe('codeSpans', () => {
  test('splits an engine message at its backtick pairs', () => {
    expect(codeSpans('use `a b` or `c`.')).toEqual([
      { code: false, text: 'use ' },
      { code: true, text: 'a b' },
      { code: false, text: ' or ' },
      { code: true, text: 'c' },
      { code: false, text: '.' },
    ]);
    expect(codeSpans('a lone ` stays')).toEqual([{ code: false, text: 'a lone ` stays' }]);
    expect(codeSpans('')).toEqual([]);
  });
});

