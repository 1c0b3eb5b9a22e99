//! API calls with the profile's token against the test provider's protected API
//! (`tests/idp/api.mjs`, which validates tokens like an ASP.NET Core API): a valid call, and
//! every diagnosis code from a real refusal.
//!
//! Ignored by a plain `cargo test` (they need node and `npm ci --prefix tests/idp`);
//! `scripts/test.sh` runs them with `--include-ignored`, or:
//! `cargo test -p tokenscope-core --test api_call -- --include-ignored`.

mod common;

use common::{assert_passed, engine_with, options, temp_dir};
use serde_json::Value;
use tokenscope_core::api::{self, CallInput, FindingCode, Header, Hints, TokenChoice};
use tokenscope_core::engine::Engine;
use tokenscope_core::store::profile::{Profile, ProfileStore};
use tokenscope_core::store::vault::Vault;
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};
use tokenscope_core::{Error, Secret};

fn engine_on(vault: Vault) -> Engine {
    engine_with(vault, ProfileStore::new(temp_dir("tokenscope-api")))
}

fn engine() -> Engine {
    engine_on(Vault::session_only("test"))
}

/// A profile on `policy` with `offline_access` and `scope` (the API's read scope by default).
fn profile(name: &str, policy: &str, scope: Option<String>) -> Profile {
    let mut p = Profile::new(name, &idp().metadata_url(policy), &idp().client_id());
    p.scopes = vec![
        "offline_access".into(),
        scope.unwrap_or_else(|| idp().api_scope()),
    ];
    p.browser_command = Some(CURL_BROWSER.into());
    p
}

async fn signed_in(engine: &Engine, p: &Profile) {
    let o = engine.sign_in(p, &options()).await.unwrap();
    assert_passed(&o);
}

fn get(url: String) -> CallInput {
    CallInput {
        method: "GET".into(),
        url,
        ..Default::default()
    }
}

/// `{base}{path}`, e.g. `/api/hello`.
fn at(path: &str) -> String {
    format!("{}{path}", idp().base())
}

fn codes(c: &api::ApiCall) -> Vec<FindingCode> {
    c.diagnosis.iter().map(|f| f.code).collect()
}

const NEEDS: &str = "needs tests/idp (npm): run scripts/test.sh";

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn a_valid_access_token_gets_200_and_no_diagnosis() {
    let _ = NEEDS;
    let engine = engine();
    let p = profile("ok", "B2C_1_auto", None);
    signed_in(&engine, &p).await;
    let c = engine.call_api(&p, &get(at("/api/orders"))).await.unwrap();
    assert_eq!(c.response.status, 200, "{}", c.response.body);
    assert!(c.diagnosis.is_empty(), "{:?}", c.diagnosis);
    let body = c.response.json.as_ref().unwrap();
    assert_eq!(body["scp"], "read");
    assert_eq!(body["tfp"], "B2C_1_auto");
    assert_eq!(c.request.headers[0].value, "Bearer [redacted]");
    // A POST with a JSON body reaches the API as sent.
    let mut post = get(at("/api/hello"));
    post.url = at("/api/orders");
    post.method = "POST".into();
    post.body = Some(r#"{"item":"book"}"#.into());
    let c = engine.call_api(&p, &post).await.unwrap();
    assert_eq!(c.response.status, 403, "read-only token");
    let c = engine.call_api(&p, &get(at("/api/nowhere"))).await.unwrap();
    assert_eq!(c.response.status, 404);
    assert!(c.diagnosis.is_empty(), "a 404 is not diagnosed");

    // Each answered call is remembered in the profile's state, newest first, with what was
    // typed and the status; never the token.
    let recent = engine.recent_calls("ok").unwrap();
    let seen: Vec<(&str, &str, u16)> = recent
        .iter()
        .map(|c| (c.method.as_str(), c.url.as_str(), c.status))
        .collect();
    let (orders, nowhere) = (at("/api/orders"), at("/api/nowhere"));
    assert_eq!(
        seen,
        [
            ("GET", nowhere.as_str(), 404),
            ("POST", orders.as_str(), 403),
            ("GET", orders.as_str(), 200)
        ]
    );
    assert_eq!(recent[1].body.as_deref(), Some(r#"{"item":"book"}"#));
    let state = std::fs::read_to_string(engine.profiles().dir().join("state.json")).unwrap();
    assert!(
        state.contains("/api/nowhere") && !state.contains("eyJ"),
        "{state}"
    );
    // A bad request is refused before anything is sent, and not remembered.
    assert!(engine.call_api(&p, &get("ftp://x/".into())).await.is_err());
    assert_eq!(engine.recent_calls("ok").unwrap().len(), 3);
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn insufficient_scope_names_the_scope_to_add() {
    let engine = engine();
    let p = profile("scope", "B2C_1_auto", None);
    signed_in(&engine, &p).await;
    let call = CallInput {
        method: "POST".into(),
        url: at("/api/orders"),
        headers: vec![Header {
            name: "X-Request-Id".into(),
            value: "t-1".into(),
        }],
        body: Some(r#"{"item":"book"}"#.into()),
        token: TokenChoice::Access,
    };
    let c = engine.call_api(&p, &call).await.unwrap();
    assert_eq!(c.response.status, 403);
    assert_eq!(codes(&c), [FindingCode::InsufficientScope]);
    let m = &c.diagnosis[0].message;
    let write = format!("https://{}/api/write", idp().tenant());
    assert!(m.contains(&format!("Add `{write}`")), "{m}");
    assert!(m.contains("scp is `read`"), "{m}");
    // Entra style: the short name in the challenge, the full name worked out from the profile.
    let mut entra = call.clone();
    entra.url = at("/api-entra/orders");
    let c = engine.call_api(&p, &entra).await.unwrap();
    assert_eq!(codes(&c), [FindingCode::InsufficientScope]);
    assert!(
        c.diagnosis[0].message.contains(&format!("Add `{write}`")),
        "{}",
        c.diagnosis[0].message
    );
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn audience_mismatch_from_the_apis_words_and_from_entras_resource_id() {
    let engine = engine();
    // The client ID as a scope: an access token for the app itself, not the API.
    let p = profile("aud", "B2C_1_auto", Some(idp().client_id()));
    signed_in(&engine, &p).await;
    let c = engine.call_api(&p, &get(at("/api/hello"))).await.unwrap();
    assert_eq!(c.response.status, 401);
    assert_eq!(codes(&c), [FindingCode::AudienceMismatch]);
    let m = &c.diagnosis[0].message;
    assert!(
        m.contains(&format!("aud is `{}`", idp().client_id())),
        "{m}"
    );
    assert!(
        m.contains(&format!("expects `{}`", idp().api_app_id())),
        "{m}"
    );
    let c = engine
        .call_api(&p, &get(at("/api-entra/hello")))
        .await
        .unwrap();
    assert_eq!(codes(&c), [FindingCode::AudienceMismatch]);
    assert!(c.diagnosis[0]
        .message
        .contains("resource_id in its challenge"));
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn expired_by_both_clocks_and_by_an_api_clock_that_is_ahead() {
    let engine = engine();
    let p = profile("short", "B2C_1_short", None);
    signed_in(&engine, &p).await;
    let token = engine.api_token(&p, TokenChoice::Access).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    let call = api::prepare(&get(at("/api/hello"))).unwrap();
    let c = api::send(
        engine.http().as_ref(),
        &call,
        &token,
        &Hints::default(),
        engine.now(),
    )
    .await
    .unwrap();
    assert_eq!(c.response.status, 401);
    assert_eq!(codes(&c), [FindingCode::Expired]);
    assert!(
        c.diagnosis[0]
            .message
            .contains("s ago by this computer's clock"),
        "{}",
        c.diagnosis[0].message
    );
    // The engine does not send a token that is about to expire: it refreshes first.
    let fresh = engine.call_api(&p, &get(at("/api/hello"))).await.unwrap();
    assert_eq!(fresh.response.status, 200, "{:?}", fresh.diagnosis);
    // Valid here, expired for an API whose clock is 2 h ahead.
    let p = profile("ahead", "B2C_1_auto", None);
    signed_in(&engine, &p).await;
    let c = engine
        .call_api(&p, &get(at("/api-ahead/hello")))
        .await
        .unwrap();
    assert_eq!(codes(&c), [FindingCode::Expired]);
    let m = &c.diagnosis[0].message;
    assert!(
        m.contains("IDX10223") && m.contains("the API's is 2 h ahead"),
        "{m}"
    );
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn not_yet_valid_for_an_api_clock_behind_and_for_a_clock_behind_the_provider() {
    let engine = engine();
    let p = profile("behind", "B2C_1_auto", None);
    signed_in(&engine, &p).await;
    let c = engine
        .call_api(&p, &get(at("/api-behind/hello")))
        .await
        .unwrap();
    assert_eq!(c.response.status, 401);
    assert_eq!(codes(&c), [FindingCode::NotYetValid]);
    assert!(
        c.diagnosis[0].message.contains("the API's is 2 h behind"),
        "{}",
        c.diagnosis[0].message
    );
    // This computer's clock an hour behind the provider's (and the API's).
    let token = engine.api_token(&p, TokenChoice::Access).await.unwrap();
    let call = api::prepare(&get(at("/api-behind/hello"))).unwrap();
    let an_hour_ago = engine.now() - chrono::Duration::hours(1);
    let c = api::send(
        engine.http().as_ref(),
        &call,
        &token,
        &Hints::default(),
        an_hour_ago,
    )
    .await
    .unwrap();
    assert_eq!(codes(&c), [FindingCode::NotYetValid]);
    assert!(
        c.diagnosis[0]
            .message
            .contains("the provider's clock is ahead"),
        "{}",
        c.diagnosis[0].message
    );
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn issuer_mismatch_from_the_apis_words_and_from_the_policy_entra_names() {
    let engine = engine();
    // B2C_1A_tfp signs with a key the API knows, under the tfp-form issuer it does not accept.
    let p = profile("tfp", "B2C_1A_tfp", None);
    signed_in(&engine, &p).await;
    let c = engine.call_api(&p, &get(at("/api/hello"))).await.unwrap();
    assert_eq!(codes(&c), [FindingCode::IssuerMismatch]);
    let m = &c.diagnosis[0].message;
    assert!(
        m.contains("policy `B2C_1A_tfp`")
            && m.contains(&format!(
                "expects `{}/{}/v2.0/`",
                idp().base(),
                idp().tenant_id()
            )),
        "{m}"
    );
    let c = engine
        .call_api(&p, &get(at("/api-entra/hello")))
        .await
        .unwrap();
    assert_eq!(codes(&c), [FindingCode::IssuerMismatch]);
    assert!(
        c.diagnosis[0]
            .message
            .contains("Sign in with the policy `B2C_1_auto`"),
        "{}",
        c.diagnosis[0].message
    );
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn the_id_token_sent_and_a_route_that_takes_no_bearer_token() {
    let engine = engine();
    let p = profile("id", "B2C_1_auto", None);
    signed_in(&engine, &p).await;
    let mut call = get(at("/api/hello"));
    call.token = TokenChoice::Id;
    let c = engine.call_api(&p, &call).await.unwrap();
    assert_eq!(c.response.status, 401);
    assert_eq!(
        codes(&c),
        [FindingCode::IdTokenSent, FindingCode::AudienceMismatch]
    );
    let c = engine.call_api(&p, &get(at("/api/legacy"))).await.unwrap();
    assert_eq!(c.response.status, 401);
    assert_eq!(codes(&c), [FindingCode::NoTokenAccepted]);
    assert!(c.diagnosis[0].message.contains("offers Basic only"));
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn invalid_token_shows_the_apis_own_words() {
    let engine = engine();
    // B2C_1_edit: the same issuer, but keys the API was not configured with.
    let p = profile("edit", "B2C_1_edit", None);
    signed_in(&engine, &p).await;
    let c = engine.call_api(&p, &get(at("/api/hello"))).await.unwrap();
    assert_eq!(codes(&c), [FindingCode::InvalidToken]);
    let said = c
        .bearer
        .as_ref()
        .unwrap()
        .error_description
        .clone()
        .unwrap();
    assert!(
        said.starts_with("IDX10501: Signature validation failed"),
        "{said}"
    );
    assert!(c.diagnosis[0].message.contains(&said), "shown as is");
    let v: Value = c.json();
    assert_eq!(v["diagnosis"][0]["code"], "invalid_token");
    assert_eq!(v["response"]["status"], 401);
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn the_token_comes_from_a_silent_refresh_and_without_one_a_sign_in_is_needed() {
    let vault = Vault::session_only("test");
    let first = engine_on(vault.clone());
    let p = profile("silent", "B2C_1_auto", None);
    signed_in(&first, &p).await;
    // Another engine on the same vault holds no token of this session: it refreshes.
    let second = engine_on(vault);
    let c = second.call_api(&p, &get(at("/api/hello"))).await.unwrap();
    assert_eq!(c.response.status, 200);
    // Nothing stored, nothing held: sign in first. Bad input is refused before that.
    let none = engine();
    let e = none.call_api(&p, &get(at("/api/hello"))).await.unwrap_err();
    assert!(matches!(e, Error::SignInRequired(_)), "{e:?}");
    let e = none
        .call_api(&p, &get("http://example.com/api".into()))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), tokenscope_core::error::ErrorKind::Config, "{e}");
    // Copy as curl: masked without a token; in the clear only when asked.
    let curl = second
        .api_curl(&p, &get(at("/api/hello")), false)
        .await
        .unwrap();
    assert!(curl.contains("Bearer $TOKEN"), "{curl}");
    let clear = second
        .api_curl(&p, &get(at("/api/hello")), true)
        .await
        .unwrap();
    let token = second.api_token(&p, TokenChoice::Access).await.unwrap();
    assert!(
        clear.contains(Secret::expose(&token)),
        "the token in the clear"
    );
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn userinfo_claims_explained_and_compared_with_the_id_token() {
    let engine = engine();
    // `openid` only: the access token is the provider's own (opaque), which userinfo takes.
    let mut p = profile("userinfo", "B2C_1_auto", None);
    p.scopes = vec!["offline_access".into()];
    signed_in(&engine, &p).await;
    let info = engine.userinfo(&p).await.unwrap();
    assert_eq!(info.status, 200, "{:?}", info.body);
    assert!(
        info.endpoint.ends_with("/B2C_1_auto/openid/v2.0/userinfo"),
        "{}",
        info.endpoint
    );
    assert_eq!(info.same_subject, Some(true));
    let emails = info
        .claims
        .iter()
        .find(|c| c.name == "emails")
        .expect("emails");
    assert_eq!(emails.value[0], "tester@example.com");
    assert_ne!(emails.description, "not in the catalogue");
    assert!(info.same.iter().any(|n| n == "oid"), "{:?}", info.same);
    assert!(
        info.differences
            .iter()
            .all(|d| !["iss", "aud", "exp", "nonce"].contains(&d.name.as_str())),
        "claims about the token itself are not differences: {:?}",
        info.differences
    );
    // An access token issued for the API is refused there, and the refusal is diagnosed.
    let p = profile("userinfo-api", "B2C_1_auto", None);
    signed_in(&engine, &p).await;
    let info = engine.userinfo(&p).await.unwrap();
    assert_eq!(info.status, 401);
    assert!(
        !info.diagnosis.is_empty() || !info.notes.is_empty(),
        "{info:?}"
    );
}
