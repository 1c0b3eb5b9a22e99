// Words and strings the UI shows, computed from IPC data: pure functions, cheap enough to run
// per row of a 500-claim table, and tested on their own.
import type {
  AuthorityForm,
  AuthorityPreview,
  Check,
  ClaimRow,
  Flow,
  JsonValue,
  RedirectConfig,
  RedirectHost,
  RefreshAge,
  SignInView,
  VaultLocation,
} from './bindings';

/** A claim value as text: strings as they are, everything else as JSON. */
export function valueText(value: JsonValue): string {
  if (typeof value === 'string') return value;
  const compact = JSON.stringify(value);
  if (compact === undefined) return String(value);
  if (compact.length <= 72 || value === null || typeof value !== 'object') return compact;
  return JSON.stringify(value, null, 2);
}

/** Pretty JSON for the decoded header and payload. */
export function prettyJson(value: JsonValue): string {
  return JSON.stringify(value, null, 2) ?? 'null';
}

// One date format everywhere (local or UTC): "2026-03-02 11:19:00 CET", as the engine writes
// times in its messages ("1970-01-01 00:00:00 UTC"). Only the zone's name comes from Intl.
const zoneFormat = new Intl.DateTimeFormat(undefined, { timeZoneName: 'short' });
const pad = (n: number) => String(n).padStart(2, '0');

/** An RFC 3339 time as a local date and time people read: "2026-03-02 11:19:00 CET". */
export function formatTime(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  const zone = zoneFormat.formatToParts(d).find((p) => p.type === 'timeZoneName')?.value;
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return zone ? `${date} ${time} ${zone}` : `${date} ${time}`;
}

/** An RFC 3339 time in UTC, to the second: "2026-03-02 10:19:00 UTC". */
export function utcText(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "in 4 min" / "2 h ago" / "now" (from the engine) turned into words for the claim. */
export function relativePhrase(claim: string, relative: string): string {
  const future = relative.startsWith('in ');
  const now = relative === 'now';
  switch (claim) {
    case 'exp':
      if (now) return 'expires now';
      return future ? `expires ${relative}` : `expired ${relative}`;
    case 'nbf':
      if (now) return 'valid from now';
      return future ? `valid ${relative}` : `valid since ${relative}`;
    case 'iat':
      return now ? 'issued just now' : `issued ${relative}`;
    case 'auth_time':
      return now ? 'signed in just now' : `signed in ${relative}`;
    default:
      return relative;
  }
}

/** How the catalogue knows a claim: listed, a B2C custom attribute, or not at all. */
export function claimKind(row: ClaimRow): 'known' | 'custom' | 'unknown' {
  if (!row.catalogue) return 'unknown';
  return row.catalogue.custom_attribute ? 'custom' : 'known';
}

/** Where refresh tokens are kept, in words. */
export function vaultText(location: VaultLocation): string {
  return location.kind === 'keyring' ? 'OS keyring' : `this session only: ${location.reason}`;
}

/** The one-line verdict of a validation report. */
export function checksSummary(checks: Check[], flow: Flow = 'sign_in'): string {
  if (checks.length === 0) return 'No checks ran';
  const failed = checks.filter((c) => !c.ok).length;
  if (failed === 0) return checks.length === 1 ? 'The check passed' : `All ${checks.length} checks passed`;
  const what =
    flow === 'refresh'
      ? 'the refresh does not count'
      : flow === 'sign_in'
        ? 'the sign-in does not count'
        : 'the token does not count';
  return `${failed} ${failed === 1 ? 'check' : 'checks'} failed: ${what}`;
}

export const FORM_LABELS: Record<AuthorityForm, string> = {
  issuer: 'OpenID issuer',
  metadata_url: 'OpenID metadata URL',
  b2c_path: 'B2C metadata URL (path form)',
  b2c_query: 'B2C metadata URL (?p= form)',
  b2c_custom_domain: 'B2C custom domain',
  b2c_msal: 'MSAL authority (tfp)',
  b2c_tenant_policy: 'B2C tenant and policy',
  external_id_subdomain: 'Entra External ID (ciamlogin.com subdomain)',
  external_id_domain: 'Entra External ID (tenant domain)',
  external_id_tenant_id: 'Entra External ID (tenant ID)',
  external_id_custom_domain: 'Entra External ID (custom URL domain)',
};

/** What a preview recognised, in words. */
export function previewLabel(preview: AuthorityPreview): string {
  const form = FORM_LABELS[preview.form];
  return preview.client_id !== null || preview.portal_redirect_uri !== null
    ? `Portal ${preview.kind === 'external_id' ? 'authorize' : '“Run user flow”'} URL (${form})`
    : form;
}

const HOSTS: Record<RedirectHost, string> = {
  localhost: 'localhost',
  ipv4: '127.0.0.1',
  ipv6: '[::1]',
};

/** The redirect URI a profile's settings produce, exactly as the engine sends it (the root path
 * is left off, which is what a B2C `http://localhost` registration matches); a port of 0 means
 * any free one. */
export function redirectUriText(r: RedirectConfig): string {
  const port = r.port === 0 ? ':<any free port>' : `:${r.port}`;
  const path = !r.path || r.path === '/' ? '' : r.path;
  return `http://${HOSTS[r.host]}${port}${path}`;
}

export function hostLabel(host: RedirectHost): string {
  return HOSTS[host];
}

const POLICY = /\bB2C_1A?_[A-Za-z0-9_.-]+/i;

/** A short line about an authority for the sidebar (host · policy), without any IPC. */
export function authoritySummary(authority: string): string {
  const text = authority.trim();
  const policy = POLICY.exec(text)?.[0];
  if (!text.includes('://')) {
    const [tenant, rest] = text.split('/', 2);
    return rest ? `${tenant} · ${rest}` : text;
  }
  try {
    const url = new URL(text);
    return policy ? `${url.host} · ${policy}` : `${url.host}${url.pathname.replace(/\/$/, '')}`;
  } catch {
    return text;
  }
}

/** Clock skew between this computer and the one that stamped a time, forgiven by `ago`. */
export const AGO_SKEW_SECONDS = 300;

/** How far a time is from `now` (ms), in the engine's words: "in 4 min", "2 h ago", "now".
 *  The one relative-time helper of the window: every relative time goes through it, read from
 *  the one clock (`clock.svelte.ts`) so it stays true. `past`: the time is known to be in the
 *  past (stored, issued, signed in): one a little ahead of this machine's clock (the provider's
 *  clock) reads "now", never "in …". Empty for a time that does not parse. */
export function relativeTime(rfc3339: string, now: number, past = false): string {
  const t = new Date(rfc3339).getTime();
  if (Number.isNaN(t)) return '';
  let delta = Math.round((t - now) / 1000);
  if (past && delta > 0) delta = 0;
  const abs = Math.abs(delta);
  if (abs === 0) return 'now';
  const span =
    abs < 60
      ? `${abs} s`
      : abs < 3600
        ? `${Math.floor(abs / 60)} min`
        : abs < 172_800
          ? `${Math.floor(abs / 3600)} h`
          : abs < 63_072_000
            ? `${Math.floor(abs / 86_400)} days`
            : `${Math.floor(abs / 31_536_000)} years`;
  return delta > 0 ? `in ${span}` : `${span} ago`;
}

/** A check's words with their relative time kept true on the one clock: the engine wrote
 *  "issued … (now)" at the moment of the check; nine minutes on this reads "(9 min ago)". A time
 *  that was past (or now) when checked stays past; one that was ahead counts down and then
 *  turns past. */
export function checkDetail(check: Check, now: number): string {
  const r = check.relative;
  if (!r) return check.detail;
  const live = relativeTime(r.at, now, !r.phrase.startsWith('in '));
  if (!live) return check.detail;
  return check.detail.replace(`(${r.phrase})`, `(${live})`);
}

/** The refresh token's age in the engine's words, kept true on the one clock: "0 s old of 14
 *  days…" right after a sign-in reads "9 min old of 14 days…" nine minutes on. */
export function refreshAgeSummary(age: RefreshAge, now: number): string {
  const live = relativeTime(age.age.at, now, true).replace(/ ago$/, '').replace(/^now$/, '0 s');
  if (!live) return age.summary;
  return age.summary.replace(`${age.age.phrase} old`, `${live} old`);
}

/** "3 min ago" for a stored time (a refresh token, a result): a moment in the past, always said
 *  in the past tense. A time up to `AGO_SKEW_SECONDS` after `now` (a `now` read before the time
 *  was stored, or a clock a little behind) is "just now"; a time further ahead says the clocks
 *  disagree rather than "in 8 s". */
export function ago(rfc3339: string, now: number = Date.now()): string {
  const t = new Date(rfc3339).getTime();
  if (Number.isNaN(t)) return '';
  const s = Math.round((now - t) / 1000);
  if (s < 5 && s > -AGO_SKEW_SECONDS) return 'just now';
  if (s >= 0) return relativeTime(rfc3339, now, true);
  const behind = relativeTime(new Date(now).toISOString(), t).replace(/ ago$/, '');
  return `just now (this computer's clock is ${behind} behind)`;
}

/** A live countdown to a time: "59:12 left", "1 h 02 min left", or "expired 2 min ago". */
export function countdown(rfc3339: string, now: number): string {
  const t = new Date(rfc3339).getTime();
  if (Number.isNaN(t)) return '';
  const left = Math.floor((t - now) / 1000);
  if (left <= 0) return `expired ${relativeTime(rfc3339, now, true).replace(/^now$/, 'just now')}`;
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const sec = left % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min left`;
  return `${m}:${String(sec).padStart(2, '0')} left`;
}

/** The B2C policy that issued a result's tokens (`tfp`, or `acr` for custom policies), or null. */
export function issuingPolicy(result: Pick<SignInView, 'id_token' | 'access_token'>): string | null {
  for (const t of [result.id_token, result.access_token]) {
    const p = t?.payload as Record<string, unknown> | undefined;
    const v = p?.tfp ?? p?.acr;
    if (typeof v === 'string' && v !== '') return v;
  }
  return null;
}

/** The current time, RFC 3339. */
export function nowIso(): string {
  return new Date().toISOString();
}

/** An engine message split at its `backtick` pairs: code parts and text parts (an unpaired
 *  backtick stays as it is). */
export function codeSpans(text: string): { code: boolean; text: string }[] {
  const parts: { code: boolean; text: string }[] = [];
  const re = /`([^`\n]+)`/g;
  let last = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) parts.push({ code: false, text: text.slice(last, m.index) });
    parts.push({ code: true, text: m[1] ?? '' });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ code: false, text: text.slice(last) });
  return parts;
}
