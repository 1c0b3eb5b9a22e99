// Cross-check of Tokenscope's encoder against node `jose` (an independent JOSE implementation,
// a dependency of oidc-provider), both directions, for crates/core/tests/encode_node.rs.
//
//   node jws-cross.mjs make    jose signs a JWT with a fresh key for every JWS algorithm, and
//                              signs (ES256) then encrypts one for every key management × content
//                              encryption jose has; prints [{alg, key_alg, enc, token, verify,
//                              decrypt}] (`verify`: the signer's public JWK or the HMAC JWK;
//                              `decrypt`: the recipient's private JWK or the password).
//   node jws-cross.mjs verify  reads [{token, verify, decrypt}] on stdin; jose decrypts (when
//                              `decrypt` is given) and verifies each; prints [{ok, alg, enc,
//                              cty, payload, error}].
import * as jose from 'jose';

const algs = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512', 'EdDSA'];
const keyAlgs = ['RSA-OAEP', 'RSA-OAEP-256', 'dir', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW',
  'ECDH-ES+A256KW', 'A128KW', 'A192KW', 'A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW',
  'PBES2-HS256+A128KW', 'PBES2-HS384+A192KW', 'PBES2-HS512+A256KW'];
const encs = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];
const password = 'correct horse battery staple';
const claims = { iss: 'https://issuer.example/', sub: 'tester', aud: 'api', name: 'Zoë ✓' };

async function make() {
  const out = [];
  for (const alg of algs) {
    let signWith, verify;
    if (alg.startsWith('HS')) {
      signWith = await jose.generateSecret(alg, { extractable: true });
      verify = await jose.exportJWK(signWith);
    } else {
      const pair = await jose.generateKeyPair(alg, { extractable: true, crv: alg === 'EdDSA' ? 'Ed25519' : undefined });
      signWith = pair.privateKey;
      verify = await jose.exportJWK(pair.publicKey);
    }
    const token = await new jose.SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' })
      .setIssuedAt().setExpirationTime('5m').sign(signWith);
    out.push({ alg, key_alg: null, enc: null, token, verify, decrypt: null });
  }
  const signer = await jose.generateKeyPair('ES256', { extractable: true });
  const verify = await jose.exportJWK(signer.publicKey);
  const inner = await new jose.SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setIssuedAt().setExpirationTime('5m').sign(signer.privateKey);
  for (const keyAlg of keyAlgs) {
    for (const enc of encs) {
      let encryptWith, decrypt;
      if (keyAlg.startsWith('RSA') || keyAlg.startsWith('ECDH')) {
        const pair = await jose.generateKeyPair(keyAlg, { extractable: true });
        encryptWith = pair.publicKey;
        decrypt = await jose.exportJWK(pair.privateKey);
      } else if (keyAlg.startsWith('PBES2')) {
        encryptWith = new TextEncoder().encode(password);
        decrypt = password;
      } else {
        encryptWith = await jose.generateSecret(keyAlg === 'dir' ? enc : keyAlg, { extractable: true });
        decrypt = await jose.exportJWK(encryptWith);
      }
      const token = await new jose.CompactEncrypt(new TextEncoder().encode(inner))
        .setProtectedHeader({ alg: keyAlg, enc, cty: 'JWT' }).encrypt(encryptWith);
      out.push({ alg: 'ES256', key_alg: keyAlg, enc, token, verify, decrypt });
    }
  }
  return out;
}

async function verifyAll(items) {
  const out = [];
  for (const item of items) {
    try {
      let jws = item.token;
      let header = jose.decodeProtectedHeader(item.token);
      if (item.decrypt != null) {
        const key = typeof item.decrypt === 'string'
          ? new TextEncoder().encode(item.decrypt)
          : await jose.importJWK(item.decrypt, header.alg);
        const { plaintext } = await jose.compactDecrypt(item.token, key, {
          keyManagementAlgorithms: [header.alg],
        });
        jws = new TextDecoder().decode(plaintext);
      }
      const inner = jose.decodeProtectedHeader(jws);
      const key = await jose.importJWK(item.verify, inner.alg);
      const { payload } = await jose.jwtVerify(jws, key, { algorithms: [inner.alg] });
      out.push({ ok: true, alg: inner.alg, key_alg: item.decrypt != null ? header.alg : null,
        enc: header.enc ?? null, cty: header.cty ?? null, payload, error: null });
    } catch (e) {
      out.push({ ok: false, error: `${e.code ?? ''} ${e.message}` });
    }
  }
  return out;
}

const mode = process.argv[2];
if (mode === 'make') {
  console.log(JSON.stringify(await make()));
} else if (mode === 'verify') {
  let input = '';
  for await (const chunk of process.stdin) input += chunk;
  console.log(JSON.stringify(await verifyAll(JSON.parse(input))));
} else {
  console.error('usage: node jws-cross.mjs make|verify');
  process.exit(2);
}
