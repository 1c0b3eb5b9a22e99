//! JWE decryption against the specifications' own examples (RFC 7516 Appendix A, RFC 7520 §5),
//! and what RFC 7516 §11.5 and RFC 7517 §4 ask of a recipient: RSA1_5 failures that all read the
//! same (no padding oracle), keys used only for what their JWK allows, `crit` refused.

use serde_json::{json, Map, Value};
use tokenscope_core::inspect::jwe::decrypt;
use tokenscope_core::inspect::keys::DecryptionKeys;
use tokenscope_core::jose::jwt::{b64, b64_encode, Part};
use tokenscope_core::testkit::fixture_path;

struct Vector {
    name: String,
    token: String,
    plaintext: String,
    key: Value,
}

fn vectors() -> Vec<Vector> {
    let text = std::fs::read_to_string(fixture_path("jwe/rfc-vectors.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| Vector {
            name: v["name"].as_str().unwrap().to_owned(),
            token: v["token"].as_str().unwrap().to_owned(),
            plaintext: v["plaintext"].as_str().unwrap().to_owned(),
            key: v["key"].clone(),
        })
        .collect()
}

fn vector(prefix: &str) -> Vector {
    vectors()
        .into_iter()
        .find(|v| v.name.starts_with(prefix))
        .unwrap()
}

fn header(token: &str) -> Map<String, Value> {
    let protected = token.split('.').next().unwrap();
    serde_json::from_slice(&b64(protected, Part::Input).unwrap()).unwrap()
}

/// The recipient's key: a JWK, or for PBES2 (RFC 7520 §5.3) the password, given as the key text.
fn keys(jwk: &Value) -> DecryptionKeys {
    let text = match jwk {
        Value::String(password) => password.clone(),
        jwk => jwk.to_string(),
    };
    DecryptionKeys::parse(&text, "the RFC's key").unwrap()
}

fn with_part(token: &str, index: usize, bytes: &[u8]) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[index] = b64_encode(bytes);
    parts.join(".")
}

#[test]
fn the_rfc_examples_decrypt_to_their_plaintext() {
    let all = vectors();
    // RFC 7516 A.1, A.2; RFC 7520 §5.1 (RSA1_5), 5.2 (RSA-OAEP), 5.3 (PBES2-HS512+A256KW),
    // 5.4 (ECDH-ES+A128KW, P-384), 5.5 (ECDH-ES, P-256), 5.7 (A256GCMKW), 5.8 (A128KW).
    assert_eq!(all.len(), 9);
    for v in all {
        let out = decrypt(&v.token, &header(&v.token), &keys(&v.key))
            .unwrap_or_else(|e| panic!("{}: {e}", v.name));
        assert_eq!(
            String::from_utf8(out.plaintext).unwrap(),
            v.plaintext,
            "{}",
            v.name
        );
    }
}

/// RFC 7516 §11.5: a content key that does not unwrap (bad PKCS #1 v1.5 padding), one that
/// unwraps to the wrong length, and a wrong authentication tag are one failure, in one message.
#[test]
fn rsa1_5_failures_cannot_be_told_apart() {
    use rsa::traits::PublicKeyParts;
    let v = vector("RFC 7516 Appendix A.2");
    let keys = keys(&v.key);
    let h = header(&v.token);
    let tokenscope_core::inspect::keys::PrivateKey::Rsa { key, .. } = &keys.keys[0] else {
        panic!("an RSA key");
    };
    let public = key.to_public_key();
    let mut rng = rand::rngs::OsRng;

    // 1. Bad padding: random bytes where the encrypted key was.
    let mut noise = vec![0u8; public.size()];
    rand::RngCore::fill_bytes(&mut rng, &mut noise);
    noise[0] = 0;
    let bad_padding = with_part(&v.token, 1, &noise);
    // 2. A well-padded content key of 16 bytes where A128CBC-HS256 needs 32.
    let short = public
        .encrypt(&mut rng, rsa::Pkcs1v15Encrypt, &[7u8; 16])
        .unwrap();
    let wrong_length = with_part(&v.token, 1, &short);
    // 3. The right content key, a changed tag.
    let mut tag = b64(v.token.split('.').nth(4).unwrap(), Part::Input).unwrap();
    tag[0] ^= 1;
    let bad_tag = with_part(&v.token, 4, &tag);

    let messages: Vec<String> = [bad_padding, wrong_length, bad_tag]
        .iter()
        .map(|t| decrypt(t, &h, &keys).unwrap_err())
        .collect();
    assert_eq!(messages[0], messages[1], "padding vs length");
    assert_eq!(messages[1], messages[2], "length vs tag");
    assert!(
        messages[0].contains("authentication tag does not match"),
        "{}",
        messages[0]
    );
}

/// RFC 7517 §4.2-4.4: a JWK marked for another algorithm, for signatures, or without a
/// decryption operation does not decrypt, and says why; one marked for this use does.
#[test]
fn a_key_is_used_only_as_its_jwk_allows() {
    let v = vector("RFC 7516 Appendix A.2");
    let h = header(&v.token);
    let marked = |member: &str, value: Value| {
        let mut jwk = v.key.clone();
        jwk[member] = value;
        keys(&jwk)
    };
    for (member, value, needle) in [
        ("alg", Value::from("RSA-OAEP-256"), "`alg: RSA-OAEP-256`"),
        ("use", Value::from("sig"), "`use: sig`"),
        ("key_ops", serde_json::json!(["sign", "verify"]), "key_ops"),
    ] {
        let e = decrypt(&v.token, &h, &marked(member, value)).unwrap_err();
        assert!(e.contains(needle), "{member}: {e}");
    }
    for (member, value) in [
        ("alg", Value::from("RSA1_5")),
        ("use", Value::from("enc")),
        ("key_ops", serde_json::json!(["unwrapKey"])),
    ] {
        decrypt(&v.token, &h, &marked(member, value)).unwrap_or_else(|e| panic!("{member}: {e}"));
    }
    // RFC 7520 §5.2's key is published with `alg: RSA-OAEP`: it does not unwrap RSA1_5.
    let samwise = vector("RFC 7520 section 5.2");
    assert_eq!(samwise.key["alg"], "RSA-OAEP");
    let frodo = vector("RFC 7520 section 5.1");
    let mut as_rsa1_5 = header(&frodo.token);
    as_rsa1_5.insert("kid".into(), samwise.key["kid"].clone());
    let e = decrypt(&frodo.token, &as_rsa1_5, &keys(&samwise.key)).unwrap_err();
    assert!(e.contains("`alg: RSA-OAEP`"), "{e}");
}

/// A PBES2 token whose `p2c` asks for more PBKDF2 iterations than the cap is refused at once,
/// with the reason, before any hashing: a token cannot make Tokenscope spin.
#[test]
fn a_pbes2_token_cannot_ask_for_unbounded_iterations() {
    let v = vector("RFC 7520 section 5.3");
    let mut h = header(&v.token);
    assert_eq!(h["p2c"], 8192);
    for p2c in [serde_json::json!(100_001), serde_json::json!(1u64 << 40)] {
        h.insert("p2c".into(), p2c);
        let started = std::time::Instant::now();
        let e = decrypt(&v.token, &h, &keys(&v.key)).unwrap_err();
        assert!(
            e.contains("PBKDF2 iterations") && e.contains("at most 100000"),
            "{e}"
        );
        assert!(started.elapsed() < std::time::Duration::from_millis(100));
    }
    h.insert("p2c".into(), serde_json::json!(0));
    let e = decrypt(&v.token, &h, &keys(&v.key)).unwrap_err();
    assert!(e.contains("`p2c` is not a positive whole number"), "{e}");
}

/// ECDH-ES: an ephemeral key that is not on the recipient's curve, or not a point on it, is
/// refused with the reason (no invalid-curve attack reaches the key agreement).
#[test]
fn an_ecdh_es_ephemeral_key_off_the_curve_is_refused() {
    let v = vector("RFC 7520 section 5.4");
    let h = header(&v.token);
    let mut moved = h.clone();
    let mut epk = moved["epk"].clone();
    let mut y = b64(epk["y"].as_str().unwrap(), Part::Input).unwrap();
    y[10] ^= 1;
    epk["y"] = Value::from(b64_encode(&y));
    moved.insert("epk".into(), epk.clone());
    let e = decrypt(&v.token, &moved, &keys(&v.key)).unwrap_err();
    assert!(e.contains("not a point on P-384"), "{e}");
    epk["crv"] = Value::from("P-256");
    moved.insert("epk".into(), epk);
    let e = decrypt(&v.token, &moved, &keys(&v.key)).unwrap_err();
    assert!(e.contains("`epk`) is on P-256, this key on P-384"), "{e}");
    let mut none = h.clone();
    none.remove("epk");
    let e = decrypt(&v.token, &none, &keys(&v.key)).unwrap_err();
    assert!(e.contains("`epk`"), "{e}");
}

/// RFC 7517 §4.3: an ECDH-ES key may say it derives keys (`deriveKey`, `deriveBits`); one that
/// only signs does not decrypt.
#[test]
fn an_ecdh_es_key_that_derives_keys_is_used() {
    let v = vector("RFC 7520 section 5.5");
    let h = header(&v.token);
    for ops in [
        json!(["deriveKey"]),
        json!(["deriveBits"]),
        json!(["unwrapKey"]),
    ] {
        let mut jwk = v.key.clone();
        jwk["key_ops"] = ops.clone();
        decrypt(&v.token, &h, &keys(&jwk)).unwrap_or_else(|e| panic!("{ops}: {e}"));
    }
    let mut jwk = v.key.clone();
    jwk["key_ops"] = json!(["sign"]);
    let e = decrypt(&v.token, &h, &keys(&jwk)).unwrap_err();
    assert!(e.contains("nor deriveKey, deriveBits"), "{e}");
}

/// A key of the wrong kind for the algorithm says which kind is needed.
#[test]
fn a_key_of_the_wrong_kind_says_what_is_needed() {
    // Without their `alg` members, so the kind of key is what refuses them.
    let bare = |prefix: &str| {
        let mut v = vector(prefix);
        v.key.as_object_mut().unwrap().remove("alg");
        v
    };
    let ecdh = bare("RFC 7520 section 5.4");
    let kw = bare("RFC 7520 section 5.8");
    let rsa = bare("RFC 7516 Appendix A.1");
    let e = decrypt(&kw.token, &header(&kw.token), &keys(&ecdh.key)).unwrap_err();
    assert!(e.contains("needs a symmetric key"), "{e}");
    let e = decrypt(&ecdh.token, &header(&ecdh.token), &keys(&kw.key)).unwrap_err();
    assert!(e.contains("EC (P-256/384/521) or X25519"), "{e}");
    let e = decrypt(&kw.token, &header(&kw.token), &keys(&rsa.key)).unwrap_err();
    assert!(e.contains("does not use an RSA key"), "{e}");
    let e = decrypt(
        &rsa.token,
        &header(&rsa.token),
        &keys(&Value::from("a password")),
    )
    .unwrap_err();
    assert!(e.contains("read as a password"), "{e}");
    // A256GCMKW with a 128-bit key.
    let gcm = vector("RFC 7520 section 5.7");
    let e = decrypt(&gcm.token, &header(&gcm.token), &keys(&kw.key)).unwrap_err();
    assert!(
        e.contains("needs a 256-bit key; this one is 128 bits"),
        "{e}"
    );
}

/// RFC 7516 §4.1.13: an extension marked critical that Tokenscope does not implement.
#[test]
fn a_jwe_with_crit_is_not_decrypted() {
    let v = vector("RFC 7516 Appendix A.2");
    let mut h = header(&v.token);
    h.insert("crit".into(), serde_json::json!(["http://example.com/ext"]));
    h.insert("http://example.com/ext".into(), Value::Bool(true));
    let e = decrypt(&v.token, &h, &keys(&v.key)).unwrap_err();
    assert!(
        e.contains("crit") && e.contains("does not implement"),
        "{e}"
    );
}
