// Encrypts one plaintext with node `jose` (an independent JOSE implementation, a dependency of
// oidc-provider) under every key management × content encryption the inspector decrypts beyond
// RSA, with fresh keys, and prints them as JSON for crates/core/tests/jwe_node.rs:
// [{alg, enc, crv, key, pem, token}], `key` the recipient's private JWK (or the password), `pem`
// its PKCS#8 PEM for the EC and X25519 keys.
import * as jose from 'jose';

const plaintext = new TextEncoder().encode(process.argv[2] ?? 'Tokenscope ✓');
const password = 'entrap_o–peter_long–credit_tun';
const encs = ['A128GCM', 'A192GCM', 'A256GCM', 'A128CBC-HS256', 'A192CBC-HS384', 'A256CBC-HS512'];
const recipients = [];
for (const alg of ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW']) {
  for (const crv of ['P-256', 'P-384', 'P-521', 'X25519']) {
    const { publicKey, privateKey } = await jose.generateKeyPair(alg, { crv, extractable: true });
    recipients.push({
      alg, crv, encryptWith: publicKey,
      key: { ...(await jose.exportJWK(privateKey)), kid: `${crv}-${alg}` },
      pem: await jose.exportPKCS8(privateKey),
    });
  }
}
for (const alg of ['A128KW', 'A192KW', 'A256KW', 'A128GCMKW', 'A192GCMKW', 'A256GCMKW']) {
  const secret = await jose.generateSecret(alg, { extractable: true });
  recipients.push({ alg, encryptWith: secret, key: await jose.exportJWK(secret) });
}
for (const alg of ['PBES2-HS256+A128KW', 'PBES2-HS384+A192KW', 'PBES2-HS512+A256KW']) {
  recipients.push({ alg, encryptWith: new TextEncoder().encode(password), key: password });
}
const out = [];
for (const r of recipients) {
  for (const enc of encs) {
    const token = await new jose.CompactEncrypt(plaintext)
      .setProtectedHeader({ alg: r.alg, enc, ...(r.crv ? { kid: r.key.kid } : {}) })
      .encrypt(r.encryptWith);
    out.push({ alg: r.alg, enc, crv: r.crv ?? null, key: r.key, pem: r.pem ?? null, token });
  }
}
console.log(JSON.stringify(out));
