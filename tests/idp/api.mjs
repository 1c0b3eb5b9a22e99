// The tenant's protected web API: a resource server on the provider's port, under /api (and
// the other mounts of PROTECTED_API in config.mjs). It validates access tokens as an ASP.NET
// Core API with JwtBearer does (and an Express API with jose): the signature with the keys of
// the policies it is configured with, the lifetime with no clock skew, the audience, the
// issuer, then the scope the route needs. Refusals are RFC 6750 challenges; the 'aspnet' style
// puts JwtBearer's IDX messages in error_description, the 'entra' style adds authorization_uri
// and resource_id and says nothing more (IncludeErrorDetails off).

import crypto from 'node:crypto';
import { jwtVerify, createLocalJWKSet, decodeJwt, errors, EmbeddedJWK, calculateJwkThumbprint } from 'jose';

/** RFC 7230 quoted-string. */
const quote = (s) => `"${String(s).replace(/["\\]/g, (c) => `\\${c}`)}"`;
const iso = (seconds) => new Date(seconds * 1000).toISOString();

/**
 * createApi({ config, issuer, keys, authorizationUri, log }) -> { handles(url), handle(req, res, url) }
 *   config            PROTECTED_API
 *   issuer            the one issuer accepted
 *   keys              private JWKs of the trusted policies (their public halves are used)
 *   authorizationUri  what 'entra'-style challenges name
 */
export function createApi({ config, issuer, keys, authorizationUri, log = () => {} }) {
  const jwks = createLocalJWKSet({
    keys: keys.map(({ kty, n, e, kid, alg }) => ({ kty, n, e, kid, alg, use: 'sig' })),
  });
  const mounts = Object.entries(config.mounts).sort((a, b) => b[0].length - a[0].length);

  function mountOf(url) {
    for (const [prefix, mount] of mounts) {
      if (url.pathname === prefix || url.pathname.startsWith(`${prefix}/`)) {
        return { prefix, mount, path: url.pathname.slice(prefix.length) || '/' };
      }
    }
    return null;
  }

  function send(res, status, body, headers = {}) {
    const text = body === undefined ? '' : `${JSON.stringify(body, null, 2)}\n`;
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      ...headers,
    });
    res.end(text);
  }

  /** A Bearer challenge in the mount's style. */
  function challenge(mount, { error, description, scope } = {}) {
    const params = [];
    if (mount.style === 'entra') {
      params.push(`realm=""`, `authorization_uri=${quote(authorizationUri)}`, `resource_id=${quote(config.audience)}`);
      if (error) params.push(`error=${quote(error)}`);
      if (scope) params.push(`scope=${quote(scope)}`);
    } else {
      if (error) params.push(`error=${quote(error)}`);
      if (description) params.push(`error_description=${quote(description)}`);
      if (scope) params.push(`scope=${quote(config.scopePrefix + scope)}`);
    }
    return params.length ? `Bearer ${params.join(', ')}` : 'Bearer';
  }

  function refuse(res, mount, status, fields) {
    log(`api: ${status} ${fields.error ?? '(no token)'} ${fields.description ?? ''}`);
    send(res, status, status === 403 ? { error: fields.error } : undefined, {
      'WWW-Authenticate': challenge(mount, fields),
    });
  }

  /** JwtBearer's checks, in its order; the claims, or the refusal's fields. */
  async function validate(token, now) {
    let claims;
    try {
      decodeJwt(token);
    } catch {
      return { error: 'invalid_token', description: "IDX14100: JWT is not well formed, there are no dots (.) or the token is not a JWS." };
    }
    try {
      ({ payload: claims } = await jwtVerify(token, jwks, {
        algorithms: ['RS256'],
        currentDate: new Date(now * 1000),
        clockTolerance: 0,
      }));
    } catch (e) {
      if (e instanceof errors.JWKSNoMatchingKey) {
        return { error: 'invalid_token', description: `IDX10501: Signature validation failed. Unable to match key: kid: '${decodeHeaderKid(token)}'.` };
      }
      if (e instanceof errors.JWTExpired) {
        const { exp } = decodeJwt(token);
        return { error: 'invalid_token', description: `IDX10223: Lifetime validation failed. The token is expired. ValidTo (UTC): '${iso(exp)}', Current time (UTC): '${iso(now)}'.` };
      }
      if (e instanceof errors.JWTClaimValidationFailed && e.claim === 'nbf') {
        const { nbf } = decodeJwt(token);
        return { error: 'invalid_token', description: `IDX10222: Lifetime validation failed. The token is not yet valid. ValidFrom (UTC): '${iso(nbf)}', Current time (UTC): '${iso(now)}'.` };
      }
      if (e instanceof errors.JWSSignatureVerificationFailed) {
        return { error: 'invalid_token', description: 'IDX10511: Signature validation failed.' };
      }
      return { error: 'invalid_token', description: `IDX10000: ${e.message}` };
    }
    const auds = [].concat(claims.aud ?? []);
    if (!auds.includes(config.audience)) {
      return { error: 'invalid_token', description: `IDX10214: Audience validation failed. Audiences: '${auds.join(', ')}'. Did not match: validationParameters.ValidAudience: '${config.audience}' or validationParameters.ValidAudiences: 'null'.` };
    }
    if (claims.iss !== issuer) {
      return { error: 'invalid_token', description: `IDX10205: Issuer validation failed. Issuer: '${claims.iss}'. Did not match: validationParameters.ValidIssuer: '${issuer}' or validationParameters.ValidIssuers: 'null'.` };
    }
    return { claims };
  }

  async function handle(req, res, url) {
    const { mount, path } = mountOf(url);
    const route = config.routes.find((r) => r.path === path && r.method === req.method);
    if (!route) {
      const known = config.routes.some((r) => r.path === path);
      return send(res, known ? 405 : 404, { error: known ? 'method_not_allowed' : 'not_found', path });
    }
    if (route.basic) {
      return send(res, 401, { error: 'this route takes Basic credentials' }, { 'WWW-Authenticate': 'Basic realm="legacy", charset="UTF-8"' });
    }
    const m = /^Bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!m) return refuse(res, mount, 401, {});
    const now = Math.floor(Date.now() / 1000) + (mount.clockOffset ?? 0);
    const checked = await validate(m[1], now);
    if (checked.error) return refuse(res, mount, 401, checked);
    const { claims } = checked;
    const scp = String(claims.scp ?? '').split(' ').filter(Boolean);
    if (route.scope && !scp.includes(route.scope)) {
      return refuse(res, mount, 403, {
        error: 'insufficient_scope',
        description: `The 'scp' claim does not contain the scope '${route.scope}' this route needs.`,
        scope: route.scope,
      });
    }
    let body;
    if (req.method === 'POST') {
      const chunks = [];
      let size = 0;
      for await (const c of req) {
        size += c.length;
        if (size > 64 * 1024) return send(res, 413, { error: 'body too large' });
        chunks.push(c);
      }
      const text = Buffer.concat(chunks).toString('utf8');
      try { body = JSON.parse(text); } catch { body = text; }
    }
    return send(res, req.method === 'POST' ? 201 : 200, {
      route: `${route.method} ${route.path}`,
      sub: claims.sub,
      name: claims.name,
      scp: claims.scp ?? null,
      tfp: claims.tfp,
      ...(body === undefined ? {} : { received: body }),
    });
  }

  return { handles: (url) => mountOf(url) !== null, handle };
}

function decodeHeaderKid(token) {
  try {
    return JSON.parse(Buffer.from(token.split('.')[0], 'base64url')).kid ?? '';
  } catch {
    return '';
  }
}

/**
 * createDpopApi({ config, base, issuer, key, log }) -> { handles(url), handle(req, res, url) }
 * The generic provider's DPoP-bound resource server (RFC 9449 §7): `Authorization: DPoP <at>`
 * only, the access token signed by the generic provider (`key`, its private JWK) with `iss`
 * `issuer`, and a proof in the `DPoP` header that is a `dpop+jwt` signed by the key in its
 * `jwk` header, for this method and URL (`htm`, `htu`), recent (`iat`, 60 s), never seen before
 * (`jti`), for this token (`ath`), by the key the token's `cnf.jkt` names. Under `/nonce/` the
 * proof must also carry this server's nonce (`use_dpop_nonce` and a `DPoP-Nonce` first).
 * Refusals are `WWW-Authenticate: DPoP` challenges.
 */
export function createDpopApi({ config, base, issuer, key, log = () => {} }) {
  const jwks = createLocalJWKSet({ keys: [{ kty: key.kty, n: key.n, e: key.e, kid: key.kid, alg: 'RS256', use: 'sig' }] });
  const seen = new Map(); // jti -> when it may be forgotten (ms)
  const secret = crypto.randomBytes(32);
  const step = () => Math.floor(Date.now() / 60000);
  const nonceAt = (s) => crypto.createHmac('sha256', secret).update(String(s)).digest('base64url');
  const validNonce = (n) => typeof n === 'string' && (n === nonceAt(step()) || n === nonceAt(step() - 1));
  const sha256 = (s) => crypto.createHash('sha256').update(s).digest('base64url');

  function send(res, status, body, headers = {}) {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
    res.end(body === undefined ? '' : `${JSON.stringify(body, null, 2)}\n`);
  }

  function refuse(res, { error, description, nonce } = {}) {
    log(`dpop-api: 401 ${error ?? '(no token)'} ${description ?? ''}`);
    const params = ['algs="ES256 EdDSA"'];
    if (error) params.push(`error=${quote(error)}`);
    if (description) params.push(`error_description=${quote(description)}`);
    send(res, 401, undefined, {
      'WWW-Authenticate': `DPoP ${params.join(', ')}`,
      ...(nonce ? { 'DPoP-Nonce': nonceAt(step()) } : {}),
    });
  }

  async function handle(req, res, url) {
    const path = url.pathname.slice(config.prefix.length);
    if (!config.routes.includes(path)) return send(res, 404, { error: 'not_found', path });
    if (req.method !== 'GET') return send(res, 405, { error: 'method_not_allowed', path });
    const auth = req.headers.authorization ?? '';
    const m = /^DPoP +(\S+)\s*$/i.exec(auth);
    if (!m) {
      return refuse(res, /^Bearer /i.test(auth)
        ? { error: 'invalid_token', description: 'this API takes DPoP-bound tokens only, sent as Authorization: DPoP' }
        : {});
    }
    const token = m[1];
    const proof = req.headers.dpop;
    if (typeof proof !== 'string' || !proof) return refuse(res, { error: 'invalid_dpop_proof', description: 'no DPoP proof' });
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(token, jwks, { issuer, algorithms: ['RS256'] }));
    } catch (e) {
      return refuse(res, { error: 'invalid_token', description: e.message });
    }
    let payload;
    let protectedHeader;
    try {
      ({ payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256', 'EdDSA'] }));
    } catch (e) {
      return refuse(res, { error: 'invalid_dpop_proof', description: `the proof does not verify: ${e.message}` });
    }
    const htu = URL.parse(String(payload.htu ?? ''));
    if (htu) { htu.search = ''; htu.hash = ''; }
    const problem = payload.htm !== req.method ? `htm is ${payload.htm}, the request is a ${req.method}`
      : htu?.href !== `${base}${url.pathname}` ? `htu is ${payload.htu}, the request went to ${base}${url.pathname}`
      : typeof payload.iat !== 'number' || Math.abs(Date.now() / 1000 - payload.iat) > 60 ? 'iat is not within 60 seconds of now'
      : typeof payload.jti !== 'string' || !payload.jti ? 'no jti'
      : seen.has(payload.jti) ? 'the proof was used before (jti)'
      : payload.ath !== sha256(token) ? 'ath is not the hash of this access token'
      : null;
    if (problem) return refuse(res, { error: 'invalid_dpop_proof', description: problem });
    const now = Date.now();
    for (const [jti, until] of seen) if (until < now) seen.delete(jti);
    seen.set(payload.jti, now + 120_000);
    if (path.startsWith('/nonce/') && !validNonce(payload.nonce)) {
      return refuse(res, { error: 'use_dpop_nonce', description: 'Resource server requires nonce in DPoP proof', nonce: true });
    }
    const jkt = await calculateJwkThumbprint(protectedHeader.jwk);
    if (claims.cnf?.jkt !== jkt) {
      return refuse(res, {
        error: 'invalid_token',
        description: claims.cnf?.jkt ? `the token is bound to another key (cnf.jkt ${claims.cnf.jkt}, the proof's key ${jkt})` : 'the token is not DPoP-bound (no cnf.jkt)',
      });
    }
    return send(res, 200, { route: `GET ${path}`, sub: claims.sub, jkt });
  }

  return {
    handles: (url) => url.pathname === config.prefix || url.pathname.startsWith(`${config.prefix}/`),
    handle,
  };
}
