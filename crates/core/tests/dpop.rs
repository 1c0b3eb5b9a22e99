//! DPoP (RFC 9449) against the test provider's generic OpenID provider (`tests/idp`, `/oidc`,
//! oidc-provider with its `dPoP` feature) and its DPoP-bound API (`/dpop-api`, which checks the
//! proof and the token's `cnf.jkt`), the profile's key in the real keyring.
//!
//! Ignored by a plain `cargo test` (they need node, `npm ci --prefix tests/idp` and a keyring):
//! `scripts/with-keyring.sh cargo test -p tokenscope-core --test dpop -- --include-ignored`.

mod common;

use common::{assert_passed, keyring_engine, keyring_has, options, temp_dir};
use tokenscope_core::api::diagnose::FindingCode;
use tokenscope_core::api::{CallInput, TokenChoice};
use tokenscope_core::engine::Engine;
use tokenscope_core::jose::jwt;
use tokenscope_core::oidc::dpop::key_account;
use tokenscope_core::store::profile::Profile;
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};
use tokenscope_core::validate::CheckId;

fn service() -> String {
    format!(
        "tokenscope-test-dpop-{}",
        tokenscope_core::oidc::pkce::random_token()
    )
}

/// A DPoP profile on the generic provider, asking for the API's scope (a JWT access token).
fn profile(name: &str, client_id: &str) -> Profile {
    let mut p = Profile::new(name, &idp().generic_metadata_url(), client_id);
    p.scopes = vec!["offline_access".into(), idp().api_scope()];
    p.browser_command = Some(CURL_BROWSER.into());
    p.dpop = true;
    p
}

fn get(url: &str) -> CallInput {
    CallInput {
        method: "GET".into(),
        url: url.into(),
        token: TokenChoice::Access,
        ..Default::default()
    }
}

fn check_ok(o: &tokenscope_core::engine::outcome::Outcome, id: CheckId) -> &str {
    let c = o
        .report
        .checks
        .iter()
        .find(|c| c.name == id)
        .unwrap_or_else(|| panic!("no {id} check: {:#?}", o.report));
    assert!(c.ok, "{id}: {}", c.detail);
    &c.detail
}

fn jkt_of(o: &tokenscope_core::engine::outcome::Outcome) -> String {
    let at = o.access_token.as_ref().expect("an access token");
    let d = jwt::decode(at.raw.expose()).expect("a JWT access token");
    d.payload["cnf"]["jkt"]
        .as_str()
        .expect("cnf.jkt in the access token")
        .to_owned()
}

async fn thumbprint(engine: &Engine, name: &str) -> String {
    engine
        .dpop_key(name)
        .await
        .unwrap()
        .expect("a DPoP key was made")
        .thumbprint
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
async fn a_dpop_profile_gets_bound_tokens_calls_the_bound_api_and_refreshes() {
    common::require_harness();
    let service = service();
    let dir = temp_dir("tokenscope-dpop");
    let engine = keyring_engine(&service, &dir);
    let p = profile("dpop", &idp().client_id());
    engine.profiles().save(&p).unwrap();
    assert!(engine.dpop_key("dpop").await.unwrap().is_none());

    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert_passed(&o);
    assert_eq!(o.token_type.as_deref(), Some("DPoP"));
    check_ok(&o, CheckId::DpopTokenType);
    let detail = check_ok(&o, CheckId::DpopBinding).to_owned();
    // The key was made on first use, in the keyring, and the provider bound the token to it.
    assert!(keyring_has(&service, &key_account("dpop")));
    let thumb = thumbprint(&engine, "dpop").await;
    assert_eq!(jkt_of(&o), thumb);
    assert!(detail.contains(&thumb), "{detail}");
    // The outcome says what the token request was bound to: this key, no certificate.
    let sender = o.sender.clone().expect("the sender constraint");
    assert_eq!(sender.dpop_jkt.as_deref(), Some(thumb.as_str()));
    assert_eq!(sender.mtls_thumbprint, None);

    // The bound API: Authorization: DPoP, a proof of the key cnf.jkt names, with ath.
    let [me, nonce_me] = &idp().dpop_api()[..] else {
        panic!("the DPoP API's routes")
    };
    let call = engine.call_api(&p, &get(me)).await.unwrap();
    assert_eq!(call.response.status, 200, "{}", call.response.body);
    assert_eq!(call.response.json.as_ref().unwrap()["jkt"], thumb.as_str());
    assert!(call
        .request
        .headers
        .iter()
        .any(|h| h.name == "Authorization" && h.value.starts_with("DPoP ")));
    // A route that wants its own nonce: one use_dpop_nonce, then the retry with it.
    let call = engine.call_api(&p, &get(nonce_me)).await.unwrap();
    assert_eq!(call.response.status, 200, "{}", call.response.body);
    // The wire log shows both: the 401 with the API's nonce, then the retry, each with its proof.
    let api: Vec<_> = call
        .exchanges
        .iter()
        .filter(|e| e.step == tokenscope_core::exchange::Step::Api)
        .collect();
    assert_eq!(api.len(), 2, "{:#?}", call.exchanges);
    assert_eq!(api[0].status, Some(401));
    assert!(api[0]
        .response_headers
        .iter()
        .any(|h| h.name == "dpop-nonce"));
    assert_eq!(api[1].status, Some(200));
    assert!(api.iter().all(|e| logged_proof(e).is_some()));

    // The refresh token is bound too: the refresh sends a proof and gets bound tokens again.
    let r = engine.refresh(&p, None).await.unwrap();
    assert_passed(&r);
    assert_eq!(r.token_type.as_deref(), Some("DPoP"));
    assert_eq!(jkt_of(&r), thumb);
    assert_eq!(
        r.sender.as_ref().and_then(|s| s.dpop_jkt.as_deref()),
        Some(thumb.as_str())
    );

    // The same token without DPoP: the bound API refuses it, and the diagnosis says why.
    let mut plain = p.clone();
    plain.dpop = false;
    let call = engine.call_api(&plain, &get(me)).await.unwrap();
    assert_eq!(call.response.status, 401);
    assert!(
        call.diagnosis
            .iter()
            .any(|f| f.code == FindingCode::DpopRequired),
        "{:#?}",
        call.diagnosis
    );

    // A new key: the tokens bound to the old one are refused by the API, in plain words.
    let made = engine.dpop_key("dpop").await.unwrap().unwrap().created;
    let rotated = engine.dpop_rotate("dpop").await.unwrap();
    assert_ne!(rotated.thumbprint, thumb);
    // Said when it was made: now, as the keyring keeps it.
    assert!(rotated.created >= made, "{} < {made}", rotated.created);
    let shown = engine.dpop_key("dpop").await.unwrap().unwrap();
    assert_eq!(
        (shown.thumbprint.as_str(), shown.created),
        (rotated.thumbprint.as_str(), rotated.created)
    );
    let call = engine.call_api(&p, &get(me)).await.unwrap();
    assert_eq!(call.response.status, 401);
    assert!(
        call.diagnosis
            .iter()
            .any(|f| f.message.contains("another key")),
        "{:#?}",
        call.diagnosis
    );

    assert!(engine.dpop_remove("dpop").await.unwrap());
    assert!(!keyring_has(&service, &key_account("dpop")));
    let _ = engine.sign_out(&p).await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
async fn a_client_whose_proofs_need_a_nonce_signs_in_after_one_use_dpop_nonce() {
    common::require_harness();
    let service = service();
    let dir = temp_dir("tokenscope-dpop-nonce");
    let engine = keyring_engine(&service, &dir);
    let p = profile("nonce", &idp().dpop_nonce_client_id());
    engine.profiles().save(&p).unwrap();
    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert_passed(&o);
    check_ok(&o, CheckId::DpopBinding);
    assert_eq!(jkt_of(&o), thumbprint(&engine, "nonce").await);
    // The nonce is remembered for the server: the refresh goes through as well.
    let r = engine.refresh(&p, None).await.unwrap();
    assert_passed(&r);

    // Without DPoP this client gets no token at all.
    let mut plain = p.clone();
    plain.dpop = false;
    // (oidc-provider says only invalid_grant: "DPoP proof JWT not provided" stays in its log.)
    let e = engine.sign_in(&plain, &options()).await.unwrap_err();
    assert!(
        matches!(&e, tokenscope_core::Error::Provider(p) if p.error == "invalid_grant"),
        "{e}"
    );
    let _ = engine.sign_out(&p).await;
    let _ = engine.dpop_remove("nonce").await;
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
async fn userinfo_takes_the_bound_token_with_a_proof() {
    common::require_harness();
    let service = service();
    let dir = temp_dir("tokenscope-dpop-userinfo");
    let engine = keyring_engine(&service, &dir);
    // No API scope: an access token for userinfo (oidc-provider's own, opaque), DPoP-bound.
    let mut p = profile("userinfo", &idp().client_id());
    p.scopes = vec!["offline_access".into()];
    engine.profiles().save(&p).unwrap();
    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert_passed(&o);
    assert_eq!(o.token_type.as_deref(), Some("DPoP"));
    let info = engine.userinfo(&p).await.unwrap();
    assert!(info.succeeded(), "{} {:?}", info.status, info.diagnosis);
    assert_eq!(info.same_subject, Some(true));

    // Sent as a plain Bearer token, the provider refuses the bound token: DPoP is required.
    let mut plain = p.clone();
    plain.dpop = false;
    let info = engine.userinfo(&plain).await.unwrap();
    assert_eq!(info.status, 401, "{:?}", info.body);
    let _ = engine.sign_out(&p).await;
    let _ = engine.dpop_remove("userinfo").await;
    let _ = std::fs::remove_dir_all(&dir);
}

/// The generic provider's daemon client (client_secret_basic) with DPoP on, its secret stored.
async fn app_profile(engine: &Engine, name: &str) -> Profile {
    let client = &idp().info["service_client"];
    let mut p = Profile::new(
        name,
        &idp().generic_metadata_url(),
        client["client_id"].as_str().unwrap(),
    );
    p.scopes = vec![idp().api_scope()];
    p.dpop = true;
    engine.profiles().save(&p).unwrap();
    engine
        .set_client_secret(
            name,
            &tokenscope_core::Secret::new(client["client_secret"].as_str().unwrap()),
        )
        .await
        .unwrap();
    p
}

/// The proof a logged request carried (its `DPoP` header as the log shows it), if any.
fn logged_proof(e: &tokenscope_core::exchange::Exchange) -> Option<&str> {
    e.request_headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("dpop"))
        .map(|h| h.value.as_str())
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn client_credentials_token_exchange_and_jwt_bearer_send_proofs_and_get_bound_tokens() {
    let dir = temp_dir("tokenscope-dpop-grants");
    let engine = common::engine_with(
        tokenscope_core::store::vault::Vault::session_only("dpop grants"),
        tokenscope_core::store::profile::ProfileStore::new(dir.clone()),
    );
    let p = app_profile(&engine, "app").await;

    // Client credentials: this client's proofs must carry the provider's nonce, so the first
    // token request is answered use_dpop_nonce and retried once with it.
    let o = engine
        .client_credentials(&p, Some(&idp().api_scope()), None)
        .await
        .unwrap();
    assert_passed(&o);
    assert_eq!(o.token_type.as_deref(), Some("DPoP"));
    check_ok(&o, CheckId::DpopTokenType);
    let thumb = thumbprint(&engine, "app").await;
    assert!(check_ok(&o, CheckId::DpopBinding).contains(&thumb));
    assert_eq!(jkt_of(&o), thumb);
    // The result names the key its request was bound to, as a sign-in's does.
    assert_eq!(
        o.sender.as_ref().and_then(|s| s.dpop_jkt.as_deref()),
        Some(thumb.as_str())
    );
    let tokens: Vec<_> = o
        .exchanges
        .entries
        .iter()
        .filter(|e| e.step == tokenscope_core::exchange::Step::Token)
        .collect();
    assert_eq!(tokens.len(), 2, "{}", o.exchanges.timeline(300));
    assert_eq!(tokens[0].status, Some(400));
    assert!(tokens[0]
        .response_body
        .as_deref()
        .unwrap_or_default()
        .contains("use_dpop_nonce"));
    assert_eq!(tokens[1].status, Some(200));
    for t in &tokens {
        assert!(logged_proof(t).is_some(), "{}", o.exchanges.timeline(300));
    }
    let subject = o.access_token.as_ref().unwrap().raw.clone();

    // Token exchange (RFC 8693): the traded token is bound to the same key.
    let grant = tokenscope_core::engine::token_grants::TokenGrant::Exchange {
        subject_token: subject,
        subject_token_type: tokenscope_core::engine::token_grants::ACCESS_TOKEN_TYPE.into(),
        actor_token: None,
        requested_token_type: None,
        audience: Some("downstream-api".into()),
        resource: None,
        scope: None,
    };
    let x = engine.token_grant(&p, &grant, None).await.unwrap();
    assert_passed(&x);
    assert_eq!(x.token_type.as_deref(), Some("DPoP"));
    check_ok(&x, CheckId::DpopTokenType);
    check_ok(&x, CheckId::DpopBinding);
    assert_eq!(jkt_of(&x), thumb);

    // JWT bearer (RFC 7523): an assertion of the trusted issuer (the fixture key rsa2).
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "iss": "https://assertions.tokenscope.test", "sub": "user-42",
        "aud": format!("{}/oidc/oauth2/v2.0/token", idp().base()),
        "iat": now, "exp": now + 300, "jti": "dpop-j1",
    });
    let header = serde_json::json!({"alg": "RS256", "typ": "JWT"});
    let grant = tokenscope_core::engine::token_grants::TokenGrant::JwtBearer {
        assertion: tokenscope_core::Secret::new(tokenscope_core::testkit::sign_raw(
            &header, &claims, "rsa2",
        )),
        scope: None,
    };
    let b = engine.token_grant(&p, &grant, None).await.unwrap();
    assert_passed(&b);
    assert_eq!(b.token_type.as_deref(), Some("DPoP"));
    check_ok(&b, CheckId::DpopBinding);
    assert_eq!(jkt_of(&b), thumb);

    // DPoP off: no proof, a plain Bearer token, and no DPoP checks.
    let mut plain = p.clone();
    plain.dpop = false;
    let o = engine
        .client_credentials(&plain, Some(&idp().api_scope()), None)
        .await
        .unwrap();
    assert_eq!(o.token_type.as_deref(), Some("Bearer"));
    assert!(o.report.get(CheckId::DpopTokenType).is_none());
    assert!(o
        .exchanges
        .entries
        .iter()
        .all(|e| logged_proof(e).is_none()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn a_pushed_request_names_the_dpop_key_and_the_code_is_bound_to_it() {
    let dir = temp_dir("tokenscope-dpop-par");
    let engine = common::engine_with(
        tokenscope_core::store::vault::Vault::session_only("dpop par"),
        tokenscope_core::store::profile::ProfileStore::new(dir.clone()),
    );
    let mut p = profile("par", &idp().client_id());
    p.request_form.par = tokenscope_core::oidc::request_form::ParMode::Always;
    engine.profiles().save(&p).unwrap();
    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert_passed(&o);
    let thumb = thumbprint(&engine, "par").await;
    // RFC 9449 §10: dpop_jkt in the pushed request, the thumbprint of the profile's key.
    let pushed = o
        .exchanges
        .entries
        .iter()
        .find(|e| e.url.ends_with("/par"))
        .unwrap_or_else(|| panic!("no PAR request: {}", o.exchanges.timeline(300)));
    let body = pushed.request_body.as_deref().unwrap_or_default();
    assert!(body.contains(&format!("dpop_jkt={thumb}")), "{body}");
    assert_eq!(pushed.status, Some(201));
    assert_eq!(jkt_of(&o), thumb);
    check_ok(&o, CheckId::DpopBinding);
    let _ = std::fs::remove_dir_all(&dir);
}
