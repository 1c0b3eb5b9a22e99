// Generated from the Rust types by src-tauri/src/bindings.rs (ts-rs). Do not edit:
// run `UPDATE_BINDINGS=1 cargo test -p tokenscope-desktop bindings` instead.

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]?: JsonValue } | null;

export type Profile = { 
/**
 * Unique name.
 */
name: string, 
/**
 * Authority in any accepted form.
 */
authority: string, 
/**
 * Application (client) ID.
 */
client_id: string, 
/**
 * Scopes besides `openid` (added always).
 */
scopes: Array<string>, 
/**
 * Redirect URI settings.
 */
redirect: RedirectConfig, 
/**
 * Optional authorization parameters.
 */
params: AuthParams, 
/**
 * Command that opens the browser (empty = the system browser).
 */
browser_command: string | null, 
/**
 * How a confidential client authenticates (used only when a client secret is stored in the
 * keyring under [`crate::oidc::request::client_secret_account`]; never in this file).
 */
client_auth: ClientAuthMethod, 
/**
 * How the browser sign-in's authorization request travels: pushed (PAR) and/or as a
 * signed (and encrypted) request object (JAR). Profiles from before it read as the
 * default: PAR when the provider requires it, no request object.
 */
request_form: RequestForm, 
/**
 * DPoP (RFC 9449): proofs with the profile's key (kept in the keyring under
 * [`crate::oidc::dpop::key_account`], made on first use) on the token request, refresh,
 * API and userinfo calls, and the `cnf.jkt` of the tokens checked against it.
 */
dpop: boolean, 
/**
 * Mutual TLS (RFC 8705): the certificate and key files presented to the provider (paths
 * only; the key stays in its file). `None`: no client certificate.
 */
client_certificate: ClientCertificate | null, };

export type ClientCertificate = { 
/**
 * The certificate file: PEM, the client certificate first, then any intermediates.
 */
cert_file: string, 
/**
 * The private key file: PEM (PKCS#8, PKCS#1 RSA or SEC1 EC), not encrypted.
 */
key_file: string, 
/**
 * A CA certificate file (PEM) trusted besides the system's roots for the requests made
 * with the certificate: a company's or a test provider's own CA.
 */
ca_file: string | null, };

export type CertificateView = { 
/**
 * The files as the profile names them.
 */
files: ClientCertificate, 
/**
 * `x5t#S256` of the certificate (none when it could not be read).
 */
thumbprint: string | null, 
/**
 * End of its validity period (RFC 3339).
 */
not_after: string | null, 
/**
 * Self-signed (`self_signed_tls_client_auth`) rather than issued by a CA.
 */
self_signed: boolean | null, 
/**
 * Why the files cannot be used now (unreadable, key of another certificate, expired...).
 */
problem: string | null, 
/**
 * Usable, but worth knowing (a key file other users can read).
 */
warnings: Array<string>, };

export type RedirectConfig = { 
/**
 * Host form.
 */
host: RedirectHost, 
/**
 * Port; 0 picks a free one.
 */
port: number, 
/**
 * Path, starting with `/`.
 */
path: string, };

export type RedirectHost = "localhost" | "ipv4" | "ipv6";

export type ResponseMode = "query" | "form_post";

export type AuthParams = { 
/**
 * `prompt` (login, none, consent, select_account, create).
 */
prompt: string | null, 
/**
 * `login_hint`.
 */
login_hint: string | null, 
/**
 * `domain_hint` (B2C: skip to an upstream provider).
 */
domain_hint: string | null, 
/**
 * `ui_locales`.
 */
ui_locales: string | null, 
/**
 * `max_age` in seconds.
 */
max_age: number | null, 
/**
 * `acr_values`.
 */
acr_values: string | null, 
/**
 * Response mode; `query` by default.
 */
response_mode: ResponseMode, 
/**
 * Free extra parameters, sent as given.
 */
extra: Array<[string, string]>, 
/**
 * `claims` (OpenID Connect Core §5.5): a JSON object, checked before sending.
 */
claims: string | null, };

export type RequestForm = { 
/**
 * When to push.
 */
par: ParMode, 
/**
 * Whether to send a request object.
 */
jar: JarMode, };

export type ParMode = "auto" | "always" | "never";

export type JarMode = "off" | "signed" | "signed+encrypted";

export type RequestFormUsed = { 
/**
 * Pushed: the PAR endpoint.
 */
pushed_to: string | null, 
/**
 * The `request_uri` the browser got.
 */
request_uri: string | null, 
/**
 * How long the `request_uri` was valid, seconds, as the provider said.
 */
request_uri_expires_in: number | null, 
/**
 * The request object's signature alg (none: no request object).
 */
signed_alg: string | null, 
/**
 * What signed it, in words.
 */
signed_with: string | null, 
/**
 * `alg/enc` and the provider key's `kid`, when encrypted.
 */
encrypted: string | null, };

export type SenderConstraint = { 
/**
 * DPoP (RFC 9449): the RFC 7638 thumbprint of the profile's key (`cnf.jkt`).
 */
dpop_jkt: string | null, 
/**
 * Mutual TLS (RFC 8705): the client certificate's SHA-256 thumbprint (`cnf.x5t#S256`).
 */
mtls_thumbprint: string | null, };

export type Progress = { "step": "metadata_fetched", 
/**
 * Where it came from.
 */
metadata_url: string, 
/**
 * The issuer tokens must carry.
 */
issuer: string, } | { "step": "browser_opened", 
/**
 * The URL (no secrets: the PKCE verifier never leaves the engine).
 */
authorize_url: string, } | { "step": "waiting_for_redirect", 
/**
 * The exact `redirect_uri` sent.
 */
redirect_uri: string, } | { "step": "code_received" } | { "step": "tokens_exchanged" } | { "step": "validated", 
/**
 * All checks passed.
 */
passed: boolean, };

export type Flow = "sign_in" | "refresh" | "client_credentials" | "token_exchange" | "jwt_bearer";

export type RefreshTokenStatus = { 
/**
 * The provider sent one.
 */
received: boolean, 
/**
 * It was put in the vault.
 */
stored: boolean, 
/**
 * Where the vault keeps it.
 */
location: VaultLocation, 
/**
 * In words.
 */
note: string, };

export type StoredRefresh = { 
/**
 * When it was stored (the last rotation).
 */
stored_at: string, 
/**
 * Where it is kept.
 */
location: VaultLocation, };

export type VaultLocation = { "kind": "keyring" } | { "kind": "session_only", 
/**
 * Why the keyring is not used, and how to get it.
 */
reason: string, };

export type Check = { 
/**
 * Which check it is (serialized as its name: `signature`, `iss`, `aud`, ...).
 */
name: CheckId, 
/**
 * Passed?
 */
ok: boolean, 
/**
 * What was found, in words.
 */
detail: string, 
/**
 * When `detail` says how far a time was from the moment of the check ("in 59 min", "now"):
 * that time and those words, so a view that stays open can keep the phrase true.
 */
relative?: RelativeTime, };

export type RelativeTime = { 
/**
 * The time (RFC 3339, UTC).
 */
at: string, 
/**
 * The words in `detail` that say how far it was from the check, as [`relative`] wrote them.
 */
phrase: string, };

export type Warning = { 
/**
 * What it is about (`scope`, `auth_time`, ...).
 */
name: CheckId, 
/**
 * What was found and why it is odd, in words.
 */
detail: string, };

export type CheckId = "format" | "id_token" | "keys" | "alg" | "kid" | "signature" | "iss" | "issuer" | "sub" | "aud" | "azp" | "exp" | "nbf" | "iat" | "nonce" | "at_hash" | "auth_time" | "scope" | "crit" | "same_subject" | "same_aud" | "same_auth_time" | "new_iat" | "response" | "access_token" | "dpop_token_type" | "dpop_binding" | "cnf_x5t";

export type ClaimRow = { 
/**
 * Claim name.
 */
name: string, 
/**
 * Value as in the token.
 */
value: JsonValue, 
/**
 * One-line meaning, or "not in the catalogue".
 */
description: string, 
/**
 * The full catalogue entry, when there is one.
 */
catalogue: ClaimDescription | null, 
/**
 * For NumericDate claims: the time, RFC 3339 UTC.
 */
time: string | null, 
/**
 * For NumericDate claims: the same time on this machine's clock, RFC 3339 with its offset.
 */
local_time: string | null, 
/**
 * For NumericDate claims: "in 4 min" / "2 h ago".
 */
relative: string | null, 
/**
 * Something worth a second look (expired, not yet valid, issued in the future).
 */
flag: string | null, };

export type ClaimDescription = { 
/**
 * The claim name as looked up.
 */
name: string, 
/**
 * One plain-language line for testers and support staff.
 */
description: string, 
/**
 * Where the claim is defined.
 */
source: Source, 
/**
 * The defining document.
 */
reference: string, 
/**
 * The expected JSON shape of the value.
 */
value_type: ValueType, 
/**
 * Whether the value is personal data that a redacted copy must mask.
 */
personal: boolean, 
/**
 * True for a B2C custom attribute recognised by its `extension_` name pattern.
 */
custom_attribute: boolean, };

export type Source = "rfc7519" | "oidc_core" | "entra" | "b2c" | "oauth" | "itsme" | "jose" | "other";

export type ValueType = "string" | "uri" | "numeric_date" | "number" | "boolean" | "string_or_array" | "array" | "object" | "jwt" | "json";

export type TokenKind = "jws" | "unsigned" | "jwe" | "opaque";

export type ProviderError = { 
/**
 * Where the error came from.
 */
origin: ErrorOrigin, 
/**
 * The OAuth `error` code (`access_denied`, `invalid_grant`, ...).
 */
error: string, 
/**
 * `error_description`, as sent.
 */
description: string | null, 
/**
 * `error_uri`, as sent.
 */
uri: string | null, 
/**
 * B2C / Entra error code found in the description (`AADB2C90118`, `AADSTS50011`).
 */
code: string | null, 
/**
 * The description's message without the code and the trace lines.
 */
message: string | null, 
/**
 * B2C `Correlation ID:` line.
 */
correlation_id: string | null, 
/**
 * B2C `Timestamp:` line.
 */
timestamp: string | null, 
/**
 * What the code means and what to do, from Tokenscope's catalogue (`b2c::errors`).
 */
advice: ErrorAdvice | null, };

export type ErrorOrigin = "authorization" | "token_endpoint" | "logout" | "pushed_authorization";

export type ErrorAdvice = { 
/**
 * `AADB2C90118`, `AADSTS50011`, ...
 */
code: string, 
/**
 * What it means, in one or two sentences.
 */
meaning: string, 
/**
 * What to do.
 */
advice: string, 
/**
 * What it points at.
 */
area: ErrorArea, 
/**
 * What Tokenscope can do about it, if anything.
 */
action: ErrorAction | null, 
/**
 * Rules that go with the advice (for redirect URI errors: how desktop apps register them).
 */
details: Array<string>, 
/**
 * The values of the request this error concerns, as they were sent (`client_id`,
 * `redirect_uri`, `scope`, `prompt`, ...); empty when the request is not known.
 */
sent: Array<SentValue>, 
/**
 * What the request sent says about this error ("This request sent prompt=none, which
 * needs an existing session ..."), when the request is known and it says something.
 */
note: string | null, };

export type SentValue = { 
/**
 * The parameter's name (`client_id`, `redirect_uri`, ...).
 */
name: string, 
/**
 * Its value, decoded from the URL.
 */
value: string, };

export type BrowserErrorHelp = { 
/**
 * The likely codes, most likely first ([`likely_browser_errors`]).
 */
likely: Array<ErrorAdvice>, 
/**
 * What was read off the page, explained; `None` when nothing was given or the catalogue
 * does not know it.
 */
explained: ErrorAdvice | null, };

export type ErrorArea = "user" | "registration" | "request" | "grant" | "policy" | "upstream" | "account" | "service";

export type ErrorAction = "password_reset" | "check_redirect_uri" | "sign_in_again";

export type AuthorityForm = "issuer" | "metadata_url" | "b2c_path" | "b2c_query" | "b2c_custom_domain" | "b2c_msal" | "b2c_tenant_policy" | "external_id_subdomain" | "external_id_domain" | "external_id_tenant_id" | "external_id_custom_domain";

export type AuthorityKind = "b2c" | "external_id" | "oidc";

export type B2cPolicy = { 
/**
 * Host (`contoso.b2clogin.com` or a custom domain).
 */
host: string, 
/**
 * Tenant as written in the URL (`contoso.onmicrosoft.com` or a GUID).
 */
tenant: string, 
/**
 * Policy (user flow or custom policy) name as written.
 */
policy: string, };

export type ExternalIdTenant = { 
/**
 * Host (`contoso.ciamlogin.com` or a custom URL domain).
 */
host: string, 
/**
 * Tenant as written or derived (`contoso.onmicrosoft.com` or the tenant ID).
 */
tenant: string, };

export type TokenPanel = { 
/**
 * The token as received (ID and access tokens only, never a refresh token).
 */
raw: string, 
/**
 * JWS, JWE, unsigned or opaque.
 */
kind: TokenKind, 
/**
 * The encoded parts, for colouring by part.
 */
parts: Array<string>, 
/**
 * Decoded header.
 */
header: JsonValue, 
/**
 * Decoded payload (empty for JWE and opaque tokens).
 */
payload: JsonValue, 
/**
 * Header parameters explained.
 */
header_rows: Array<ClaimRow>, 
/**
 * Claims explained.
 */
claim_rows: Array<ClaimRow>, 
/**
 * Signature length in bytes.
 */
signature_len: number, };

export type SignInView = { 
/**
 * Sign-in or refresh.
 */
flow: Flow, 
/**
 * Profile name.
 */
profile: string, 
/**
 * The metadata's issuer.
 */
issuer: string, 
/**
 * The exact redirect URI sent (sign-in only).
 */
redirect_uri: string | null, 
/**
 * Every check passed.
 */
passed: boolean, 
/**
 * The ID token.
 */
id_token: TokenPanel | null, 
/**
 * The access token (a JWT for an API, or opaque).
 */
access_token: TokenPanel | null, 
/**
 * The validation report.
 */
checks: Array<Check>, 
/**
 * Odd but not fatal (an empty `scope`, an `auth_time` of 1970): shown with the checks.
 */
warnings: Array<Warning>, 
/**
 * What happened to the refresh token (never the token itself).
 */
refresh: RefreshTokenStatus, 
/**
 * `token_type`.
 */
token_type: string | null, 
/**
 * `expires_in` seconds.
 */
expires_in: number | null, 
/**
 * Granted scopes.
 */
scope: string | null, 
/**
 * The token response's other fields, decoded (B2C's `not_before`, `id_token_expires_in`,
 * `profile_info`...); never a token.
 */
token_response: Array<ResponseField>, 
/**
 * What went over the wire (metadata, keys, the authorization URL, the token request),
 * masked: no code, verifier, token or client secret.
 */
exchanges: Array<Exchange>, 
/**
 * How the browser sign-in's authorization request travelled (pushed, request object).
 */
request_form: RequestFormUsed | null, 
/**
 * What the token request was bound to: the DPoP key, the client certificate.
 */
sender: SenderConstraint | null, };

export type ProfileEntry = { 
/**
 * The settings.
 */
profile: Profile, 
/**
 * The stored refresh token, described (never its value).
 */
refresh: StoredRefresh | null, 
/**
 * A client secret is stored in the keyring (its value never crosses IPC).
 */
client_secret: boolean, 
/**
 * The private key stored for `private_key_jwt`, described (never the key).
 */
client_key: ClientKeyInfo | null, 
/**
 * B2C, External ID or any OpenID provider, as the engine reads the authority: B2C
 * profiles get the policy picker.
 */
kind: AuthorityKind, 
/**
 * What to show instead of the policy picker (External ID: no policy in the URL).
 */
policy_note: string | null, 
/**
 * The client credentials grant, offered (with the scope to start from) only to a profile
 * with client authentication (the engine's rule); `None` for a public client.
 */
app_token: AppTokenOffer | null, };

export type AuthorityPreview = { 
/**
 * The metadata URL Tokenscope will fetch.
 */
metadata_url: string, 
/**
 * Which form was recognised.
 */
form: AuthorityForm, 
/**
 * B2C, External ID or any OpenID provider.
 */
kind: AuthorityKind, 
/**
 * B2C tenant and policy, when B2C.
 */
b2c: B2cPolicy | null, 
/**
 * External ID tenant and host, when External ID.
 */
external_id: ExternalIdTenant | null, 
/**
 * What to say instead of a policy (External ID: none in the URL, and why).
 */
policy_note: string | null, 
/**
 * From a portal "Run user flow" URL: the client ID.
 */
client_id: string | null, 
/**
 * From a portal "Run user flow" URL: the scopes.
 */
scopes: Array<string>, 
/**
 * From a portal URL: its redirect URI (a desktop app cannot use https://jwt.ms).
 */
portal_redirect_uri: string | null, 
/**
 * From a portal URL: its `prompt` (the profile takes it).
 */
prompt: string | null, 
/**
 * From a portal URL: the parameters taken into the profile and those left out, with why.
 */
portal: PortalParams | null, };

export type PortalParams = { 
/**
 * Taken into the profile (client ID, scopes, prompt, hints, the policy).
 */
taken: Array<PortalParam>, 
/**
 * Left out, each with why.
 */
discarded: Array<PortalParam>, };

export type PortalParam = { 
/**
 * The parameter's name.
 */
name: string, 
/**
 * Its value in the URL.
 */
value: string, 
/**
 * Where it goes in the profile, or why it is left out.
 */
why: string, };

export type AppInfo = { 
/**
 * App version.
 */
version: string, 
/**
 * Where refresh tokens are kept.
 */
vault: VaultLocation, 
/**
 * Where profiles are kept.
 */
config_dir: string, 
/**
 * The profile used last.
 */
last_profile: string | null, };

export type SignOutView = { 
/**
 * A refresh token was stored and is now deleted.
 */
deleted: boolean, 
/**
 * The provider's logout page that was opened in the browser.
 */
logout_url: string | null, 
/**
 * Why the logout page could not be opened, if it could not.
 */
logout_error: string | null, };

export type IpcError = { 
/**
 * What kind of failure it is (the engine's [`ErrorKind`]).
 */
kind: ErrorKind, 
/**
 * One sentence for people.
 */
message: string, 
/**
 * The provider's error (code, description, B2C Correlation ID and Timestamp).
 */
provider: ProviderError | null, 
/**
 * What the provider sent, when it did not parse.
 */
body: string | null, };

export type ErrorKind = "authority" | "config" | "network" | "http_status" | "invalid_response" | "metadata" | "provider" | "sign_in_required" | "listener" | "redirect_refused" | "timeout" | "cancelled" | "browser" | "vault" | "profile" | "decode" | "decryption_key" | "public_key" | "test_file" | "unknown";

export type InspectorOptions = { 
/**
 * Check signatures and times: with `public_key` when given, else with the keys the
 * issuer publishes (discovered from each token's `iss`; B2C's policy from `tfp`/`acr`).
 */
verify: boolean, 
/**
 * A pasted public key to verify with: JWK, JWKS, PEM public key or certificate.
 */
public_key: string | null, 
/**
 * A pasted private key (JWK or PEM) that decrypts JWEs, here and offline.
 */
decryption_key: string | null, 
/**
 * Mask personal claims (names, e-mails, phone, address, national numbers).
 */
redact: boolean, 
/**
 * The clock difference the time checks allow, in seconds (default 300).
 */
skew_seconds: number | null, };

export type ExportFormat = "json" | "markdown" | "claims";

export type InspectionView = { 
/**
 * The encoded text of each of `tokens`, in the same order (empty when redacted).
 */
encoded: Array<string>, 
/**
 * The shape of the input.
 */
form: InputForm, 
/**
 * Every token found, in the order `id_token`, `access_token`, `refresh_token` (a bare
 * token is labelled `token`).
 */
tokens: Array<TokenInspection>, 
/**
 * An authorization code found in a redirect URL (not a token; its value is not kept).
 */
authorization_code: AuthorizationCode | null, 
/**
 * The error the provider sent (redirect URL or token response), with B2C's details.
 */
provider_error: ProviderError | null, 
/**
 * Other parameters next to the tokens (`state`, `token_type`, `expires_in`, `scope`...).
 */
parameters: Array<Parameter>, };

export type Inspection = { 
/**
 * The shape of the input.
 */
form: InputForm, 
/**
 * Every token found, in the order `id_token`, `access_token`, `refresh_token` (a bare
 * token is labelled `token`).
 */
tokens: Array<TokenInspection>, 
/**
 * An authorization code found in a redirect URL (not a token; its value is not kept).
 */
authorization_code: AuthorizationCode | null, 
/**
 * The error the provider sent (redirect URL or token response), with B2C's details.
 */
provider_error: ProviderError | null, 
/**
 * Other parameters next to the tokens (`state`, `token_type`, `expires_in`, `scope`...).
 */
parameters: Array<Parameter>, };

export type InputForm = "token" | "bearer" | "redirect_url" | "token_response" | "text";

export type Parameter = { 
/**
 * Its name.
 */
name: string, 
/**
 * Its value as sent (JSON text for non-string JSON values).
 */
value: string, };

export type AuthorizationCode = { 
/**
 * Its length in characters (the value itself is not kept).
 */
length: number, 
/**
 * Why it is not a token and what to do with it.
 */
explanation: string, };

export type TokenInspection = { 
/**
 * Where it was found: `token`, `id_token`, `access_token`, `refresh_token`, `decrypted`
 * (inside a JWE) or the claim that holds it.
 */
label: string, 
/**
 * JWS, unsigned, JWE or opaque; `None` when it does not decode.
 */
kind: TokenKind | null, 
/**
 * Length of each encoded part, for colouring by part.
 */
part_lengths: Array<number>, 
/**
 * The (protected) header.
 */
header: { [key in string]: JsonValue }, 
/**
 * The claims (empty for opaque tokens and JWEs that stay encrypted).
 */
payload: { [key in string]: JsonValue }, 
/**
 * Header parameters explained.
 */
header_rows: Array<ClaimRow>, 
/**
 * Claims explained, in token order.
 */
claim_rows: Array<ClaimRow>, 
/**
 * Signature length in bytes (JWS).
 */
signature_len: number, 
/**
 * Things worth a second look, in words.
 */
warnings: Array<string>, 
/**
 * For JWEs: the protected header's algorithms and whether it was decrypted.
 */
jwe: JweInfo | null, 
/**
 * The token inside a decrypted JWE (signed-then-encrypted, `cty: JWT`).
 */
inner: TokenInspection | null, 
/**
 * Claims whose values are JWTs themselves (B2C `idp_access_token`), decoded in place;
 * each is labelled with its claim name.
 */
nested: Array<TokenInspection>, 
/**
 * The signature and time checks, when asked for ([`verify`]).
 */
verification: Verification | null, 
/**
 * The host verifying with the issuer's published keys would fetch from (the metadata of
 * the token's `iss`), so the user sees where before anything is fetched; set by
 * [`verify::note_discovery_hosts`] (every [`request::InspectRequest`]), else `None`.
 */
discovery_host: string | null, 
/**
 * Why it does not decode.
 */
error: DecodeError | null, 
/**
 * For a token whose label names no role (`token`, `token 2`): the role its claims show
 * (`scp`/`roles`: an access token; `nonce`/`at_hash`/`aud`: an ID token).
 */
role: RoleGuess | null, };

export type RoleGuess = { 
/**
 * What the token is for.
 */
role: TokenRole, 
/**
 * The claims that say so, in the order looked for.
 */
by: Array<string>, };

export type TokenRole = "id_token" | "access_token";

export type JweInfo = { 
/**
 * Key management algorithm (`RSA-OAEP`, ...).
 */
alg: string | null, 
/**
 * Content encryption (`A128CBC-HS256`, ...).
 */
enc: string | null, 
/**
 * The recipient key's ID.
 */
kid: string | null, 
/**
 * Content type: `JWT` for a signed-then-encrypted (nested) token.
 */
cty: string | null, 
/**
 * Compression (`DEF`).
 */
zip: string | null, 
/**
 * Whether the payload was decrypted.
 */
decrypted: boolean, 
/**
 * In words: encrypted and why it stays so, or which key decrypted it.
 */
note: string, };

export type Verification = { 
/**
 * The signature was checked and is valid.
 */
signature_valid: boolean, 
/**
 * Every check passed (signature, issuer when discovered, and the time checks).
 */
passed: boolean, 
/**
 * One sentence: the signature's outcome.
 */
summary: string, 
/**
 * Where the keys came from, in words.
 */
keys_from: string, 
/**
 * The metadata document used, when the keys were discovered.
 */
metadata_url: string | null, 
/**
 * The key the signature was checked with.
 */
key: KeyUsed | null, 
/**
 * The checks: `keys` (discovery), `alg`, `kid`, `signature`, `issuer`, `exp`, `nbf`, `iat`.
 */
checks: Array<Check>, 
/**
 * The clock difference allowed by the time checks, in seconds.
 */
skew_seconds: number, };

export type KeyUsed = { 
/**
 * `kid`, when the key has one.
 */
kid: string | null, 
/**
 * `kty` (`RSA`, `EC`, `OKP`, `oct`).
 */
kty: string, 
/**
 * The key's `alg`, when it names one.
 */
alg: string | null, 
/**
 * RFC 7638 SHA-256 thumbprint (base64url) of an asymmetric key.
 */
thumbprint: string | null, 
/**
 * Where it came from: the JWKS URL or what the user gave.
 */
source: string, };

export type DecodeError = { 
/**
 * The part at fault.
 */
part: Part, 
/**
 * What is wrong, with the position where known.
 */
message: string, };

export type Part = "input" | "header" | "payload" | "signature";

export type TokenDiff = { 
/**
 * Label of the first token (`id_token`, `token`, ...).
 */
a: string, 
/**
 * Label of the second token.
 */
b: string, 
/**
 * Header parameters that differ (a new `kid` after key rotation, ...).
 */
header: Array<ClaimChange>, 
/**
 * Claims that differ, in the first token's order, then the added ones.
 */
claims: Array<ClaimChange>, 
/**
 * Names of the claims equal in both.
 */
unchanged: Array<string>, 
/**
 * Notes (a token with no readable claims, different kinds).
 */
notes: Array<string>, };

export type MakeRequest = { 
/**
 * The signing algorithm; empty with `from` keeps the token's.
 */
alg: string, 
/**
 * The signing key as text (JWK, JWKS or PEM).
 */
key: string, 
/**
 * The claims, a JSON object as text (empty: `{}`, or the token's claims with `from`). A
 * fresh token (no `from`) without `iat` or `exp` gets `iat` now and `exp` in an hour.
 */
claims: string, 
/**
 * Header members to add or replace, a JSON object as text (may be empty).
 */
header: string, 
/**
 * `exp`, `nbf`, `iat` to set.
 */
times: Array<TimeChange>, 
/**
 * Claims to set: `name` and a value (JSON when it parses as JSON, else the text as a
 * string; an empty value removes the claim).
 */
set: Array<[string, string]>, 
/**
 * A token to start from (any form `decode` takes), for "mutate".
 */
from: string | null, 
/**
 * The private key that decrypts `from` when it is a JWE.
 */
from_decrypt_key: string | null, 
/**
 * Encrypt the signed token.
 */
encrypt: EncryptRequest | null, };

export type EncryptRequest = { 
/**
 * Key management (`RSA-OAEP-256`, `ECDH-ES`, `A256KW`, `dir`, `PBES2-HS256+A128KW`…).
 */
key_alg: string, 
/**
 * Content encryption (`A256GCM`, `A128CBC-HS256`…).
 */
enc: string, 
/**
 * The recipient's key: a public (or private) JWK, JWKS or PEM; an `oct` JWK; or a password
 * for PBES2.
 */
key: string, };

export type TimeChange = { 
/**
 * `exp`, `nbf` or `iat`.
 */
claim: string, 
/**
 * The value as written.
 */
value: string, };

export type Made = { 
/**
 * The compact token (JWS, or JWE with the JWS inside).
 */
token: string, 
/**
 * The JWS header.
 */
header: { [key in string]: JsonValue }, 
/**
 * The claims signed.
 */
claims: { [key in string]: JsonValue }, 
/**
 * The signing key, in words.
 */
signed_with: string, 
/**
 * The JWE header when it was encrypted.
 */
jwe_header: { [key in string]: JsonValue } | null, };

export type ClaimChange = { 
/**
 * The claim name.
 */
name: string, 
/**
 * Added, removed or changed.
 */
change: ChangeKind, 
/**
 * The value in the first token.
 */
old: JsonValue | null, 
/**
 * The value in the second token.
 */
new: JsonValue | null, 
/**
 * The catalogue's one-line meaning.
 */
description: string, 
/**
 * For NumericDate claims that changed: how far the time moved ("later by 60 min").
 */
note: string | null, 
/**
 * For a NumericDate claim: the first token's value as a time, RFC 3339 UTC.
 */
old_time: string | null, 
/**
 * For a NumericDate claim: the second token's value as a time, RFC 3339 UTC.
 */
new_time: string | null, };

export type ChangeKind = "added" | "removed" | "changed";

export type TenantView = { 
/**
 * `host/tenant`, lower case.
 */
key: string, 
/**
 * Host (b2clogin.com or a custom domain).
 */
host: string, 
/**
 * Tenant name or GUID as written.
 */
tenant: string, 
/**
 * The policy the profile uses.
 */
current_policy: string, 
/**
 * Every known policy, sign-in first, then profile edit, reset, custom, other; by name.
 */
policies: Array<PolicyEntry>, 
/**
 * The password-reset policy to offer on AADB2C90118: the chosen one, else the first
 * policy whose name says reset.
 */
reset_policy: string | null, };

export type PolicyEntry = { 
/**
 * Name as written.
 */
name: string, 
/**
 * What it is for (guessed from the name).
 */
kind: PolicyKind, 
/**
 * The profile uses it now.
 */
current: boolean, 
/**
 * Profiles on this tenant that use it.
 */
profiles: Array<string>, };

export type PolicyKind = "sign_in" | "profile_edit" | "password_reset" | "custom" | "other";

export type HistoryView = { 
/**
 * Sign-ins and refreshes (the latest the engine keeps), oldest first.
 */
entries: Array<HistoryEntry>, 
/**
 * Earlier sign-ins and refreshes of this session no longer kept.
 */
left_out: number, 
/**
 * The stored refresh token against B2C's default lifetimes (none stored: `None`).
 */
refresh_age: RefreshAge | null, 
/**
 * How desktop apps register redirect URIs, for the redirect check after a sign-in that
 * never came back (B2C shows AADB2C90006 in the browser and does not redirect).
 */
redirect_rules: Array<string>, };

export type HistoryEntry = { 
/**
 * When it ended.
 */
at: string, 
/**
 * Sign-in or refresh.
 */
flow: Flow, 
/**
 * Why it ran.
 */
purpose: Purpose, 
/**
 * The B2C policy it ran against.
 */
policy: string | null, 
/**
 * Tokens came back and every check passed.
 */
passed: boolean, 
/**
 * Checks passed.
 */
checks_passed: number, 
/**
 * Checks made.
 */
checks_total: number, 
/**
 * The checks that failed.
 */
failed_checks: Array<CheckId>, 
/**
 * The error it ended in: the B2C code when there is one, else the error's kind.
 */
error: string | null, 
/**
 * The error's message.
 */
error_message: string | null, 
/**
 * The ID token compared with the previous one of this session (`None` for the first).
 */
changes: TokenDiff | null, 
/**
 * What the tenant returned.
 */
facts: TenantFacts | null, };

export type Purpose = "sign_in" | "password_reset" | "refresh";

export type TenantFacts = { 
/**
 * The ID token's `iss`.
 */
issuer: string, 
/**
 * GUID, `tfp` or External ID form.
 */
issuer_form: IssuerForm, 
/**
 * The tenant GUID or name in the issuer.
 */
issuer_tenant: string | null, 
/**
 * Which claim names the policy: `tfp` or `acr` (older tenants and custom policies).
 */
policy_claim: string | null, 
/**
 * The policy the claim names.
 */
policy: string | null, 
/**
 * ID token lifetime as issued (`exp - iat`), seconds.
 */
id_token_lifetime: number | null, 
/**
 * Access token lifetime as issued (`exp - iat`), seconds, when it is a JWT.
 */
access_token_lifetime: number | null, 
/**
 * `expires_in` of the token response, seconds.
 */
expires_in: number | null, 
/**
 * `refresh_token_expires_in` of the token response (B2C sends it), seconds.
 */
refresh_token_expires_in: number | null, };

export type IssuerForm = "guid" | "tfp" | "external_id" | "other";

export type RefreshAge = { 
/**
 * When the stored refresh token was received (its last rotation).
 */
stored_at: string, 
/**
 * Its age, seconds.
 */
age_seconds: number, 
/**
 * B2C's default lifetime, days.
 */
lifetime_days: number, 
/**
 * When it expires with the default lifetime.
 */
expires_at: string, 
/**
 * The interactive sign-in that started the refresh chain, when known.
 */
window_started_at: string | null, 
/**
 * B2C's default sliding window, days.
 */
window_days: number, 
/**
 * When the sliding window closes (no refresh after it: sign in again).
 */
window_ends_at: string | null, 
/**
 * In words.
 */
summary: string, 
/**
 * The age as `summary` words it ("0 s" in "0 s old of 14 days…"), and the time it counts
 * from (`stored_at`), so a view that stays open can keep the age true.
 */
age: RelativeTime, };

export type ClientAuthMethod = "auto" | "client_secret_basic" | "client_secret_post" | "client_secret_jwt" | "private_key_jwt" | "tls_client_auth" | "self_signed_tls_client_auth";

export type SignInExtras = { 
/**
 * Clean session: `prompt=login`, whatever the profile says.
 */
clean: boolean, 
/**
 * `id_token_hint` for this sign-in.
 */
id_token_hint: string | null, 
/**
 * Open no browser: the person copies the authorize URL (shown in the steps, with the port
 * the listener really has) into a browser of their choice.
 */
no_browser: boolean, };

export type RequestPreview = { 
/**
 * The authorize URL. `state`, `nonce` and `code_challenge` are fresh at every sign-in, and
 * with port 0 the port is picked when the sign-in starts.
 */
authorize_url: string, 
/**
 * The `redirect_uri` in it.
 */
redirect_uri: string, 
/**
 * Whether the port in it is only a placeholder (port 0 in the profile).
 */
port_placeholder: boolean, 
/**
 * The scopes explained, with warnings.
 */
scopes: ScopeAdvice, 
/**
 * How the client authenticates at the token endpoint (`none` for a public client).
 */
client_auth: string, };

export type ScopeAdvice = { 
/**
 * Every scope sent, `openid` first.
 */
scopes: Array<ScopeInfo>, 
/**
 * Things that will go wrong or surprise.
 */
warnings: Array<string>, };

export type ScopeInfo = { 
/**
 * The scope as sent.
 */
scope: string, 
/**
 * What it is.
 */
kind: ScopeKind, 
/**
 * The resource an access token for it is for (API and client ID scopes).
 */
resource: string | null, };

export type ScopeKind = "openid" | "offline_access" | "oidc" | "client_id" | "api";

export type LogoutReport = { 
/**
 * The URL opened, with the `id_token_hint` value shortened (it is a token).
 */
logout_url: string, 
/**
 * The `post_logout_redirect_uri` sent.
 */
post_logout_redirect_uri: string, 
/**
 * The `state` sent.
 */
state_sent: string, 
/**
 * An `id_token_hint` was sent.
 */
id_token_hint_sent: boolean, 
/**
 * The provider came back to the post-logout redirect URI (`None`: it did not, in time).
 */
returned: LogoutReturn | null, 
/**
 * The verdict in words.
 */
summary: string, 
/**
 * The test passed: the provider came back with the `state` sent and no error.
 */
passed: boolean, };

export type LogoutReturn = { 
/**
 * The `state` it carried, if any.
 */
state: string | null, 
/**
 * It is the `state` that was sent.
 */
state_matches: boolean, 
/**
 * `error` and `error_description`, when the provider reported one.
 */
error: string | null, 
/**
 * GET or POST.
 */
method: string, };

export type TestFileView = { 
/**
 * The path as given.
 */
path: string, 
/**
 * Its cases, in file order.
 */
cases: Array<CaseSummary>, };

export type CaseSummary = { 
/**
 * Its name.
 */
name: string, 
/**
 * The driver.
 */
driver: string, 
/**
 * The b2c-pages action.
 */
action: string, 
/**
 * Another policy of the profile's tenant, when the case names one.
 */
policy: string | null, 
/**
 * The line of its `[[case]]`.
 */
line: number, };

export type CaseReport = { 
/**
 * The case's name.
 */
name: string, 
/**
 * The file it is in.
 */
file: string, 
/**
 * Every expectation held.
 */
ok: boolean, 
/**
 * How long it took, sign-in and refresh included.
 */
duration_ms: number, 
/**
 * The expectations that did not hold.
 */
failures: Array<Failure>, 
/**
 * The driver used.
 */
driver: string, 
/**
 * What the report must say besides (ROPC skips MFA and federation).
 */
warnings: Array<string>, 
/**
 * The raw tokens (`--show-tokens` only).
 */
tokens?: CaseTokens, 
/**
 * What went over the wire during the case (sign-in and refresh; the request that failed
 * included), masked (`--trace` only).
 */
exchanges?: Array<Exchange>, };

export type Failure = { 
/**
 * Which expectation (`claims.idp`, `checks.signature`, `error`, `refresh`, …).
 */
expectation: string, 
/**
 * What was expected.
 */
expected: string, 
/**
 * What came back.
 */
actual: string, };

export type CaseTokens = { 
/**
 * The ID token.
 */
id_token: string | null, 
/**
 * The access token.
 */
access_token: string | null, };

export type CaseDraft = { 
/**
 * Its name (unique in the file).
 */
name: string, 
/**
 * The saved profile it signs in with.
 */
profile: string, 
/**
 * Claim expectations, in this order.
 */
claims: Array<[string, ClaimPick]>, 
/**
 * A refresh must succeed afterwards and keep `sub`.
 */
refresh: boolean, };

export type ClaimPick = { "pick": "equals", "value": unknown } | { "pick": "present" } | { "pick": "absent" };

export type ResponseField = { 
/**
 * The field's name.
 */
name: string, 
/**
 * Its value as sent.
 */
value: JsonValue, 
/**
 * What it is.
 */
meaning: string, 
/**
 * The value decoded: a date with "ago"/"in", a duration, `profile_info`'s JSON, or why
 * it does not decode.
 */
decoded: string | null, 
/**
 * `profile_info`'s members, explained like claims.
 */
claims: Array<ClaimRow>, };

export type ApiRequest = { 
/**
 * HTTP method.
 */
method: string, 
/**
 * The API's URL.
 */
url: string, 
/**
 * Header lines `Name: value`; blank lines are skipped.
 */
headers: Array<string>, 
/**
 * The body (none or empty: no body).
 */
body: string | null, 
/**
 * The token to send.
 */
token: TokenChoice, };

export type TokenChoice = "access" | "id";

export type ApiCall = { 
/**
 * The request, the token masked.
 */
request: SentRequest, 
/**
 * The answer.
 */
response: ApiResponse, 
/**
 * Milliseconds from sending to the whole body received.
 */
elapsed_ms: number, 
/**
 * When it was sent.
 */
sent_at: string, 
/**
 * Which token was sent.
 */
token: TokenChoice, 
/**
 * Every `WWW-Authenticate` challenge.
 */
challenges: Array<Challenge>, 
/**
 * The Bearer challenge, read.
 */
bearer: BearerChallenge | null, 
/**
 * Why a 401 or 403 happened, as far as the challenge and the token show.
 */
diagnosis: Array<Finding>, 
/**
 * The request as a curl command, the token as `$TOKEN`.
 */
curl: string, 
/**
 * What went over the wire (the silent refresh that fetched the token included), masked.
 */
exchanges: Array<Exchange>, };

export type SentRequest = { 
/**
 * Method.
 */
method: string, 
/**
 * URL.
 */
url: string, 
/**
 * Headers, `Authorization: Bearer [redacted]` first.
 */
headers: Array<Header>, 
/**
 * Body text, when there was one (cut for display like a response's).
 */
body: string | null, };

export type ApiResponse = { 
/**
 * Status code.
 */
status: number, 
/**
 * Its reason phrase (`Unauthorized`).
 */
reason: string, 
/**
 * Headers (names in lower case), the token masked.
 */
headers: Array<Header>, 
/**
 * `Content-Type`.
 */
content_type: string | null, 
/**
 * The body as text: JSON pretty-printed, cut at [`DISPLAY_BODY`], the token masked.
 */
body: string, 
/**
 * The body parsed, when it is JSON and not cut.
 */
json: JsonValue | null, 
/**
 * The body's length in bytes.
 */
body_bytes: number, 
/**
 * The shown body is cut.
 */
body_truncated: boolean, 
/**
 * The body is not text.
 */
binary: boolean, };

export type Header = { 
/**
 * Name, as typed (requests) or in lower case (responses).
 */
name: string, 
/**
 * Value.
 */
value: string, };

export type Challenge = { 
/**
 * The scheme as sent (`Bearer`, `Basic`, `Negotiate`...).
 */
scheme: string, 
/**
 * A token68 instead of parameters (`Negotiate abc==`).
 */
token68: string | null, 
/**
 * `name=value` parameters, in order.
 */
params: Array<ChallengeParam>, };

export type ChallengeParam = { 
/**
 * Lower-case name.
 */
name: string, 
/**
 * The value, unquoted.
 */
value: string, };

export type BearerChallenge = { 
/**
 * `realm`.
 */
realm: string | null, 
/**
 * `error`: `invalid_request`, `invalid_token`, `insufficient_scope` (or another word).
 */
error: string | null, 
/**
 * `error_description`, as sent.
 */
error_description: string | null, 
/**
 * `error_uri`.
 */
error_uri: string | null, 
/**
 * `scope`: the scopes the API needs, split on spaces.
 */
scope: Array<string>, 
/**
 * Entra ID: the authority the API trusts.
 */
authorization_uri: string | null, 
/**
 * Entra ID: the resource (App ID or App ID URI) the API is.
 */
resource_id: string | null, 
/**
 * Entra ID: the client the API expects tokens for (Graph names its own app ID).
 */
client_id: string | null, };

export type Finding = { 
/**
 * What it is about.
 */
code: FindingCode, 
/**
 * The explanation.
 */
message: string, };

export type FindingCode = "insufficient_scope" | "audience_mismatch" | "expired" | "not_yet_valid" | "issuer_mismatch" | "id_token_sent" | "no_token_accepted" | "token_not_seen" | "invalid_token" | "invalid_request" | "api_error" | "dpop_required" | "dpop_proof" | "dpop_nonce";

export type RecentCall = { 
/**
 * When it was sent.
 */
at: string, 
/**
 * HTTP method.
 */
method: string, 
/**
 * The URL as typed.
 */
url: string, 
/**
 * The headers typed, as `[name, value]`.
 */
headers: Array<[string, string]>, 
/**
 * The body typed (none when there was none or it was over [`MAX_RECENT_BODY`]).
 */
body: string | null, 
/**
 * The ID token was sent instead of the access token.
 */
id_token: boolean, 
/**
 * The answer's status.
 */
status: number, 
/**
 * How long the answer took.
 */
elapsed_ms: number, };

export type UserInfo = { 
/**
 * The endpoint called.
 */
endpoint: string, 
/**
 * Its status.
 */
status: number, 
/**
 * Milliseconds.
 */
elapsed_ms: number, 
/**
 * The claims, explained (empty unless 2xx).
 */
claims: Array<ClaimRow>, 
/**
 * The response was a JWT (`application/jwt`); its signature is not checked here.
 */
signed: boolean, 
/**
 * Whether `sub` equals the ID token's (`None` without an ID token or a `sub`).
 */
same_subject: boolean | null, 
/**
 * Claims that differ from the ID token's: removed = only in the ID token, added = only in
 * userinfo, changed = different values.
 */
differences: Array<ClaimChange>, 
/**
 * Claims equal in both.
 */
same: Array<string>, 
/**
 * Notes (no ID token to compare with, an encrypted response...).
 */
notes: Array<string>, 
/**
 * Why a 401 or 403 happened.
 */
diagnosis: Array<Finding>, 
/**
 * The body for display when it is not claims (an error).
 */
body: string | null, 
/**
 * What went over the wire (the silent refresh that fetched the token included), masked.
 */
exchanges: Array<Exchange>, };

export type EndpointSupport = { 
/**
 * `revocation_endpoint`, when advertised.
 */
revocation: string | null, 
/**
 * Why there is no revocation (the same words the command line says).
 */
revocation_missing: string | null, 
/**
 * `introspection_endpoint`, when advertised.
 */
introspection: string | null, 
/**
 * Why there is no introspection.
 */
introspection_missing: string | null, };

export type RevokeToken = "refresh" | "access";

export type Revocation = { 
/**
 * The endpoint called.
 */
endpoint: string, 
/**
 * The token revoked.
 */
token: RevokeToken, 
/**
 * Its status.
 */
status: number, 
/**
 * Milliseconds.
 */
elapsed_ms: number, 
/**
 * The provider accepted the revocation (2xx).
 */
revoked: boolean, 
/**
 * The OAuth error of a refusal.
 */
error: EndpointError | null, 
/**
 * The refresh token was removed from the vault after the revocation.
 */
removed_from_vault: boolean, 
/**
 * What happened, in a sentence.
 */
message: string, 
/**
 * What went over the wire (the silent refresh that fetched the token included), masked.
 */
exchanges: Array<Exchange>, };

export type EndpointError = { 
/**
 * `error`.
 */
error: string, 
/**
 * `error_description`.
 */
description: string | null, };

export type IntrospectToken = "access" | "refresh";

export type Introspection = { 
/**
 * The endpoint called.
 */
endpoint: string, 
/**
 * Which token was asked about ("access token", "refresh token", "token given").
 */
token: string, 
/**
 * Its status.
 */
status: number, 
/**
 * Milliseconds.
 */
elapsed_ms: number, 
/**
 * The verdict (`None` when the endpoint refused to answer).
 */
active: boolean | null, 
/**
 * Every member of the answer, explained (`exp` as a date...).
 */
claims: Array<ClaimRow>, 
/**
 * The OAuth error of a refusal.
 */
error: EndpointError | null, 
/**
 * What the verdict means, in sentences.
 */
notes: Array<string>, 
/**
 * What went over the wire (the silent refresh that fetched the token included), masked.
 */
exchanges: Array<Exchange>, };

export type SavedBody = { 
/**
 * The file written.
 */
path: string, 
/**
 * Bytes written.
 */
bytes: number, };

export type Exchange = { 
/**
 * What it was for.
 */
step: Step, 
/**
 * `GET`, `POST`…
 */
method: string, 
/**
 * The URL, secret parameters masked.
 */
url: string, 
/**
 * Headers the engine set, masked.
 */
request_headers: Array<WireHeader>, 
/**
 * The request body, masked (cut at [`LOG_BODY`]).
 */
request_body: string | null, 
/**
 * The answer's status; none when no answer came (or the browser got it).
 */
status: number | null, 
/**
 * Milliseconds from sending to the whole answer.
 */
elapsed_ms: number, 
/**
 * The answer's headers, masked.
 */
response_headers: Array<WireHeader>, 
/**
 * The answer's body, masked (cut at [`LOG_BODY`]).
 */
response_body: string | null, 
/**
 * The answer's body length in bytes.
 */
response_bytes: number, 
/**
 * Why no answer came (masked).
 */
error: string | null, 
/**
 * A word on this entry (the authorization URL goes to the browser, not over this wire).
 */
note: string | null, 
/**
 * The request as a curl command, masked (`$TOKEN` for a bearer token).
 */
curl: string, };

export type Step = "discovery" | "keys" | "authorize" | "token" | "refresh" | "userinfo" | "api" | "revocation" | "introspection" | "other";

export type WireHeader = { 
/**
 * Name as sent or received.
 */
name: string, 
/**
 * Value, masked.
 */
value: string, };

export type WireOf = "sign_in" | "api" | "userinfo" | "revoke" | "introspect";

export type DeviceCode = { 
/**
 * The code to type.
 */
user_code: string, 
/**
 * Where to type it.
 */
verification_uri: string, 
/**
 * The URI with the code in it, when the provider gives one (a link, a QR code).
 */
verification_uri_complete: string | null, 
/**
 * Seconds until the code expires.
 */
expires_in: number, 
/**
 * Seconds between polls, as the provider asked.
 */
interval: number, 
/**
 * The QR code of `verification_uri_complete` (else of `verification_uri`), for a phone to
 * scan; `None` when the URI is too long for one.
 */
qr: QrCode | null, };

export type QrCode = { 
/**
 * The side of the drawing in modules, quiet zone included (the SVG `viewBox` is
 * `0 0 size size`).
 */
size: number, 
/**
 * SVG path data of the dark modules, in module units, quiet zone included.
 */
svg_path: string, 
/**
 * The text encoded.
 */
text: string, };

export type DevicePoll = { 
/**
 * Seconds waited before this poll (the provider's interval, plus 5 s per `slow_down`).
 */
interval: number, };

export type DeviceSupport = { 
/**
 * The endpoint, when the metadata names one.
 */
endpoint: string | null, 
/**
 * Why the device flow is not offered.
 */
missing: string | null, };

export type ClientKeyInfo = { 
/**
 * `RS256` or `ES256`: what the assertions are signed with.
 */
alg: string, 
/**
 * RFC 7638 thumbprint (SHA-256, base64url) of the public key.
 */
thumbprint: string, 
/**
 * The certificate's `x5t#S256`, sent in each assertion's header, when one came with it.
 */
x5t_s256: string | null, };

export type Migration = { 
/**
 * Claim by claim, the first token against the second.
 */
diff: TokenDiff, 
/**
 * The known differences seen in this diff, in the table's order.
 */
notes: Array<MigrationNote>, 
/**
 * Differing claims no note explains (worth a look: a mapping the migration lost?).
 */
unexplained: Array<string>, };

export type MigrationNote = { 
/**
 * The rule's name, stable (`policy_claim`, `emails`, …).
 */
id: string, 
/**
 * The B2C claims it is about.
 */
b2c: Array<string>, 
/**
 * The External ID claims it is about.
 */
external_id: Array<string>, 
/**
 * What changes, in a few words.
 */
title: string, 
/**
 * Why, and what an app reading the claim must do.
 */
explanation: string, 
/**
 * The claims of this rule that differ in the two tokens compared (those it explains).
 */
found: Array<string>, };

export type DpopKeyInfo = { 
/**
 * The RFC 7638 thumbprint: what a bound token's `cnf.jkt` names.
 */
thumbprint: string, 
/**
 * The public JWK (`kty`, `crv`, `x`, `y`).
 */
jwk: Record<string, string>, 
/**
 * Where the private key is kept.
 */
location: VaultLocation, 
/**
 * When the key was made (stored), whole seconds.
 */
created: string, };

export type AppTokenOffer = { 
/**
 * The scope to prefill (`app_scope::suggested_scope`): with Entra, the `/.default` of the
 * API the profile's scopes name; else empty, and the request sends the profile's scopes
 * without `openid` and `offline_access`.
 */
scope: string, };

/** Every error kind (`ErrorKind::ALL`). */
export const ERROR_KINDS: readonly ErrorKind[] = [
  "authority",
  "config",
  "network",
  "http_status",
  "invalid_response",
  "metadata",
  "provider",
  "sign_in_required",
  "listener",
  "redirect_refused",
  "timeout",
  "cancelled",
  "browser",
  "vault",
  "profile",
  "decode",
  "decryption_key",
  "public_key",
  "test_file",
  "unknown",
];

/** Every check a report can hold (`CheckId::ALL`). */
export const CHECK_IDS: readonly CheckId[] = [
  "format",
  "id_token",
  "keys",
  "alg",
  "kid",
  "signature",
  "iss",
  "issuer",
  "sub",
  "aud",
  "azp",
  "exp",
  "nbf",
  "iat",
  "nonce",
  "at_hash",
  "auth_time",
  "scope",
  "crit",
  "same_subject",
  "same_aud",
  "same_auth_time",
  "new_iat",
  "response",
  "access_token",
  "dpop_token_type",
  "dpop_binding",
  "cnf_x5t",
];

/** Every IPC command the shell registers (`src-tauri/src/command_list.rs`). */
export const COMMANDS = [
  "app_info",
  "list_profiles",
  "save_profile",
  "delete_profile",
  "preview_authority",
  "sign_in",
  "cancel_sign_in",
  "refresh",
  "sign_out",
  "inspect",
  "export_inspection",
  "diff_tokens",
  "make_token",
  "set_last_profile",
  "tenant_policies",
  "add_policy",
  "remove_policy",
  "switch_policy",
  "reset_password",
  "session_history",
  "support_bundle",
  "preview_request",
  "set_client_secret",
  "delete_client_secret",
  "logout_test",
  "scope_advice",
  "read_test_file",
  "run_test_file",
  "test_case_sign_in",
  "save_test_case",
  "call_api",
  "api_curl",
  "call_api_with_token",
  "api_curl_with_token",
  "recent_calls",
  "userinfo",
  "provider_endpoints",
  "revoke_token",
  "introspect_token",
  "save_api_body",
  "exchange_curl",
  "browser_error_help",
  "describe_client_certificate",
  "set_client_key",
  "delete_client_key",
  "device_support",
  "sign_in_device",
  "migration_compare",
  "dpop_key",
  "rotate_dpop_key",
  "remove_dpop_key",
  "client_credentials",
] as const;

/** The name of an IPC command. */
export type Command = (typeof COMMANDS)[number];
