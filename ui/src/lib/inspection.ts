// Words and shapes the inspector shows, computed from an `InspectionView`: pure functions,
// tested on their own. Values from tokens stay data here; components render them as text.
import type {
  ClaimChange,
  InputForm,
  IpcError,
  JsonValue,
  ProviderError,
  TokenDiff,
  TokenInspection,
  TokenPanel,
} from './bindings';

/** What the pasted text was recognised as. */
export const INPUT_FORMS: Record<InputForm, string> = {
  token: 'A token',
  bearer: 'An Authorization: Bearer header',
  redirect_url: 'A redirect URL',
  token_response: 'A JSON token response',
  text: 'Text with tokens in it',
};

const TITLES: Record<string, string> = {
  token: 'Token',
  id_token: 'ID token',
  access_token: 'Access token',
  refresh_token: 'Refresh token',
  decrypted: 'Decrypted token',
};

/** "ID token" for `id_token`; a claim name (a nested token) stays as it is. */
export function tokenTitle(label: string): string {
  return TITLES[label] ?? label;
}

/** True for a label that names no role: `token`, `token 2` (a bare paste, tokens in text). */
export function unnamedLabel(label: string): boolean {
  return /^token( \d+)?$/.test(label);
}

/** A token's title: its label's ("ID token" for `id_token`), or for a token found without a
 *  name, the role its claims show (core's `role` guess): "ID token", "Access token 2", else
 *  "Token". Never "Token token". */
export function titleOf(t: Pick<TokenInspection, 'label' | 'role'>): string {
  if (!unnamedLabel(t.label)) return tokenTitle(t.label);
  const n = t.label.slice('token'.length);
  return (t.role ? TITLES[t.role.role] : 'Token') + n;
}

/** One token in the shape the token view shows (`encoded` may be empty: redacted, decrypted). */
export function toPanel(t: TokenInspection, encoded: string): TokenPanel {
  return {
    raw: encoded,
    kind: t.kind ?? 'opaque',
    parts: encoded === '' ? [] : encoded.split('.'),
    header: t.header,
    payload: t.payload,
    header_rows: t.header_rows,
    claim_rows: t.claim_rows,
    signature_len: t.signature_len,
  };
}

/** The encoded text of a token inside a claim: the claim's value. */
export function claimText(parent: TokenInspection, claim: string): string {
  const v = parent.payload[claim];
  return typeof v === 'string' ? v : '';
}

/** The engine's warnings, without the JWE note the JWE panel already shows. */
export function warningsOf(t: TokenInspection): string[] {
  return t.warnings.filter((w) => w !== t.jwe?.note);
}

/** A provider error from a pasted URL or response, in the shape the error view shows. */
export function providerIpcError(p: ProviderError): IpcError {
  return { kind: 'provider', message: p.message ?? p.description ?? p.error, provider: p, body: null };
}

/** "2 changed, 1 added, 0 removed; 9 the same" */
export function diffSummary(d: TokenDiff): string {
  if (d.claims.length === 0 && d.header.length === 0) return 'The claims and header are the same';
  const n = (k: ClaimChange['change']) => d.claims.filter((c) => c.change === k).length;
  const head = d.header.length > 0 ? `; ${d.header.length} header ${d.header.length === 1 ? 'parameter differs' : 'parameters differ'}` : '';
  return `${n('changed')} changed, ${n('added')} added, ${n('removed')} removed; ${d.unchanged.length} the same${head}`;
}

/** A diff value as text ("—" when the claim is absent on that side). */
export function diffValue(v: JsonValue | null, present: boolean): string {
  if (!present) return '—';
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? 'null');
}
