//! The inspector's tests: pasted public keys.

use super::*;

#[test]
fn public_keys_from_pem_spki_pkcs1_certificates_and_jwks() {
    let jwks = crate::testkit::jwks();
    let by_kid = |kid: &str| jwks.keys.iter().find(|k| k["kid"] == kid).unwrap().clone();
    for (file, kid) in [
        ("verify/rsa1.pub.pem", "rsa1"),
        ("verify/rsa1.pkcs1.pub.pem", "rsa1"),
        ("verify/ec256.pub.pem", "ec256"),
        ("verify/ec384.pub.pem", "ec384"),
        ("verify/ed25519.pub.pem", "ed25519"),
        ("verify/rsa2.crt.pem", "rsa2"),
        ("keys/rsa1.pem", "rsa1"),
    ] {
        let got = public_keys(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let want = by_kid(kid);
        let key = &got.keys[0];
        for member in ["kty", "n", "e", "crv", "x", "y"] {
            assert_eq!(key.get(member), want.get(member), "{file}: {member}");
        }
        assert!(key.get("d").is_none());
    }
    // A private JWK loses its private members; a JWKS stays a JWKS.
    let private = fixture("jwe/recipient.jwk.json");
    let public = public_keys(&private).unwrap();
    assert!(public.keys[0].get("d").is_none() && public.keys[0].get("p").is_none());
    assert_eq!(public.keys[0]["kid"], "itsme-enc-1");
    assert_eq!(
        public_keys(&fixture("keys/jwks.json")).unwrap().keys.len(),
        5
    );
    for (bad, needle) in [
        ("{\"keys\":[]}", "no keys"),
        ("{\"kty\":\"RSA\"}", "without its key material"),
        ("-----BEGIN FOO-----\nAAAA\n-----END FOO-----", "FOO"),
        (
            "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----",
            "base64",
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
            "public key",
        ),
        (
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
            "certificate",
        ),
    ] {
        let e = public_keys(bad).unwrap_err();
        assert!(e.contains(needle), "{bad:.30}: {e}");
    }
}
