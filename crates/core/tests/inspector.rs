//! The token inspector end to end: signature verification with pasted keys (JWK, JWKS, PEM,
//! certificates, HMAC secrets) and with keys discovered from `iss` (B2C policy metadata and
//! plain issuers, over an in-process HTTP function and over real TCP), each refusal explained;
//! JWE fixtures verified after decryption; and a seeded property test that feeds thousands of
//! mutated inputs to the inspector and checks it never panics and stays fast.
//!
//! Run with `cargo test -p tokenscope-core --test inspector`. The test against the real
//! B2C-shaped provider is ignored by a plain `cargo test` (scripts/test.sh runs it).

#[path = "hostile/util.rs"]
#[allow(dead_code)]
mod util;

#[path = "encoder/keys.rs"]
#[allow(dead_code)]
mod encoder_keys;

#[path = "inspector/fuzz.rs"]
mod fuzz;

use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokenscope_core::http::{HttpClient, HttpError, HttpRequest, HttpResponse};
use tokenscope_core::inspect::keys::public_keys;
use tokenscope_core::inspect::verify::{verify, verify_all};
use tokenscope_core::inspect::{
    inspect, inspect_token, DecryptionKeys, InspectOptions, KeySource, TokenInspection,
    Verification,
};
use tokenscope_core::jose::jwt::b64_encode;
use tokenscope_core::oidc::metadata::Jwks;
use tokenscope_core::oidc::netguard::NetworkPolicy;
use tokenscope_core::testkit::{self, fixture_path, jwks_of, sign, sign_raw};

const NOW: i64 = 1_790_000_000;
const SKEW: Duration = Duration::from_secs(300);
const GUID: &str = "81659f24-f1c7-4ca5-8a9b-494bf0b206a5";
const HOST: &str = "https://contoso.b2clogin.com";

fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(NOW, 0).unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap()
}

fn claims() -> Value {
    json!({"iss": format!("{HOST}/{GUID}/v2.0/"), "sub": "u1", "aud": "app",
           "exp": NOW + 3600, "nbf": NOW - 10, "iat": NOW - 10, "tfp": "B2C_1_susi"})
}

fn token_of(text: &str) -> TokenInspection {
    inspect_token("token", text, &InspectOptions::at(now()))
}

fn given(text: &str, what: &str) -> KeySource {
    KeySource::Given(public_keys(text).unwrap(), what.to_owned())
}

/// An HTTP function that refuses every request (pasted keys must never reach the network).
fn no_network() -> Arc<dyn HttpClient> {
    Arc::new(|req: HttpRequest| async move {
        panic!("no request expected, got {}", req.url);
        #[allow(unreachable_code)]
        Err::<HttpResponse, HttpError>(HttpError::Other(String::new()))
    })
}

/// A provider as an HTTP function: path → (status, JSON), counting requests per path. A path
/// mapped to several JWKS answers them in turn (the last repeats).
type Answers = HashMap<String, Vec<(u16, Value)>>;

#[derive(Clone, Default)]
struct Routes {
    answers: Arc<Mutex<Answers>>,
    hits: Arc<Mutex<HashMap<String, usize>>>,
    total: Arc<AtomicUsize>,
}

impl Routes {
    fn on(self, path: &str, status: u16, body: Value) -> Self {
        self.answers
            .lock()
            .unwrap()
            .entry(path.to_owned())
            .or_default()
            .push((status, body));
        self
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().unwrap().get(path).copied().unwrap_or(0)
    }

    fn client(&self) -> Arc<dyn HttpClient> {
        let me = self.clone();
        Arc::new(move |req: HttpRequest| {
            let me = me.clone();
            async move {
                me.total.fetch_add(1, Ordering::SeqCst);
                let path = req.url.path().to_owned();
                let n = {
                    let mut hits = me.hits.lock().unwrap();
                    let n = hits.entry(path.clone()).or_default();
                    *n += 1;
                    *n
                };
                let answers = me.answers.lock().unwrap();
                let (status, body) = match answers.get(&path) {
                    Some(list) => list[(n - 1).min(list.len() - 1)].clone(),
                    None => (404, json!({"error": "not found"})),
                };
                Ok::<_, HttpError>(HttpResponse {
                    status,
                    headers: vec![],
                    body: body.to_string().into_bytes(),
                })
            }
        })
    }
}

/// A B2C-shaped provider for policy B2C_1_susi on contoso.b2clogin.com.
fn b2c(keys: &[Jwks]) -> Routes {
    let base = format!("{HOST}/{GUID}/B2C_1_susi");
    let mut r = Routes::default().on(
        &format!("/{GUID}/B2C_1_susi/v2.0/.well-known/openid-configuration"),
        200,
        json!({"issuer": format!("{HOST}/{GUID}/v2.0/"),
               "jwks_uri": format!("{base}/discovery/v2.0/keys")}),
    );
    for k in keys {
        r = r.on(
            &format!("/{GUID}/B2C_1_susi/discovery/v2.0/keys"),
            200,
            serde_json::to_value(k).unwrap(),
        );
    }
    r
}

async fn check(token: &str, source: &KeySource, http: Arc<dyn HttpClient>) -> Verification {
    verify(&token_of(token), source, http, now(), SKEW).await
}

fn failed(v: &Verification) -> Vec<&str> {
    v.checks
        .iter()
        .filter(|c| !c.ok)
        .map(|c| c.name.as_str())
        .collect()
}

fn detail<'a>(v: &'a Verification, name: &str) -> &'a str {
    &v.checks
        .iter()
        .find(|c| c.name.as_str() == name)
        .unwrap()
        .detail
}

// ---- Pasted keys ----

#[tokio::test]
async fn pasted_jwk_jwks_and_pem_verify_every_algorithm() {
    for alg in [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
    ] {
        let token = sign(alg, &claims());
        let kid = testkit::key_for(alg);
        let jwks = fixture("keys/jwks.json");
        let one_jwk = serde_json::to_string(&jwks_of(&[kid]).keys[0]).unwrap();
        let pem = fixture(&format!("verify/{kid}.pub.pem"));
        for (text, what) in [(jwks, "JWKS"), (one_jwk, "JWK"), (pem, "PEM")] {
            let v = check(&token, &given(&text, what), no_network()).await;
            assert!(v.passed && v.signature_valid, "{alg} {what}: {v:#?}");
            let key = v.key.as_ref().unwrap();
            assert_eq!(key.source, what);
            assert!(key.thumbprint.is_some());
            assert_eq!(v.skew_seconds, 300);
            let names: Vec<&str> = v.checks.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(
                names,
                ["alg", "kid", "signature", "exp", "nbf", "iat"],
                "{alg}"
            );
        }
    }
}

#[tokio::test]
async fn a_certificate_and_a_pkcs1_key_verify_too() {
    let token = sign_raw(&json!({"alg": "RS256", "kid": "rsa2"}), &claims(), "rsa2");
    let v = check(
        &token,
        &given(&fixture("verify/rsa2.crt.pem"), "cert"),
        no_network(),
    )
    .await;
    assert!(v.passed, "{v:#?}");
    assert!(detail(&v, "kid").contains("without a kid"), "{v:#?}");
    let token = sign("RS256", &claims());
    let v = check(
        &token,
        &given(&fixture("verify/rsa1.pkcs1.pub.pem"), "pkcs1"),
        no_network(),
    )
    .await;
    assert!(v.passed, "{v:#?}");
}

#[tokio::test]
async fn a_changed_token_fails_with_words() {
    let token = sign("RS256", &claims());
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut c = claims();
    c["sub"] = json!("someone-else");
    parts[1] = b64_encode(c.to_string().as_bytes());
    let v = check(
        &parts.join("."),
        &given(&fixture("keys/jwks.json"), "JWKS"),
        no_network(),
    )
    .await;
    assert!(!v.signature_valid && !v.passed);
    assert_eq!(failed(&v), ["signature"]);
    assert!(
        v.summary.contains("does not match key rsa1"),
        "{}",
        v.summary
    );
    assert!(v.summary.contains("changed or signed by someone else"));
}

#[tokio::test]
async fn the_wrong_key_is_explained() {
    // Signed by rsa2 but only rsa1 is given, with its kid: unknown kid, no network.
    let token = sign_raw(&json!({"alg": "RS256", "kid": "rsa2"}), &claims(), "rsa2");
    let only_rsa1 = serde_json::to_string(&jwks_of(&["rsa1"])).unwrap();
    let v = check(&token, &given(&only_rsa1, "keys.json"), no_network()).await;
    assert_eq!(failed(&v), ["kid", "signature"]);
    let kid = detail(&v, "kid");
    assert!(
        kid.contains("kid rsa2 is unknown") && kid.contains("keys.json has no key with that kid"),
        "{kid}"
    );
    assert!(kid.contains("it has rsa1"), "{kid}");
    // A PEM key (no kid) that is not the signer's: the signature check says so.
    let v = check(
        &token,
        &given(&fixture("verify/rsa1.pub.pem"), "rsa1.pub.pem"),
        no_network(),
    )
    .await;
    assert_eq!(failed(&v), ["signature"]);
    assert!(v.summary.contains("does not match"), "{}", v.summary);
    // An EC key for an RSA token.
    let v = check(
        &token,
        &given(&fixture("verify/ec256.pub.pem"), "ec.pem"),
        no_network(),
    )
    .await;
    assert_eq!(failed(&v), ["kid", "signature"]);
    assert!(detail(&v, "kid").contains("no RSA signing key"), "{v:#?}");
}

#[tokio::test]
async fn none_and_hmac_with_a_public_key_are_explained() {
    let none = format!(
        "{}.{}.",
        b64_encode(br#"{"alg":"none"}"#),
        b64_encode(claims().to_string().as_bytes())
    );
    let keys = given(&fixture("keys/jwks.json"), "JWKS");
    let v = check(&none, &keys, no_network()).await;
    assert!(!v.passed);
    assert!(detail(&v, "alg").contains("unsigned and anyone could have written it"));
    assert!(v.summary.contains("no signature"));

    let hs = sign_raw(&json!({"alg": "HS256"}), &claims(), "rsa1");
    let v = check(
        &hs,
        &given(&fixture("verify/rsa1.pub.pem"), "rsa1.pub.pem"),
        no_network(),
    )
    .await;
    assert_eq!(failed(&v), ["alg", "signature"]);
    let alg = detail(&v, "alg");
    assert!(
        alg.contains("HMAC") && alg.contains("algorithm-confusion"),
        "{alg}"
    );
    assert!(alg.contains("oct"), "says how to check it: {alg}");

    // With the shared secret as an oct JWK, the HMAC is checked.
    let secret = json!({"kty": "oct", "k": b64_encode(b"secret")}).to_string();
    let v = check(&hs, &given(&secret, "secret.jwk"), no_network()).await;
    assert!(v.passed, "{v:#?}");
    assert!(
        v.key.as_ref().unwrap().thumbprint.is_none(),
        "no thumbprint of a secret"
    );
    let wrong = json!({"kty": "oct", "k": b64_encode(b"guess")}).to_string();
    let v = check(&hs, &given(&wrong, "guess.jwk"), no_network()).await;
    assert_eq!(failed(&v), ["signature"]);
    assert!(!serde_json::to_string(&v)
        .unwrap()
        .contains(&b64_encode(b"guess")));
}

#[tokio::test]
async fn unsupported_algorithms_and_kty_mismatch() {
    let t = format!(
        "{}.{}.c2ln",
        b64_encode(br#"{"alg":"RS1"}"#),
        b64_encode(claims().to_string().as_bytes())
    );
    let v = check(&t, &given(&fixture("keys/jwks.json"), "JWKS"), no_network()).await;
    assert!(
        detail(&v, "alg").contains("not one Tokenscope accepts"),
        "{v:#?}"
    );
    // The header names an RSA key but says ES256.
    let t = sign_raw(&json!({"alg": "ES256", "kid": "rsa1"}), &claims(), "ec256");
    let v = check(&t, &given(&fixture("keys/jwks.json"), "JWKS"), no_network()).await;
    assert_eq!(failed(&v), ["signature"]);
    assert!(
        v.summary
            .contains("is an RSA key, but the token says ES256"),
        "{}",
        v.summary
    );
}

#[tokio::test]
async fn time_checks_use_the_local_clock_with_the_stated_skew() {
    let keys = given(&fixture("keys/jwks.json"), "JWKS");
    let mut c = claims();
    c["exp"] = json!(NOW - 100); // within 5 min
    let v = check(&sign("RS256", &c), &keys, no_network()).await;
    assert!(v.passed, "{v:#?}");
    c["exp"] = json!(NOW - 3600);
    c["iat"] = json!(NOW + 900);
    let v = check(&sign("RS256", &c), &keys, no_network()).await;
    assert!(v.signature_valid && !v.passed);
    assert_eq!(failed(&v), ["exp", "iat"]);
    assert!(
        detail(&v, "exp").contains("beyond the 300 s skew"),
        "{v:#?}"
    );
    assert!(detail(&v, "iat").contains("issued in the future"));
}

// ---- Discovered keys ----

#[tokio::test]
async fn b2c_policy_metadata_is_discovered_from_tfp() {
    let routes = b2c(&[jwks_of(&["rsa1", "rsa2"])]);
    let v = check(
        &sign("RS256", &claims()),
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        routes.client(),
    )
    .await;
    assert!(v.passed, "{v:#?}");
    assert_eq!(
        v.metadata_url.as_deref(),
        Some(format!("{HOST}/{GUID}/B2C_1_susi/v2.0/.well-known/openid-configuration").as_str())
    );
    assert_eq!(
        v.keys_from,
        format!("{HOST}/{GUID}/B2C_1_susi/discovery/v2.0/keys")
    );
    let names: Vec<&str> = v.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "keys",
            "alg",
            "kid",
            "signature",
            "issuer",
            "exp",
            "nbf",
            "iat"
        ]
    );
    assert!(detail(&v, "kid").contains("found in the provider's JWKS"));
    assert_eq!(v.key.as_ref().unwrap().kid.as_deref(), Some("rsa1"));
}

#[tokio::test]
async fn key_rotation_refetches_once_and_an_unknown_kid_is_explained() {
    let token = sign_raw(&json!({"alg": "RS256", "kid": "rsa2"}), &claims(), "rsa2");
    let routes = b2c(&[jwks_of(&["rsa1"]), jwks_of(&["rsa1", "rsa2"])]);
    let v = check(
        &token,
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        routes.client(),
    )
    .await;
    assert!(v.passed, "{v:#?}");
    assert!(detail(&v, "kid").contains("fetched again (key rotation)"));
    let keys_path = format!("/{GUID}/B2C_1_susi/discovery/v2.0/keys");
    assert_eq!(routes.hits(&keys_path), 2);

    let routes = b2c(&[jwks_of(&["rsa1"])]);
    let v = check(
        &token,
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        routes.client(),
    )
    .await;
    assert_eq!(failed(&v), ["kid", "signature"]);
    let kid = detail(&v, "kid");
    assert!(kid.contains("kid rsa2 is unknown") && kid.contains("even after fetching it again"));
    assert_eq!(routes.hits(&keys_path), 2, "one refetch, no more");
}

#[tokio::test]
async fn discovery_failures_are_explained() {
    // No metadata there.
    let v = check(
        &sign("RS256", &claims()),
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        Routes::default().client(),
    )
    .await;
    assert!(!v.passed);
    assert_eq!(failed(&v), ["keys", "signature"]);
    assert!(
        detail(&v, "keys").contains("could not be fetched"),
        "{v:#?}"
    );
    assert!(detail(&v, "keys").contains("404"), "{v:#?}");
    // Metadata pointing its keys at plain http elsewhere.
    let routes = Routes::default().on(
        &format!("/{GUID}/B2C_1_susi/v2.0/.well-known/openid-configuration"),
        200,
        json!({"issuer": "x", "jwks_uri": "http://evil.example/keys"}),
    );
    let v = check(
        &sign("RS256", &claims()),
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        routes.client(),
    )
    .await;
    assert!(detail(&v, "keys").contains("unsafe"), "{v:#?}");
    assert_eq!(
        routes.total.load(Ordering::SeqCst),
        1,
        "the keys were not fetched"
    );
    // An issuer over plain http is not contacted at all.
    let mut c = claims();
    c["iss"] = json!("http://evil.example/tenant/v2.0/");
    let routes = Routes::default();
    let v = check(
        &sign("RS256", &c),
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        routes.client(),
    )
    .await;
    assert!(detail(&v, "keys").contains("only https"), "{v:#?}");
    assert_eq!(routes.total.load(Ordering::SeqCst), 0);
    // No iss.
    let v = check(
        &sign("RS256", &json!({"sub": "x"})),
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        no_network(),
    )
    .await;
    assert!(detail(&v, "keys").contains("no iss claim"), "{v:#?}");
}

#[tokio::test]
async fn keys_named_by_a_token_are_not_fetched_from_private_or_metadata_addresses() {
    // The token's iss names a private or metadata-service address: nothing is fetched.
    for iss in [
        "https://169.254.169.254/latest/meta-data/",
        "https://192.168.1.1/tenant/v2.0/",
        "https://[fe80::1]/",
    ] {
        let mut c = claims();
        c["iss"] = json!(iss);
        let routes = Routes::default();
        let v = check(
            &sign("RS256", &c),
            &KeySource::Discover(NetworkPolicy::PUBLIC),
            routes.client(),
        )
        .await;
        assert!(!v.passed, "{iss}");
        let keys = detail(&v, "keys");
        assert!(keys.contains("--allow-private-network"), "{iss}: {keys}");
        assert_eq!(
            routes.total.load(Ordering::SeqCst),
            0,
            "{iss}: nothing fetched"
        );
    }
    // Public metadata pointing its keys at a private address: the keys are not fetched.
    let routes = Routes::default().on(
        &format!("/{GUID}/B2C_1_susi/v2.0/.well-known/openid-configuration"),
        200,
        json!({"issuer": "x", "jwks_uri": "https://10.0.0.8/keys"}),
    );
    let v = check(
        &sign("RS256", &claims()),
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        routes.client(),
    )
    .await;
    let keys = detail(&v, "keys");
    assert!(
        keys.contains("jwks_uri") && keys.contains("10.0.0.0/8"),
        "{keys}"
    );
    assert_eq!(routes.total.load(Ordering::SeqCst), 1, "only the metadata");
    // A redirect (to wherever) is never followed.
    let routes = Routes::default().on(
        &format!("/{GUID}/B2C_1_susi/v2.0/.well-known/openid-configuration"),
        302,
        json!({}),
    );
    let v = check(
        &sign("RS256", &claims()),
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        routes.client(),
    )
    .await;
    assert!(
        detail(&v, "keys").contains("never follows redirects"),
        "{v:#?}"
    );
    assert_eq!(routes.total.load(Ordering::SeqCst), 1);
    let routes = Routes::default().on(
        &format!("/{GUID}/B2C_1_susi/v2.0/.well-known/openid-configuration"),
        200,
        json!({"issuer": "x", "jwks_uri": "https://10.0.0.8/keys"}),
    );
    let _ = check(
        &sign("RS256", &claims()),
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        routes.client(),
    )
    .await;
    // Allowed by the user, the same metadata's keys are asked for.
    let v = check(
        &sign("RS256", &claims()),
        &KeySource::Discover(NetworkPolicy {
            allow_private: true,
        }),
        routes.client(),
    )
    .await;
    assert!(
        !detail(&v, "keys").contains("--allow-private-network"),
        "{v:#?}"
    );
    assert_eq!(
        routes.total.load(Ordering::SeqCst),
        3,
        "the metadata again, then the keys at 10.0.0.8: {v:#?}"
    );
}

#[tokio::test]
async fn an_issuer_the_metadata_does_not_name_fails_the_issuer_check() {
    let routes = Routes::default()
        .on(
            &format!("/{GUID}/B2C_1_susi/v2.0/.well-known/openid-configuration"),
            200,
            json!({"issuer": "https://someone.else/", "jwks_uri": format!("{HOST}/k")}),
        )
        .on("/k", 200, serde_json::to_value(testkit::jwks()).unwrap());
    let v = check(
        &sign("RS256", &claims()),
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        routes.client(),
    )
    .await;
    assert!(v.signature_valid && !v.passed);
    assert_eq!(failed(&v), ["issuer"]);
    assert!(detail(&v, "issuer").contains("https://someone.else/"));
}

#[tokio::test]
async fn verify_all_checks_each_token_and_fetches_the_metadata_once() {
    let routes = b2c(&[testkit::jwks()]);
    let body = json!({
        "id_token": sign("RS256", &claims()),
        "access_token": sign("ES256", &claims()),
        "refresh_token": "opaque-refresh",
    });
    let mut i = inspect(&body.to_string(), &InspectOptions::at(now())).unwrap();
    verify_all(
        &mut i,
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        routes.client(),
        now(),
        SKEW,
    )
    .await;
    assert!(i.tokens[0].verification.as_ref().unwrap().passed);
    assert!(i.tokens[1].verification.as_ref().unwrap().passed);
    assert!(
        i.tokens[2].verification.is_none(),
        "opaque tokens are not verified"
    );
    let meta = format!("/{GUID}/B2C_1_susi/v2.0/.well-known/openid-configuration");
    assert_eq!(routes.hits(&meta), 1);
}

#[tokio::test]
async fn plain_issuer_discovery_over_tcp() {
    let provider = util::FakeProvider::start().await;
    let mut c = claims();
    c["iss"] = json!(provider.issuer());
    c.as_object_mut().unwrap().remove("tfp");
    let http: Arc<dyn HttpClient> =
        Arc::new(tokenscope_core::http::ReqwestClient::new(Default::default()).unwrap());
    let v = check(
        &sign("ES256", &c),
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        http,
    )
    .await;
    assert!(v.passed, "{v:#?}");
    assert_eq!(
        v.metadata_url.as_deref(),
        Some(provider.url("/.well-known/openid-configuration").as_str())
    );
    assert_eq!(provider.hits(util::JWKS_PATH), 1);
}

// ---- Encrypted tokens ----

#[tokio::test]
async fn signed_then_encrypted_tokens_are_verified_inside() {
    let f: Value = serde_json::from_str(&fixture("jwe/tokens.json")).unwrap();
    let nested = f["nested"].as_str().unwrap();
    let keys = given(&fixture("keys/jwks.json"), "JWKS");
    // Without the decryption key, nothing can be checked.
    let v = check(nested, &keys, no_network()).await;
    assert!(!v.passed && v.summary.contains("encrypted"), "{v:#?}");
    // Decrypted, the inner JWS (signed by rsa2) is checked. Its claims expire in 2100.
    let options = InspectOptions {
        now: now(),
        decryption_keys: Some(
            DecryptionKeys::parse(&fixture("jwe/recipient.pem"), "recipient.pem").unwrap(),
        ),
    };
    let t = inspect_token("token", nested, &options);
    let v = verify(&t, &keys, no_network(), now(), SKEW).await;
    assert!(v.passed, "{v:#?}");
    assert_eq!(v.key.unwrap().kid.as_deref(), Some("rsa2"));
}

// ---- The real B2C-shaped provider ----

#[tokio::test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
async fn tokens_from_the_real_provider_verify_through_policy_discovery() {
    use tokenscope_core::engine::{Engine, SignInOptions};
    use tokenscope_core::store::profile::{Profile, ProfileStore};
    let idp = testkit::idp::TestIdp::start();
    let dir = util::TempDir::new("inspector");
    let http: Arc<dyn HttpClient> =
        Arc::new(tokenscope_core::http::ReqwestClient::new(Default::default()).unwrap());
    let engine = Engine::new(
        http.clone(),
        Arc::new(tokenscope_core::clock::SystemClock),
        tokenscope_core::store::vault::Vault::session_only("inspector test"),
        ProfileStore::new(dir.join("config")),
    );
    for policy in ["B2C_1_auto", "B2C_1A_tfp"] {
        let mut p = Profile::new("inspect", &idp.metadata_url(policy), &idp.client_id());
        p.scopes = vec![idp.api_scope()];
        p.browser_command = Some(tokenscope_core::testkit::idp::CURL_BROWSER.into());
        let options = SignInOptions {
            store: false,
            timeout: Duration::from_secs(60),
            ..Default::default()
        };
        let o = engine.sign_in(&p, &options).await.expect("sign-in");
        let body = json!({
            "id_token": o.id_token.as_ref().unwrap().raw.expose(),
            "access_token": o.access_token.as_ref().unwrap().raw.expose(),
        });
        let now = chrono::Utc::now();
        let mut i = inspect(&body.to_string(), &InspectOptions::at(now)).unwrap();
        assert_eq!(i.tokens[0].claim_str("tfp"), Some(policy));
        verify_all(
            &mut i,
            &KeySource::Discover(NetworkPolicy::PUBLIC),
            http.clone(),
            now,
            SKEW,
        )
        .await;
        for t in &i.tokens {
            let v = t.verification.as_ref().unwrap();
            assert!(v.passed, "{policy} {}: {v:#?}", t.label);
            let want = format!(
                "{}/{}/{policy}/v2.0/.well-known/openid-configuration",
                idp.base(),
                idp.tenant_id()
            );
            assert_eq!(v.metadata_url.as_deref(), Some(want.as_str()), "{policy}");
        }
    }
}
