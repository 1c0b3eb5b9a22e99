//! Grants beyond the browser sign-in, on the command line against the test provider: the client
//! credentials grant (`tokenscope token --grant client-credentials`), its app-only token
//! validated check by check, Entra's `.default` rule, and a wrong secret explained.

mod common;

use common::{keyring_value, run, temp_config, text};
use serde_json::Value;
use std::path::Path;
use tokenscope_core::testkit::idp::{shared as idp, TestIdp};

/// A profile `name` for the daemon client at `authority`, with its secret in the keyring.
fn daemon_profile(config: &Path, name: &str, authority: &str, secret: &str) {
    let id = idp().info["service_client"]["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = run(
        &[
            "profiles",
            "add",
            name,
            "--authority",
            authority,
            "--client-id",
            &id,
            "--replace",
        ],
        None,
        Some(config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(
        &["profiles", "secret", "set", name],
        Some(&format!("{secret}\n")),
        Some(config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("OS keyring"),
        "{}",
        text(&out.stdout)
    );
}

fn service_secret(idp: &TestIdp) -> String {
    idp.info["service_client"]["client_secret"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn api_default(idp: &TestIdp) -> String {
    format!("https://{}/api/.default", idp.tenant())
}

fn check<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {v}"))
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn client_credentials_gives_an_app_only_token_validated_check_by_check() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
    let config = temp_config();
    let secret = service_secret(idp());
    daemon_profile(
        &config,
        "daemon",
        &idp().metadata_url("B2C_1_auto"),
        &secret,
    );
    let scope = api_default(idp());
    let out = run(
        &[
            "token",
            "--profile",
            "daemon",
            "--grant",
            "client-credentials",
            "--scope",
            &scope,
            "--json",
        ],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains(&secret));
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["flow"], "client_credentials", "{v}");
    assert_eq!(v["passed"], true, "{v}");
    assert_eq!(v["id_token"], Value::Null);
    assert_eq!(v["warnings"], serde_json::json!([]), "{v}");
    let payload = &v["access_token"]["payload"];
    assert_eq!(payload["aud"], idp().api_app_id());
    assert_eq!(payload["roles"], serde_json::json!(["Orders.Read.All"]));
    // Every check named, each passed, with what it found.
    for name in [
        "id_token",
        "response",
        "alg",
        "kid",
        "signature",
        "iss",
        "aud",
        "azp",
        "exp",
        "nbf",
        "iat",
        "access_token",
    ] {
        assert_eq!(check(&v, name)["ok"], true, "{name}: {v}");
    }
    assert!(check(&v, "id_token")["detail"]
        .as_str()
        .unwrap()
        .contains("no user"));
    assert!(check(&v, "signature")["detail"]
        .as_str()
        .unwrap()
        .starts_with("valid RS256 signature"));
    assert!(check(&v, "access_token")["detail"]
        .as_str()
        .unwrap()
        .contains("roles) Orders.Read.All"));

    // In words: the verdict, and that there is no ID token.
    let out = run(
        &[
            "token",
            "--profile",
            "daemon",
            "--grant",
            "client-credentials",
            "--scope",
            &scope,
        ],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let words = text(&out.stdout);
    assert!(
        words
            .starts_with("App-only access token (client credentials, no user): every check passed"),
        "{words}"
    );
    assert!(
        words.contains("ID token none: no user signs in with the client credentials grant"),
        "{words}"
    );

    // A scope without /.default at a B2C authority: the token comes, with the fix.
    let read = format!("https://{}/api/read", idp().tenant());
    let out = run(
        &[
            "token",
            "--profile",
            "daemon",
            "--grant",
            "client-credentials",
            "--scope",
            &read,
            "--json",
        ],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let warning = v["warnings"][0]["detail"].as_str().unwrap_or_default();
    assert!(
        warning.contains(&format!("use --scope \"{scope}\"")) && warning.contains("AADSTS1002012"),
        "{v}"
    );
    let _ = run(
        &["profiles", "secret", "remove", "daemon"],
        None,
        Some(&config),
    );
    let _ = std::fs::remove_dir_all(config);
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn client_credentials_refusals_are_explained() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
    let config = temp_config();
    // Entra External ID refuses a scope without /.default (AADSTS1002012): the refusal comes
    // with the scope to send instead.
    let secret = service_secret(idp());
    daemon_profile(&config, "ciam", &idp().external_id_authority(), &secret);
    let read = format!("https://{}/api/read", idp().tenant());
    let out = run(
        &[
            "token",
            "--profile",
            "ciam",
            "--grant",
            "client-credentials",
            "--scope",
            &read,
        ],
        None,
        Some(&config),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains("invalid_scope") && err.contains("AADSTS1002012"),
        "{err}"
    );
    assert!(
        err.contains(&format!("use --scope \"{}\"", api_default(idp()))),
        "{err}"
    );
    // A wrong secret: invalid_client, explained, the secret nowhere.
    let wrong = "not-the-daemon-secret";
    daemon_profile(&config, "wrong", &idp().metadata_url("B2C_1_auto"), wrong);
    let out = run(
        &[
            "token",
            "--profile",
            "wrong",
            "--grant",
            "client-credentials",
            "--scope",
            &api_default(idp()),
        ],
        None,
        Some(&config),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("invalid_client"), "{err}");
    assert!(
        err.contains("wrong or missing client secret"),
        "the catalogue explains it: {err}"
    );
    assert!(!err.contains(wrong) && !text(&out.stdout).contains(wrong));
    // No secret at all: said before anything is sent.
    let out = run(
        &["profiles", "secret", "remove", "wrong"],
        None,
        Some(&config),
    );
    assert!(out.status.success());
    assert!(keyring_value("client-secret:wrong").is_none());
    let out = run(
        &[
            "token",
            "--profile",
            "wrong",
            "--grant",
            "client-credentials",
        ],
        None,
        Some(&config),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("needs a confidential client") && err.contains("profiles secret set wrong"),
        "{err}"
    );
    let _ = run(
        &["profiles", "secret", "remove", "ciam"],
        None,
        Some(&config),
    );
    let _ = std::fs::remove_dir_all(config);
}
