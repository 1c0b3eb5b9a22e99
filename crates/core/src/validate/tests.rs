use super::*;
use crate::clock::{Clock, FixedClock};
use crate::http::{HttpError, HttpRequest, HttpResponse};
use crate::secret::Secret;
use crate::testkit::{checks_of_a_good_sign_in, jwks, jwks_of, sign, sign_raw};
use serde_json::json;
use std::sync::atomic::AtomicUsize;

const NOW: i64 = 1_790_000_000;
const ISS: &str = "https://tenant.b2clogin.com/9f1c2d3e-0000-4000-8000-000000000001/v2.0/";
const CLIENT: &str = "c0ffee00-0000-4000-8000-000000000002";

fn claims() -> Value {
    json!({
        "iss": ISS, "sub": "user-1", "aud": CLIENT, "exp": NOW + 3600, "nbf": NOW - 5,
        "iat": NOW - 5, "nonce": "n-123", "auth_time": NOW - 10, "tfp": "B2C_1_susi"
    })
}

fn expect() -> Expectations {
    Expectations {
        issuer: ISS.into(),
        client_id: CLIENT.into(),
        trusted_audiences: vec![],
        provider_algs: vec![],
        nonce: Some("n-123".into()),
        max_age: None,
        access_token: None,
        previous: None,
        skew: Duration::from_secs(300),
    }
}

/// A key cache whose every fetch answers `served` and counts the fetches.
fn cache(initial: Jwks, served: Jwks) -> (JwksCache, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    let body = serde_json::to_vec(&served).unwrap();
    let http = move |_req: HttpRequest| {
        c.fetch_add(1, Ordering::SeqCst);
        let body = body.clone();
        async move {
            Ok::<_, HttpError>(HttpResponse {
                status: 200,
                headers: vec![],
                body,
            })
        }
    };
    let uri = Url::parse("https://tenant.b2clogin.com/keys").unwrap();
    (JwksCache::with_keys(Arc::new(http), uri, initial), count)
}

async fn run(token: &str, expect: &Expectations) -> Report {
    let (keys, _) = cache(jwks(), jwks());
    validate_id_token(token, expect, FixedClock::at(NOW).now(), &keys)
        .await
        .1
}

fn failed(report: &Report) -> Vec<CheckId> {
    report.failures().map(|c| c.name).collect()
}

#[tokio::test]
async fn a_good_token_passes_every_check_with_each_algorithm() {
    for alg in [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
    ] {
        let report = run(&sign(alg, &claims()), &expect()).await;
        assert!(report.passed(), "{alg}: {report:#?}");
        let made: Vec<CheckId> = report.checks.iter().map(|c| c.name).collect();
        assert_eq!(made, checks_of_a_good_sign_in(), "{alg}");
    }
}

#[tokio::test]
async fn tampered_payload_fails_the_signature() {
    let token = sign("RS256", &claims());
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut c = claims();
    c["sub"] = json!("attacker");
    parts[1] = crate::jose::jwt::b64_encode(c.to_string().as_bytes());
    let report = run(&parts.join("."), &expect()).await;
    assert_eq!(failed(&report), [CheckId::Signature]);
    assert!(report
        .get(CheckId::Signature)
        .unwrap()
        .detail
        .contains("does not match"));
}

#[tokio::test]
async fn alg_none_and_hmac_are_refused_with_reasons() {
    let none = format!(
        "{}.{}.",
        crate::jose::jwt::b64_encode(br#"{"alg":"none"}"#),
        crate::jose::jwt::b64_encode(claims().to_string().as_bytes())
    );
    let r = run(&none, &expect()).await;
    assert!(r.get(CheckId::Alg).unwrap().detail.contains("unsigned"));
    assert!(!r.passed());
    let hs = sign_raw(&json!({"alg":"HS256","kid":"rsa1"}), &claims(), "rsa1");
    let r = run(&hs, &expect()).await;
    assert!(!r.get(CheckId::Alg).unwrap().ok);
    assert!(r
        .get(CheckId::Alg)
        .unwrap()
        .detail
        .contains("shared secret"));
    assert!(!r.get(CheckId::Signature).unwrap().ok);
}

#[tokio::test]
async fn alg_not_announced_by_provider_fails() {
    let mut e = expect();
    e.provider_algs = vec!["RS256".into()];
    let r = run(&sign("ES256", &claims()), &e).await;
    assert_eq!(failed(&r), [CheckId::Alg, CheckId::Signature]);
}

#[tokio::test]
async fn absent_kid_uses_the_single_key_and_fails_when_ambiguous() {
    let token = sign_raw(&json!({"alg":"RS256"}), &claims(), "rsa1");
    let (keys, _) = cache(jwks_of(&["rsa1", "ec256"]), jwks());
    let (_, r) = validate_id_token(&token, &expect(), FixedClock::at(NOW).now(), &keys).await;
    assert!(r.passed(), "{r:#?}");
    assert!(r.get(CheckId::Kid).unwrap().detail.contains("exactly one"));
    let (keys, _) = cache(jwks_of(&["rsa1", "rsa2"]), jwks());
    let (_, r) = validate_id_token(&token, &expect(), FixedClock::at(NOW).now(), &keys).await;
    assert_eq!(failed(&r), [CheckId::Kid, CheckId::Signature]);
    assert!(r.get(CheckId::Kid).unwrap().detail.contains("ambiguous"));
}

#[tokio::test]
async fn unknown_kid_refetches_once_then_passes_or_fails() {
    let token = sign_raw(&json!({"alg":"RS256","kid":"rsa2"}), &claims(), "rsa2");
    // Rotation: the cached set lacks rsa2, the provider now has it.
    let (keys, fetches) = cache(jwks_of(&["rsa1"]), jwks_of(&["rsa1", "rsa2"]));
    let (_, r) = validate_id_token(&token, &expect(), FixedClock::at(NOW).now(), &keys).await;
    assert!(r.passed(), "{r:#?}");
    assert!(r
        .get(CheckId::Kid)
        .unwrap()
        .detail
        .contains("fetched again"));
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
    // Still unknown after the refetch: fail, and only one refetch.
    let (keys, fetches) = cache(jwks_of(&["rsa1"]), jwks_of(&["rsa1"]));
    let (_, r) = validate_id_token(&token, &expect(), FixedClock::at(NOW).now(), &keys).await;
    assert_eq!(failed(&r), [CheckId::Kid, CheckId::Signature]);
    assert!(r.get(CheckId::Kid).unwrap().detail.contains("unknown"));
    assert_eq!(fetches.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn key_of_the_wrong_family_or_alg_fails() {
    // Header names rsa1 but claims ES256.
    let token = sign_raw(&json!({"alg":"ES256","kid":"rsa1"}), &claims(), "ec256");
    let r = run(&token, &expect()).await;
    assert_eq!(failed(&r), [CheckId::Signature]);
}

#[tokio::test]
async fn a_published_ed25519_key_with_a_short_x_fails_the_signature_instead_of_panicking() {
    let token = sign("EdDSA", &claims());
    let short = Jwks {
        keys: vec![json!({"kty": "OKP", "crv": "Ed25519", "kid": "ed25519", "x": "AAAA"})],
    };
    let (keys, _) = cache(short.clone(), short);
    let (_, r) = validate_id_token(&token, &expect(), FixedClock::at(NOW).now(), &keys).await;
    assert_eq!(failed(&r), [CheckId::Signature]);
    let detail = &r
        .checks
        .iter()
        .find(|c| c.name == CheckId::Signature)
        .unwrap()
        .detail;
    assert!(
        detail.contains("is 3 bytes, an Ed25519 key has 32"),
        "{detail}"
    );
}

#[tokio::test]
async fn claim_checks_each_fail_when_they_should() {
    type Mutate = fn(&mut Value, &mut Expectations);
    let cases: Vec<(CheckId, Mutate, &str)> = vec![
        (
            CheckId::Iss,
            |c, _| c["iss"] = json!("https://evil.example/"),
            "not the metadata's issuer",
        ),
        (
            CheckId::Iss,
            |c, _| {
                c.as_object_mut().unwrap().remove("iss");
            },
            "no iss",
        ),
        (
            CheckId::Sub,
            |c, _| {
                c.as_object_mut().unwrap().remove("sub");
            },
            "no sub claim",
        ),
        (
            CheckId::Sub,
            |c, _| c["sub"] = json!("x".repeat(256)),
            "at most 255",
        ),
        (
            CheckId::Sub,
            |c, _| c["sub"] = json!("user\u{1b}[2J"),
            "control characters",
        ),
        (
            CheckId::Aud,
            |c, _| c["aud"] = json!("someone-else"),
            "does not contain",
        ),
        (
            CheckId::Aud,
            |c, _| c["aud"] = json!([CLIENT, "api://other"]),
            "untrusted",
        ),
        (
            CheckId::Azp,
            |c, _| c["azp"] = json!("other-client"),
            "not the client ID",
        ),
        (CheckId::Exp, |c, _| c["exp"] = json!(NOW - 301), "expired"),
        (
            CheckId::Exp,
            |c, _| c["exp"] = json!("tomorrow"),
            "no numeric exp",
        ),
        (
            CheckId::Nbf,
            |c, _| c["nbf"] = json!(NOW + 400),
            "not valid before",
        ),
        (CheckId::Iat, |c, _| c["iat"] = json!(NOW + 400), "future"),
        (
            CheckId::Nonce,
            |c, _| c["nonce"] = json!("other"),
            "replayed",
        ),
        (
            CheckId::Nonce,
            |c, _| {
                c.as_object_mut().unwrap().remove("nonce");
            },
            "has none",
        ),
        (
            CheckId::AtHash,
            |c, e| {
                c["at_hash"] = json!("AAAAAAAAAAAAAAAAAAAAAA");
                e.access_token = Some(Secret::new("at"));
            },
            "does not match",
        ),
        (
            CheckId::AuthTime,
            |c, e| {
                c["auth_time"] = json!(NOW - 4000);
                e.max_age = Some(600);
            },
            "older than max_age",
        ),
        (
            CheckId::AuthTime,
            |c, e| {
                c.as_object_mut().unwrap().remove("auth_time");
                e.max_age = Some(600);
            },
            "required",
        ),
        (
            CheckId::SameSubject,
            |c, e| {
                c["sub"] = json!("user-2");
                e.previous = Some(Identity {
                    iss: ISS.into(),
                    sub: "user-1".into(),
                    ..Default::default()
                });
            },
            "not user-1",
        ),
    ];
    for (check, mutate, needle) in cases {
        let mut c = claims();
        let mut e = expect();
        mutate(&mut c, &mut e);
        let r = run(&sign("RS256", &c), &e).await;
        // The aud case with two audiences also makes azp fail (no azp with several audiences).
        let failures = failed(&r);
        assert!(failures.contains(&check), "{check}: {r:#?}");
        let detail = &r.get(check).unwrap().detail;
        assert!(detail.contains(needle), "{check}: {detail}");
        assert!(!r.passed());
    }
}

#[tokio::test]
async fn skew_allows_small_clock_differences() {
    let mut c = claims();
    c["exp"] = json!(NOW - 100);
    c["iat"] = json!(NOW + 100);
    c["nbf"] = json!(NOW + 100);
    let r = run(&sign("RS256", &c), &expect()).await;
    assert!(r.passed(), "{r:#?}");
    let mut e = expect();
    e.skew = Duration::ZERO;
    let r = run(&sign("RS256", &c), &e).await;
    assert_eq!(failed(&r), [CheckId::Exp, CheckId::Nbf, CheckId::Iat]);
}

#[tokio::test]
async fn at_hash_matches_the_access_token() {
    let access = "eyJhbGciOiJSUzI1NiJ9.eyJzY3AiOiJyZWFkIn0.c2ln";
    let mut c = claims();
    c["at_hash"] = json!(at_hash("RS256", access).unwrap());
    let mut e = expect();
    e.access_token = Some(Secret::new(access));
    let r = run(&sign("RS256", &c), &e).await;
    assert!(r.passed(), "{r:#?}");
    assert!(r.get(CheckId::AtHash).unwrap().detail.contains("matches"));
}

#[test]
fn at_hash_known_answer() {
    // OIDC Core A.3: access token "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y" → "77QmUPtjPfzWtF2AnpK9RQ".
    assert_eq!(
        at_hash("RS256", "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y").unwrap(),
        "77QmUPtjPfzWtF2AnpK9RQ"
    );
}

#[tokio::test]
async fn undecodable_token_gives_a_single_format_failure() {
    let r = run("not.a.jwt!", &expect()).await;
    assert_eq!(failed(&r), [CheckId::Format]);
}

#[test]
fn relative_times_read_naturally() {
    assert_eq!(relative(240), "in 4 min");
    assert_eq!(relative(-7200), "2 h ago");
    assert_eq!(relative(5), "in 5 s");
    assert_eq!(relative(3 * 86_400), "in 3 days");
    assert_eq!(relative(-800 * 86_400), "2 years ago");
}

#[tokio::test]
async fn a_time_placed_relative_to_the_check_is_named_with_its_words() {
    // A view that stays open keeps "issued … (5 s ago)" true only if it knows which time and
    // which words: exp, iat and auth_time (with max_age) say both; timeless checks say neither.
    let mut e = expect();
    e.max_age = Some(3600);
    let r = run(&sign("RS256", &claims()), &e).await;
    let at = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    for (name, t, phrase) in [
        (CheckId::Exp, NOW + 3600, "in 1 h"),
        (CheckId::Iat, NOW - 5, "5 s ago"),
        (CheckId::AuthTime, NOW - 10, "10 s ago"),
    ] {
        let check = r.checks.iter().find(|c| c.name == name).unwrap();
        let rel = check
            .relative
            .as_ref()
            .unwrap_or_else(|| panic!("{check:?}"));
        assert_eq!(
            (rel.at.as_str(), rel.phrase.as_str()),
            (at(t).as_str(), phrase)
        );
        assert!(check.detail.contains(&format!("({phrase})")), "{check:?}");
    }
    let sig = r
        .checks
        .iter()
        .find(|c| c.name == CheckId::Signature)
        .unwrap();
    assert_eq!(sig.relative, None);
    let json = serde_json::to_value(sig).unwrap();
    assert!(json.get("relative").is_none(), "{json}");
}

#[tokio::test]
async fn a_sub_of_255_ascii_characters_passes() {
    let mut c = claims();
    c["sub"] = json!("s".repeat(255));
    let r = run(&sign("RS256", &c), &expect()).await;
    assert!(r.passed(), "{r:#?}");
}

#[tokio::test]
async fn an_auth_time_before_oidc_or_a_year_before_iat_is_a_warning_not_a_failure() {
    for (auth_time, says) in [
        (0, "auth_time is 0 (1970-01-01 00:00:00 UTC)"),
        (-5, "before OpenID Connect existed"),
        (EARLIEST_AUTH_TIME - 1, "before OpenID Connect existed"),
        (NOW - 5 - OLDEST_SESSION - 1, "before the token was issued"),
    ] {
        let mut c = claims();
        c["auth_time"] = json!(auth_time);
        let r = run(&sign("RS256", &c), &expect()).await;
        assert!(r.passed(), "{auth_time}: {r:#?}");
        let w = r.warning(CheckId::AuthTime).expect("a warning");
        assert!(w.detail.contains(says), "{auth_time}: {}", w.detail);
    }
    // A year's session, and a sign-in seconds ago, are not odd.
    for auth_time in [NOW - 5 - OLDEST_SESSION, NOW - 10] {
        let mut c = claims();
        c["auth_time"] = json!(auth_time);
        let r = run(&sign("RS256", &c), &expect()).await;
        assert_eq!(r.warnings, [], "{auth_time}");
    }
}

#[tokio::test]
async fn the_iss_check_explains_the_external_id_and_b2c_issuer_forms() {
    let tid = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
    let ciam = format!("https://{tid}.ciamlogin.com/{tid}/v2.0");
    let mut c = claims();
    c["iss"] = json!(ciam);
    let mut e = expect();
    e.issuer = ciam.clone();
    let report = run(&sign("RS256", &c), &e).await;
    let iss = report.get(CheckId::Iss).expect("iss check");
    assert!(iss.ok, "{iss:?}");
    assert!(iss.detail.starts_with(&ciam), "{}", iss.detail);
    assert!(
        iss.detail
            .contains("Entra External ID's issuer has the tenant ID"),
        "{}",
        iss.detail
    );
    // B2C's GUID form is explained the same way; a plain issuer is not.
    let report = run(&sign("RS256", &claims()), &expect()).await;
    assert!(report
        .get(CheckId::Iss)
        .unwrap()
        .detail
        .contains("B2C's default issuer"));
    let plain = "https://login.example.org/realms/x";
    c["iss"] = json!(plain);
    e.issuer = plain.into();
    let report = run(&sign("RS256", &c), &e).await;
    assert_eq!(
        report.get(CheckId::Iss).unwrap().detail,
        format!("{plain}, the issuer in the provider's metadata")
    );
}
