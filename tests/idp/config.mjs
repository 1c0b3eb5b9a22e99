// Static, table-driven description of the fake Azure AD B2C tenant served by server.mjs.
//
// Everything a test may want to assert on lives here: tenant name and GUID, the single
// public client, the protected API, the users and the policies (user flows). GUIDs are
// fixed so tests and the README can quote them; signing keys are NOT fixed (new at every
// start, one key per policy, like B2C's per-policy keys).

import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** Tenant domain, as in `https://<name>.b2clogin.com/<tenant>/...`. */
export const TENANT = 'tokenscopedemo.onmicrosoft.com';
/** Tenant GUID: used in the issuer and accepted in place of TENANT in URLs (custom-domain style). */
export const TENANT_ID = '81659f24-f1c7-4ca5-8a9b-494bf0b206a5';

/** The one registered application: a public "mobile and desktop" client. */
export const CLIENT_ID = '653cd48c-f2ba-4af4-9a3e-3cb1eaf2c476';

/** Loopback redirect URIs. oidc-provider ignores the port of loopback URIs for native clients
 * but compares the rest of the string exactly, so the bare form, the "/" form and a path form
 * are all registered for each loopback host. */
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
const LOOPBACK_PATHS = ['', '/', '/callback'];
export const REDIRECT_URIS = LOOPBACK_HOSTS.flatMap((h) => LOOPBACK_PATHS.map((p) => `http://${h}${p}`));
export const POST_LOGOUT_REDIRECT_URIS = REDIRECT_URIS;

/** Protected web API ("resource server"). Requesting one of its scopes yields a JWT access
 * token with aud = appId and scp = the short scope names, like B2C. */
export const APIS = [
  {
    // Resource indicator (the API's App ID URI); must be an absolute URI for oidc-provider.
    identifier: `https://${TENANT}/api`,
    appId: '6255378e-bb92-48a1-acf4-abe574ec2dad',
    // full scope value -> short name written to `scp`
    scopes: {
      [`https://${TENANT}/api/read`]: 'read',
      [`https://${TENANT}/api/write`]: 'write',
      // Entra's app-only form: every application permission of the API (client credentials).
      [`https://${TENANT}/api/.default`]: null,
    },
    // Application permissions (`roles` of an app-only token from the client credentials grant).
    appRoles: ['Orders.Read.All'],
  },
  {
    // B2C lets an app request an access token for itself by using its client ID as a scope;
    // the token's audience is then the client ID. No `scp` is written in that case.
    identifier: `urn:tokenscope:app:${CLIENT_ID}`,
    appId: CLIENT_ID,
    scopes: { [CLIENT_ID]: null },
  },
];
export const API_SCOPE = `https://${TENANT}/api/read`;

/** Known users, keyed by login name. Any other login typed on the dev login page becomes a
 * user too, with a GUID derived from the name (stable across restarts). */
export const USERS = {
  tester: {
    oid: 'c8783574-0cc7-4ca5-825a-b06382b46c0a',
    name: 'Test User',
    given_name: 'Test',
    family_name: 'User',
    emails: ['tester@example.com'],
    idp: 'local',
  },
};
export const DEFAULT_LOGIN = 'tester';

/**
 * Policies (user flows / custom policies). One oidc-provider instance is built per row.
 *
 *   name         policy ID as B2C writes it (URLs match it case-insensitively; `tfp` claim uses it)
 *   interaction  'pages': oidc-provider's dev login + consent pages (a browser must click through)
 *                'b2c'  : pages with B2C's structure and element IDs (server.mjs, b2cPages):
 *                         unified sign-in page, page-level error, forgot-password link, cancel,
 *                         then a self-asserted Continue page
 *                'ropc' : no pages; the token endpoint takes grant_type=password (TEST_PASSWORD)
 *                'auto' : no pages; the test user (or login_hint) is signed in and consent is
 *                         granted, so the whole round trip is plain HTTP redirects, cookies optional
 *                'error': no pages; every sign-in ends with `error` below (B2C error description)
 *   issuer       'guid' : http://HOST:PORT/<tenant GUID>/v2.0/              (B2C default)
 *                'tfp'  : http://HOST:PORT/tfp/<tenant GUID>/<policy>/v2.0/ (compatibility form)
 *   error        for 'error' policies: { error, code, message } sent back to the redirect URI
 *   kind         what the flow is for: 'susi' (sign-up/sign-in), 'edit' (profile edit),
 *                'reset' (password reset), 'custom'; informational, listed in the ready line
 *   resets       a completed sign-in here counts as a password reset of that login
 *   tokenTtl     access and ID token lifetime in seconds (default: TTL below)
 *   passesAfterReset  an 'error' policy that lets a login through once after it reset its
 *                password (the AADB2C90118 → reset policy → sign-in again chain)
 *   refresh      how a refresh (grant_type=refresh_token) is answered when not the default:
 *                'no_id_token': the token response carries no id_token (OIDC Core §12.2 allows
 *                               it; several certified providers never send one)
 *                'empty_400'  : HTTP 400 with an empty body, after the refresh token was
 *                               redeemed (a provider that breaks RFC 6749 §5.2)
 *   authTime     when set, every ID token says this `auth_time` (0: a provider that sends 1970)
 *
 * To add a policy (profile edit, password reset, ...) add a row; nothing else changes.
 */
export const POLICIES = [
  { name: 'B2C_1_susi', interaction: 'pages', issuer: 'guid', kind: 'susi' },
  { name: 'B2C_1_auto', interaction: 'auto', issuer: 'guid', kind: 'susi' },
  { name: 'B2C_1A_tfp', interaction: 'auto', issuer: 'tfp', kind: 'custom' },
  {
    name: 'B2C_1_forgot',
    interaction: 'error',
    issuer: 'guid',
    kind: 'susi',
    passesAfterReset: true,
    error: { error: 'access_denied', code: 'AADB2C90118', message: 'The user has forgotten their password.' },
  },
  { name: 'B2C_1_edit', interaction: 'auto', issuer: 'guid', kind: 'edit' },
  { name: 'B2C_1_reset', interaction: 'auto', issuer: 'guid', kind: 'reset', resets: true },
  { name: 'B2C_1_rt_noidt', interaction: 'auto', issuer: 'guid', kind: 'susi', refresh: 'no_id_token' },
  { name: 'B2C_1_rt_400', interaction: 'auto', issuer: 'guid', kind: 'susi', refresh: 'empty_400' },
  // B2C's own page structure (div#api, #signInName, #password, #next, #forgotPassword,
  // #cancel, .error.pageLevel, a self-asserted Continue page); the password is TEST_PASSWORD.
  { name: 'B2C_1_pages', interaction: 'b2c', issuer: 'guid', kind: 'susi' },
  // Resource owner password credentials (grant_type=password at the token endpoint, no page).
  { name: 'B2C_1_ROPC_Auth', interaction: 'ropc', issuer: 'guid', kind: 'ropc' },
  { name: 'B2C_1_epoch', interaction: 'auto', issuer: 'guid', kind: 'susi', authTime: 0 },
  // Tokens that expire 5 s after they are issued (B2C's minimum is 5 min): for expiry tests.
  { name: 'B2C_1_short', interaction: 'auto', issuer: 'guid', kind: 'susi', tokenTtl: 5 },
];

/** The Entra External ID-shaped tenant (server.mjs serves it beside the B2C one): no policy in
 * any URL, metadata at `/<tenant ID or domain>/v2.0/.well-known/openid-configuration`, the
 * issuer with the tenant ID as the host's first label, v2.0 tokens (`tid`, `oid`,
 * `preferred_username`, `ver` 2.0), and AADSTS errors. One provider instance with its own key,
 * answering like the 'auto' policies (no pages; `login_hint` picks the user). */
export const EXTERNAL_ID = {
  name: 'external_id', // the provider's name (cookies, the key cache); never in a URL
  interaction: 'auto',
  issuer: 'ciam',
  kind: 'external_id',
  externalId: true,
  // RFC 8628 device flow (Entra offers it): `{prefix}/device/auth`, the user code page at
  // `{prefix}/device`, a 1 s interval.
  deviceFlow: true,
  subdomain: 'tokenscopeciam',
  tenant: 'tokenscopeciam.onmicrosoft.com',
  tenantId: '5d2c8a1e-7b3f-4e9a-9c61-2f4b8d0e6a17',
};

/** A plain OpenID provider (not Microsoft's), served beside the tenants under `/oidc`: issuer
 * `{base}/oidc`, standard claims (no tfp, no oid), opaque access tokens, and the two endpoints
 * B2C and Entra do not have: token revocation (RFC 7009) and introspection (RFC 7662). One
 * provider instance with its own key, answering like the 'auto' policies (no pages). */
export const GENERIC = {
  name: 'generic', // the provider's name (cookies, the key cache)
  interaction: 'auto',
  issuer: 'generic',
  kind: 'generic',
  generic: true,
  path: 'oidc',
};

/** The generic provider's second public client, for DPoP (RFC 9449): like CLIENT_ID, but its
 * DPoP proofs at the token endpoint must carry a nonce the provider gave (`use_dpop_nonce`
 * first), and its access tokens must be DPoP-bound (`dpop_bound_access_tokens`). CLIENT_ID
 * takes DPoP proofs there too, without a nonce. */
export const DPOP_NONCE_CLIENT_ID = '9b1e4c27-5d3a-4f60-8e2b-7a9c0d1f3e55';

/** The generic provider's DPoP-bound resource server (api.mjs, `createDpopApi`): `GET
 * {base}/dpop-api/me` takes only `Authorization: DPoP` with a proof of the key the token's
 * `cnf.jkt` names; `GET {base}/dpop-api/nonce/me` also wants a nonce of its own in the proof. */
export const DPOP_API = { prefix: '/dpop-api', routes: ['/me', '/nonce/me'] };

/** login_hint values that make the External ID tenant end the sign-in with an AADSTS error, as
 * Entra writes it: the code and message, then Trace ID, Correlation ID and Timestamp on the same
 * line. */
export const EXTERNAL_ID_ERRORS = {
  'wrong-password@example.com': {
    error: 'access_denied',
    code: 'AADSTS50126',
    message: 'Error validating credentials due to invalid username or password.',
  },
  'blocked@example.com': {
    error: 'access_denied',
    code: 'AADSTS53003',
    message: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
  },
};

/** The one password the B2C-shaped pages (B2C_1_pages) and the ROPC policy accept, for any
 * user; anything else is "Invalid username or password." (a test secret, not a real one). */
export const TEST_PASSWORD = 'Tokenscope-Test-Passw0rd';

/** Lifetimes in seconds. */
export const TTL = {
  ClientCredentials: 3600,
  DeviceCode: 600,
  AuthorizationCode: 60,
  AccessToken: 3600,
  IdToken: 3600,
  RefreshToken: 14 * 24 * 3600,
  Interaction: 3600,
  Session: 14 * 24 * 3600,
  Grant: 14 * 24 * 3600,
};

/** Deterministic GUID-shaped object ID for a login name that is not in USERS. */
export function derivedOid(login) {
  const h = createHash('sha256').update(`tokenscope-user:${login}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** User record for a login name (known or derived). */
export function userForLogin(login) {
  const key = String(login || DEFAULT_LOGIN).trim() || DEFAULT_LOGIN;
  const known = USERS[key] ?? USERS[key.toLowerCase()];
  if (known) return { login: key, ...known };
  return {
    login: key,
    oid: derivedOid(key),
    name: key,
    given_name: key,
    family_name: 'Example',
    emails: [`${key.replace(/[^A-Za-z0-9._-]/g, '_')}@example.com`],
    idp: 'local',
  };
}

/** Confidential clients (a client secret at the token endpoint), like the seed's direct itsme
 * set-up: one per client authentication method, so both of Tokenscope's methods are tested.
 * The discovery document announces both methods (oidc-provider's default), as B2C does; each
 * client accepts only its own. Same loopback redirect and post-logout URIs as CLIENT_ID. */
export const CONFIDENTIAL_CLIENTS = [
  {
    client_id: '3f0c9a51-6d2e-4b8a-9c47-0e5b2d7f1a01',
    client_secret: 'tokenscope-demo-secret-basic',
    token_endpoint_auth_method: 'client_secret_basic',
  },
  {
    client_id: '8d6e2b14-93a7-4f0c-b5d1-7c2a9e4f6b02',
    client_secret: 'tokenscope-demo-secret-post',
    token_endpoint_auth_method: 'client_secret_post',
  },
];

/** A daemon (service) application: the client credentials grant only (app-only tokens, no
 * user, no redirect URI), with a client secret sent as client_secret_basic. Registered on every
 * tenant of the provider. Its scope is an API's `/.default` (Entra's rule for app-only tokens);
 * on the External ID tenant a scope without `/.default` is refused with AADSTS1002012, as Entra
 * does. */
export const SERVICE_CLIENT = {
  client_id: 'c1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e03',
  client_secret: 'tokenscope-demo-service-secret',
  token_endpoint_auth_method: 'client_secret_basic',
};

/** The public key of the test fixture `rsa2` (tests/fixtures/keys), whose private key and
 * certificate (tests/fixtures/verify/rsa2.crt.pem) the Rust tests sign client assertions with. */
const FIXTURE_JWKS = JSON.parse(fs.readFileSync(new URL('../fixtures/keys/jwks.json', import.meta.url), 'utf8'));
const RSA2_PUBLIC = FIXTURE_JWKS.keys.find((k) => k.kid === 'rsa2');

/** Daemon clients that authenticate with a signed JWT (RFC 7523), one per method, on every
 * tenant (client credentials only): `client_secret_jwt` (HS256 with the secret) and
 * `private_key_jwt` (registered with the public key of the fixture key `rsa2`). oidc-provider
 * checks the assertion: iss = sub = client ID, aud, exp, a jti not seen before, the signature. */
export const JWT_CLIENTS = [
  {
    client_id: 'c1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e04',
    client_secret: 'tokenscope-demo-jwt-secret-0123456789abcdef0123456789abcdef0123456789',
    token_endpoint_auth_method: 'client_secret_jwt',
  },
  {
    client_id: 'c1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e05',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [RSA2_PUBLIC] },
  },
];

/** Clients of the generic provider (/oidc) only, for the request forms B2C and Entra do not
 * offer: pushed authorization requests (RFC 9126) and signed request objects (JAR, RFC 9101).
 * Each refuses the plain form, so a test that signs in with it fails if Tokenscope stops using
 * the form. The key clients are registered with the public key of the fixture `rsa2` (signing
 * the request object and the private_key_jwt assertion); `encrypted` (not an oidc-provider
 * attribute: server.mjs enforces it, as itsme does) refuses a request object that is not
 * encrypted to the provider's `enc` key. */
export const REQUEST_FORM_CLIENTS = [
  {
    client_id: 'c1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e10',
    note: 'requires PAR',
    token_endpoint_auth_method: 'none',
    require_pushed_authorization_requests: true,
  },
  {
    client_id: 'c1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e11',
    note: 'requires a signed request object (private key rsa2)',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [RSA2_PUBLIC] },
    require_signed_request_object: true,
  },
  {
    client_id: 'c1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e12',
    note: 'requires a signed and encrypted request object, pushed (itsme-style; private key rsa2)',
    token_endpoint_auth_method: 'private_key_jwt',
    jwks: { keys: [RSA2_PUBLIC] },
    require_signed_request_object: true,
    require_pushed_authorization_requests: true,
    encrypted: true,
  },
  {
    client_id: 'c1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e13',
    note: 'requires a request object signed HS256 with its client secret',
    client_secret: 'tokenscope-demo-jar-secret-0123456789abcdef0123456789abcdef01234567',
    token_endpoint_auth_method: 'client_secret_basic',
    require_signed_request_object: true,
    request_object_signing_alg: 'HS256',
  },
];

/** The JWT bearer grant (RFC 7523 §2.1) trusts assertions from this issuer, signed with the
 * fixture key `rsa2`. */
export const JWT_BEARER_ISSUER = 'https://assertions.tokenscope.test';
export const JWT_BEARER_KEY = RSA2_PUBLIC;

/** Every client ID the provider knows. */
export const CLIENT_IDS = [CLIENT_ID, ...CONFIDENTIAL_CLIENTS.map((c) => c.client_id)];

/**
 * The tenant's protected web API (a resource server), served by api.mjs under `{base}/api`. It
 * validates access tokens the way an ASP.NET Core API with JwtBearer (or an Express API with
 * jose) does: signature with the keys of the policies it is configured with, lifetime (no clock
 * skew allowed), audience, issuer, then the route's scope; refusals are RFC 6750 challenges.
 *
 *   audience         the API's app ID (what `aud` must be)
 *   issuerPolicy     the policy whose issuer it accepts (the tenant-GUID form)
 *   trustedPolicies  the policies whose signing keys it knows (not B2C_1_edit: a token from
 *                    there fails the signature check, like a policy the API was not set up for)
 *   routes           method, path and the short scope name (`scp`) each needs; `basic`: a route
 *                    that takes no bearer token at all (401 with a Basic challenge)
 *   mounts           the same API under other prefixes: `clockOffset` seconds for a server
 *                    whose clock is wrong; style 'entra' for Entra-style challenges
 *                    (authorization_uri and resource_id, short scope names, no description)
 */
export const PROTECTED_API = {
  audience: APIS[0].appId,
  scopePrefix: `https://${TENANT}/api/`,
  issuerPolicy: 'B2C_1_auto',
  trustedPolicies: ['B2C_1_susi', 'B2C_1_auto', 'B2C_1A_tfp', 'B2C_1_short'],
  routes: [
    { method: 'GET', path: '/hello', scope: null },
    { method: 'GET', path: '/orders', scope: 'read' },
    { method: 'POST', path: '/orders', scope: 'write' },
    { method: 'GET', path: '/legacy', basic: true },
  ],
  mounts: {
    '/api': { clockOffset: 0, style: 'aspnet' },
    '/api-ahead': { clockOffset: 7200, style: 'aspnet' },
    '/api-behind': { clockOffset: -7200, style: 'aspnet' },
    '/api-entra': { clockOffset: 0, style: 'entra' },
  },
};
