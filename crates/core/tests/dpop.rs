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
