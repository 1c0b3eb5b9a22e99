use super::diff::{diff, ChangeKind};
use super::export;
use super::keys::{public_keys, DecryptionKeys};
use super::redact::{redact_inspection, redact_token, MARK, MASK, MASK_TOKEN};
use super::verify::discovery_url;
use super::*;
use crate::jose::jwt::b64_encode;
use crate::oidc::provider_error::ErrorOrigin;
use crate::testkit::fixture_path;
use serde_json::json;

const NOW: i64 = 1_790_000_000;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(NOW, 0).unwrap()
}

fn opts() -> InspectOptions {
    InspectOptions::at(now())
}

fn enc(json: &str) -> String {
    b64_encode(json.as_bytes())
}

fn jws(payload: &Value) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        enc(r#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#),
        b64_encode(payload.to_string().as_bytes())
    )
}

fn id_token() -> String {
    jws(
        &json!({"iss": "https://issuer.example/", "sub": "u1", "exp": NOW + 240,
                "iat": NOW - 60, "name": "Ada", "tfp": "B2C_1_susi"}),
    )
}

fn run(input: &str) -> Inspection {
    inspect(input, &opts()).unwrap_or_else(|e| panic!("{input:.60}: {e}"))
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap()
}

/// A token full of personal claims (redaction and its export).
fn personal_token() -> String {
    jws(&json!({
        "iss": "https://contoso.b2clogin.com/t/v2.0/", "sub": "u1", "oid": "o-1", "exp": NOW,
        "tfp": "B2C_1_susi", "name": "Ada Lovelace", "given_name": "Ada",
        "emails": ["ada@example.com", "a@l.org"], "phone_number": "+32 470 00 00 00",
        "address": {"street_address": "1 Main St", "locality": "Gent"},
        "http://itsme.services/v2/claim/BENationalNumber": "85073003328",
        "extension_3fa85f6457174562b3fc2c963f66afa6_loyaltyNumber": 42,
        "idp_access_token": jws(&json!({"sub": "up", "email": "ada@example.com"})),
        "some_claim_of_this_tenant": "kept",
        "forwarded": jws(&json!({"email": "ada@example.com", "aud": "x"})),
    }))
}

// The sections, one file each under tests/.
mod catalogue;
mod decoding;
mod diff;
mod discovery;
mod exporting;
mod input_forms;
use jwe::{jwe_fixtures, with_keys};
mod jwe;
mod malformed;
mod public_keys;
mod redaction;

// ---- The JSON export, streamed, is the document it was ----

/// The JSON export as it was built before it was streamed (a `Value` tree, the primary token's
/// fields copied to the top level): the reference the streamed document must equal byte for byte.
mod reference {
    use super::super::redact::{redact_inspection, redact_token};
    use super::super::{Inspection, TokenInspection};
    use crate::inspect::explain::ClaimRow;
    use serde_json::{json, Map, Value};
    use std::borrow::Cow;

    pub fn json(inspection: &Inspection, redact: bool) -> Value {
        let shown: Cow<'_, Inspection> = if redact {
            Cow::Owned(redact_inspection(inspection))
        } else {
            Cow::Borrowed(inspection)
        };
        let tokens: Vec<Value> = shown
            .tokens
            .iter()
            .zip(&inspection.tokens)
            .map(|(t, original)| {
                let mut v = token_json(t);
                if redact && original.error.is_none() && !original.effective().payload.is_empty() {
                    let r = redact_token(original);
                    v["redacted"] = json!({
                        "note": r.note,
                        "masked": r.masked,
                        "unknown_kept": r.unknown_kept,
                        "unsigned_token": r.unsigned_token,
                    });
                }
                v
            })
            .collect();
        let mut out = Map::new();
        out.insert("form".into(), json!(shown.form));
        if let Some(i) = shown.tokens.iter().position(|t| t.error.is_none()) {
            let primary = &tokens[i];
            for key in [
                "label",
                "kind",
                "header",
                "payload",
                "signature_length",
                "claims",
            ] {
                out.insert(key.into(), primary[key].clone());
            }
            if let Some(v) = primary.get("verification") {
                out.insert("verification".into(), v.clone());
            }
        }
        out.insert("tokens".into(), Value::Array(tokens));
        if let Some(code) = &shown.authorization_code {
            out.insert("authorization_code".into(), json!(code));
        }
        if let Some(e) = &shown.provider_error {
            out.insert("provider_error".into(), json!(e));
        }
        if !shown.parameters.is_empty() {
            out.insert("parameters".into(), json!(shown.parameters));
        }
        out.insert("redacted".into(), json!(redact));
        Value::Object(out)
    }

    pub fn row_json(r: &ClaimRow) -> Value {
        let mut v = json!({"name": r.name, "value": r.value, "description": r.description});
        if let Some(c) = &r.catalogue {
            v["source"] = json!(c.source);
            v["reference"] = json!(c.reference);
            v["type"] = json!(c.value_type);
            v["personal"] = json!(c.personal);
            if c.custom_attribute {
                v["custom_attribute"] = json!(true);
            }
        }
        if let Some(t) = &r.time {
            v["time"] = json!(t);
            v["local_time"] = json!(r.local_time);
            v["relative"] = json!(r.relative);
        }
        if let Some(f) = &r.flag {
            v["flag"] = json!(f);
        }
        v
    }

    pub fn token_json(t: &TokenInspection) -> Value {
        let mut v = json!({
            "label": t.label,
            "kind": t.kind,
            "part_lengths": t.part_lengths,
            "header": t.header,
            "payload": t.payload,
            "signature_length": t.signature_len,
            "header_claims": t.header_rows.iter().map(row_json).collect::<Vec<_>>(),
            "claims": t.claim_rows.iter().map(row_json).collect::<Vec<_>>(),
            "warnings": t.warnings,
            "nested": t.nested.iter().map(token_json).collect::<Vec<_>>(),
        });
        if let Some(jwe) = &t.jwe {
            v["jwe"] = json!(jwe);
        }
        if let Some(inner) = &t.inner {
            v["inner"] = token_json(inner);
        }
        if let Some(ver) = &t.verification {
            v["verification"] = json!(ver);
        }
        if let Some(e) = &t.error {
            v["error"] = json!(e);
        }
        v
    }
}

/// Every input form and token shape the inspector knows, and a verification on one token.
fn export_cases() -> Vec<(String, Inspection)> {
    let at = jws(
        &json!({"aud": "api", "scp": "read", "exp": NOW + 3600, "x": 1.5,
                         "f": [1e300, -0.0, 12345678901234567890u64, -9], "n": null,
                         "esc": "quote \" backslash \\ tab \t nl \n ctl \u{1} é 😀 \u{2028}"}),
    );
    let b2c_refresh = b2c_refresh_token();
    let nested = jws(&json!({"sub": "u1", "idp": "itsme",
        "idp_access_token": jws(&json!({"sub": "up", "deeper": jws(&json!({"level": 3}))})),
        "extension_3fa85f6457174562b3fc2c963f66afa6_loyaltyNumber": 42,
        "crit_claim": {"a": [1, {"b": "c"}]}}));
    let jwe = format!(
        "{}.a2V5.aXY.Y2lwaGVy.dGFn",
        enc(r#"{"alg":"RSA-OAEP","enc":"A128CBC-HS256","kid":"e1","cty":"JWT"}"#)
    );
    let headers = format!(
        "{}.{}.c2ln",
        enc(r#"{"alg":"RS256","crit":["b64"],"b64":false,"jku":"https://x/","x5c":["a"]}"#),
        enc(r#"{"iat":1790000100,"nbf":1790000100,"exp":1,"auth_time":1.9e9}"#)
    );
    let inputs: Vec<(&str, String)> = vec![
        ("bare", id_token()),
        ("bearer", format!("Bearer {}", id_token())),
        ("personal", personal_token()),
        ("nested", nested),
        ("jwe", jwe),
        ("headers", headers),
        (
            "unsigned",
            format!("{}.{}.", enc(r#"{"alg":"none"}"#), enc(r#"{"sub":"x"}"#)),
        ),
        ("opaque", "AbC-dEf_123".to_owned()),
        (
            "redirect",
            format!(
                "https://jwt.ms/#access_token={at}&token_type=Bearer&expires_in=3600&id_token={}&state=xyz",
                id_token()
            ),
        ),
        (
            "response",
            json!({"id_token": id_token(), "access_token": at, "token_type": "Bearer",
                   "expires_in": 3600, "refresh_token": b2c_refresh,
                   "refresh_token_expires_in": 1_209_600})
            .to_string(),
        ),
        (
            "one bad",
            json!({"id_token": "x.y.z", "access_token": jws(&json!({"scp": "read"}))}).to_string(),
        ),
        ("all bad", json!({"id_token": "x.y.z"}).to_string()),
        ("code", "https://app.example/cb?code=abc123&state=s1".to_owned()),
        (
            "error",
            "https://jwt.ms/#error=access_denied&error_description=AADB2C90118%3a+The+user+has+forgotten+their+password.%0d%0aCorrelation+ID%3a+c1%0d%0aTimestamp%3a+2026-01-01+00%3a00%3a00Z%0d%0a&state=s"
                .to_owned(),
        ),
    ];
    let mut cases: Vec<(String, Inspection)> = inputs
        .into_iter()
        .map(|(name, input)| {
            let i = inspect(&input, &opts()).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name.to_owned(), i)
        })
        .collect();
    let f = jwe_fixtures();
    let i = inspect(
        f["nested"].as_str().unwrap(),
        &with_keys("recipient.jwk.json"),
    )
    .unwrap();
    assert!(i.tokens[0].inner.is_some());
    cases.push(("decrypted nested".to_owned(), i));
    let mut verified = inspect(&id_token(), &opts()).unwrap();
    verified.tokens[0].verification = Some(Verification {
        signature_valid: false,
        passed: false,
        summary: "the signature does not match".into(),
        keys_from: "--key k.pem".into(),
        metadata_url: None,
        key: None,
        checks: vec![crate::validate::Check::new(
            crate::validate::CheckId::Signature,
            false,
            "does not match",
        )],
        skew_seconds: 300,
    });
    cases.push(("verified".into(), verified));
    cases
}

#[test]
fn streamed_json_export_is_byte_for_byte_the_document_it_was() {
    let cases = export_cases();
    // Every optional part of the document appears in some case.
    let all = |f: &dyn Fn(&Value) -> bool| {
        cases
            .iter()
            .any(|(_, i)| f(&reference::json(i, false)) && f(&reference::json(i, true)))
    };
    let token_has = |key: &'static str| {
        move |v: &Value| {
            v["tokens"].as_array().unwrap().iter().any(|t| {
                t.get(key).is_some()
                    || t["nested"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|n| n.get(key).is_some())
            })
        }
    };
    let row_has = |key: &'static str| {
        move |v: &Value| {
            v["tokens"].as_array().unwrap().iter().any(|t| {
                t["claims"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r.get(key).is_some())
            })
        }
    };
    for key in [
        "authorization_code",
        "provider_error",
        "parameters",
        "verification",
    ] {
        assert!(all(&|v: &Value| v.get(key).is_some()), "{key}");
    }
    for key in ["jwe", "inner", "error", "verification"] {
        assert!(all(&token_has(key)), "{key}");
    }
    for key in ["custom_attribute", "flag", "time", "source"] {
        assert!(all(&row_has(key)), "{key}");
    }
    assert!(all(&|v: &Value| !v["tokens"][0]["nested"][0].is_null()));
    assert!(cases
        .iter()
        .any(|(_, i)| reference::json(i, true)["tokens"][0]
            .get("redacted")
            .is_some()));
    for (name, i) in cases {
        for redact in [false, true] {
            let was = serde_json::to_string(&reference::json(&i, redact)).unwrap();
            let mut streamed = Vec::new();
            export::write_json(&mut streamed, &i, redact).unwrap();
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                was,
                "{name}, redact {redact}"
            );
            assert_eq!(
                export::json(&i, redact),
                reference::json(&i, redact),
                "{name}, redact {redact}: as a Value too"
            );
            let pretty = serde_json::to_string_pretty(&export::json(&i, redact)).unwrap();
            assert_eq!(
                pretty,
                serde_json::to_string_pretty(&reference::json(&i, redact)).unwrap(),
                "{name}, redact {redact}: pretty (the desktop app's export)"
            );
        }
    }
}

/// Documents of the JSON export saved under `tests/fixtures/export/` when it was still written
/// by hand (byte for byte what `decode --json` printed, pretty-printed here for review): the
/// `decode --json` contract, which a change to the serde views must not move by accident.
/// `local_time` follows this machine's time zone: it must name the same instant as `time`, and
/// is then compared as `<local>`. `TOKENSCOPE_BLESS=1` rewrites the files.
#[test]
fn json_export_is_the_saved_document() {
    const SAVED: [&str; 7] = [
        "bare",
        "response",
        "nested",
        "headers",
        "error",
        "decrypted nested",
        "verified",
    ];
    let cases = export_cases();
    for name in SAVED {
        let (_, i) = cases.iter().find(|(n, _)| n == name).unwrap();
        for redact in [false, true] {
            let mut text = Vec::new();
            export::write_json(&mut text, i, redact).unwrap();
            let mut v: Value = serde_json::from_slice(&text).unwrap();
            assert_eq!(
                serde_json::to_string(&v).unwrap().as_bytes(),
                text,
                "{name}: compact, as serde_json writes it"
            );
            same_instant_as_local(&mut v);
            let shown = serde_json::to_string_pretty(&v).unwrap() + "\n";
            let file = format!(
                "export/{}{}.json",
                name.replace(' ', "-"),
                if redact { "-redacted" } else { "" }
            );
            if std::env::var_os("TOKENSCOPE_BLESS").is_some() {
                std::fs::create_dir_all(fixture_path("export")).unwrap();
                std::fs::write(fixture_path(&file), &shown).unwrap();
            }
            assert_eq!(shown, fixture(&file), "{file}");
        }
    }
}

/// Replaces every explained row's `local_time` by `<local>` after checking it names the same
/// instant as its `time`.
fn same_instant_as_local(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let (Some(Value::String(utc)), Some(Value::String(local))) =
                (map.get("time"), map.get("local_time"))
            {
                let utc = DateTime::parse_from_rfc3339(utc).unwrap();
                let local = DateTime::parse_from_rfc3339(local).unwrap();
                assert_eq!(utc, local, "local_time is the same instant as time");
                map.insert("local_time".into(), json!("<local>"));
            }
            map.values_mut().for_each(same_instant_as_local);
        }
        Value::Array(items) => items.iter_mut().for_each(same_instant_as_local),
        _ => {}
    }
}

/// A refresh token shaped like B2C's: a JWE header (`cpimcore_…` key, deflated) and opaque parts.
fn b2c_refresh_token() -> String {
    format!(
        "{}..{}.{}.{}",
        enc(r#"{"kid":"cpimcore_09252015","ver":"1.0","zip":"Deflate","ser":"1.0"}"#),
        "aGVsbG8",
        "d29ybGQ",
        "dGFn"
    )
}
