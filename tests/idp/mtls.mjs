// Mutual TLS for the generic provider (RFC 8705): certificates made at start with Debian's
// `openssl` command in a temporary directory (nothing committed, nothing downloaded), an HTTPS
// listener that asks for client certificates, and oidc-provider's features.mTLS.
//
// Made at every start (EC P-256, a few milliseconds each):
//   ca.pem / ca.key            the test CA ("Tokenscope test CA"), 2 days
//   server.pem / server.key    the HTTPS listener's certificate (127.0.0.1, localhost), from the CA
//   client.pem / client.key    a client certificate from the CA, CN=tokenscope-mtls-client
//   self.pem / self.key        a self-signed client certificate, CN=tokenscope-mtls-self-signed
//   expired.pem                client.key's certificate from the CA, valid for one day in 2025
// The directory is removed when the server exits.

import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The client registered with tls_client_auth (the CA-issued certificate's subject). */
export const MTLS_CLIENT = {
  client_id: 'c1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e06',
  token_endpoint_auth_method: 'tls_client_auth',
  tls_client_auth_subject_dn: 'CN=tokenscope-mtls-client',
};

/** A client that authenticates with tls_client_auth (the same certificate) and sends DPoP
 * proofs: its tokens are bound to the DPoP key (cnf.jkt), not to the certificate, since
 * oidc-provider binds a token to one proof-of-possession key only ("multiple
 * proof-of-possession mechanisms are not allowed" for MTLS_CLIENT with DPoP). */
export const MTLS_DPOP_CLIENT = {
  client_id: 'c1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e08',
  token_endpoint_auth_method: 'tls_client_auth',
  tls_client_auth_subject_dn: 'CN=tokenscope-mtls-client',
};

/** The client registered with self_signed_tls_client_auth (the self-signed certificate). */
export const MTLS_SELF_SIGNED_CLIENT = {
  client_id: 'c1d2e3f4-0a1b-4c2d-8e3f-5a6b7c8d9e07',
  token_endpoint_auth_method: 'self_signed_tls_client_auth',
};

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** Makes the certificates; null (and the reason logged) when `openssl` cannot. */
export async function makeCertificates(log) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tokenscope-idp-mtls-'));
  const f = (name) => path.join(dir, name);
  const openssl = (...args) => run('openssl', args, { cwd: dir });
  try {
    fs.writeFileSync(f('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
    fs.writeFileSync(f('client.ext'), 'extendedKeyUsage=clientAuth\n');
    fs.writeFileSync(f('ca.cnf'), [
      '[ca]', 'default_ca = test', '[test]', 'database = index.txt', 'new_certs_dir = .',
      'serial = serial', 'default_md = sha256', 'policy = any', 'unique_subject = no',
      '[any]', 'commonName = supplied', '',
    ].join('\n'));
    fs.writeFileSync(f('index.txt'), '');
    fs.writeFileSync(f('serial'), '01\n');
    await openssl('req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2',
      '-subj', '/CN=Tokenscope test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    await Promise.all([
      openssl('req', ...EC, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'),
      openssl('req', ...EC, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=tokenscope-mtls-client'),
      openssl('req', '-x509', ...EC, '-keyout', 'self.key', '-out', 'self.pem', '-days', '2',
        '-subj', '/CN=tokenscope-mtls-self-signed', '-addext', 'extendedKeyUsage=clientAuth'),
    ]);
    const sign = (csr, out, ext, serial) => openssl('x509', '-req', '-in', csr, '-CA', 'ca.pem', '-CAkey', 'ca.key',
      '-set_serial', serial, '-out', out, '-days', '2', '-extfile', ext);
    await Promise.all([
      sign('server.csr', 'server.pem', 'server.ext', '1001'),
      sign('client.csr', 'client.pem', 'client.ext', '1002'),
      openssl('ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', 'client.csr',
        '-out', 'expired.pem', '-startdate', '20250101000000Z', '-enddate', '20250102000000Z', '-notext',
        '-extfile', 'client.ext'),
    ]);
    for (const key of ['ca.key', 'server.key', 'client.key', 'self.key']) fs.chmodSync(f(key), 0o600);
  } catch (e) {
    log(`mTLS is off: openssl could not make the test certificates (${e.message.split('\n')[0]})`);
    fs.rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const read = (name) => fs.readFileSync(f(name), 'utf8');
  const self = new crypto.X509Certificate(read('self.pem'));
  return {
    dir,
    files: f,
    ca: read('ca.pem'),
    server: { cert: read('server.pem'), key: read('server.key') },
    // The self-signed certificate as the client's registered key (x5c: its thumbprint is what
    // self_signed_tls_client_auth compares).
    selfSignedJwk: { ...self.publicKey.export({ format: 'jwk' }), x5c: [self.raw.toString('base64')] },
  };
}

/** The certificate of the TLS connection a request came on, if any. */
function peerCertificate(ctx) {
  const socket = ctx.req?.socket;
  if (typeof socket?.getPeerX509Certificate !== 'function') return undefined;
  return socket.getPeerX509Certificate() ?? undefined;
}

/** oidc-provider's features.mTLS for the generic provider. */
export function mtlsFeature() {
  return {
    enabled: true,
    certificateBoundAccessTokens: true,
    tlsClientAuth: true,
    selfSignedTlsClientAuth: true,
    getCertificate: peerCertificate,
    // Verified by Node against the test CA (the listener asks, but lets an unverified
    // certificate through for self_signed_tls_client_auth).
    certificateAuthorized: (ctx) => ctx.req?.socket?.authorized === true,
    certificateSubjectMatches(ctx, property, expected) {
      const cert = peerCertificate(ctx);
      if (property !== 'tls_client_auth_subject_dn' || !cert) return false;
      return cert.subject.split('\n').join(',') === expected;
    },
  };
}

/** The generic provider's mTLS clients (public-key material from `certs`). */
export function mtlsClients(certs, native) {
  return [
    {
      ...MTLS_CLIENT,
      ...native,
      client_name: 'Tokenscope (mTLS, tls_client_auth)',
      grant_types: [...native.grant_types, 'client_credentials'],
      tls_client_certificate_bound_access_tokens: true,
    },
    {
      ...MTLS_DPOP_CLIENT,
      ...native,
      client_name: 'Tokenscope (mTLS client authentication, DPoP-bound tokens)',
      grant_types: [...native.grant_types, 'client_credentials'],
      dpop_bound_access_tokens: true,
    },
    {
      ...MTLS_SELF_SIGNED_CLIENT,
      ...native,
      client_name: 'Tokenscope (mTLS, self_signed_tls_client_auth)',
      grant_types: [...native.grant_types, 'client_credentials'],
      jwks: { keys: [certs.selfSignedJwk] },
      tls_client_certificate_bound_access_tokens: true,
    },
  ];
}

/** Starts an HTTPS listener on `host` that asks for a client certificate; `strict`: a
 * certificate the test CA did not issue (or none) is refused in the handshake. */
export async function listen(certs, host, strict, handler) {
  const server = https.createServer({
    key: certs.server.key,
    cert: certs.server.cert,
    ca: [certs.ca],
    requestCert: true,
    rejectUnauthorized: strict,
  }, handler);
  server.keepAliveTimeout = 5000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  return server;
}
