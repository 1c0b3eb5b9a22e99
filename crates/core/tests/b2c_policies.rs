//! Speaking B2C against the B2C-shaped test provider (`tests/idp`): switching a profile between
//! the policies of its tenant (each with its own metadata and keys), the history of a session's
//! sign-ins with the claims that changed, what the tenant returned (issuer form, policy claim,
//! lifetimes), the AADB2C90118 → password reset → sign-in chain and its support bundle.
//!
//! The no-page policies need no browser: curl follows the redirects. Refresh tokens stay in a
//! session-only vault. Ignored by a plain `cargo test` (needs node and `npm ci --prefix
//! tests/idp`); `scripts/test.sh` runs them with `--include-ignored`.

mod common;

use common::{engine_with, options, temp_dir};
use tokenscope_core::b2c::errors::ErrorAction;
use tokenscope_core::engine::history::{IssuerForm, Purpose};
use tokenscope_core::engine::outcome::Flow;
use tokenscope_core::engine::Engine;
use tokenscope_core::inspect::diff::ChangeKind;
use tokenscope_core::store::profile::{Profile, ProfileStore};
use tokenscope_core::store::tenant::{self, TenantStore};
use tokenscope_core::store::vault::Vault;
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};
use tokenscope_core::Error;

fn store() -> ProfileStore {
    ProfileStore::new(temp_dir("tokenscope-b2c"))
}

fn engine(profiles: ProfileStore) -> Engine {
    engine_with(Vault::session_only("tests"), profiles)
}

/// A profile on `policy` whose "browser" is curl following redirects, as `login`.
fn profile(name: &str, policy: &str, login: &str) -> Profile {
    let mut p = Profile::new(name, &idp().metadata_url(policy), &idp().client_id());
    p.scopes = vec!["offline_access".into(), idp().api_scope()];
    p.browser_command = Some(CURL_BROWSER.into());
    p.params.login_hint = Some(login.to_owned());
    p
}

#[tokio::test]
#[ignore = "needs tests/idp (node, npm ci --prefix tests/idp) and curl"]
async fn switching_policy_keeps_the_app_and_fetches_each_policys_metadata_and_keys() {
    let profiles = store();
    let engine = engine(profiles.clone());
    let susi = profile("switch", "B2C_1_auto", "switcher");
    profiles.save(&susi).unwrap();

    let first = engine.sign_in_tracked(&susi, &options()).await.unwrap();
    assert!(first.passed(), "{:?}", first.report);

    let edit = tenant::switch_policy(&susi, "B2C_1_edit").unwrap();
    assert_eq!(edit.client_id, susi.client_id);
    assert_eq!(edit.scopes, susi.scopes);
    assert_eq!(edit.authority, idp().metadata_url("B2C_1_edit"));
    profiles.save(&edit).unwrap();
    let second = engine.sign_in_tracked(&edit, &options()).await.unwrap();
    assert!(second.passed(), "{:?}", second.report);
    let tfp = second
        .id_token
        .as_ref()
        .and_then(|t| t.decoded.as_ref())
        .and_then(|d| d.claim_str("tfp"))
        .map(str::to_owned);
    assert_eq!(tfp.as_deref(), Some("B2C_1_edit"));

    // Metadata and keys are per policy: one fetch of each policy's keys.
    assert_eq!(engine.jwks_fetch_count(&susi.authority).await, 1);
    assert_eq!(engine.jwks_fetch_count(&edit.authority).await, 1);
    // A third sign-in on the first policy fetches nothing again.
    let back = tenant::switch_policy(&edit, "B2C_1_auto").unwrap();
    assert_eq!(back.authority, susi.authority);
    engine.sign_in_tracked(&back, &options()).await.unwrap();
    assert_eq!(engine.jwks_fetch_count(&susi.authority).await, 1);

    let history = engine.history("switch");
    let policies: Vec<_> = history.iter().map(|h| h.policy.as_deref()).collect();
    assert_eq!(
        policies,
        [Some("B2C_1_auto"), Some("B2C_1_edit"), Some("B2C_1_auto")]
    );
    assert!(history.iter().all(|h| h.passed && h.flow == Flow::SignIn));
    assert!(
        history[0].changes.is_none(),
        "nothing to compare the first with"
    );
    assert_eq!(history[0].checks_passed, history[0].checks_total);
    let changes = history[1]
        .changes
        .as_ref()
        .expect("compared with the first");
    let tfp_change = changes
        .claims
        .iter()
        .find(|c| c.name == "tfp")
        .expect("tfp changed");
    assert_eq!(tfp_change.change, ChangeKind::Changed);
    assert_eq!(
        tfp_change.new.as_ref().and_then(|v| v.as_str()),
        Some("B2C_1_edit")
    );
    assert!(!changes.unchanged.contains(&"tfp".to_owned()));
    assert!(changes.unchanged.contains(&"sub".to_owned()), "same user");

    // What the tenant returned.
    let facts = history[1].facts.as_ref().expect("facts");
    assert_eq!(facts.issuer_form, IssuerForm::Guid);
    assert_eq!(
        facts.issuer_tenant.as_deref(),
        Some(idp().tenant_id().as_str())
    );
    assert_eq!(facts.policy_claim.as_deref(), Some("tfp"));
    assert_eq!(facts.policy.as_deref(), Some("B2C_1_edit"));
    assert_eq!(facts.id_token_lifetime, Some(3600));
    assert_eq!(facts.access_token_lifetime, Some(3600));
    assert_eq!(facts.refresh_token_expires_in, Some(14 * 24 * 3600));

    // The tenant's picker lists both policies, the current one marked.
    let view = TenantStore::new(profiles.clone()).view(&edit).unwrap();
    assert_eq!(view.current_policy, "B2C_1_edit");
    assert!(view
        .policies
        .iter()
        .any(|p| p.name == "B2C_1_edit" && p.current));

    // The refresh token's age against B2C's defaults.
    let age = engine.refresh_age("switch").await.unwrap().expect("stored");
    assert!(age.age_seconds < 120, "{age:?}");
    assert_eq!(age.lifetime_days, 14);
    assert!(age.window_ends_at.is_some(), "{age:?}");
    // A refresh lands in the history too, compared with the last sign-in.
    let refreshed = engine.refresh_tracked(&back, None).await.unwrap();
    assert!(refreshed.passed());
    let last = engine.history("switch").pop().unwrap();
    assert_eq!((last.flow, last.purpose), (Flow::Refresh, Purpose::Refresh));
    assert!(last.changes.is_some());
}

#[tokio::test]
#[ignore = "needs tests/idp (node, npm ci --prefix tests/idp) and curl"]
async fn the_tfp_issuer_form_is_reported() {
    let engine = engine(store());
    let p = profile("tfp", "B2C_1A_tfp", "tfp-user");
    engine.sign_in_tracked(&p, &options()).await.unwrap();
    let facts = engine.history("tfp")[0].facts.clone().expect("facts");
    assert_eq!(facts.issuer_form, IssuerForm::Tfp);
    assert_eq!(facts.policy.as_deref(), Some("B2C_1A_tfp"));
}

#[tokio::test]
#[ignore = "needs tests/idp (node, npm ci --prefix tests/idp) and curl"]
async fn forgot_password_chain_resets_then_signs_in_again_and_bundles_the_error() {
    let profiles = store();
    let engine = engine(profiles.clone());
    let p = profile("chain", "B2C_1_forgot", "forgetful");
    profiles.save(&p).unwrap();

    // 1. The sign-in ends in AADB2C90118, which offers the password reset.
    let e = match engine.sign_in_tracked(&p, &options()).await {
        Err(Error::Provider(e)) => e,
        other => panic!("expected AADB2C90118, got {:?}", other.map(|o| o.report)),
    };
    assert_eq!(e.code.as_deref(), Some("AADB2C90118"));
    assert_eq!(
        e.advice.as_ref().and_then(|a| a.action),
        Some(ErrorAction::PasswordReset)
    );
    let bundle = engine.support_bundle(&p, "9.9.9").unwrap();
    let text = bundle.to_text();
    assert_eq!(bundle.correlation_id, e.correlation_id);
    assert!(text.contains("Code:           AADB2C90118"), "{text}");
    assert!(text.contains("App version:    Tokenscope 9.9.9"), "{text}");
    assert!(text.contains("Redirect URI:   http://localhost:"), "{text}");
    assert!(text.contains("\"code_challenge_method\""), "{text}");
    assert!(text.contains(&p.client_id), "{text}");
    assert!(!text.contains("refresh_token\": \"ey"), "{text}");

    // 2. The tenant's reset policy, once, without touching the profile or its vault entry.
    let tenants = TenantStore::new(profiles.clone());
    let view = tenants.add_policy(&p, "B2C_1_reset", false).unwrap();
    assert_eq!(view.reset_policy.as_deref(), Some("B2C_1_reset"));
    let reset = engine
        .sign_in_with_policy(&p, "B2C_1_reset", Purpose::PasswordReset, &options())
        .await
        .unwrap();
    assert!(reset.passed(), "{:?}", reset.report);
    assert!(reset.refresh_token.received && !reset.refresh_token.stored);
    assert!(engine.stored_refresh("chain").await.unwrap().is_none());
    assert_eq!(profiles.get("chain").unwrap().authority, p.authority);

    // 3. Back to the profile's own sign-in, which now goes through.
    let again = engine.sign_in_tracked(&p, &options()).await.unwrap();
    assert!(again.passed(), "{:?}", again.report);
    assert!(engine.stored_refresh("chain").await.unwrap().is_some());

    let history = engine.history("chain");
    let summary: Vec<_> = history
        .iter()
        .map(|h| (h.purpose, h.policy.clone(), h.passed, h.error.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                Purpose::SignIn,
                Some("B2C_1_forgot".into()),
                false,
                Some("AADB2C90118".into())
            ),
            (
                Purpose::PasswordReset,
                Some("B2C_1_reset".into()),
                true,
                None
            ),
            (Purpose::SignIn, Some("B2C_1_forgot".into()), true, None),
        ]
    );
    // The bundle now describes the last (successful) attempt: no error in it.
    let bundle = engine.support_bundle(&p, "9.9.9").unwrap();
    assert!(bundle.error.is_none());
}

#[tokio::test]
#[ignore = "needs tests/idp (node, npm ci --prefix tests/idp) and curl"]
async fn an_auth_time_of_0_from_the_provider_is_a_warning_on_sign_in_and_refresh() {
    let engine = engine(store());
    let p = profile("epoch", "B2C_1_epoch", "tester");
    let signed_in = engine.sign_in(&p, &options()).await.unwrap();
    assert!(signed_in.passed(), "{:#?}", signed_in.report);
    let id = signed_in
        .id_token
        .as_ref()
        .unwrap()
        .decoded
        .as_ref()
        .unwrap();
    assert_eq!(id.payload["auth_time"], 0, "the provider sent auth_time 0");
    let refreshed = engine.refresh(&p, None).await.unwrap();
    for (what, o) in [("sign-in", &signed_in), ("refresh", &refreshed)] {
        assert!(o.passed(), "{what}: {:#?}", o.report);
        let w = o
            .report
            .warning(tokenscope_core::validate::CheckId::AuthTime)
            .unwrap_or_else(|| panic!("{what}: no auth_time warning: {:#?}", o.report));
        assert!(
            w.detail
                .contains("auth_time is 0 (1970-01-01 00:00:00 UTC)")
                && w.detail.contains("before OpenID Connect existed"),
            "{what}: {}",
            w.detail
        );
    }
    // The same provider's ordinary policy sends a real auth_time: no warning.
    let auto = engine
        .sign_in(&profile("auto", "B2C_1_auto", "tester"), &options())
        .await
        .unwrap();
    assert_eq!(auto.report.warnings, [], "{:#?}", auto.report);
}
