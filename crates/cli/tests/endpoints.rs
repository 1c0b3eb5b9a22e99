//! `tokenscope revoke` and `tokenscope introspect` against the test provider's generic OpenID
//! provider (`tests/idp`, `/oidc`: revocation and introspection endpoints), the refresh token in
//! the real keyring; a B2C policy (neither endpoint); a hostile endpoint answering HTML.
//!
//! Ignored by a plain `cargo test`:
//! `scripts/with-keyring.sh cargo test -p tokenscope-cli --test endpoints -- --include-ignored`.

mod common;

use common::{keyring_has, keyring_value, run, temp_config, text};
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};

fn require_keyring() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
}

fn ts(config: &Path, args: &[&str]) -> Output {
    run(args, None, Some(config))
}

fn add_profile(config: &Path, name: &str, authority: &str) {
    let out = ts(
        config,
        &[
            "profiles",
            "add",
            name,
            "--authority",
            authority,
            "--client-id",
            &idp().client_id(),
            "--scope",
            "offline_access",
            "--browser",
            CURL_BROWSER,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

/// The stored refresh token's value (the keyring holds it in a JSON envelope).
fn stored_refresh(profile: &str) -> String {
    let raw = keyring_value(&format!("refresh-token:{profile}")).expect("stored");
    let v: Value = serde_json::from_str(raw.trim()).expect("an envelope");
    v["value"].as_str().expect("value").to_owned()
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn introspect_then_revoke_the_stored_refresh_token() {
    require_keyring();
    let config = temp_config();
    let profile = format!("gen-{}", tokenscope_core::oidc::pkce::random_token());
    let out = ts(
        &config,
        &[
            "signin",
            "--authority",
            &idp().generic_metadata_url(),
            "--client-id",
            &idp().client_id(),
            "--scope",
            "offline_access",
            "--browser",
            CURL_BROWSER,
            "--timeout",
            "30",
            "--profile",
            &profile,
        ],
    );
    assert!(out.status.success(), "signin: {}", text(&out.stderr));
    let refresh = stored_refresh(&profile);

    // The access token, introspected with the public client's client_id.
    let out = ts(&config, &["introspect", "--profile", &profile, "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["active"], true);
    let claim = |v: &Value, name: &str| {
        v["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert!(claim(&v, "scope")["value"]
        .as_str()
        .unwrap()
        .contains("openid"));
    assert_eq!(claim(&v, "client_id")["value"], idp().client_id());
    assert!(claim(&v, "exp")["time"].is_string(), "exp as a date");
    // The refresh token, in text: claims explained, never the token.
    let out = ts(
        &config,
        &["introspect", "--profile", &profile, "--token", "refresh"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("✓ active"), "{shown}");
    assert!(shown.contains("Client ID"), "{shown}");
    let refresh_now = stored_refresh(&profile);
    assert!(!shown.contains(&refresh_now) && !shown.contains(&refresh));

    // Revoked and removed from the keyring, said so; the token never printed.
    let out = ts(&config, &["revoke", "--profile", &profile]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("removed from the OS keyring"), "{shown}");
    assert!(!shown.contains(&refresh_now));
    assert!(!keyring_has(&profile));

    // The revoked token given by hand: not active (exit 0: the endpoint answered).
    let out = ts(
        &config,
        &[
            "introspect",
            "--profile",
            &profile,
            "--token",
            &refresh_now,
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["active"], false);
    assert!(!text(&out.stdout).contains(&refresh_now));

    // Nothing stored any more: a refresh needs a sign-in, and so does another revoke.
    let out = ts(&config, &["refresh", "--profile", &profile]);
    assert!(!out.status.success());
    let out = ts(&config, &["revoke", "--profile", &profile]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("no refresh token is stored"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(config);
}

#[test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
fn a_b2c_profile_has_no_revocation_and_no_introspection_endpoint() {
    let config = temp_config();
    add_profile(&config, "b2c", &idp().metadata_url("B2C_1_auto"));
    for (args, says) in [
        (
            vec!["revoke", "--profile", "b2c"],
            "this provider has no revocation endpoint",
        ),
        (
            vec!["introspect", "--profile", "b2c", "--token", "x.y.z"],
            "this provider has no introspection endpoint",
        ),
    ] {
        let out = ts(&config, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(says) && err.contains("B2C has none"), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
    let _ = std::fs::remove_dir_all(config);
}

/// A hand-made provider on loopback: good metadata, and an introspection endpoint that answers
/// a login page (a proxy in the way).
fn hostile_provider() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let b = base.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 8192];
            let n = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]);
            let (ct, body) = if head.contains("openid-configuration") {
                (
                    "application/json",
                    serde_json::json!({
                        "issuer": b,
                        "authorization_endpoint": format!("{b}/authorize"),
                        "token_endpoint": format!("{b}/token"),
                        "jwks_uri": format!("{b}/keys"),
                        "introspection_endpoint": format!("{b}/introspect"),
                    })
                    .to_string(),
                )
            } else {
                (
                    "text/html",
                    "<!DOCTYPE html><html><body>Sign in to the proxy</body></html>".to_owned(),
                )
            };
            let _ = s.write_all(
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: {ct}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                )
                .as_bytes(),
            );
        }
    });
    base
}

#[test]
fn an_introspection_endpoint_answering_html_is_one_clear_error_line() {
    let config = temp_config();
    let base = hostile_provider();
    let out = run(
        &[
            "profiles",
            "add",
            "hostile",
            "--authority",
            &format!("{base}/.well-known/openid-configuration"),
            "--client-id",
            "app",
        ],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let token = "opaque-token-7d41c0b9e2";
    let out = ts(
        &config,
        &["introspect", "--profile", "hostile", "--token", token],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("expected JSON, got an HTML page"), "{err}");
    assert!(err.contains("/introspect"), "{err}");
    assert!(!err.contains(token) && !text(&out.stdout).contains(token));
    let _ = std::fs::remove_dir_all(config);
}
