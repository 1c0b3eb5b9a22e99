//! `tokenscope refresh` against the real test provider and the real keyring: a profile moved to
//! another provider sends it nothing, two refreshes at once never lose the rotated token, a
//! refresh without an ID token works, and a bare 400 asks for a new sign-in. Ignored by a plain
//! `cargo test`; `scripts/test.sh` runs them through the keyring harness.

mod common;

use common::{keyring_has, keyring_value, run, temp_config, text};
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Output;
use std::sync::{Arc, Mutex};
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};

fn need_keyring() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
}

/// `profiles add NAME --replace` on a policy of the test provider, with curl as the browser.
fn add_profile(config: &Path, name: &str, authority: &str, client_id: &str) {
    let out = run(
        &[
            "profiles",
            "add",
            name,
            "--authority",
            authority,
            "--client-id",
            client_id,
            "--scope",
            "offline_access",
            "--browser",
            CURL_BROWSER,
            "--replace",
        ],
        None,
        Some(config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

fn sign_in(config: &Path, name: &str) {
    let out = run(
        &["signin", "--profile", name, "--json", "--timeout", "30"],
        None,
        Some(config),
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(keyring_has(name));
}

fn refresh(config: &Path, name: &str) -> Output {
    run(&["refresh", "--profile", name], None, Some(config))
}

/// A provider on 127.0.0.1 that records every request it gets (request line, headers, body)
/// and answers its metadata, naming its own token endpoint, and `invalid_grant` to the rest.
struct Recorder {
    issuer: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn start() -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (log, me) = (seen.clone(), base.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut reader = BufReader::new(stream);
                let mut head = String::new();
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    head.push_str(&line);
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let request = format!("{head}\r\n{}", String::from_utf8_lossy(&body));
                let answer = if head.contains("openid-configuration") {
                    serde_json::json!({
                        "issuer": format!("{me}/"),
                        "authorization_endpoint": format!("{me}/authorize"),
                        "token_endpoint": format!("{me}/token"),
                        "jwks_uri": format!("{me}/jwks"),
                        "response_types_supported": ["code"],
                        "subject_types_supported": ["public"],
                        "id_token_signing_alg_values_supported": ["RS256"],
                    })
                    .to_string()
                } else {
                    r#"{"error":"invalid_grant"}"#.to_owned()
                };
                log.lock().unwrap().push(request);
                let status = if answer.contains("invalid_grant") {
                    "400 Bad Request"
                } else {
                    "200 OK"
                };
                let mut stream = reader.into_inner();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
                    answer.len()
                );
            }
        });
        Recorder {
            issuer: format!("{base}/"),
            seen,
        }
    }

    fn requests(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn a_profile_moved_to_another_provider_sends_it_no_refresh_token_and_no_client_secret() {
    need_keyring();
    let config = temp_config();
    let client = idp().info["confidential_clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["token_endpoint_auth_method"] == "client_secret_basic")
        .unwrap()
        .clone();
    let (id, secret) = (
        client["client_id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap(),
    );
    let name = "moved";
    add_profile(&config, name, &idp().metadata_url("B2C_1_auto"), id);
    let out = run(
        &[
            "profiles",
            "secret",
            "set",
            name,
            "--method",
            "client-secret-basic",
        ],
        Some(secret),
        Some(&config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    sign_in(&config, name);
    assert!(keyring_value(&format!("client-secret:{name}")).is_some());

    // Same name, provider B: `profiles add --replace` replaces the profile.
    let b = Recorder::start();
    add_profile(&config, name, &b.issuer, id);
    let out = refresh(&config, name);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains("changed since its refresh token was stored"),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(err.contains("sign in again"), "{err}");
    assert!(
        err.contains("client secret") && err.contains("enter it again"),
        "{err}"
    );
    assert!(!err.contains(secret), "{err}");
    for request in b.requests() {
        let lower = request.to_ascii_lowercase();
        assert!(!lower.contains("refresh_token"), "B got: {request}");
        assert!(!lower.contains("authorization: basic"), "B got: {request}");
        assert!(!request.contains(secret), "B got: {request}");
    }
    assert!(!keyring_has(name), "the old token was deleted");
    assert!(keyring_value(&format!("client-secret:{name}")).is_none());
    // And the next refresh has nothing to send.
    let out = refresh(&config, name);
    assert!(text(&out.stderr).contains("no refresh token is stored"));
    assert!(b.requests().iter().all(|r| !r.contains("refresh_token")));
    let _ = std::fs::remove_dir_all(config);
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn two_refreshes_at_once_never_lose_the_rotated_token() {
    need_keyring();
    let config = temp_config();
    let name = "race";
    add_profile(
        &config,
        name,
        &idp().metadata_url("B2C_1_auto"),
        &idp().client_id(),
    );
    sign_in(&config, name);
    let rounds = 20;
    let mut failures = Vec::new();
    for round in 1..=rounds {
        let spawn = || {
            common::tokenscope(Some(&config))
                .args(["refresh", "--profile", name, "--json"])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        for (which, out) in [("a", &a), ("b", &b)] {
            if !out.status.success() {
                failures.push(format!("round {round} {which}: {}", text(&out.stderr)));
            }
        }
        let third = run(
            &["refresh", "--profile", name, "--json"],
            None,
            Some(&config),
        );
        assert!(
            third.status.success(),
            "round {round}: the third refresh failed: {}; the two before: {failures:?}",
            text(&third.stderr)
        );
        let v: Value = serde_json::from_slice(&third.stdout).unwrap();
        assert_eq!(v["refresh"]["stored"], true, "round {round}");
    }
    assert!(failures.is_empty(), "{failures:#?}");
    let _ = std::fs::remove_dir_all(config);
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn a_refresh_without_an_id_token_passes_and_a_bare_400_asks_for_a_sign_in() {
    need_keyring();
    let config = temp_config();
    let name = "no-id-token";
    add_profile(
        &config,
        name,
        &idp().metadata_url("B2C_1_rt_noidt"),
        &idp().client_id(),
    );
    sign_in(&config, name);
    for _ in 0..2 {
        let out = run(
            &["refresh", "--profile", name, "--json"],
            None,
            Some(&config),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["passed"], true);
        assert_eq!(v["id_token"], Value::Null);
        let id = v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "id_token")
            .unwrap()
            .clone();
        assert_eq!(id["ok"], true);
        let detail = id["detail"].as_str().unwrap();
        assert!(detail.contains("§12.2"), "{detail}");
        assert!(detail.contains(&idp().info["test_user"]["oid"].as_str().unwrap().to_owned()));
        assert_eq!(v["refresh"]["stored"], true);
    }
    let out = refresh(&config, name);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("§12.2"), "{}", text(&out.stdout));

    let name = "bare-400";
    add_profile(
        &config,
        name,
        &idp().metadata_url("B2C_1_rt_400"),
        &idp().client_id(),
    );
    sign_in(&config, name);
    let out = refresh(&config, name);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains(
            "the provider refused the refresh token without saying why (HTTP 400, empty body); \
             sign in again"
        ),
        "{err}"
    );
    let errors = err.lines().filter(|l| l.starts_with("error:")).count();
    assert_eq!(errors, 1, "{err}");
    assert!(!keyring_has(name), "the refused token was deleted");
    let _ = std::fs::remove_dir_all(config);
}
