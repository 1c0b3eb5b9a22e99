#!/usr/bin/env node
// Tokenscope test provider: an Azure AD B2C-shaped OpenID provider on loopback.
//
//   node tests/idp/server.mjs [--port N] [--host 127.0.0.1] [--keys FILE] [--latency MS] [--verbose]
//
// Prints exactly one JSON line to stdout once listening (see README.md); everything else
// goes to stderr. Exits on SIGTERM/SIGINT and when stdin (a pipe) reaches EOF, so a test
// that dies does not leave it running.
//
// Shape: one oidc-provider instance per policy (own signing key, like B2C), mounted under
//   /<tenant>.onmicrosoft.com/<policy>/...   path form
//   /<tenant GUID>/<policy>/...              custom-domain style
//   /tfp/<tenant>/<policy>/...               MSAL authority form
//   /<tenant>/...?p=<policy>                 query form (policy from the p parameter)
// with B2C's endpoint paths below the prefix, and the issuer set to the tenant-GUID form,
// which is not the discovery base (B2C's issuer quirk). Beside it, an Entra External ID-shaped
// tenant under /<tenant ID or domain>/... (no policy), whose issuer has the tenant ID as the
// host's first label (<tenant-id>.localhost here, <tenant-id>.ciamlogin.com at Microsoft).

// oidc-provider writes notices with console.info (stdout); stdout is reserved for the ready
// line, so route every console method to stderr before the library is loaded.
for (const m of ['log', 'info', 'debug']) console[m] = console.error;

import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

import {
  TENANT, TENANT_ID, CLIENT_ID, REDIRECT_URIS, POST_LOGOUT_REDIRECT_URIS, APIS, API_SCOPE,
  DEFAULT_LOGIN, POLICIES, TTL, userForLogin,
  CONFIDENTIAL_CLIENTS, SERVICE_CLIENT, JWT_CLIENTS, CLIENT_IDS, USERS, TEST_PASSWORD, EXTERNAL_ID, EXTERNAL_ID_ERRORS, GENERIC,
  REQUEST_FORM_CLIENTS,
  PROTECTED_API, JWT_BEARER_ISSUER, JWT_BEARER_KEY, DPOP_NONCE_CLIENT_ID, DPOP_API,
} from './config.mjs';
import { jwtVerify, EmbeddedJWK, calculateJwkThumbprint } from 'jose';
import { createApi, createDpopApi } from './api.mjs';
import * as mtls from './mtls.mjs';

/** Every provider instance: the B2C policies, then the External ID tenant. */
const PROVIDERS = [...POLICIES, EXTERNAL_ID, GENERIC];

/** RFC 8628's grant type, allowed to the clients of a tenant with `deviceFlow`. */
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** RFC 8693 token exchange and RFC 7523 §2.1 JWT bearer grants (custom grant types). */
const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** The payload of a JWT signed by `key` (RS256 JWK) with an unexpired `exp`, or null. */
function verifiedJwt(token, key) {
  try {
    const [h, b, sig] = String(token).split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url'));
    const payload = JSON.parse(Buffer.from(b, 'base64url'));
    if (header.alg !== 'RS256') return null;
    const pub = crypto.createPublicKey({ key: { kty: key.kty, n: key.n, e: key.e }, format: 'jwk' });
    if (!crypto.verify('RSA-SHA256', Buffer.from(`${h}.${b}`), pub, Buffer.from(sig, 'base64url'))) return null;
    if (typeof payload.exp !== 'number' || payload.exp < epoch()) return null;
    return payload;
  } catch {
    return null;
  }
}

/** Token exchange: a subject_token that is an access token this tenant signed becomes a new
 * access token for `audience` (an API's app ID, default the API), with `act` naming the client
 * that exchanged it. JWT bearer: an assertion signed by the trusted fixture key `rsa2`
 * (JWT_BEARER_ISSUER), aud = the token endpoint, becomes an access token for its `sub`. */
function registerTokenGrants(provider, policy, jwk) {
  // DPoP (RFC 9449) on these grants where the provider has it: oidc-provider checks proofs in its
  // own grants only, so these check theirs (signature by the embedded key, typ, htm, htu, iat
  // within 60 s, a jti never seen) and bind the token to the key (cnf.jkt, token_type DPoP).
  const seen = new Map(); // jti -> when it may be forgotten (ms)
  const dpopKey = async (ctx) => {
    const proof = ctx.get('DPoP');
    if (!policy.generic || !proof) return { jkt: null };
    try {
      const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256', 'EdDSA', 'PS256', 'RS256'] });
      const htu = URL.parse(String(payload.htu ?? ''));
      if (htu) { htu.search = ''; htu.hash = ''; }
      const problem = payload.htm !== 'POST' ? `htm is ${payload.htm}`
        : htu?.href !== ctx.oidc.urlFor('token') ? `htu is ${payload.htu}, not ${ctx.oidc.urlFor('token')}`
        : typeof payload.iat !== 'number' || Math.abs(epoch() - payload.iat) > 60 ? 'iat is not within 60 seconds of now'
        : typeof payload.jti !== 'string' || !payload.jti || seen.has(payload.jti) ? 'no jti, or one used before'
        : null;
      if (problem) return { problem };
      const now = Date.now();
      for (const [jti, until] of seen) if (until < now) seen.delete(jti);
      seen.set(payload.jti, now + 120_000);
      return { jkt: await calculateJwkThumbprint(protectedHeader.jwk) };
    } catch (e) {
      return { problem: `the proof does not verify: ${e.message}` };
    }
  };
  const issue = async (ctx, claims) => {
    const { jkt, problem } = await dpopKey(ctx);
    if (problem) return refuse(ctx, 'invalid_dpop_proof', problem);
    const now = epoch();
    const ttl = policy.tokenTtl ?? TTL.AccessToken;
    const accessToken = signJwt(jwk, {
      iss: provider.issuer, aud: APIS[0].appId, azp: ctx.oidc.client.clientId, ver: policy.externalId ? '2.0' : '1.0',
      ...claims, ...(jkt ? { cnf: { jkt } } : {}), iat: now, nbf: now, exp: now + ttl,
    });
    ctx.body = { access_token: accessToken, issued_token_type: ACCESS_TOKEN_TYPE, token_type: jkt ? 'DPoP' : 'Bearer', expires_in: ttl };
  };
  const refuse = (ctx, error, description) => {
    ctx.status = 400;
    ctx.body = { error, error_description: description };
  };
  provider.registerGrantType(TOKEN_EXCHANGE_GRANT, async (ctx) => {
    const p = ctx.oidc.params;
    if (!p.subject_token || !p.subject_token_type) return refuse(ctx, 'invalid_request', 'subject_token and subject_token_type are required');
    if (p.subject_token_type !== ACCESS_TOKEN_TYPE) return refuse(ctx, 'invalid_request', `subject_token_type ${p.subject_token_type} is not accepted (access tokens only)`);
    const subject = verifiedJwt(p.subject_token, jwk);
    if (!subject || subject.iss !== provider.issuer) return refuse(ctx, 'invalid_grant', 'the subject_token is not a valid, unexpired access token of this tenant');
    await issue(ctx, { sub: subject.sub, ...(subject.oid ? { oid: subject.oid } : {}), ...(p.audience ? { aud: p.audience } : {}), act: { sub: ctx.oidc.client.clientId }, ...(p.scope ? { scp: p.scope } : {}) });
  }, ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'audience', 'resource', 'scope']);
  provider.registerGrantType(JWT_BEARER_GRANT, async (ctx) => {
    const p = ctx.oidc.params;
    if (!p.assertion) return refuse(ctx, 'invalid_request', 'assertion is required');
    const claims = verifiedJwt(p.assertion, JWT_BEARER_KEY);
    if (!claims) return refuse(ctx, 'invalid_grant', 'the assertion is not signed by a trusted issuer, or it expired');
    const tokenEndpoint = ctx.oidc.urlFor('token');
    if (claims.iss !== JWT_BEARER_ISSUER || !claims.sub || ![].concat(claims.aud).includes(tokenEndpoint)) {
      return refuse(ctx, 'invalid_grant', `the assertion must say iss ${JWT_BEARER_ISSUER}, a sub, and aud ${tokenEndpoint}`);
    }
    await issue(ctx, { sub: claims.sub, ...(p.scope ? { scp: p.scope } : {}) });
  }, ['assertion', 'scope']);
}

/** What every registered client has in common (a fresh copy each time): a native app on the
 * loopback redirect URIs, the code flow with refresh tokens, RS256 ID tokens with auth_time. */
function nativeClient(policy) {
  return {
    application_type: 'native',
    grant_types: ['authorization_code', 'refresh_token', ...(policy?.deviceFlow ? [DEVICE_GRANT] : [])],
    response_types: ['code'],
    redirect_uris: REDIRECT_URIS,
    post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
    require_auth_time: true,
    id_token_signed_response_alg: 'RS256',
  };
}

// ---------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------
const USAGE = 'usage: node server.mjs [--port N (0 = ephemeral)] [--host 127.0.0.1] [--keys FILE] [--latency MS] [--verbose]\n';
let args;
try {
  ({ values: args } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      keys: { type: 'string' }, // optional JSON file caching the private signing keys
      // every answer waits this long first, like a tenant across the internet (benchmark)
      latency: { type: 'string', default: '0' },
      verbose: { type: 'boolean', short: 'v', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }));
} catch (e) {
  process.stderr.write(`${e.message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  process.stderr.write(USAGE);
  process.exit(0);
}
if (!/^\d+$/.test(args.port) || Number(args.port) > 65535) {
  process.stderr.write(`invalid --port ${args.port}\n${USAGE}`);
  process.exit(2);
}
if (!/^\d+$/.test(args.latency) || Number(args.latency) > 60000) {
  process.stderr.write(`invalid --latency ${args.latency} (milliseconds, 0 to 60000)\n${USAGE}`);
  process.exit(2);
}
const latency = Number(args.latency);
const log = (...a) => console.error('[idp]', ...a);
const vlog = args.verbose ? log : () => {};

// RSA key generation (about 0.5 s for all policies on 2 cores) runs on libuv's thread pool,
// so start it before loading oidc-provider and let the two overlap.
const t0 = performance.now();
const keysPromise = loadOrGenerateKeys(args.keys);
// The generic provider's mTLS certificates (mtls.mjs), made meanwhile with `openssl`.
const certsPromise = mtls.makeCertificates(log);
const { default: Provider, errors } = await import('oidc-provider');

// ---------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------
const epoch = () => Math.floor(Date.now() / 1000);

/** Entra-style error_description on one line: "AADSTSnnnnn: message Trace ID: … Correlation ID: … Timestamp: …". */
function aadstsDescription(code, message, sep = ' ') {
  const ts = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return `${code}: ${message}${sep}Trace ID: ${crypto.randomUUID()}${sep}Correlation ID: ${crypto.randomUUID()}${sep}Timestamp: ${ts}`;
}

/** B2C-style error_description: "AADB2Cnnnnn: message\r\nCorrelation ID: ...\r\nTimestamp: ...\r\n". */
function b2cDescription(code, message) {
  const ts = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return `${code}: ${message}\r\nCorrelation ID: ${crypto.randomUUID()}\r\nTimestamp: ${ts}\r\n`;
}

const htmlEscape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function sendText(res, status, text, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(text);
}
const sendJson = (res, status, obj) => sendText(res, status, `${JSON.stringify(obj, null, 2)}\n`, 'application/json');

function errorPage(title, description) {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${htmlEscape(title)}</title></head>
<body style="font-family:sans-serif;margin:2em"><h1>Sorry, but we're having trouble signing you in.</h1>
<p><strong>${htmlEscape(title)}</strong></p><pre>${htmlEscape(description || '')}</pre></body></html>`;
}

async function readForm(req, limit = 64 * 1024) {
  let size = 0;
  const chunks = [];
  for await (const c of req) {
    size += c.length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(c);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

function parseCookies(header = '') {
  const out = {};
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Storage: one in-memory store per provider (policies do not share sessions or tokens).
// oidc-provider's bundled MemoryAdapter is a shared LRU capped at 1000 entries, which long
// benchmark runs can overflow; this one is a plain Map with expiry.
// ---------------------------------------------------------------------------------------
const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode',
  'BackchannelAuthenticationRequest', 'PreAuthorizedCode']);

function createStore() {
  const map = new Map(); // key -> { value, exp (ms) }
  const get = (k) => {
    const e = map.get(k);
    if (!e) return undefined;
    if (e.exp <= Date.now()) { map.delete(k); return undefined; }
    return e.value;
  };
  const set = (k, value, expiresIn) => map.set(k, { value, exp: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
  const sweep = setInterval(() => { const now = Date.now(); for (const [k, e] of map) if (e.exp <= now) map.delete(k); }, 60_000);
  sweep.unref();
  return { get, set, delete: (k) => map.delete(k) };
}

function adapterFactory(store) {
  return class Adapter {
    constructor(model) { this.model = model; }

    key(id) { return `${this.model}:${id}`; }

    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      if (this.model === 'Session') store.set(`sessionUid:${payload.uid}`, id, expiresIn);
      if (payload.userCode) store.set(`userCode:${payload.userCode}`, id, expiresIn);
      if (GRANTABLE.has(this.model) && payload.grantId) {
        const gk = `grant:${payload.grantId}`;
        const members = store.get(gk) ?? new Set();
        members.add(key);
        store.set(gk, members, TTL.Grant);
      }
      store.set(key, payload, expiresIn);
    }

    async find(id) { return store.get(this.key(id)); }

    async findByUid(uid) { const id = store.get(`sessionUid:${uid}`); return id ? this.find(id) : undefined; }

    async findByUserCode(code) { const id = store.get(`userCode:${code}`); return id ? this.find(id) : undefined; }

    async consume(id) { const p = store.get(this.key(id)); if (p) p.consumed = epoch(); }

    async destroy(id) { store.delete(this.key(id)); }

    async revokeByGrantId(grantId) {
      const gk = `grant:${grantId}`;
      for (const key of store.get(gk) ?? []) store.delete(key);
      store.delete(gk);
    }
  };
}

// ---------------------------------------------------------------------------------------
// Accounts: ID = the user's object ID (GUID), which is also `sub` and `oid`.
// ---------------------------------------------------------------------------------------
const accountsById = new Map();
function registerLogin(login) {
  const user = userForLogin(login);
  accountsById.set(user.oid, user);
  return user;
}
registerLogin(DEFAULT_LOGIN);

// ---------------------------------------------------------------------------------------
// Provider factory (one per policy)
// ---------------------------------------------------------------------------------------
const OIDC_SCOPES = ['openid', 'offline_access'];
const ROUTES = {
  authorization: '/oauth2/v2.0/authorize',
  token: '/oauth2/v2.0/token',
  end_session: '/oauth2/v2.0/logout', // answered by logout() below, listed in discovery
  jwks: '/discovery/v2.0/keys',
  userinfo: '/openid/v2.0/userinfo', // where B2C custom policies put it
  // only the generic provider (GENERIC) offers these; B2C and Entra do not
  revocation: '/oauth2/v2.0/revoke',
  introspection: '/oauth2/v2.0/introspect',
  pushed_authorization_request: '/oauth2/v2.0/par',
};
const COOKIE_NAMES = (policy) => ({
  // the session cookie has path=/, so it is named per policy; the other two are path-scoped
  session: `_session_${policy.name.toLowerCase()}`,
  interaction: '_interaction',
  resume: '_interaction_resume',
});

function issuerFor(policy, base, port) {
  // External ID: https://<tenant-id>.ciamlogin.com/<tenant-id>/v2.0; on loopback the tenant ID
  // is the first label of a .localhost name (RFC 6761), whatever host the server listens on.
  if (policy.issuer === 'generic') return `${base}/${GENERIC.path}`;
  if (policy.issuer === 'ciam') return `http://${EXTERNAL_ID.tenantId}.localhost:${port}/${EXTERNAL_ID.tenantId}/v2.0`;
  return policy.issuer === 'tfp'
    ? `${base}/tfp/${TENANT_ID}/${policy.name}/v2.0/`
    : `${base}/${TENANT_ID}/v2.0/`;
}

/** API (resource server) addressed by a list of scopes; B2C allows one per request. */
function apiForScopes(scopes) {
  const hits = APIS.filter((api) => scopes.some((s) => s in api.scopes));
  if (hits.length > 1) {
    throw new errors.InvalidRequest(b2cDescription('AADB2C90146',
      'The scope provided in request specifies more than one resource for an access token, which is not supported.'));
  }
  return hits[0];
}

async function generateSigningKey(policy) {
  const { privateKey } = await new Promise((resolve, reject) => crypto.generateKeyPair('rsa',
    { modulusLength: 2048 }, (e, pub, priv) => (e ? reject(e) : resolve({ publicKey: pub, privateKey: priv }))));
  const jwk = privateKey.export({ format: 'jwk' });
  const thumb = crypto.createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n })).digest('base64url');
  return { ...jwk, kid: thumb, use: 'sig', alg: 'RS256' };
}

/** The generic provider's encryption key (RSA, `use: enc`): request objects are encrypted to
 * it. New at every start. */
async function generateEncryptionKey() {
  const { alg: _sig, ...key } = await generateSigningKey(GENERIC);
  return { ...key, kid: `enc-${key.kid.slice(0, 16)}`, use: 'enc' };
}

/** One signing key per policy: new at every start, unless --keys FILE names a cache (test
 * keys only!) from which they are read, and to which missing ones are written. */
async function loadOrGenerateKeys(file) {
  let saved = {};
  if (file) {
    try {
      saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      if (e.code !== 'ENOENT') throw new Error(`--keys ${file}: ${e.message}`);
    }
  }
  const keys = await Promise.all(PROVIDERS.map((p) => saved[p.name] ?? generateSigningKey(p)));
  if (file && PROVIDERS.some((p) => !saved[p.name])) {
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(Object.fromEntries(PROVIDERS.map((p, i) => [p.name, keys[i]])), null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, file);
  }
  return keys;
}

const AT_VALUE = Symbol('access token value');

function makeProvider(policy, issuer, jwk) {
  const store = createStore();

  const config = {
    adapter: adapterFactory(store),
    // The generic provider also decrypts request objects (JAR) with its `enc` key.
    jwks: { keys: policy.generic && encryptionKey ? [jwk, encryptionKey] : [jwk] },
    clients: [{
      client_id: CLIENT_ID,
      client_name: 'Tokenscope',
      token_endpoint_auth_method: 'none',
      ...nativeClient(policy),
    }, ...(policy.generic ? [{
      // RFC 9449: nonces required (features.dPoP.requireNonce), bound access tokens only.
      client_id: DPOP_NONCE_CLIENT_ID,
      client_name: 'Tokenscope (DPoP, nonce required)',
      token_endpoint_auth_method: 'none',
      dpop_bound_access_tokens: true,
      ...nativeClient(policy),
    }] : []), ...CONFIDENTIAL_CLIENTS.map((c) => ({
      ...c,
      client_name: 'Tokenscope (confidential)',
      ...nativeClient(policy),
    })), ...(policy.generic && certs ? mtls.mtlsClients(certs, nativeClient(policy)) : []),
    ...[SERVICE_CLIENT, ...JWT_CLIENTS].map((c) => ({
      ...c,
      client_name: `Tokenscope (daemon, ${c.token_endpoint_auth_method})`,
      grant_types: ['client_credentials', TOKEN_EXCHANGE_GRANT, JWT_BEARER_GRANT],
      response_types: [],
      redirect_uris: [],
    })), ...(policy.generic ? REQUEST_FORM_CLIENTS.map(({ note, encrypted: _e, ...c }) => ({
      ...c,
      client_name: `Tokenscope (${note})`,
      ...nativeClient(policy),
    })) : [])],
    scopes: OIDC_SCOPES,
    responseTypes: ['code'],
    pkce: { required: () => true }, // S256 only in oidc-provider 9
    // oidc-provider's default list plus RFC 8705's two methods where mTLS is on
    ...(policy.generic && certs ? {
      clientAuthMethods: ['client_secret_basic', 'client_secret_jwt', 'client_secret_post', 'private_key_jwt', 'none',
        'tls_client_auth', 'self_signed_tls_client_auth'],
    } : {}),
    routes: ROUTES,
    ttl: policy.tokenTtl ? { ...TTL, AccessToken: policy.tokenTtl, IdToken: policy.tokenTtl } : TTL,
    cookies: {
      names: COOKIE_NAMES(policy),
      long: { httpOnly: true, sameSite: 'lax' },
      short: { httpOnly: true, sameSite: 'lax' },
      // no keys: unsigned cookies (they only carry random IDs), which lets the 'auto'
      // policies run without a cookie jar (see injectResumeCookie)
    },

    // B2C-style ID-token claims. Listed under `openid` with conformIdTokenClaims:false they
    // go into the ID token itself, not only to userinfo.
    claims: policy.generic
      ? { openid: ['sub', 'name', 'given_name', 'family_name', 'email', 'nbf'] }
      : policy.externalId
      ? { openid: ['sub', 'oid', 'tid', 'ver', 'name', 'preferred_username', 'email', 'nbf'] }
      : { openid: ['sub', 'oid', 'tfp', 'ver', 'emails', 'idp', 'name', 'given_name', 'family_name', 'nbf'] },
    conformIdTokenClaims: false,
    async findAccount(ctx, id) {
      const user = accountsById.get(id);
      if (!user) return undefined;
      return {
        accountId: id,
        async claims(use) {
          if (policy.generic) {
            return {
              sub: user.oid,
              name: user.name,
              given_name: user.given_name,
              family_name: user.family_name,
              email: user.emails[0],
              ...(use === 'id_token' ? { nbf: epoch() } : {}),
            };
          }
          if (policy.externalId) {
            // Entra v2.0 ID token: tid, oid, preferred_username, ver 2.0; no tfp, no emails.
            return {
              sub: user.oid,
              oid: user.oid,
              tid: EXTERNAL_ID.tenantId,
              ver: '2.0',
              name: user.name,
              preferred_username: user.emails[0],
              email: user.emails[0],
              ...(use === 'id_token' ? { nbf: epoch() } : {}),
            };
          }
          return {
            sub: user.oid,
            oid: user.oid,
            tfp: policy.name,
            ver: '1.0',
            emails: user.emails,
            idp: user.idp,
            name: user.name,
            given_name: user.given_name,
            family_name: user.family_name,
            ...(use === 'id_token' ? { nbf: epoch() } : {}),
          };
        },
      };
    },

    // Refresh tokens: issued for offline_access (kept by forceConsentForOffline),
    // not tied to the browser session, rotated on every use (reuse -> invalid_grant).
    issueRefreshToken: async (ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    expiresWithSession: async () => false,
    rotateRefreshToken: () => true,

    // JWT access tokens for the API (aud = API app ID) with B2C's scp/azp/tfp/ver claims.
    extraTokenClaims: async (ctx, token) => {
      if (policy.generic) return undefined;
      const indicator = token.resourceServer?.identifier() ?? token.resource;
      const api = APIS.find((a) => a.identifier === indicator);
      if (token.kind === 'ClientCredentials') {
        // Entra's app-only access token: the application permissions in `roles`, no `scp`,
        // `idtyp` app, the client in `azp`.
        return {
          ...(api?.appRoles ? { roles: api.appRoles } : {}),
          azp: token.clientId,
          idtyp: 'app',
          ver: policy.externalId ? '2.0' : '1.0',
          ...(policy.externalId ? { tid: EXTERNAL_ID.tenantId } : { tfp: policy.name }),
          nbf: epoch(),
        };
      }
      if (token.kind !== 'AccessToken' && token.kind !== 'RefreshToken') return undefined;
      const scp = api ? String(token.scope ?? '').split(' ').map((s) => api.scopes[s]).filter(Boolean).join(' ') : '';
      if (policy.externalId) {
        return {
          ...(scp ? { scp } : {}),
          azp: token.clientId,
          azpacr: '0',
          tid: EXTERNAL_ID.tenantId,
          ver: '2.0',
          oid: token.accountId,
          nbf: epoch(),
        };
      }
      return {
        ...(scp ? { scp } : {}),
        azp: token.clientId,
        tfp: policy.name,
        ver: '1.0',
        oid: token.accountId,
        nbf: epoch(),
      };
    },
    formats: {
      customizers: {
        // B2C access tokens say typ "JWT" (oidc-provider default: "at+jwt")
        jwt: async (ctx, token, structured) => { structured.header = { typ: 'JWT' }; },
      },
    },

    features: {
      devInteractions: { enabled: policy.interaction === 'pages' },
      clientCredentials: { enabled: true },
      // RFC 8628 on the tenants that offer it (config.mjs, `deviceFlow`).
      deviceFlow: { enabled: Boolean(policy.deviceFlow) },
      rpInitiatedLogout: { enabled: true },
      userinfo: { enabled: true },
      // RFC 7009 and RFC 7662: a plain OpenID provider offers them, B2C and Entra do not
      revocation: { enabled: Boolean(policy.generic) },
      introspection: { enabled: Boolean(policy.generic) },
      // PAR (RFC 9126) and request objects (JAR, RFC 9101, signed and encrypted): the generic
      // provider only; B2C and Entra External ID offer neither
      pushedAuthorizationRequests: { enabled: Boolean(policy.generic) },
      requestObjects: { enabled: Boolean(policy.generic) },
      encryption: { enabled: Boolean(policy.generic) },
      // RFC 9449 on the generic provider only (B2C and Entra External ID have no DPoP); a
      // nonce is required from DPOP_NONCE_CLIENT_ID's proofs at the token endpoint
      dPoP: policy.generic ? {
        enabled: true,
        nonceSecret: crypto.randomBytes(32),
        // (and from SERVICE_CLIENT's, whose client credentials grant then binds the app's token)
        requireNonce: (ctx) => [DPOP_NONCE_CLIENT_ID, SERVICE_CLIENT.client_id].includes(ctx.oidc?.client?.clientId),
      } : { enabled: false },
      // RFC 8705 on the generic provider, through its HTTPS listener (mtls.mjs)
      ...(policy.generic && certs ? { mTLS: mtls.mtlsFeature() } : {}),
      resourceIndicators: {
        enabled: true,
        async defaultResource(ctx, client, oneOf) {
          if (oneOf) return oneOf;
          const scopes = String(ctx.oidc.params.scope || '').split(' ').filter(Boolean);
          return apiForScopes(scopes)?.identifier;
        },
        useGrantedResource: async () => true,
        async getResourceServerInfo(ctx, indicator) {
          const api = APIS.find((a) => a.identifier === indicator);
          if (!api) throw new errors.InvalidTarget();
          return {
            scope: Object.keys(api.scopes).join(' '),
            audience: api.appId,
            accessTokenFormat: 'jwt',
            accessTokenTTL: policy.tokenTtl ?? TTL.AccessToken,
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },

    // Non-'pages' policies: interactions are answered by autoInteraction() under the prefix.
    ...(policy.interaction === 'pages' ? {} : {
      interactions: { url: async (ctx, interaction) => `${ctx.req.baseUrl}/interaction/${interaction.uid}` },
    }),

    // Error page (non-redirectable errors), with B2C's code for an unregistered redirect URI.
    async renderError(ctx, out) {
      let description = out.error_description;
      if (out.error === 'invalid_redirect_uri') {
        description = b2cDescription('AADB2C90006', `The redirect URI '${ctx.oidc?.params?.redirect_uri}' provided in the request is not registered for the client id '${ctx.oidc?.params?.client_id}'.`);
      }
      ctx.type = 'html';
      ctx.body = errorPage(out.error, description);
    },
  };

  const provider = new Provider(issuer, config);
  registerTokenGrants(provider, policy, jwk);
  provider.on('server_error', (ctx, err) => log(`server_error in ${policy.name}:`, err));
  // oidc-provider takes client_secret_basic and client_secret_post interchangeably; B2C and
  // itsme do not, and Tokenscope must pick the right one, so each confidential client accepts
  // only its registered method (the tokens already minted for a refused request are dropped).
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || !ctx.path.endsWith('/token')) return;
    const want = [...CONFIDENTIAL_CLIENTS, SERVICE_CLIENT].find((c) => c.client_id === ctx.oidc?.client?.clientId)?.token_endpoint_auth_method;
    if (!want) return;
    const used = /^basic /i.test(ctx.get('authorization')) ? 'client_secret_basic' : 'client_secret_post';
    if (used !== want) {
      ctx.status = 401;
      ctx.body = { error: 'invalid_client', error_description: `client authentication failed: this client uses ${want}, not ${used}` };
    }
  });

  // B2C's token-response extras: how long the refresh token lives (`refresh_token_expires_in`),
  // `not_before` / `expires_on` (Unix times, as strings, like B2C), `id_token_expires_in` and
  // `profile_info` (base64url JSON: version, tenant ID, name).
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.method !== 'POST' || !ctx.path.endsWith('/token') || ctx.status !== 200) return;
    if (!ctx.body || typeof ctx.body !== 'object' || policy.generic) return;
    const now = epoch();
    const extras = {
      not_before: String(now),
      ...(ctx.body.expires_in ? { expires_on: String(now + Number(ctx.body.expires_in)) } : {}),
    };
    if (ctx.body.id_token) {
      const accountId = ctx.oidc?.entities?.AccessToken?.accountId ?? ctx.oidc?.entities?.Account?.accountId;
      const user = accountsById.get(accountId);
      extras.id_token_expires_in = String(policy.tokenTtl ?? TTL.IdToken);
      extras.profile_info = Buffer.from(JSON.stringify({
        ver: '1.0', tid: TENANT_ID, sub: null, name: user?.name ?? null, preferred_username: null, idp: null,
      })).toString('base64url');
    }
    if (ctx.body.refresh_token) extras.refresh_token_expires_in = TTL.RefreshToken;
    ctx.body = { ...ctx.body, ...extras };
  });

  // RFC 8705 §5: the endpoints a client presenting a certificate uses, on the HTTPS listener.
  if (policy.generic && certs) {
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.method !== 'GET' || !ctx.path.endsWith('/.well-known/openid-configuration') || ctx.status !== 200) return;
      const at = (route) => `${mtlsBase}/${GENERIC.path}${route}`;
      ctx.body = {
        ...ctx.body,
        mtls_endpoint_aliases: {
          token_endpoint: at(ROUTES.token),
          userinfo_endpoint: at(ROUTES.userinfo),
          revocation_endpoint: at(ROUTES.revocation),
          introspection_endpoint: at(ROUTES.introspection),
          pushed_authorization_request_endpoint: at(ROUTES.pushed_authorization_request),
        },
      };
    });
  }

  // External ID's token endpoint answers errors with an AADSTS code and Entra's extra members.
  if (policy.externalId) {
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.method !== 'POST' || !ctx.path.endsWith('/token') || ctx.status < 400) return;
      if (!ctx.body || typeof ctx.body !== 'object' || ctx.body.error !== 'invalid_grant') return;
      const description = aadstsDescription('AADSTS70000', "The provided value for the 'code' or 'refresh_token' is not valid: it expired, was revoked or was already used.", '\r\n');
      const [, trace, correlation, time] = description.split('\r\n').map((l) => l.slice(l.indexOf(':') + 2));
      ctx.body = { ...ctx.body, error_description: description, error_codes: [70000], trace_id: trace, correlation_id: correlation, timestamp: time };
    });
  }

  // The device authorization response names a 1 s polling interval (RFC 8628's default is 5 s;
  // a provider may ask for less), so tests wait little.
  if (policy.deviceFlow) {
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.method === 'POST' && ctx.path.endsWith('/device/auth') && ctx.status === 200 && ctx.body?.device_code) {
        ctx.body = { ...ctx.body, interval: 1 };
      }
    });
  }

  // Entra refuses an app-only token request whose scope is not `<resource>/.default`.
  if (policy.externalId) {
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.method !== 'POST' || !ctx.path.endsWith('/token') || ctx.oidc?.params?.grant_type !== 'client_credentials') return;
      const bad = String(ctx.oidc.params.scope ?? '').split(' ').filter(Boolean).filter((s) => !s.endsWith('/.default'));
      if (!bad.length) return;
      const description = aadstsDescription('AADSTS1002012', `The provided value for scope ${bad.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`, '\r\n');
      ctx.status = 400;
      ctx.body = { error: 'invalid_scope', error_description: description, error_codes: [1002012] };
    });
  }

  // Refresh answers of other providers (config.mjs, `refresh`): no ID token, or a bare 400.
  if (policy.refresh) {
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.method !== 'POST' || !ctx.path.endsWith('/token') || ctx.oidc?.params?.grant_type !== 'refresh_token') return;
      if (ctx.status !== 200 || !ctx.body || typeof ctx.body !== 'object') return;
      if (policy.refresh === 'no_id_token') {
        const { id_token: _dropped, ...rest } = ctx.body;
        ctx.body = rest;
      } else if (policy.refresh === 'empty_400') {
        ctx.body = '';
        ctx.remove('Content-Type');
        ctx.status = 400;
      }
    });
  }

  // at_hash in the ID token of token-endpoint responses (B2C includes it whenever an access
  // token is issued with the ID token; oidc-provider only does so for hybrid/implicit).
  const { AccessToken, IdToken } = provider;
  const atSave = AccessToken.prototype.save;
  AccessToken.prototype.save = async function save(...a) {
    const value = await atSave.apply(this, a);
    this[AT_VALUE] = value;
    return value;
  };
  const idIssue = IdToken.prototype.issue;
  IdToken.prototype.issue = function issue(opts) {
    const at = this.ctx?.oidc?.entities?.AccessToken;
    if (opts?.use === 'idtoken' && this.ctx?.oidc?.route === 'token' && at?.[AT_VALUE]) {
      this.set('at_hash', at[AT_VALUE]); // hashed by issue() itself
    }
    // A provider whose auth_time is a placeholder (B2C_1_epoch: 0, "signed in 1970").
    if (policy.authTime !== undefined) this.set('auth_time', policy.authTime);
    return idIssue.call(this, opts);
  };

  return { provider, callback: provider.callback(), jwk, store };
}

// ---------------------------------------------------------------------------------------
// Interaction handling outside oidc-provider
// ---------------------------------------------------------------------------------------

/** Grant exactly what the consent prompt says is missing (same as devInteractions does). */
async function grantFromDetails(provider, interaction) {
  const { prompt: { details }, grantId, session, params } = interaction;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) {
    grant.addResourceScope(indicator, scopes.join(' '));
  }
  return grant.save();
}

/** Grant everything the authorization request asked for (used when login and consent are
 * answered in one step, so no session cookie is needed between them). */
async function grantFromParams(provider, interaction, accountId) {
  const { params } = interaction;
  const grant = new provider.Grant({ accountId, clientId: params.client_id });
  const scopes = String(params.scope || '').split(' ').filter(Boolean);
  grant.addOIDCScope(scopes.filter((s) => OIDC_SCOPES.includes(s)).join(' '));
  for (const api of APIS) {
    const mine = scopes.filter((s) => s in api.scopes);
    if (mine.length) grant.addResourceScope(api.identifier, mine.join(' '));
  }
  if (params.claims) {
    try {
      const c = JSON.parse(params.claims);
      grant.addOIDCClaims([...Object.keys(c.id_token ?? {}), ...Object.keys(c.userinfo ?? {})]);
    } catch { /* invalid claims were rejected by the authorization endpoint already */ }
  }
  return grant.save();
}

/** Logins that completed a password-reset policy ('resets') and have not signed in since
 * through a 'passesAfterReset' policy: that policy lets each of them through once. */
const resetsDone = new Map();
function takeReset(login) {
  const n = resetsDone.get(login) ?? 0;
  if (n > 0) resetsDone.set(login, n - 1);
  return n > 0;
}

/** 'auto' / 'error' policies: answer the interaction at once and redirect back. The
 * interaction is found by the UID in the path, not by cookie, so no cookie jar is needed. */
async function autoInteraction(policy, p, uid, req, res) {
  const interaction = await p.provider.Interaction.find(uid);
  if (!interaction) return sendText(res, 400, errorPage('invalid_request', 'interaction not found or expired'), 'text/html; charset=utf-8');

  let result;
  const login = interaction.params.login_hint || DEFAULT_LOGIN;
  const letThrough = policy.passesAfterReset && interaction.prompt.name === 'login' && takeReset(login);
  const aadsts = policy.externalId && interaction.prompt.name === 'login' && EXTERNAL_ID_ERRORS[login];
  if (aadsts) {
    result = { error: aadsts.error, error_description: aadstsDescription(aadsts.code, aadsts.message) };
  } else if (policy.interaction === 'error' && !letThrough) {
    const { error = 'access_denied', code, message } = policy.error;
    result = { error, error_description: b2cDescription(code, message) };
  } else if (interaction.prompt.name === 'login') {
    const user = registerLogin(login);
    const grantId = await grantFromParams(p.provider, interaction, user.oid);
    result = { login: { accountId: user.oid }, consent: { grantId } };
    if (policy.resets) resetsDone.set(login, (resetsDone.get(login) ?? 0) + 1);
  } else if (interaction.prompt.name === 'consent') {
    result = { ...interaction.lastSubmission, consent: { grantId: await grantFromDetails(p.provider, interaction) } };
  } else {
    return sendText(res, 501, `prompt ${interaction.prompt.name} not implemented`);
  }
  interaction.result = result;
  await interaction.save(Math.max(1, interaction.exp - epoch()));
  vlog(`${policy.name}: auto ${interaction.prompt.name} -> ${result.error ?? 'ok'}`);
  res.writeHead(303, { Location: interaction.returnTo, 'Content-Length': '0', 'Cache-Control': 'no-store' });
  res.end();
}

/** 'pages' policies: the dev login/consent forms post here. Logins map to the user's object
 * ID (so `sub` of every token is the GUID), consent grants what the prompt lists. */
async function devSubmit(policy, p, req, res) {
  const body = await readForm(req);
  const interaction = await p.provider.interactionDetails(req, res);
  if (body.prompt === 'login' && interaction.prompt.name === 'login') {
    const user = registerLogin(body.login);
    vlog(`${policy.name}: login as ${user.login} (${user.oid})`);
    return p.provider.interactionFinished(req, res, { login: { accountId: user.oid } }, { mergeWithLastSubmission: false });
  }
  if (body.prompt === 'consent' && interaction.prompt.name === 'consent') {
    const grantId = await grantFromDetails(p.provider, interaction);
    return p.provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  return sendText(res, 400, errorPage('invalid_request', `unexpected submission for prompt ${interaction.prompt.name}`), 'text/html; charset=utf-8');
}

/** "[ Cancel ]" on the dev pages: B2C's user-cancelled error. */
async function devAbort(policy, p, req, res) {
  vlog(`${policy.name}: user cancelled`);
  return p.provider.interactionFinished(req, res, {
    error: 'access_denied',
    error_description: b2cDescription('AADB2C90091', 'The user has cancelled entering self-asserted information.'),
  }, { mergeWithLastSubmission: false });
}

/** Ends an interaction with `result` and sends the browser back to oidc-provider, which
 * redirects to the client (with the code, or with the error in `result`). */
async function finish(interaction, result, res) {
  interaction.result = result;
  await interaction.save(Math.max(1, interaction.exp - epoch()));
  res.writeHead(303, { Location: interaction.returnTo, 'Content-Length': '0', 'Cache-Control': 'no-store' });
  res.end();
}

/** A login typed as a user's e-mail address names that user. */
function loginFromTyped(typed) {
  const t = String(typed ?? '').trim();
  const byEmail = Object.entries(USERS).find(([, u]) => u.emails.some((e) => e.toLowerCase() === t.toLowerCase()));
  return byEmail ? byEmail[0] : t;
}

/** Logins whose password was accepted on the sign-in page, waiting for Continue (uid -> login). */
const b2cLogins = new Map();

const B2C_STYLE = `body{font-family:"Segoe UI",sans-serif;margin:0;background:#f2f2f2}
#api{max-width:420px;margin:40px auto;background:#fff;padding:24px}
.error.pageLevel{background:#fdd;color:#a00;padding:8px;margin:8px 0}
.entry-item{margin:12px 0} input{width:100%;padding:6px;box-sizing:border-box}
.buttons{margin-top:16px} button{padding:8px 16px}`;

function b2cPage(title, body, script = '') {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${htmlEscape(title)}</title>
<style>${B2C_STYLE}</style></head><body><div id="api" ${body}</div>${script ? `<script>${script}</script>` : ''}</body></html>`;
}

/** B2C's unified sign-in page ("Sign in with your email address"), its element IDs as B2C
 * renders them. "Sign in" posts the credentials in the background (as B2C's page does); a
 * wrong password shows the page-level error without leaving the page. */
function b2cSignInPage(prefix, uid) {
  const base = `${prefix}/interaction/${uid}`;
  const body = `data-name="Unified" role="main">
<div class="heading"><h1 role="heading">Sign in</h1></div>
<form id="localAccountForm" action="JavaScript:void(0);" class="localAccount" aria-label="Sign in with your email address" novalidate>
<div class="intro"><h2>Sign in with your email address</h2></div>
<div class="error pageLevel" aria-hidden="true" role="alert" style="display: none;"><p></p></div>
<div class="entry">
<div class="entry-item"><label for="signInName">Email Address</label>
<input type="email" id="signInName" name="Sign in name" placeholder="Email Address" aria-label="Email Address" autofocus></div>
<div class="entry-item"><div class="password-label"><label for="password">Password</label>
<a id="forgotPassword" href="${base}/forgot">Forgot your password?</a></div>
<input type="password" id="password" name="Password" placeholder="Password" aria-label="Password" autocomplete="current-password"></div>
<div class="working"></div>
<div class="buttons"><button id="next" type="submit" form="localAccountForm">Sign in</button></div>
</div></form>
<div class="buttons"><button id="cancel" type="button">Cancel</button></div>`;
  const script = `
const form = document.getElementById('localAccountForm');
const error = document.querySelector('.error.pageLevel');
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  error.style.display = 'none';
  error.setAttribute('aria-hidden', 'true');
  const body = new URLSearchParams({ signInName: document.getElementById('signInName').value, password: document.getElementById('password').value });
  const r = await fetch(${JSON.stringify(`${base}/login`)}, { method: 'POST', body });
  const answer = await r.json();
  if (answer.status === '200') { location.assign(answer.next); return; }
  error.querySelector('p').textContent = answer.message;
  error.style.display = 'block';
  error.setAttribute('aria-hidden', 'false');
});
document.getElementById('cancel').addEventListener('click', () => location.assign(${JSON.stringify(`${base}/cancel`)}));`;
  return b2cPage('Sign in', body, script);
}

/** A self-asserted page ("Continue"), as B2C shows after sign-in when the user flow collects
 * or confirms attributes. */
function b2cContinuePage(prefix, uid, user) {
  const base = `${prefix}/interaction/${uid}`;
  const body = `data-name="SelfAsserted" role="main">
<div class="intro"><p>Check your details, then continue.</p></div>
<div class="error pageLevel" aria-hidden="true" role="alert" style="display: none;"><p></p></div>
<form id="attributeVerification" method="post" action="${base}/continue">
<div class="attr"><ul><li><div class="attrEntry"><label for="displayName">Display Name</label>
<input id="displayName" name="displayName" type="text" value="${htmlEscape(user.name)}"></div></li></ul></div>
<div class="buttons"><button id="continue" type="submit">Continue</button>
<button id="cancel" type="button" formnovalidate>Cancel</button></div></form>`;
  const script = `document.getElementById('cancel').addEventListener('click', () => location.assign(${JSON.stringify(`${base}/cancel`)}));`;
  return b2cPage('Your details', body, script);
}

/** 'b2c' policies: B2C-shaped pages. GET /interaction/UID shows the sign-in page; POST …/login
 * checks the password (JSON answer, as B2C's SelfAsserted endpoint); GET/POST …/continue is the
 * self-asserted page; …/forgot and …/cancel end the flow with AADB2C90118 and AADB2C90091. */
async function b2cPages(policy, p, prefix, uid, step, req, res) {
  const interaction = await p.provider.Interaction.find(uid);
  const html = (status, text) => sendText(res, status, text, 'text/html; charset=utf-8');
  if (!interaction) return html(400, errorPage('invalid_request', 'interaction not found or expired'));
  if (interaction.prompt.name === 'consent' && !step) {
    // A session from an earlier sign-in in the same browser: consent is granted at once.
    return finish(interaction, { ...interaction.lastSubmission, consent: { grantId: await grantFromDetails(p.provider, interaction) } }, res);
  }
  if (!step && req.method === 'GET') return html(200, b2cSignInPage(prefix, uid));
  if (step === 'login' && req.method === 'POST') {
    const form = await readForm(req);
    const login = loginFromTyped(form.signInName);
    res.setHeader('Content-Type', 'application/json');
    if (!login || form.password !== TEST_PASSWORD) {
      vlog(`${policy.name}: wrong password for ${login || '(empty)'}`);
      return sendJson(res, 200, { status: '400', message: 'Invalid username or password.' });
    }
    b2cLogins.set(uid, login);
    return sendJson(res, 200, { status: '200', next: `${prefix}/interaction/${uid}/continue` });
  }
  if (step === 'continue') {
    const login = b2cLogins.get(uid);
    if (!login) return html(400, errorPage('invalid_request', 'sign in first'));
    if (req.method === 'GET') return html(200, b2cContinuePage(prefix, uid, userForLogin(login)));
    await readForm(req);
    b2cLogins.delete(uid);
    const user = registerLogin(login);
    const grantId = await grantFromParams(p.provider, interaction, user.oid);
    vlog(`${policy.name}: signed in as ${user.login}`);
    return finish(interaction, { login: { accountId: user.oid }, consent: { grantId } }, res);
  }
  if (step === 'forgot' && req.method === 'GET') {
    b2cLogins.delete(uid);
    return finish(interaction, { error: 'access_denied', error_description: b2cDescription('AADB2C90118', 'The user has forgotten their password.') }, res);
  }
  if (step === 'cancel' && req.method === 'GET') {
    b2cLogins.delete(uid);
    return finish(interaction, { error: 'access_denied', error_description: b2cDescription('AADB2C90091', 'The user has cancelled entering self-asserted information.') }, res);
  }
  return html(405, errorPage('invalid_request', `${req.method} ${step ?? ''} is not part of this page`));
}

/** Refresh tokens of the ROPC policy (value -> { login, scopes, authTime }); they rotate at every
 * use, and a refreshed ID token keeps the sign-in's auth_time (OIDC Core §12.2). */
const ropcRefreshTokens = new Map();

/** A JWT signed with the policy's key. */
function signJwt(jwk, payload) {
  const header = { typ: 'JWT', alg: 'RS256', kid: jwk.kid };
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc(header)}.${enc(payload)}`;
  const key = crypto.createPrivateKey({ key: jwk, format: 'jwk' });
  return `${input}.${crypto.sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}

/** 'ropc' policies: the token endpoint itself, as B2C's ROPC user flow answers it:
 * grant_type=password (any user, TEST_PASSWORD) and refresh_token (rotating). */
async function ropcToken(policy, p, req, res) {
  const form = await readForm(req);
  const fail = (status, error, code, message) => sendJson(res, status, { error, error_description: b2cDescription(code, message) });
  if (form.client_id !== CLIENT_ID) return fail(400, 'unauthorized_client', 'AADB2C90057', 'The provided application is not configured to allow the OAuth Implicit flow.');
  let login;
  let scopes;
  let authTime = epoch();
  if (form.grant_type === 'password') {
    login = loginFromTyped(form.username);
    if (!login || form.password !== TEST_PASSWORD) {
      vlog(`${policy.name}: ROPC wrong password for ${login || '(empty)'}`);
      return fail(400, 'access_denied', 'AADB2C90225', 'The username or password provided in the request are invalid.');
    }
    scopes = String(form.scope ?? '').split(' ').filter(Boolean);
    if (!scopes.includes('openid')) return fail(400, 'invalid_request', 'AADB2C90055', "The scope 'openid' must be requested.");
  } else if (form.grant_type === 'refresh_token') {
    const saved = ropcRefreshTokens.get(form.refresh_token);
    if (!saved) return fail(400, 'invalid_grant', 'AADB2C90080', 'The provided grant has expired or was revoked.');
    ropcRefreshTokens.delete(form.refresh_token);
    ({ login, scopes, authTime } = saved);
  } else {
    return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: `grant_type ${form.grant_type} is not supported by ${policy.name}` });
  }
  const user = registerLogin(login);
  const now = epoch();
  const iss = p.provider.issuer;
  const accessToken = signJwt(p.jwk, {
    iss, aud: CLIENT_ID, sub: user.oid, oid: user.oid, azp: CLIENT_ID, tfp: policy.name, ver: '1.0',
    iat: now, nbf: now, exp: now + TTL.AccessToken,
  });
  const atHash = crypto.createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
  const idToken = signJwt(p.jwk, {
    iss, aud: CLIENT_ID, sub: user.oid, oid: user.oid, tfp: policy.name, ver: '1.0',
    emails: user.emails, idp: user.idp, name: user.name, given_name: user.given_name, family_name: user.family_name,
    auth_time: authTime, iat: now, nbf: now, exp: now + TTL.IdToken, at_hash: atHash,
  });
  const body = { access_token: accessToken, id_token: idToken, token_type: 'Bearer', expires_in: TTL.AccessToken, scope: scopes.join(' ') };
  if (scopes.includes('offline_access')) {
    const refresh = crypto.randomBytes(32).toString('base64url');
    ropcRefreshTokens.set(refresh, { login, scopes, authTime });
    Object.assign(body, { refresh_token: refresh, refresh_token_expires_in: TTL.RefreshToken });
  }
  vlog(`${policy.name}: ROPC ${form.grant_type} for ${user.login}`);
  return sendJson(res, 200, body);
}

/** Without a cookie jar the resume request lacks oidc-provider's resume cookie; for the
 * no-page policies its value is the UID in the path, so supply it. */
function injectResumeCookie(policy, uid, req) {
  const name = COOKIE_NAMES(policy).resume;
  if (parseCookies(req.headers.cookie)[name]) return;
  req.headers.cookie = [req.headers.cookie, `${name}=${uid}`].filter(Boolean).join('; ');
}

/** oidc-provider 9 drops offline_access unless the request's `prompt` includes `consent`
 * (whether or not `prompt` was sent). B2C does not, so add `consent` to the prompt; native
 * clients see the consent prompt on every authorization anyway. prompt=none is left alone. */
function forceConsentForOffline(url) {
  const scope = url.searchParams.get('scope');
  if (!scope || !scope.split(' ').includes('offline_access')) return false;
  const prompts = (url.searchParams.get('prompt') ?? '').split(' ').filter(Boolean);
  if (prompts.includes('consent') || prompts.includes('none')) return false;
  url.searchParams.set('prompt', [...prompts, 'consent'].join(' '));
  return true;
}

/** Verify an id_token_hint issued by this policy (signature, issuer, audience; expiry ignored). */
function verifyIdTokenHint(p, token) {
  try {
    const [h, b, s] = token.split('.');
    const header = JSON.parse(Buffer.from(h, 'base64url'));
    const payload = JSON.parse(Buffer.from(b, 'base64url'));
    if (header.alg !== 'RS256' || header.kid !== p.jwk.kid) return null;
    const key = crypto.createPublicKey({ key: { kty: p.jwk.kty, n: p.jwk.n, e: p.jwk.e }, format: 'jwk' });
    if (!crypto.verify('RSA-SHA256', Buffer.from(`${h}.${b}`), key, Buffer.from(s, 'base64url'))) return null;
    const aud = [].concat(payload.aud);
    if (payload.iss !== p.provider.issuer || !aud.some((a) => CLIENT_IDS.includes(a))) return null;
    return payload;
  } catch {
    return null;
  }
}

/** B2C-style sign-out: clear the session, then a plain 302 to post_logout_redirect_uri
 * (must be registered) with `state`, or a "signed out" page when none is given. */
async function logout(policy, p, url, req, res) {
  const q = url.searchParams;
  const target = q.get('post_logout_redirect_uri');
  const hint = q.get('id_token_hint');
  const clientId = q.get('client_id');

  if (hint && !verifyIdTokenHint(p, hint)) {
    return sendText(res, 400, errorPage('invalid_request', 'id_token_hint is not a valid ID token of this policy'), 'text/html; charset=utf-8');
  }
  if (clientId && !CLIENT_IDS.includes(clientId)) {
    return sendText(res, 400, errorPage('invalid_client', `unknown client_id '${clientId}'`), 'text/html; charset=utf-8');
  }
  if (target) {
    const client = await p.provider.Client.find(clientId || CLIENT_ID);
    if (!client.postLogoutRedirectUriAllowed(target)) {
      return sendText(res, 400, errorPage('invalid_request', `post_logout_redirect_uri '${target}' is not registered for the client id '${client.clientId}'`), 'text/html; charset=utf-8');
    }
  }

  const cookieName = COOKIE_NAMES(policy).session;
  const sid = parseCookies(req.headers.cookie)[cookieName];
  if (sid) {
    const session = await p.provider.Session.find(sid);
    if (session) await session.destroy();
  }
  const headers = {
    'Set-Cookie': `${cookieName}=; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly; samesite=lax`,
    'Cache-Control': 'no-store',
  };
  vlog(`${policy.name}: logout -> ${target ?? '(page)'}`);
  if (target) {
    const dest = new URL(target);
    if (q.get('state') !== null) dest.searchParams.set('state', q.get('state'));
    res.writeHead(302, { ...headers, Location: dest.href });
    return res.end();
  }
  res.writeHead(200, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
  return res.end('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Signed out</title></head><body><p>You have signed out.</p></body></html>');
}

// ---------------------------------------------------------------------------------------
// Routing
// ---------------------------------------------------------------------------------------
const policyByLower = new Map(POLICIES.map((p) => [p.name.toLowerCase(), p]));
const TENANT_SEGMENTS = new Set([TENANT.toLowerCase(), TENANT_ID]);

/** Map a request path onto { policy, prefix, rest } or null. */
function resolvePolicy(url) {
  const segs = url.pathname.split('/'); // ['', ...]
  let i = 1;
  if (segs[i]?.toLowerCase() === 'tfp') i += 1;
  if (!TENANT_SEGMENTS.has(segs[i]?.toLowerCase())) return null;

  let policy = policyByLower.get(segs[i + 1]?.toLowerCase());
  let prefix;
  let rest;
  if (policy) { // path form: keep the prefix exactly as requested
    prefix = segs.slice(0, i + 2).join('/');
    rest = `/${segs.slice(i + 2).join('/')}`;
  } else { // query form: ?p=<policy>; generated URLs use the path form
    policy = policyByLower.get(url.searchParams.get('p')?.toLowerCase());
    if (!policy) return { error: `unknown policy '${url.searchParams.get('p') ?? segs[i + 1] ?? ''}'` };
    prefix = `${segs.slice(0, i + 1).join('/')}/${policy.name}`;
    rest = `/${segs.slice(i + 1).join('/')}`;
  }
  if (rest.startsWith('/v2.0/.well-known/')) rest = rest.slice('/v2.0'.length);
  return { policy, prefix, rest };
}

const EXTERNAL_ID_SEGMENTS = new Set([EXTERNAL_ID.tenant.toLowerCase(), EXTERNAL_ID.tenantId]);

/** The External ID tenant: /<tenant ID or domain>/... (no policy), or null. */
function resolveExternalId(url) {
  const segs = url.pathname.split('/');
  if (!EXTERNAL_ID_SEGMENTS.has(segs[1]?.toLowerCase())) return null;
  const prefix = `/${segs[1]}`;
  let rest = `/${segs.slice(2).join('/')}`;
  if (rest.startsWith('/v2.0/.well-known/')) rest = rest.slice('/v2.0'.length);
  return { policy: EXTERNAL_ID, prefix, rest };
}

/** Clients that must send their request object encrypted (REQUEST_FORM_CLIENTS `encrypted`),
 * as itsme requires; oidc-provider accepts a signed-only one. Checks the authorize URL and the
 * PAR body (read here and handed on as `req.body`). An error object, or null. */
async function refuseUnencryptedRequest(rest, url, req) {
  const encrypted = new Set(REQUEST_FORM_CLIENTS.filter((c) => c.encrypted).map((c) => c.client_id));
  let params = url.searchParams;
  if (rest === ROUTES.pushed_authorization_request && req.method === 'POST') {
    const form = await readForm(req);
    req.body = form;
    params = new URLSearchParams(form);
  } else if (rest !== ROUTES.authorization) {
    return null;
  }
  if (!encrypted.has(params.get('client_id'))) return null;
  const request = params.get('request');
  if (request === null || request.split('.').length === 5) return null;
  return {
    error: 'invalid_request_object',
    error_description: 'this client requires the request object signed and then encrypted (a JWE) to the provider\'s enc key',
  };
}

/** The generic provider: /oidc/... , or null. */
function resolveGeneric(url) {
  const segs = url.pathname.split('/');
  if (segs[1] !== GENERIC.path) return null;
  return { policy: GENERIC, prefix: `/${GENERIC.path}`, rest: `/${segs.slice(2).join('/')}` };
}

let encryptionKey; // the generic provider's `enc` key
let providers; // Map policy name -> { provider, callback, jwk }
let base;
let certs; // the mTLS certificates (mtls.mjs), or null without openssl
let mtlsBase; // https://127.0.0.1:PORT: the generic provider's mTLS listener
let strictBase; // the same, refusing certificates the test CA did not issue in the handshake
let protectedApi; // the protected API (api.mjs)
let dpopApi; // the generic provider's DPoP-bound API (api.mjs)

function indexDocument() {
  return {
    ready: true,
    base,
    tenant: TENANT,
    tenant_id: TENANT_ID,
    client_id: CLIENT_ID,
    confidential_clients: CONFIDENTIAL_CLIENTS,
    service_client: SERVICE_CLIENT,
    jwt_clients: JWT_CLIENTS.map(({ jwks: _public, ...c }) => c),
    request_form_clients: REQUEST_FORM_CLIENTS.map(({ jwks: _public, ...c }) => c),
    api_scope: API_SCOPE,
    api_app_id: APIS[0].appId,
    policies: POLICIES.map((p) => p.name),
    issuers: Object.fromEntries(POLICIES.map((p) => [p.name, providers.get(p.name).provider.issuer])),
    test_user: { login: DEFAULT_LOGIN, oid: userForLogin(DEFAULT_LOGIN).oid },
    api: {
      base: `${base}/api`,
      mounts: Object.keys(PROTECTED_API.mounts).map((m) => `${base}${m}`),
      routes: PROTECTED_API.routes.map((r) => `${r.method} ${r.path}${r.scope ? ` (scp ${r.scope})` : ''}`),
    },
    external_id: {
      tenant: EXTERNAL_ID.tenant,
      tenant_id: EXTERNAL_ID.tenantId,
      issuer: providers.get(EXTERNAL_ID.name).provider.issuer,
      metadata: [
        `${base}/${EXTERNAL_ID.tenantId}/v2.0/.well-known/openid-configuration`,
        `${base}/${EXTERNAL_ID.tenant}/v2.0/.well-known/openid-configuration`,
      ],
      error_login_hints: Object.fromEntries(Object.entries(EXTERNAL_ID_ERRORS).map(([hint, e]) => [hint, e.code])),
    },
    generic: {
      issuer: providers.get(GENERIC.name).provider.issuer,
      metadata: `${base}/${GENERIC.path}/.well-known/openid-configuration`,
      dpop_nonce_client_id: DPOP_NONCE_CLIENT_ID,
      dpop_api: DPOP_API.routes.map((r) => `${base}${DPOP_API.prefix}${r}`),
    },
    mtls: certs ? {
      base: mtlsBase,
      strict_base: strictBase,
      ca: certs.files('ca.pem'),
      client: { cert: certs.files('client.pem'), key: certs.files('client.key') },
      self_signed: { cert: certs.files('self.pem'), key: certs.files('self.key') },
      expired: { cert: certs.files('expired.pem'), key: certs.files('client.key') },
      client_id: mtls.MTLS_CLIENT.client_id,
      self_signed_client_id: mtls.MTLS_SELF_SIGNED_CLIENT.client_id,
      dpop_client_id: mtls.MTLS_DPOP_CLIENT.client_id,
    } : null,
  };
}

async function handle(req, res) {
  const url = new URL(req.url, base);
  if (url.pathname === '/health') return sendText(res, 200, 'ok');
  if (url.pathname === '/') {
    const doc = indexDocument();
    doc.metadata = Object.fromEntries(POLICIES.map((p) => [p.name, [
      `${base}/${TENANT}/${p.name}/v2.0/.well-known/openid-configuration`,
      `${base}/${TENANT}/v2.0/.well-known/openid-configuration?p=${p.name}`,
      `${base}/${TENANT_ID}/${p.name}/v2.0/.well-known/openid-configuration`,
    ]]));
    return sendJson(res, 200, doc);
  }

  if (protectedApi.handles(url)) return protectedApi.handle(req, res, url);
  if (dpopApi.handles(url)) return dpopApi.handle(req, res, url);

  const r = resolveGeneric(url) ?? resolveExternalId(url) ?? resolvePolicy(url);
  if (!r) return sendJson(res, 404, { error: 'not_found', error_description: `no route for ${url.pathname}` });
  if (r.error) return sendJson(res, 404, { error: 'not_found', error_description: r.error });
  const { policy, prefix, rest } = r;
  const p = providers.get(policy.name);

  // oidc-provider builds every URL (discovery, interaction, resume) from req.baseUrl
  req.baseUrl = prefix;

  if (rest === ROUTES.end_session && req.method === 'GET') return logout(policy, p, url, req, res);

  if (policy.interaction === 'ropc' && rest === ROUTES.token && req.method === 'POST') return ropcToken(policy, p, req, res);
  const b2c = policy.interaction === 'b2c' && rest.match(/^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|continue|forgot|cancel))?$/);
  if (b2c) return b2cPages(policy, p, prefix, b2c[1], b2c[2], req, res);

  const m = rest.match(/^\/interaction\/([A-Za-z0-9_-]+)(\/abort)?$/);
  if (m && policy.interaction !== 'pages' && req.method === 'GET' && !m[2]) return autoInteraction(policy, p, m[1], req, res);
  if (m && policy.interaction === 'pages' && req.method === 'POST' && !m[2]) return devSubmit(policy, p, req, res);
  if (m && policy.interaction === 'pages' && req.method === 'GET' && m[2]) return devAbort(policy, p, req, res);

  const resume = rest.match(/^\/oauth2\/v2\.0\/authorize\/([A-Za-z0-9_-]+)$/);
  if (resume && policy.interaction !== 'pages') injectResumeCookie(policy, resume[1], req);

  if (rest === ROUTES.authorization && req.method === 'GET') forceConsentForOffline(url);
  if (policy.generic) {
    const refused = await refuseUnencryptedRequest(rest, url, req);
    if (refused) return sendJson(res, 400, refused);
  }

  req.url = rest + url.search;
  return p.callback(req, res);
}

// ---------------------------------------------------------------------------------------
// Start
// ---------------------------------------------------------------------------------------
const keys = await keysPromise;
encryptionKey = await generateEncryptionKey();
certs = await certsPromise;

function onRequest(req, res) {
  const started = performance.now();
  const original = req.url;
  res.on('finish', () => vlog(`${req.method} ${original} -> ${res.statusCode} (${(performance.now() - started).toFixed(1)} ms)`));
  if (latency > 0) setTimeout(() => answer(req, res), latency);
  else answer(req, res);
}
const server = http.createServer(onRequest);
server.keepAliveTimeout = 5000;

function answer(req, res) {
  handle(req, res).catch((err) => {
    log('request failed:', err);
    if (!res.headersSent) {
      const status = err.statusCode ?? err.status ?? 500;
      sendText(res, status, errorPage(err.error ?? 'server_error', err.error_description ?? err.message), 'text/html; charset=utf-8');
    } else {
      res.destroy();
    }
  });
}

try {
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(args.port), args.host, resolve);
  });
} catch (e) {
  log(`cannot listen on ${args.host}:${args.port}: ${e.code ?? e.message}`);
  process.exit(1);
}

const { port } = server.address();
const hostForUrl = args.host.includes(':') ? `[${args.host}]` : args.host;
base = `http://${hostForUrl}:${port}`;
const tlsServers = [];
if (certs) {
  try {
    const loose = await mtls.listen(certs, args.host, false, onRequest);
    const strict = await mtls.listen(certs, args.host, true, onRequest);
    tlsServers.push(loose, strict);
    mtlsBase = `https://${hostForUrl}:${loose.address().port}`;
    strictBase = `https://${hostForUrl}:${strict.address().port}`;
  } catch (e) {
    log(`mTLS is off: cannot listen with TLS on ${args.host}: ${e.code ?? e.message}`);
    certs = null;
  }
}
providers = new Map(PROVIDERS.map((policy, i) => [policy.name, makeProvider(policy, issuerFor(policy, base, port), keys[i])]));
protectedApi = createApi({
  config: PROTECTED_API,
  issuer: providers.get(PROTECTED_API.issuerPolicy).provider.issuer,
  keys: PROTECTED_API.trustedPolicies.map((name) => providers.get(name).jwk),
  authorizationUri: `${base}/${TENANT}/${PROTECTED_API.issuerPolicy}/oauth2/v2.0/authorize`,
  log: vlog,
});

dpopApi = createDpopApi({
  config: DPOP_API,
  base,
  issuer: providers.get(GENERIC.name).provider.issuer,
  key: providers.get(GENERIC.name).jwk,
  log: vlog,
});

log(`listening on ${base} (${(performance.now() - t0).toFixed(0)} ms after start); policies: ${POLICIES.map((p) => p.name).join(', ')}`);
// synchronous write: the line is flushed before anything else happens
fs.writeSync(1, `${JSON.stringify(indexDocument())}\n`);

// ---------------------------------------------------------------------------------------
// Shutdown: signals, and EOF on stdin when stdin is a pipe/socket (a parent test process).
// A TTY or /dev/null stdin is not watched (interactive use, backgrounded shell jobs).
// ---------------------------------------------------------------------------------------
let stopping = false;
function shutdown(why) {
  if (stopping) return;
  stopping = true;
  log(`shutting down (${why})`);
  server.close();
  server.closeAllConnections();
  for (const s of tlsServers) {
    s.close();
    s.closeAllConnections();
  }
  if (certs) fs.rmSync(certs.dir, { recursive: true, force: true });
  setTimeout(() => process.exit(0), 50).unref();
  process.exitCode = 0;
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGHUP', () => shutdown('SIGHUP'));
try {
  const st = fs.fstatSync(0);
  if (st.isFIFO() || st.isSocket()) {
    process.stdin.on('end', () => shutdown('stdin closed'));
    process.stdin.on('error', () => shutdown('stdin error'));
    process.stdin.resume();
  }
} catch { /* no stdin at all */ }
