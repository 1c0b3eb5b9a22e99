// Realistic IPC data for the tests, typed with the generated bindings: a B2C sign-up/sign-in
// user flow on contoso.b2clogin.com, its ID and access tokens, and what the shell returns.
import type {
  AppInfo,
  AuthorityPreview,
  Check,
  ClaimDescription,
  ClaimRow,
  InputForm,
  InspectionView,
  IpcError,
  JsonValue,
  Profile,
  ProfileEntry,
  Progress,
  SignInView,
  TokenDiff,
  TokenInspection,
  TokenPanel,
  Verification,
} from '../lib/bindings';

export const TENANT_ID = '8c2b9e3a-5f2d-4c5e-9f4a-1b2c3d4e5f60';
export const CLIENT_ID = '2f1e0c3a-7b4d-4e8f-9a6b-0c1d2e3f4a5b';
export const ISSUER = `https://contoso.b2clogin.com/${TENANT_ID}/v2.0/`;
export const METADATA_URL =
  'https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/v2.0/.well-known/openid-configuration';
export const PORTAL_URL =
  'https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?p=B2C_1_susi' +
  `&client_id=${CLIENT_ID}&nonce=defaultNonce&redirect_uri=https%3A%2F%2Fjwt.ms&scope=openid%20offline_access` +
  '&response_type=id_token&prompt=login';

export function profile(overrides: Partial<Profile> = {}): Profile {
  return {
    name: 'Contoso SUSI',
    authority: METADATA_URL,
    client_id: CLIENT_ID,
    scopes: ['offline_access'],
    redirect: { host: 'localhost', port: 0, path: '/' },
    params: {
      prompt: null,
      login_hint: null,
      domain_hint: null,
      ui_locales: null,
      max_age: null,
      acr_values: null,
      response_mode: 'query',
      extra: [],
      claims: null,
    },
    browser_command: null,
    client_auth: 'auto',
    request_form: { par: 'auto', jar: 'off' },
    dpop: false,
    client_certificate: null,
    ...overrides,
  };
}

export function entry(p: Profile = profile(), stored = false): ProfileEntry {
  return {
    profile: p,
    refresh: stored ? { stored_at: '2026-03-02T09:15:00Z', location: { kind: 'keyring' } } : null,
    client_secret: false,
    client_key: null,
    kind: 'b2c',
    policy_note: null,
    app_token: null,
  };
}

export const appInfo = (last: string | null = null): AppInfo => ({
  version: '0.1.0',
  vault: { kind: 'keyring' },
  config_dir: '/home/tester/.config/tokenscope',
  last_profile: last,
});

export const portalPreview: AuthorityPreview = {
  metadata_url: METADATA_URL,
  form: 'b2c_path',
  kind: 'b2c',
  b2c: { host: 'contoso.b2clogin.com', tenant: 'contoso.onmicrosoft.com', policy: 'B2C_1_susi' },
  external_id: null,
  policy_note: null,
  client_id: CLIENT_ID,
  scopes: ['openid', 'offline_access'],
  portal_redirect_uri: 'https://jwt.ms',
  prompt: 'login',
  portal: {
    taken: [
      { name: 'p', value: 'B2C_1_susi', why: 'the policy: it is in the metadata URL saved as the authority' },
      { name: 'client_id', value: CLIENT_ID, why: "the profile's Client ID" },
      { name: 'scope', value: 'openid offline_access', why: "the profile's scopes (openid is always sent)" },
      { name: 'prompt', value: 'login', why: "the profile's prompt" },
    ],
    discarded: [
      { name: 'nonce', value: 'defaultNonce', why: 'Tokenscope sends a fresh random nonce with each sign-in' },
      { name: 'redirect_uri', value: 'https://jwt.ms', why: 'a desktop app receives the code on http://localhost' },
      { name: 'response_type', value: 'id_token', why: 'Tokenscope uses the authorization code flow with PKCE' },
    ],
  },
};

export const metadataPreview: AuthorityPreview = {
  ...portalPreview,
  client_id: null,
  scopes: [],
  portal_redirect_uri: null,
  prompt: null,
  portal: null,
};

function b64url(value: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  let bin = '';
  bytes.forEach((b) => (bin += String.fromCharCode(b)));
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function entryOf(name: string, description: string, extra: Partial<ClaimDescription> = {}): ClaimDescription {
  return {
    name,
    description,
    source: 'oidc_core',
    reference: 'https://openid.net/specs/openid-connect-core-1_0.html#IDToken',
    value_type: 'string',
    personal: false,
    custom_attribute: false,
    ...extra,
  };
}

const CATALOGUE: Record<string, ClaimDescription> = {
  iss: entryOf('iss', 'Who issued the token (the provider)', { value_type: 'uri', source: 'rfc7519' }),
  sub: entryOf('sub', 'The user, as this provider identifies them', { personal: true }),
  aud: entryOf('aud', 'Who the token is for (the client ID)', { value_type: 'string_or_array' }),
  exp: entryOf('exp', 'When the token expires', { value_type: 'numeric_date', source: 'rfc7519' }),
  nbf: entryOf('nbf', 'Not valid before this time', { value_type: 'numeric_date', source: 'rfc7519' }),
  iat: entryOf('iat', 'When the token was issued', { value_type: 'numeric_date', source: 'rfc7519' }),
  auth_time: entryOf('auth_time', 'When the user signed in', { value_type: 'numeric_date' }),
  nonce: entryOf('nonce', 'Ties the token to this sign-in request'),
  tfp: entryOf('tfp', 'The B2C policy (user flow) that issued the token', { source: 'b2c' }),
  emails: entryOf('emails', 'Email addresses of the user (B2C)', { source: 'b2c', value_type: 'array', personal: true }),
  name: entryOf('name', 'Display name', { personal: true }),
  ver: entryOf('ver', 'Token version', { source: 'entra' }),
  at_hash: entryOf('at_hash', 'Hash of the access token issued with it'),
  extension_Role: entryOf('extension_Role', 'A B2C custom attribute', { source: 'b2c', custom_attribute: true }),
  alg: entryOf('alg', 'Signing algorithm', { source: 'jose' }),
  kid: entryOf('kid', 'Which key signed it', { source: 'jose' }),
  typ: entryOf('typ', 'Token type', { source: 'jose' }),
};

const DATES: Record<string, { time: string; relative: string; flag: string | null }> = {
  exp: { time: '2026-03-02T10:19:00Z', relative: 'in 4 min', flag: null },
  nbf: { time: '2026-03-02T09:15:00Z', relative: '1 h ago', flag: null },
  iat: { time: '2026-03-02T09:15:00Z', relative: '1 h ago', flag: null },
  auth_time: { time: '2026-03-02T09:14:40Z', relative: '1 h ago', flag: null },
};

/** Claim rows as the engine's explain module shapes them. */
export function rowsOf(obj: Record<string, JsonValue>): ClaimRow[] {
  return Object.entries(obj).map(([name, value]) => {
    const catalogue = CATALOGUE[name] ?? null;
    const date = DATES[name];
    return {
      name,
      value,
      description: catalogue?.description ?? 'not in the catalogue',
      catalogue,
      time: date?.time ?? null,
      local_time: date ? date.time.replace('Z', '+00:00') : null,
      relative: date?.relative ?? null,
      flag: date?.flag ?? null,
    };
  });
}

export function jwt(header: Record<string, JsonValue>, payload: Record<string, JsonValue>): TokenPanel {
  const parts = [b64url(header), b64url(payload), 'c2lnbmF0dXJlLWJ5dGVzLW5vdC1yZWFsbHktcnNh'];
  return {
    raw: parts.join('.'),
    kind: 'jws',
    parts,
    header,
    payload,
    header_rows: rowsOf(header),
    claim_rows: rowsOf(payload),
    signature_len: 256,
  };
}

export const ID_HEADER = { alg: 'RS256', kid: 'X5eXk4xyojNFum1kl2Ytv8dlNP4-c57dO6QGTVBwaNk', typ: 'JWT' };

export const ID_PAYLOAD: Record<string, JsonValue> = {
  exp: 1772446740,
  nbf: 1772442900,
  ver: '1.0',
  iss: ISSUER,
  sub: '5c1f3c2e-8d0a-4b8e-a1f7-3e9d2c4b6a10',
  aud: CLIENT_ID,
  nonce: 'Qm9vdHN0cmFwTm9uY2U',
  iat: 1772442900,
  auth_time: 1772442880,
  emails: ['tester@example.com'],
  name: 'Test User',
  tfp: 'B2C_1_susi',
  extension_Role: 'admin',
  zz_team: 'blue',
};

export const idToken = (): TokenPanel => jwt(ID_HEADER, ID_PAYLOAD);

export const opaqueAccessToken = (): TokenPanel => ({
  raw: 'EwBwA8l6BAAUkj1ZqWB7tjvZ8pAAAA',
  kind: 'opaque',
  parts: ['EwBwA8l6BAAUkj1ZqWB7tjvZ8pAAAA'],
  header: {},
  payload: {},
  header_rows: [],
  claim_rows: [],
  signature_len: 0,
});

export const CHECKS_OK: Check[] = [
  { name: 'format', ok: true, detail: 'a signed JWT (JWS) with 3 parts' },
  { name: 'alg', ok: true, detail: 'RS256, announced by the provider' },
  { name: 'kid', ok: true, detail: "kid X5eXk4xy… found in the provider's JWKS" },
  { name: 'signature', ok: true, detail: 'valid RS256 signature' },
  { name: 'iss', ok: true, detail: `${ISSUER}, the metadata's issuer` },
  { name: 'aud', ok: true, detail: `the client ID ${CLIENT_ID}` },
  { name: 'azp', ok: true, detail: 'not present (optional with a single audience)' },
  { name: 'exp', ok: true, detail: 'expires in 4 min' },
  { name: 'nbf', ok: true, detail: 'valid since 1 h ago' },
  { name: 'iat', ok: true, detail: 'issued 1 h ago' },
  { name: 'nonce', ok: true, detail: 'matches the nonce sent with this sign-in' },
  { name: 'at_hash', ok: true, detail: 'not present (optional in the code flow)' },
];

export function signInView(overrides: Partial<SignInView> = {}): SignInView {
  return {
    flow: 'sign_in',
    profile: 'Contoso SUSI',
    issuer: ISSUER,
    redirect_uri: 'http://localhost:53124/',
    passed: true,
    id_token: idToken(),
    access_token: opaqueAccessToken(),
    checks: CHECKS_OK,
    warnings: [],
    refresh: { received: true, stored: true, location: { kind: 'keyring' }, note: 'stored in the OS keyring' },
    token_type: 'Bearer',
    expires_in: 3600,
    scope: 'openid offline_access',
    token_response: [],
    exchanges: [],
    request_form: null,
    sender: null,
    ...overrides,
  };
}

export const SIGN_IN_EVENTS: Progress[] = [
  { step: 'metadata_fetched', metadata_url: METADATA_URL, issuer: ISSUER },
  {
    step: 'browser_opened',
    authorize_url: `https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_susi/oauth2/v2.0/authorize?client_id=${CLIENT_ID}`,
  },
  { step: 'waiting_for_redirect', redirect_uri: 'http://localhost:53124/' },
  { step: 'code_received' },
  { step: 'tokens_exchanged' },
  { step: 'validated', passed: true },
];

export const cancelledByUser: IpcError = {
  kind: 'provider',
  message:
    'the provider refused the sign-in: access_denied (AADB2C90091): The user has cancelled entering self-asserted information. [Correlation ID 0f9a2c1e-4b7d-4e0a-9c3b-2d1e0f9a8b7c, Timestamp 2026-03-02 09:15:01Z]',
  provider: {
    origin: 'authorization',
    error: 'access_denied',
    description:
      'AADB2C90091: The user has cancelled entering self-asserted information.\r\nCorrelation ID: 0f9a2c1e-4b7d-4e0a-9c3b-2d1e0f9a8b7c\r\nTimestamp: 2026-03-02 09:15:01Z\r\n',
    uri: null,
    code: 'AADB2C90091',
    message: 'The user has cancelled entering self-asserted information.',
    correlation_id: '0f9a2c1e-4b7d-4e0a-9c3b-2d1e0f9a8b7c',
    timestamp: '2026-03-02 09:15:01Z',
    advice: {
      code: 'AADB2C90091',
      meaning: 'The user cancelled in the B2C pages.',
      advice: 'Nothing is wrong with the set-up; sign in again and complete the pages.',
      area: 'user',
      action: null,
      details: [],
      sent: [],
      note: null,
    },
  },
  body: null,
};

// ---- The inspector: what the `inspect` and `diff_tokens` commands return ----

/** A token as the inspector finds it, from a token panel (`label` says where it was found). */
export function inspected(label: string, panel: TokenPanel = idToken(), extra: Partial<TokenInspection> = {}): TokenInspection {
  return {
    label,
    kind: panel.kind,
    part_lengths: panel.parts.map((p) => p.length),
    header: panel.header as Record<string, JsonValue>,
    payload: panel.payload as Record<string, JsonValue>,
    header_rows: panel.header_rows,
    claim_rows: panel.claim_rows,
    signature_len: panel.signature_len,
    warnings: [],
    jwe: null,
    inner: null,
    nested: [],
    verification: null,
    discovery_host: null,
    error: null,
    role: null,
    ...extra,
  };
}

/** An inspection: the tokens with their encoded text. */
export function inspection(
  form: InputForm,
  tokens: [TokenInspection, string][],
  extra: Partial<InspectionView> = {},
): InspectionView {
  return {
    form,
    tokens: tokens.map(([t]) => t),
    encoded: tokens.map(([, e]) => e),
    authorization_code: null,
    provider_error: null,
    parameters: [],
    ...extra,
  };
}

/** A pasted ID token (a bare token). */
export function inspectedIdToken(form: InputForm = 'token', label = 'token'): InspectionView {
  const t = idToken();
  return inspection(form, [[inspected(label, t), t.raw]]);
}

export const CODE_EXPLANATION =
  'an authorization code is not a token: it carries no claims and means nothing on its own. The app that asked for it ' +
  'redeems it once, within minutes, at the token endpoint with its PKCE code_verifier.';

export function verification(passed = true): Verification {
  return {
    signature_valid: passed,
    passed,
    summary: passed ? 'valid RS256 signature (key X5eXk4xy…)' : 'the signature does not verify with key X5eXk4xy…',
    keys_from: 'https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_susi/discovery/v2.0/keys',
    metadata_url: `https://contoso.b2clogin.com/${TENANT_ID}/B2C_1_susi/v2.0/.well-known/openid-configuration`,
    key: { kid: ID_HEADER.kid, kty: 'RSA', alg: 'RS256', thumbprint: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', source: 'jwks' },
    checks: [
      { name: 'keys', ok: true, detail: 'the issuer’s metadata names its keys' },
      { name: 'alg', ok: true, detail: 'RS256' },
      { name: 'kid', ok: true, detail: `kid ${ID_HEADER.kid} found` },
      { name: 'signature', ok: passed, detail: passed ? 'valid RS256 signature' : 'the signature does not verify' },
      { name: 'issuer', ok: true, detail: `${ISSUER}, the issuer the metadata names` },
      { name: 'exp', ok: true, detail: 'expires in 4 min' },
    ],
    skew_seconds: 300,
  };
}

export function tokenDiff(): TokenDiff {
  return {
    a: 'token',
    b: 'id_token',
    header: [],
    claims: [
      {
        name: 'exp',
        change: 'changed',
        old: 1772446740,
        new: 1772450340,
        description: 'When the token expires',
        note: 'later by 60 min',
        old_time: '2026-03-02T10:19:00Z',
        new_time: '2026-03-02T11:19:00Z',
      },
      {
        name: 'tfp',
        change: 'changed',
        old: 'B2C_1_susi',
        new: 'B2C_1_edit',
        description: 'The B2C policy (user flow) that issued the token',
        note: null,
        old_time: null,
        new_time: null,
      },
      { name: 'nonce', change: 'removed', old: 'Qm9vdHN0cmFwTm9uY2U', new: null, description: 'Ties the token to this sign-in request', note: null, old_time: null, new_time: null },
      { name: 'newUser', change: 'added', old: null, new: true, description: 'The user signed up with this sign-in', note: null, old_time: null, new_time: null },
    ],
    unchanged: ['iss', 'sub', 'aud'],
    notes: [],
  };
}
