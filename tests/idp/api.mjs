// The tenant's protected web API: a resource server on the provider's port, under /api (and
// the other mounts of PROTECTED_API in config.mjs). It validates access tokens as an ASP.NET
// Core API with JwtBearer does (and an Express API with jose): the signature with the keys of
// the policies it is configured with, the lifetime with no clock skew, the audience, the
// issuer, then the scope the route needs. Refusals are RFC 6750 challenges; the 'aspnet' style
// puts JwtBearer's IDX messages in error_description, the 'entra' style adds authorization_uri
// and resource_id and says nothing more (IncludeErrorDetails off).

import { jwtVerify, createLocalJWKSet, decodeJwt, errors } from 'jose';

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
