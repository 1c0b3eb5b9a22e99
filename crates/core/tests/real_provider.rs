//! The engine against the real B2C-shaped provider (`tests/idp`, oidc-provider from npm), with
//! headless Chromium playing the system browser and the real keyring (gnome-keyring in a private
//! D-Bus session) holding the refresh tokens.
//!
//! Ignored by a plain `cargo test`; `scripts/test.sh` runs them through `scripts/with-keyring.sh`
//! with `--include-ignored` after installing Chromium and the provider's npm packages.

mod common;

use std::process::Command;

use common::{assert_passed, engine_with, keyring_engine, options, require_harness, temp_dir};
use tokenscope_core::engine::outcome::Outcome;
use tokenscope_core::engine::Engine;
use tokenscope_core::oidc::redirect::RedirectConfig;
use tokenscope_core::store::profile::{Profile, ProfileStore};
use tokenscope_core::store::vault::{Vault, VaultLocation};
use tokenscope_core::testkit::idp::{browser_command, shared as idp, TestIdp, CURL_BROWSER};
use tokenscope_core::validate::CheckId;
use tokenscope_core::Error;

const SERVICE: &str = "tokenscope-itest";
const NEEDS: &str = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh";

fn engine() -> Engine {
    keyring_engine(SERVICE, &temp_dir("tokenscope-itest"))
}

/// A profile on the given authority with offline_access and the API scope.
fn profile(name: &str, authority: &str, browser: String) -> Profile {
    let mut p = Profile::new(name, authority, &idp().client_id());
    p.scopes = vec!["offline_access".into(), idp().api_scope()];
    p.browser_command = Some(browser);
    p
}

/// `secret-tool lookup service tokenscope-itest username <account>`.
fn keyring_has(account: &str) -> bool {
    common::keyring_has(SERVICE, account)
}

fn claim<'a>(o: &'a Outcome, name: &str) -> &'a serde_json::Value {
    &o.id_token
        .as_ref()
        .unwrap()
        .decoded
        .as_ref()
        .unwrap()
        .payload[name]
}

#[tokio::test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
async fn signs_in_through_a_real_browser_and_keeps_the_refresh_token_in_the_keyring() {
    require_harness();
    let _ = NEEDS;
    let engine = engine();
    let p = profile(
        "browser",
        &idp().metadata_url("B2C_1_susi"),
        browser_command(""),
    );
    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert_passed(&o);
    // The issuer quirk: the GUID issuer, not the discovery base.
    assert_eq!(
        o.issuer,
        format!("{}/{}/v2.0/", idp().base(), idp().tenant_id())
    );
    assert!(o
        .redirect_uri
        .as_deref()
        .unwrap()
        .starts_with("http://localhost:"));
    assert_eq!(claim(&o, "tfp"), "B2C_1_susi");
    assert_eq!(claim(&o, "emails")[0], "tester@example.com");
    assert!(claim(&o, "oid").is_string());
    let at = o
        .access_token
        .as_ref()
        .unwrap()
        .decoded
        .as_ref()
        .expect("JWT access token");
    assert_eq!(at.payload["aud"], idp().api_app_id().as_str());
    assert_eq!(at.payload["scp"], "read");
    assert!(o.refresh_token.stored, "{:?}", o.refresh_token);
    assert!(
        keyring_has(&p.refresh_account()),
        "the refresh token is not in the keyring"
    );
    // The listener is closed after the flow.
    let port: u16 = o
        .redirect_uri
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[tokio::test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
async fn refresh_rotates_and_an_old_refresh_token_means_sign_in_again() {
    require_harness();
    let engine = engine();
    let p = profile(
        "rotate",
        &idp().metadata_url("B2C_1_auto"),
        CURL_BROWSER.into(),
    );
    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert_passed(&o);
    let first = engine.vault().load(&p.refresh_account()).unwrap().unwrap();

    let r = engine.refresh(&p, None).await.unwrap();
    assert_passed(&r);
    assert!(r.report.get(CheckId::SameSubject).unwrap().ok);
    assert!(r.refresh_token.received && r.refresh_token.stored);
    let second = engine.vault().load(&p.refresh_account()).unwrap().unwrap();
    assert_ne!(
        first.secret, second.secret,
        "the provider should rotate the refresh token"
    );
    assert_ne!(
        o.id_token.as_ref().unwrap().raw,
        r.id_token.as_ref().unwrap().raw,
        "refresh should give a new ID token"
    );
    assert_eq!(claim(&o, "sub"), claim(&r, "sub"));

    // Put the old (already redeemed) token back: the provider refuses it and revokes the grant.
    engine
        .vault()
        .store_bound(&p.refresh_account(), &first.secret, second.bound.as_ref())
        .unwrap();
    match engine.refresh(&p, None).await {
        Err(Error::SignInRequired(msg)) => assert!(msg.contains("sign in again"), "{msg}"),
        other => panic!("expected SignInRequired, got {:?}", other.map(|o| o.report)),
    }
    assert!(
        !keyring_has(&p.refresh_account()),
        "the refused token must be deleted"
    );
    assert!(engine.vault().load(&p.refresh_account()).unwrap().is_none());
}

#[tokio::test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
async fn sign_out_removes_the_refresh_token_from_the_keyring() {
    require_harness();
    let engine = engine();
    let p = profile(
        "signout",
        &idp().metadata_url("B2C_1_auto"),
        CURL_BROWSER.into(),
    );
    assert_passed(&engine.sign_in(&p, &options()).await.unwrap());
    assert!(keyring_has(&p.refresh_account()));
    let out = engine.sign_out(&p).await.unwrap();
    assert!(out.deleted);
    let logout = out
        .logout_url
        .expect("the provider has an end_session_endpoint");
    assert!(logout.path().ends_with("/oauth2/v2.0/logout"), "{logout}");
    assert!(!keyring_has(&p.refresh_account()));
    assert!(matches!(
        engine.refresh(&p, None).await,
        Err(Error::SignInRequired(_))
    ));
}

#[tokio::test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
async fn every_authority_form_signs_in() {
    require_harness();
    let i = idp();
    let (base, tenant, guid) = (i.base(), i.tenant(), i.tenant_id());
    let forms = [
        format!("{base}/{tenant}/B2C_1_auto/v2.0/.well-known/openid-configuration"),
        format!("{base}/{tenant}/B2C_1_auto/v2.0/"),
        format!("{base}/{tenant}/v2.0/.well-known/openid-configuration?p=B2C_1_auto"),
        format!("{base}/{guid}/B2C_1_auto/v2.0/.well-known/openid-configuration"),
        format!("{base}/tfp/{tenant}/B2C_1_auto"),
        format!("{base}/{tenant}/b2c_1_AUTO"),
    ];
    let engine = engine();
    for (n, authority) in forms.iter().enumerate() {
        let p = profile(&format!("form{n}"), authority, CURL_BROWSER.into());
        let o = engine
            .sign_in(&p, &options())
            .await
            .unwrap_or_else(|e| panic!("{authority}: {e}"));
        assert_passed(&o);
        assert_eq!(o.issuer, format!("{base}/{guid}/v2.0/"), "{authority}");
    }
    // The compatibility (tfp) issuer form is taken from the metadata as is.
    let p = profile(
        "tfp-issuer",
        &i.metadata_url("B2C_1A_tfp"),
        CURL_BROWSER.into(),
    );
    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert_passed(&o);
    assert_eq!(o.issuer, format!("{base}/tfp/{guid}/B2C_1A_tfp/v2.0/"));
}

#[tokio::test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
async fn redirect_uri_host_forms_and_path_work_with_the_provider() {
    require_harness();
    let engine = engine();
    for uri in [
        "http://127.0.0.1",
        "http://127.0.0.1/callback",
        "http://localhost/callback",
    ] {
        let mut p = profile(
            "redirects",
            &idp().metadata_url("B2C_1_auto"),
            CURL_BROWSER.into(),
        );
        p.redirect = RedirectConfig::parse(uri).unwrap();
        let o = engine
            .sign_in(&p, &options())
            .await
            .unwrap_or_else(|e| panic!("{uri}: {e}"));
        assert_passed(&o);
    }
    // Keys were fetched once for all these sign-ins of one provider.
    assert_eq!(
        engine
            .jwks_fetch_count(&idp().metadata_url("B2C_1_auto"))
            .await,
        1
    );
}

#[tokio::test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
async fn provider_errors_keep_the_b2c_code_correlation_id_and_timestamp() {
    require_harness();
    let engine = engine();
    let p = profile(
        "forgot",
        &idp().metadata_url("B2C_1_forgot"),
        CURL_BROWSER.into(),
    );
    match engine.sign_in(&p, &options()).await {
        Err(Error::Provider(e)) => {
            assert_eq!(e.error, "access_denied");
            assert_eq!(e.code.as_deref(), Some("AADB2C90118"));
            assert!(e.correlation_id.is_some() && e.timestamp.is_some(), "{e:?}");
        }
        other => panic!(
            "expected a provider error, got {:?}",
            other.map(|o| o.report)
        ),
    }
    // A user who cancels on the real login page.
    let p = profile(
        "cancel",
        &idp().metadata_url("B2C_1_susi"),
        browser_command("--cancel"),
    );
    match engine.sign_in(&p, &options()).await {
        Err(Error::Provider(e)) => assert_eq!(e.error, "access_denied"),
        other => panic!("expected access_denied, got {:?}", other.map(|o| o.report)),
    }
}

/// Runs in a child process on a D-Bus session whose gnome-keyring was auto-started without a
/// default collection: the keyring answers reads but refuses every write (a locked keyring).
const LOCKED_CHILD: &str = "TOKENSCOPE_LOCKED_KEYRING_CHILD";

#[test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
fn a_keyring_that_refuses_writes_loses_nothing() {
    if std::env::var_os(LOCKED_CHILD).is_some() {
        return locked_keyring_scenario();
    }
    require_harness();
    let tmp = temp_dir("ts-locked");
    std::fs::create_dir_all(tmp.join("run")).unwrap();
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("dbus-run-session")
        .arg("--")
        .arg(&exe)
        .args([
            "--exact",
            "a_keyring_that_refuses_writes_loses_nothing",
            "--include-ignored",
            "--nocapture",
        ])
        .env(LOCKED_CHILD, "1")
        .env("XDG_DATA_HOME", tmp.join("data"))
        .env("XDG_RUNTIME_DIR", tmp.join("run"))
        .output()
        .expect("dbus-run-session runs");
    let _ = std::fs::remove_dir_all(&tmp);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn locked_keyring_scenario() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let vault = Vault::open(SERVICE);
        assert_eq!(
            vault.location(),
            VaultLocation::Keyring,
            "reads work, so it looks usable"
        );
        assert!(
            vault
                .store("probe", &tokenscope_core::Secret::new("x"))
                .is_err(),
            "this keyring must refuse writes for the scenario to mean anything"
        );
        let idp = TestIdp::start();
        let engine = engine_with(vault, ProfileStore::new(temp_dir("ts-locked-profiles")));
        let mut p = Profile::new("locked", &idp.metadata_url("B2C_1_auto"), &idp.client_id());
        p.scopes = vec!["offline_access".into()];
        p.browser_command = Some(CURL_BROWSER.into());
        let o = engine.sign_in(&p, &options()).await.unwrap();
        assert_passed(&o);
        assert!(o.refresh_token.stored);
        match &o.refresh_token.location {
            VaultLocation::SessionOnly { reason } => {
                assert!(reason.contains("keyring refused"), "{reason}")
            }
            other => panic!("expected session-only, got {other:?}"),
        }
        // The token kept in memory still works, and its rotation is kept too.
        let r = engine.refresh(&p, None).await.unwrap();
        assert_passed(&r);
        let r2 = engine.refresh(&p, None).await.unwrap();
        assert_passed(&r2);
        assert!(engine.sign_out(&p).await.unwrap().deleted);
        assert!(matches!(
            engine.refresh(&p, None).await,
            Err(Error::SignInRequired(_))
        ));
    });
}
