// The profile form's editable model: plain strings for the inputs, converted to and from the
// engine's `Profile`, with the checks the form makes before asking the shell to save.
import type { ClientAuthMethod, ClientCertificate, Profile, RedirectHost, RequestForm, ResponseMode } from './bindings';

export interface ExtraRow {
  /** Stable key for the keyed list of rows. */
  id: number;
  key: string;
  value: string;
}

export interface Draft {
  name: string;
  authority: string;
  clientId: string;
  /** Space-separated. */
  scopes: string;
  host: RedirectHost;
  /** Bound to a number input: null while empty. */
  port: number | null;
  path: string;
  /** '' = not sent. */
  prompt: string;
  loginHint: string;
  domainHint: string;
  uiLocales: string;
  maxAge: number | null;
  acrValues: string;
  responseMode: ResponseMode;
  extra: ExtraRow[];
  browserCommand: string;
  /** JSON text of the `claims` parameter; '' = not sent. */
  claims: string;
  clientAuth: ClientAuthMethod;
  /** PAR and request object (advanced; kept as the profile has it). */
  requestForm: RequestForm;
  /** DPoP (RFC 9449): proofs with the profile's key, tokens bound to it. */
  dpop: boolean;
  /** Mutual TLS: the certificate and key files (set on the command line); kept as they are. */
  clientCertificate: ClientCertificate | null;
}

export const PROMPTS = ['none', 'login', 'consent', 'select_account', 'create'] as const;

let nextRowId = 1;
export function extraRow(key = '', value = ''): ExtraRow {
  return { id: nextRowId++, key, value };
}

export function emptyDraft(): Draft {
  return {
    name: '',
    authority: '',
    clientId: '',
    scopes: '',
    host: 'localhost',
    port: 0,
    path: '/',
    prompt: '',
    loginHint: '',
    domainHint: '',
    uiLocales: '',
    maxAge: null,
    acrValues: '',
    responseMode: 'query',
    extra: [],
    browserCommand: '',
    claims: '',
    clientAuth: 'auto',
    requestForm: { par: 'auto', jar: 'off' },
    dpop: false,
    clientCertificate: null,
  };
}

export function draftFromProfile(p: Profile, name: string = p.name): Draft {
  return {
    name,
    authority: p.authority,
    clientId: p.client_id,
    scopes: p.scopes.join(' '),
    host: p.redirect.host,
    port: p.redirect.port,
    path: p.redirect.path,
    prompt: p.params.prompt ?? '',
    loginHint: p.params.login_hint ?? '',
    domainHint: p.params.domain_hint ?? '',
    uiLocales: p.params.ui_locales ?? '',
    maxAge: p.params.max_age,
    acrValues: p.params.acr_values ?? '',
    responseMode: p.params.response_mode,
    extra: p.params.extra.map(([k, v]) => extraRow(k, v)),
    browserCommand: p.browser_command ?? '',
    claims: p.params.claims ?? '',
    clientAuth: p.client_auth,
    requestForm: { ...(p.request_form ?? { par: 'auto', jar: 'off' }) },
    dpop: p.dpop,
    clientCertificate: p.client_certificate,
  };
}

const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

export function splitScopes(text: string): string[] {
  return text.split(/\s+/).filter((s) => s !== '');
}

export function profileFromDraft(d: Draft): Profile {
  return {
    name: d.name.trim(),
    authority: d.authority.trim(),
    client_id: d.clientId.trim(),
    scopes: splitScopes(d.scopes),
    redirect: { host: d.host, port: d.port ?? 0, path: d.path.trim() || '/' },
    params: {
      prompt: orNull(d.prompt),
      login_hint: orNull(d.loginHint),
      domain_hint: orNull(d.domainHint),
      ui_locales: orNull(d.uiLocales),
      max_age: d.maxAge,
      acr_values: orNull(d.acrValues),
      response_mode: d.responseMode,
      extra: d.extra
        .filter((r) => r.key.trim() !== '' || r.value.trim() !== '')
        .map((r) => [r.key.trim(), r.value] as [string, string]),
      claims: orNull(d.claims),
    },
    browser_command: orNull(d.browserCommand),
    client_auth: d.clientAuth,
    request_form: { ...d.requestForm },
    dpop: d.dpop,
    client_certificate: d.clientCertificate,
  };
}

/** Parameters the engine sets itself; an extra row must not override them. */
const RESERVED = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
]);

export type DraftErrors = Partial<
  Record<'name' | 'authority' | 'clientId' | 'port' | 'path' | 'maxAge' | 'extra' | 'claims', string>
>;

/** What is wrong with a `claims` parameter text (the engine checks it fully), or null. */
export function claimsProblem(text: string): string | null {
  if (text.trim() === '') return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'claims is not valid JSON.';
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'claims is a JSON object, such as {"id_token": {"acr": null}}.';
  }
  const bad = Object.keys(value).find((k) => k !== 'id_token' && k !== 'userinfo');
  if (bad !== undefined) return `claims may hold only "id_token" and "userinfo", not "${bad}".`;
  return null;
}

/** A name for a profile of a B2C policy, "tenant · policy" (`contoso · B2C_1_susi`), offered
 *  while the name is empty; null when the authority names no B2C policy. */
export function suggestedName(b2c: { tenant: string; policy: string } | null): string | null {
  if (!b2c || b2c.tenant.trim() === '' || b2c.policy.trim() === '') return null;
  return `${b2c.tenant.trim().replace(/\.onmicrosoft\.com$/i, '')} · ${b2c.policy.trim()}`;
}

/** Problems the form can see without asking the shell; empty when none. */
export function validateDraft(d: Draft, otherNames: string[]): DraftErrors {
  const errors: DraftErrors = {};
  const name = d.name.trim();
  if (name === '') errors.name = 'Give the profile a name.';
  else if (name.length > 80) errors.name = 'Keep the name to 80 characters.';
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u001f\u007f]/.test(name)) errors.name = 'The name cannot hold control characters.';
  else if (otherNames.includes(name)) errors.name = `A profile named “${name}” exists.`;
  if (d.authority.trim() === '') errors.authority = 'Paste an authority, or fill tenant and policy.';
  if (d.clientId.trim() === '') errors.clientId = 'The client (application) ID is needed.';
  if (d.port === null || !Number.isInteger(d.port) || d.port < 0 || d.port > 65535) {
    errors.port = 'A port from 0 to 65535 (0 = any free port).';
  }
  if (!d.path.trim().startsWith('/')) errors.path = 'The path starts with “/”.';
  if (d.maxAge !== null && (!Number.isInteger(d.maxAge) || d.maxAge < 0)) {
    errors.maxAge = 'max_age is a whole number of seconds.';
  }
  const keys = d.extra.filter((r) => r.key.trim() !== '' || r.value.trim() !== '');
  const noKey = keys.find((r) => r.key.trim() === '');
  const reserved = keys.find((r) => RESERVED.has(r.key.trim().toLowerCase()));
  const claims = claimsProblem(d.claims);
  if (claims) errors.claims = claims;
  if (noKey) errors.extra = 'Each extra parameter needs a name.';
  else if (reserved) errors.extra = `“${reserved.key.trim()}” is set by Tokenscope itself.`;
  return errors;
}

/** A free "<name> (copy)" name. */
export function copyName(name: string, taken: string[]): string {
  let candidate = `${name} (copy)`;
  for (let i = 2; taken.includes(candidate); i++) candidate = `${name} (copy ${i})`;
  return candidate;
}
