#!/usr/bin/env node
// Self-test of the test provider (and of browser.mjs): starts server.mjs, then checks the
// B2C shape end to end. Run: `node tests/idp/selftest.mjs [--no-browser]`. Exit 0 = all passed.

import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = path.dirname(fileURLToPath(import.meta.url));
const withBrowser = !process.argv.includes('--no-browser');

let failures = 0;
async function check(name, fn) {
  const t = performance.now();
  try {
    await fn();
    console.error(`ok   ${name} (${(performance.now() - t).toFixed(0)} ms)`);
  } catch (e) {
    failures += 1;
    console.error(`FAIL ${name}\n     ${e.stack?.split('\n').slice(0, 4).join('\n     ')}`);
  }
}

// ------------------------------------------------------------------ server
const t0 = performance.now();
const server = spawn(process.execPath, [path.join(here, 'server.mjs')], { stdio: ['pipe', 'pipe', 'inherit'] });
const ready = await new Promise((resolve, reject) => {
  readline.createInterface({ input: server.stdout }).once('line', (l) => resolve(JSON.parse(l)));
  server.once('exit', (c) => reject(new Error(`server exited ${c}`)));
});
console.error(`server ready in ${(performance.now() - t0).toFixed(0)} ms: ${ready.base}`);
const { base, tenant, tenant_id: tenantId, client_id: clientId, api_scope: apiScope, api_app_id: apiAppId } = ready;

// ------------------------------------------------------------------ helpers
const b64url = (b) => Buffer.from(b).toString('base64url');
function pkce() {
  const verifier = b64url(crypto.randomBytes(32));
  return { verifier, challenge: b64url(crypto.createHash('sha256').update(verifier).digest()) };
}
const prefixOf = (policy) => `${base}/${tenant}/${policy}`;
function authorizeUrl(policy, { redirectUri = 'http://localhost:54321', scope = `openid offline_access ${apiScope}`, challenge, extra = {} } = {}) {
  const u = new URL(`${prefixOf(policy)}/oauth2/v2.0/authorize`);
  const q = {
    client_id: clientId, response_type: 'code', redirect_uri: redirectUri, scope, state: 'st-1', nonce: 'nonce-1',
    ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}), ...extra,
  };
  for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
  return u.href;
}
/** Follow redirects by hand, without cookies, until one leaves the provider. */
async function followToCallback(url, max = 10) {
  const hops = [];
  for (let i = 0; i < max; i += 1) {
    const r = await fetch(url, { redirect: 'manual' });
    if (r.status < 300 || r.status >= 400) return { final: r, hops, body: await r.text() };
    url = new URL(r.headers.get('location'), url).href;
    hops.push(r.status);
    if (!url.startsWith(base)) return { callback: new URL(url), hops };
  }
  throw new Error('too many redirects');
}
async function token(policy, form) {
  const r = await fetch(`${prefixOf(policy)}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ client_id: clientId, ...form }) });
  return { status: r.status, json: await r.json() };
}
const decode = (jwt) => {
  const [h, p] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url')), payload: JSON.parse(Buffer.from(p, 'base64url')) };
};
async function verifySig(policy, jwt) {
  const { keys } = await (await fetch(`${prefixOf(policy)}/discovery/v2.0/keys`)).json();
  const { header } = decode(jwt);
  const jwk = keys.find((k) => k.kid === header.kid);
  assert.ok(jwk, `kid ${header.kid} not in ${policy} JWKS`);
  const [h, p, s] = jwt.split('.');
  assert.ok(crypto.verify('RSA-SHA256', Buffer.from(`${h}.${p}`), crypto.createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url')), 'bad signature');
}
const guidIssuer = `${base}/${tenantId}/v2.0/`;
const expectedIssuer = (policy) => ready.issuers[policy];

async function codeFlow(policy, opts = {}) {
  const { verifier, challenge } = pkce();
  const redirectUri = opts.redirectUri ?? 'http://localhost:54321';
  const { callback, hops } = await followToCallback(authorizeUrl(policy, { ...opts, redirectUri, challenge }));
  assert.ok(callback, 'no callback redirect');
  const code = callback.searchParams.get('code');
  assert.ok(code, `no code in ${callback.href}`);
  const t = await token(policy, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier });
  return { callback, hops, ...t };
}

// ------------------------------------------------------------------ checks
await check('health', async () => {
  const r = await fetch(`${base}/health`);
  assert.equal(r.status, 200);
  assert.equal(await r.text(), 'ok');
});

for (const policy of ready.policies) {
  await check(`metadata forms: ${policy}`, async () => {
    const forms = [
      [`${base}/${tenant}/${policy}/v2.0/.well-known/openid-configuration`, `${base}/${tenant}/${policy}`],
      [`${base}/${tenant}/v2.0/.well-known/openid-configuration?p=${policy.toLowerCase()}`, `${base}/${tenant}/${policy}`],
      [`${base}/${tenantId}/${policy}/v2.0/.well-known/openid-configuration`, `${base}/${tenantId}/${policy}`],
    ];
    for (const [url, prefix] of forms) {
      const md = await (await fetch(url)).json();
      assert.equal(md.issuer, expectedIssuer(policy), url);
      assert.equal(md.authorization_endpoint, `${prefix}/oauth2/v2.0/authorize`);
      assert.equal(md.token_endpoint, `${prefix}/oauth2/v2.0/token`);
      assert.equal(md.end_session_endpoint, `${prefix}/oauth2/v2.0/logout`);
      assert.equal(md.jwks_uri, `${prefix}/discovery/v2.0/keys`);
      assert.deepEqual(md.code_challenge_methods_supported, ['S256']);
    }
  });
}

await check('issuers: GUID form and tfp form', async () => {
  assert.equal(expectedIssuer('B2C_1_susi'), guidIssuer);
  assert.equal(expectedIssuer('B2C_1_auto'), guidIssuer);
  assert.equal(expectedIssuer('B2C_1A_tfp'), `${base}/tfp/${tenantId}/B2C_1A_tfp/v2.0/`);
});

await check('keys differ per policy', async () => {
  const kids = await Promise.all(['B2C_1_susi', 'B2C_1_auto'].map(async (p) => (await (await fetch(`${prefixOf(p)}/discovery/v2.0/keys`)).json()).keys[0].kid));
  assert.notEqual(kids[0], kids[1]);
});

let autoTokens;
await check('B2C_1_auto: code flow by plain redirects, no cookies', async () => {
  const r = await codeFlow('B2C_1_auto');
  assert.equal(r.callback.searchParams.get('state'), 'st-1');
  assert.equal(r.callback.searchParams.get('iss'), guidIssuer);
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.ok(r.json.id_token && r.json.access_token && r.json.refresh_token, JSON.stringify(Object.keys(r.json)));
  autoTokens = r.json;
});

await check('ID token claims', async () => {
  const { header, payload: c } = decode(autoTokens.id_token);
  await verifySig('B2C_1_auto', autoTokens.id_token);
  assert.equal(header.alg, 'RS256');
  assert.equal(c.iss, guidIssuer);
  assert.equal(c.aud, clientId);
  assert.equal(c.sub, ready.test_user.oid);
  assert.equal(c.oid, c.sub);
  assert.equal(c.tfp, 'B2C_1_auto');
  assert.equal(c.ver, '1.0');
  assert.deepEqual(c.emails, ['tester@example.com']);
  assert.equal(c.idp, 'local');
  assert.equal(c.name, 'Test User');
  assert.equal(c.given_name, 'Test');
  assert.equal(c.family_name, 'User');
  assert.equal(c.nonce, 'nonce-1');
  for (const k of ['auth_time', 'iat', 'exp', 'nbf']) assert.equal(typeof c[k], 'number', k);
  assert.equal(c.exp - c.iat, 3600);
  const h = crypto.createHash('sha256').update(autoTokens.access_token).digest();
  assert.equal(c.at_hash, b64url(h.subarray(0, 16)), 'at_hash');
});

await check('access token: JWT for the API', async () => {
  const { header, payload: c } = decode(autoTokens.access_token);
  await verifySig('B2C_1_auto', autoTokens.access_token);
  assert.equal(header.typ, 'JWT');
  assert.equal(c.aud, apiAppId);
  assert.equal(c.scp, 'read');
  assert.equal(c.azp, clientId);
  assert.equal(c.tfp, 'B2C_1_auto');
  assert.equal(c.iss, guidIssuer);
  assert.equal(c.sub, ready.test_user.oid);
  assert.equal(c.exp - c.iat, 3600);
});

await check('refresh rotates; reusing the old one gives invalid_grant', async () => {
  const r1 = await token('B2C_1_auto', { grant_type: 'refresh_token', refresh_token: autoTokens.refresh_token });
  assert.equal(r1.status, 200, JSON.stringify(r1.json));
  assert.ok(r1.json.refresh_token && r1.json.refresh_token !== autoTokens.refresh_token, 'not rotated');
  assert.ok(r1.json.id_token && r1.json.access_token);
  assert.equal(decode(r1.json.access_token).payload.aud, apiAppId);
  const h = crypto.createHash('sha256').update(r1.json.access_token).digest();
  assert.equal(decode(r1.json.id_token).payload.at_hash, b64url(h.subarray(0, 16)), 'at_hash after refresh');
  const r2 = await token('B2C_1_auto', { grant_type: 'refresh_token', refresh_token: autoTokens.refresh_token });
  assert.equal(r2.status, 400);
  assert.equal(r2.json.error, 'invalid_grant');
});

await check('B2C_1_rt_noidt: a refresh answers without an ID token; B2C_1_rt_400: with an empty 400', async () => {
  const a = await codeFlow('B2C_1_rt_noidt');
  assert.ok(a.json.id_token && a.json.refresh_token, 'the sign-in has its ID token');
  const r = await token('B2C_1_rt_noidt', { grant_type: 'refresh_token', refresh_token: a.json.refresh_token });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.id_token, undefined);
  assert.ok(r.json.access_token && r.json.refresh_token && r.json.refresh_token !== a.json.refresh_token);
  const b = await codeFlow('B2C_1_rt_400');
  assert.ok(b.json.id_token && b.json.refresh_token);
  const bare = await fetch(`${prefixOf('B2C_1_rt_400')}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({ client_id: clientId, grant_type: 'refresh_token', refresh_token: b.json.refresh_token }),
  });
  assert.equal(bare.status, 400);
  assert.equal(await bare.text(), '');
});

await check('refresh with a scope parameter (MSAL style)', async () => {
  const r = await codeFlow('B2C_1_auto');
  const r1 = await token('B2C_1_auto', { grant_type: 'refresh_token', refresh_token: r.json.refresh_token, scope: `openid offline_access ${apiScope}` });
  assert.equal(r1.status, 200, JSON.stringify(r1.json));
  assert.equal(decode(r1.json.access_token).payload.scp, 'read');
});

await check('prompt=login keeps offline_access', async () => {
  const r = await codeFlow('B2C_1_auto', { extra: { prompt: 'login' } });
  assert.ok(r.json.refresh_token);
});

await check('openid only: ID token, no refresh token, opaque access token works at userinfo', async () => {
  const r = await codeFlow('B2C_1_auto', { scope: 'openid' });
  assert.ok(r.json.id_token);
  assert.equal(r.json.refresh_token, undefined);
  const ui = await fetch(`${prefixOf('B2C_1_auto')}/openid/v2.0/userinfo`, { headers: { authorization: `Bearer ${r.json.access_token}` } });
  assert.equal(ui.status, 200);
  assert.equal((await ui.json()).oid, ready.test_user.oid);
});

await check('client ID as scope: access token audience is the client ID', async () => {
  const r = await codeFlow('B2C_1_auto', { scope: `openid offline_access ${clientId}` });
  assert.equal(decode(r.json.access_token).payload.aud, clientId);
});

await check('two resources in one request: AADB2C90146', async () => {
  const { challenge } = pkce();
  const { callback } = await followToCallback(authorizeUrl('B2C_1_auto', { challenge, scope: `openid ${apiScope} ${clientId}` }));
  assert.equal(callback.searchParams.get('error'), 'invalid_request');
  assert.match(callback.searchParams.get('error_description'), /^AADB2C90146: /);
});

await check('unknown policy: 404', async () => {
  assert.equal((await fetch(`${base}/${tenant}/B2C_1_nope/v2.0/.well-known/openid-configuration`)).status, 404);
  assert.equal((await fetch(`${base}/${tenant}/v2.0/.well-known/openid-configuration?p=B2C_1_nope`)).status, 404);
  assert.equal((await fetch(`${base}/other.onmicrosoft.com/B2C_1_susi/v2.0/.well-known/openid-configuration`)).status, 404);
});

await check('login_hint picks the user in no-page mode', async () => {
  const r = await codeFlow('B2C_1_auto', { extra: { login_hint: 'alice' } });
  const c = decode(r.json.id_token).payload;
  assert.equal(c.name, 'alice');
  assert.match(c.sub, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
});

await check('B2C_1A_tfp: tfp-form issuer in the ID token and the callback', async () => {
  const r = await codeFlow('B2C_1A_tfp');
  assert.equal(r.callback.searchParams.get('iss'), expectedIssuer('B2C_1A_tfp'));
  const c = decode(r.json.id_token).payload;
  assert.equal(c.iss, expectedIssuer('B2C_1A_tfp'));
  assert.equal(c.tfp, 'B2C_1A_tfp');
  await verifySig('B2C_1A_tfp', r.json.id_token);
});

await check('tokens of one policy are not redeemable at another', async () => {
  const r = await codeFlow('B2C_1_auto');
  const x = await token('B2C_1A_tfp', { grant_type: 'refresh_token', refresh_token: r.json.refresh_token });
  assert.equal(x.json.error, 'invalid_grant');
});

await check('query form authorize (?p=) works', async () => {
  const { verifier, challenge } = pkce();
  const u = new URL(authorizeUrl('B2C_1_auto', { challenge }).replace(`/${tenant}/B2C_1_auto/`, `/${tenant}/`));
  u.searchParams.set('p', 'b2c_1_auto');
  const { callback } = await followToCallback(u.href);
  const t = await token('B2C_1_auto', { grant_type: 'authorization_code', code: callback.searchParams.get('code'), redirect_uri: 'http://localhost:54321', code_verifier: verifier });
  assert.equal(t.status, 200);
});

await check('B2C_1_forgot: AADB2C90118 error to the redirect URI', async () => {
  const { challenge } = pkce();
  const { callback } = await followToCallback(authorizeUrl('B2C_1_forgot', { challenge }));
  assert.equal(callback.searchParams.get('error'), 'access_denied');
  assert.match(callback.searchParams.get('error_description'), /^AADB2C90118: .*\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ\r\n$/s);
  assert.equal(callback.searchParams.get('state'), 'st-1');
});

await check('B2C_1_edit and B2C_1_reset: same tenant, own keys, tfp names the policy', async () => {
  for (const policy of ['B2C_1_edit', 'B2C_1_reset']) {
    const r = await codeFlow(policy);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const { payload } = decode(r.json.id_token);
    assert.equal(payload.tfp, policy);
    assert.equal(payload.iss, guidIssuer);
    await verifySig(policy, r.json.id_token);
  }
});

await check('reset chain: B2C_1_forgot lets a login through once after B2C_1_reset', async () => {
  const login = { login_hint: 'resetter' };
  const forgot = async () => {
    const { challenge } = pkce();
    return (await followToCallback(authorizeUrl('B2C_1_forgot', { challenge, extra: login }))).callback;
  };
  assert.match((await forgot()).searchParams.get('error_description'), /^AADB2C90118/);
  const r = await codeFlow('B2C_1_reset', { extra: login });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const through = await forgot();
  assert.equal(through.searchParams.get('error'), null, through.href);
  assert.ok(through.searchParams.get('code'));
  assert.match((await forgot()).searchParams.get('error_description'), /^AADB2C90118/);
});

const accepted = [
  'http://localhost:54321', 'http://localhost:54321/', 'http://localhost:1/callback',
  'http://127.0.0.1:54321', 'http://127.0.0.1:54321/', 'http://127.0.0.1:65535/callback',
  'http://[::1]:54321', 'http://[::1]:54321/', 'http://[::1]:54321/callback',
  'http://localhost/', 'http://127.0.0.1/callback',
];
await check('redirect URIs accepted (any port)', async () => {
  for (const redirectUri of accepted) {
    const r = await codeFlow('B2C_1_auto', { redirectUri });
    assert.equal(r.status, 200, `${redirectUri}: ${JSON.stringify(r.json)}`);
    assert.ok(r.callback.href.startsWith(redirectUri), `${r.callback.href} vs ${redirectUri}`);
  }
});

await check('redirect URIs rejected with AADB2C90006', async () => {
  for (const redirectUri of ['http://localhost:54321/other', 'http://127.0.0.1:54321/callback/', 'https://localhost:54321/', 'http://example.com/', 'http://localhost.:5/']) {
    const { challenge } = pkce();
    const { final, body } = await followToCallback(authorizeUrl('B2C_1_auto', { redirectUri, challenge }));
    assert.ok(final, `${redirectUri} was redirected`);
    assert.equal(final.status, 400, redirectUri);
    assert.match(body, /AADB2C90006/);
  }
});

await check('PKCE is required', async () => {
  const { callback } = await followToCallback(authorizeUrl('B2C_1_auto'));
  assert.equal(callback.searchParams.get('error'), 'invalid_request');
});

await check('wrong code_verifier gives invalid_grant', async () => {
  const { challenge } = pkce();
  const { callback } = await followToCallback(authorizeUrl('B2C_1_auto', { challenge }));
  const t = await token('B2C_1_auto', { grant_type: 'authorization_code', code: callback.searchParams.get('code'), redirect_uri: 'http://localhost:54321', code_verifier: pkce().verifier });
  assert.equal(t.json.error, 'invalid_grant');
});

await check('logout: 302 to a registered post_logout_redirect_uri with state; others refused', async () => {
  const lo = `${prefixOf('B2C_1_auto')}/oauth2/v2.0/logout`;
  const ok = await fetch(`${lo}?post_logout_redirect_uri=${encodeURIComponent('http://127.0.0.1:6000/')}&state=s9&id_token_hint=${autoTokens.id_token}`, { redirect: 'manual' });
  assert.equal(ok.status, 302);
  assert.equal(ok.headers.get('location'), 'http://127.0.0.1:6000/?state=s9');
  const bad = await fetch(`${lo}?post_logout_redirect_uri=${encodeURIComponent('http://evil.example/')}`, { redirect: 'manual' });
  assert.equal(bad.status, 400);
  const page = await fetch(lo, { redirect: 'manual' });
  assert.equal(page.status, 200);
  const badHint = await fetch(`${lo}?id_token_hint=${autoTokens.access_token}`, { redirect: 'manual' });
  assert.equal(badHint.status, 400);
});

await check('confidential clients: each accepts only its own client authentication', async () => {
  const [basic, post] = ready.confidential_clients;
  const meta = await (await fetch(`${prefixOf('B2C_1_auto')}/v2.0/.well-known/openid-configuration`)).json();
  for (const m of ['client_secret_basic', 'client_secret_post']) assert.ok(meta.token_endpoint_auth_methods_supported.includes(m), m);
  const tokenUrl = `${prefixOf('B2C_1_auto')}/oauth2/v2.0/token`;
  const redeem = async (client, how, secret = client.client_secret) => {
    const { verifier, challenge } = pkce();
    const redirectUri = 'http://localhost:54321';
    const u = new URL(authorizeUrl('B2C_1_auto', { redirectUri, challenge }));
    u.searchParams.set('client_id', client.client_id);
    const { callback } = await followToCallback(u.href);
    const form = { grant_type: 'authorization_code', code: callback.searchParams.get('code'), redirect_uri: redirectUri, code_verifier: verifier };
    const headers = {};
    if (how === 'basic') headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    else Object.assign(form, { client_id: client.client_id, client_secret: secret });
    const r = await fetch(tokenUrl, { method: 'POST', headers, body: new URLSearchParams(form) });
    return { status: r.status, json: await r.json() };
  };
  const okBasic = await redeem(basic, 'basic');
  assert.equal(okBasic.status, 200, JSON.stringify(okBasic.json));
  assert.ok(okBasic.json.id_token && okBasic.json.refresh_token);
  assert.deepEqual(decode(okBasic.json.id_token).payload.aud, basic.client_id);
  assert.equal((await redeem(post, 'post')).status, 200);
  const wrongWay = await redeem(basic, 'post');
  assert.equal(wrongWay.json.error, 'invalid_client', JSON.stringify(wrongWay));
  assert.equal((await redeem(post, 'basic')).json.error, 'invalid_client');
  assert.equal((await redeem(basic, 'basic', 'wrong')).json.error, 'invalid_client');
  // Logout with the confidential client's ID token and client_id comes back with state.
  const lo = `${prefixOf('B2C_1_auto')}/oauth2/v2.0/logout`;
  const back = await fetch(`${lo}?client_id=${basic.client_id}&id_token_hint=${okBasic.json.id_token}&post_logout_redirect_uri=${encodeURIComponent('http://localhost:6001/')}&state=s-c`, { redirect: 'manual' });
  assert.equal(back.status, 302);
  assert.equal(back.headers.get('location'), 'http://localhost:6001/?state=s-c');
});

await check('response_mode=form_post: an auto-submitting form to the redirect URI', async () => {
  const { challenge } = pkce();
  const r = await fetch(authorizeUrl('B2C_1_auto', { challenge, extra: { response_mode: 'form_post' } }), { redirect: 'manual' });
  let res = r;
  for (let i = 0; i < 5 && res.status >= 300 && res.status < 400; i += 1) {
    res = await fetch(new URL(res.headers.get('location'), r.url).href, { redirect: 'manual' });
  }
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<form[^>]*method="post"[^>]*action="http:\/\/localhost:54321"/i);
  assert.match(html, /name="code"/);
  assert.match(html, /name="state" value="st-1"/);
});

// ------------------------------------------------------------------ protected API (api.mjs)
await check('protected API: a valid token with the scope passes; RFC 6750 challenges otherwise', async () => {
  const apiBase = ready.api.base;
  const call = async (url, tokenValue, init = {}) => {
    const r = await fetch(url, { ...init, headers: { ...(tokenValue ? { authorization: `Bearer ${tokenValue}` } : {}), ...init.headers } });
    return { status: r.status, challenge: r.headers.get('www-authenticate'), body: await r.text() };
  };
  const ok = await call(`${apiBase}/orders`, autoTokens.access_token);
  assert.equal(ok.status, 200, ok.body);
  assert.equal(JSON.parse(ok.body).scp, 'read');
  assert.equal((await call(`${apiBase}/orders`, null)).challenge, 'Bearer');
  const scope = await call(`${apiBase}/orders`, autoTokens.access_token, { method: 'POST', body: '{}' });
  assert.equal(scope.status, 403);
  assert.equal(scope.challenge, `Bearer error="insufficient_scope", error_description="The 'scp' claim does not contain the scope 'write' this route needs.", scope="https://${tenant}/api/write"`);
  const aud = await call(`${apiBase}/hello`, autoTokens.id_token);
  assert.match(aud.challenge, /IDX10214: Audience validation failed\. Audiences: '[^']+'\. Did not match: validationParameters\.ValidAudience: '6255378e/);
  assert.match((await call(`${base}/api-ahead/hello`, autoTokens.access_token)).challenge, /IDX10223: Lifetime validation failed\. The token is expired/);
  assert.match((await call(`${base}/api-behind/hello`, autoTokens.access_token)).challenge, /IDX10222: Lifetime validation failed\. The token is not yet valid/);
  const entra = await call(`${base}/api-entra/hello`, autoTokens.id_token);
  assert.match(entra.challenge, /^Bearer realm="", authorization_uri="[^"]+\/B2C_1_auto\/oauth2\/v2\.0\/authorize", resource_id="6255378e[^"]+", error="invalid_token"$/);
  const legacy = await call(`${apiBase}/legacy`, autoTokens.access_token);
  assert.equal(legacy.status, 401);
  assert.equal(legacy.challenge, 'Basic realm="legacy", charset="UTF-8"');
  assert.equal((await call(`${apiBase}/nowhere`, null)).status, 404);
  const tfp = await codeFlow('B2C_1A_tfp');
  assert.match((await call(`${apiBase}/hello`, tfp.json.access_token)).challenge, /IDX10205: Issuer validation failed/);
  const edit = await codeFlow('B2C_1_edit');
  assert.match((await call(`${apiBase}/hello`, edit.json.access_token)).challenge, /IDX10501: Signature validation failed\. Unable to match key/);
});

await check("token response: B2C's extras (not_before, expires_on, id_token_expires_in, profile_info)", async () => {
  const r = await codeFlow('B2C_1_auto');
  assert.equal(typeof r.json.not_before, 'string');
  assert.equal(Number(r.json.expires_on) - Number(r.json.not_before), r.json.expires_in);
  assert.equal(r.json.id_token_expires_in, '3600');
  assert.equal(r.json.refresh_token_expires_in, 14 * 24 * 3600);
  const info = JSON.parse(Buffer.from(r.json.profile_info, 'base64url'));
  assert.deepEqual(info, { ver: '1.0', tid: tenantId, sub: null, name: 'Test User', preferred_username: null, idp: null });
});

await check('B2C_1_short: tokens expire after 5 s', async () => {
  const r = await codeFlow('B2C_1_short');
  const { payload } = decode(r.json.access_token);
  assert.equal(payload.exp - payload.iat, 5);
  assert.equal(decode(r.json.id_token).payload.exp - decode(r.json.id_token).payload.iat, 5);
});

// ------------------------------------------------------------------ browser (B2C_1_susi)
/** One-shot loopback listener standing in for the app's redirect listener. */
function listener(host = '127.0.0.1') {
  return new Promise((resolve) => {
    let got;
    const hits = new Promise((r) => { got = r; });
    const srv = http.createServer((req, res) => {
      if (req.url.startsWith('/favicon')) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!DOCTYPE html><title>done</title><p>You can close this window.</p>');
      got(new URL(req.url, `http://${host}`));
    });
    srv.listen(0, host, () => resolve({ port: srv.address().port, hits, close: () => srv.close() }));
  });
}
function runBrowser(url, extraArgs = []) {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [path.join(here, 'browser.mjs'), ...extraArgs, url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => { out += d; });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => resolve({ code, out: out.trim(), err }));
  });
}

if (withBrowser) {
  await check('B2C_1_susi: browser login + consent, then code exchange', async () => {
    const l = await listener();
    try {
      const { verifier, challenge } = pkce();
      const redirectUri = `http://localhost:${l.port}`;
      const t = performance.now();
      const b = await runBrowser(authorizeUrl('B2C_1_susi', { redirectUri, challenge }));
      console.error(`     browser run ${(performance.now() - t).toFixed(0)} ms, exit ${b.code}: ${b.out}`);
      assert.equal(b.code, 0, b.err);
      assert.deepEqual(JSON.parse(b.out).steps, ['login', 'consent', 'callback']);
      const cb = await l.hits;
      const r = await token('B2C_1_susi', { grant_type: 'authorization_code', code: cb.searchParams.get('code'), redirect_uri: redirectUri, code_verifier: verifier });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const c = decode(r.json.id_token).payload;
      assert.equal(c.sub, ready.test_user.oid);
      assert.equal(c.tfp, 'B2C_1_susi');
      assert.ok(r.json.refresh_token);
      assert.equal(decode(r.json.access_token).payload.scp, 'read');
    } finally { l.close(); }
  });

  await check('B2C_1_susi: browser --cancel gives AADB2C90091', async () => {
    const l = await listener();
    try {
      const { challenge } = pkce();
      const b = await runBrowser(authorizeUrl('B2C_1_susi', { redirectUri: `http://127.0.0.1:${l.port}/callback`, challenge }), ['--cancel']);
      assert.equal(b.code, 0, b.err);
      const cb = await l.hits;
      assert.equal(cb.searchParams.get('error'), 'access_denied');
      assert.match(cb.searchParams.get('error_description'), /^AADB2C90091: /);
    } finally { l.close(); }
  });

  await check('browser --user picks another account', async () => {
    const l = await listener();
    try {
      const { verifier, challenge } = pkce();
      const redirectUri = `http://127.0.0.1:${l.port}/`;
      const b = await runBrowser(authorizeUrl('B2C_1_susi', { redirectUri, challenge }), ['--user', 'bob']);
      assert.equal(b.code, 0, b.err);
      const cb = await l.hits;
      const r = await token('B2C_1_susi', { grant_type: 'authorization_code', code: cb.searchParams.get('code'), redirect_uri: redirectUri, code_verifier: verifier });
      assert.equal(decode(r.json.id_token).payload.name, 'bob');
    } finally { l.close(); }
  });

  await check('browser exits 3 on a provider error page', async () => {
    const { challenge } = pkce();
    const b = await runBrowser(authorizeUrl('B2C_1_susi', { redirectUri: 'http://localhost:1/nope', challenge }), ['--timeout', '20']);
    assert.equal(b.code, 3, b.err);
    assert.match(b.out, /AADB2C90006/);
  });

  await check('browser exits 4 when nothing listens on the callback', async () => {
    const l = await listener();
    l.close(); // free port, nothing listening
    const { challenge } = pkce();
    const b = await runBrowser(authorizeUrl('B2C_1_auto', { redirectUri: `http://127.0.0.1:${l.port}/`, challenge }), ['--timeout', '20']);
    assert.equal(b.code, 4, b.err);
  });

  await check('browser follows a logout redirect', async () => {
    const l = await listener();
    try {
      const b = await runBrowser(`${prefixOf('B2C_1_susi')}/oauth2/v2.0/logout?post_logout_redirect_uri=${encodeURIComponent(`http://localhost:${l.port}/`)}&state=lo`);
      assert.equal(b.code, 0, b.err);
      assert.equal((await l.hits).searchParams.get('state'), 'lo');
    } finally { l.close(); }
  });
}

// ------------------------------------------------------------------ timing
await check('timing: 50 no-page round trips (authorize..token)', async () => {
  const t = performance.now();
  for (let i = 0; i < 50; i += 1) {
    const r = await codeFlow('B2C_1_auto');
    assert.equal(r.status, 200);
  }
  console.error(`     ${((performance.now() - t) / 50).toFixed(1)} ms per round trip`);
});

// ------------------------------------------------------------------ shutdown via stdin EOF
await check('server exits when stdin closes', async () => {
  const exited = new Promise((r) => server.once('exit', r));
  server.stdin.end();
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 3000))]);
  assert.equal(code, 0);
});

console.error(failures ? `${failures} check(s) failed` : 'all checks passed');
if (server.exitCode === null) server.kill('SIGTERM');
process.exit(failures ? 1 : 0);
