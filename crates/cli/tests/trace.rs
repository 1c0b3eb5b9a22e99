//! `--trace` against the real test provider: the timeline of what went over the wire on stderr
//! (discovery, the authorization URL, the token request, the keys, in that order; a refresh; an
//! API call; userinfo), `exchanges` in `--json`, and never the code, the PKCE verifier or a
//! token in the clear, on stdout or stderr.
//!
//! Ignored by a plain `cargo test`; `scripts/test.sh` runs them through the keyring harness
//! (or: `scripts/with-keyring.sh cargo test -p tokenscope-cli --test trace -- --include-ignored`).

mod common;

use base64::Engine as _;
use common::{keyring_value, run, temp_config, text};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use tokenscope_core::testkit::idp::shared as idp;

/// A browser that is curl following the redirects and writing what it saw to `log` (so the
/// test knows the code and the code challenge the provider got).
fn logging_browser(log: &Path) -> String {
    format!(
        "curl -sS -L -o /dev/null --max-time 20 -v --stderr {}",
        log.display()
    )
}

/// The `code` of the redirect back and the `code_challenge` of the authorization request, as
/// the browser saw them.
fn code_and_challenge(browser_log: &Path) -> (String, String) {
    let log = std::fs::read_to_string(browser_log).expect("the browser's log");
    let param = |name: &str| -> Option<String> {
        log.lines()
            .filter_map(|l| l.split_once(&format!("{name}=")).map(|(_, rest)| rest))
            .map(|rest| {
                rest.split(['&', ' ', '\r', '#'])
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .rfind(|v| !v.is_empty())
    };
    (
        param("code").expect("a code in the redirect"),
        param("code_challenge").expect("a code challenge"),
    )
}

/// Any word of `text` that is the PKCE verifier of `challenge` (S256).
fn verifier_in(text: &str, challenge: &str) -> Option<String> {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || "-._~".contains(c)))
        .filter(|w| (43..=128).contains(&w.len()))
        .find(|w| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(w.as_bytes()))
                == challenge
        })
        .map(str::to_owned)
}

/// The `#N step  METHOD URL → …` heads of the timeline, as `step` words.
fn timeline(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| {
            l.split_once(' ')
                .map(|(_, rest)| rest.split("  ").next().unwrap_or_default().to_owned())
                .unwrap_or_default()
        })
        .collect()
}

fn signin(config: &Path, browser_log: &Path, more: &[&str]) -> (bool, String, String) {
    let browser = logging_browser(browser_log);
    let authority = idp().metadata_url("B2C_1_auto");
    let client = idp().client_id();
    let mut args = vec![
        "signin",
        "--authority",
        &authority,
        "--client-id",
        &client,
        "--scope",
        "offline_access",
        "--browser",
        &browser,
        "--timeout",
        "30",
        "--trace",
    ];
    args.extend_from_slice(more);
    let out = run(&args, None, Some(config));
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

fn temp_file(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "tokenscope-trace-{name}-{}",
        tokenscope_core::oidc::pkce::random_token()
    ))
}

#[test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
fn signin_trace_shows_the_exchanges_in_order_with_the_code_and_verifier_masked() {
    let config = temp_config();
    let browser_log = temp_file("browser");
    let (ok, out, err) = signin(&config, &browser_log, &["--no-store"]);
    assert!(ok, "{err}");
    assert_eq!(
        timeline(&err),
        ["discovery", "authorize (browser)", "token", "keys (JWKS)"],
        "{err}"
    );
    assert!(err.contains("What went over the wire"), "{err}");
    let token_head = err.lines().find(|l| l.starts_with("#3 token")).unwrap();
    assert!(
        token_head.contains("POST ") && token_head.contains("→ 200, "),
        "{token_head}"
    );
    assert!(token_head.ends_with(" ms"), "{token_head}");
    assert!(
        err.contains("code=[redacted]") && err.contains("code_verifier=[redacted]"),
        "{err}"
    );
    assert!(err.contains(r#""id_token":"[redacted]""#), "{err}");
    let (code, challenge) = code_and_challenge(&browser_log);
    let all = format!("{out}\n{err}");
    assert!(code.len() >= 16, "{code}");
    assert!(!all.contains(&code), "the code is shown: {all}");
    assert_eq!(verifier_in(&all, &challenge), None, "the verifier is shown");
    // Without --trace: no timeline.
    let (ok, _, err) = {
        let authority = idp().metadata_url("B2C_1_auto");
        let out = run(
            &[
                "signin",
                "--authority",
                &authority,
                "--client-id",
                &idp().client_id(),
                "--browser",
                &logging_browser(&browser_log),
                "--timeout",
                "30",
                "--no-store",
            ],
            None,
            Some(&config),
        );
        (out.status.success(), text(&out.stdout), text(&out.stderr))
    };
    assert!(ok && timeline(&err).is_empty(), "{err}");

    // --json --trace: the same log as `exchanges`, the tokens of the answer masked in it.
    let (ok, out, err) = signin(&config, &browser_log, &["--no-store", "--json"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).expect("one JSON object");
    let steps: Vec<&str> = v["exchanges"]
        .as_array()
        .expect("exchanges")
        .iter()
        .map(|e| e["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["discovery", "authorize", "token", "keys"]);
    assert_eq!(v["exchanges"][2]["status"], 200);
    let id_token = v["id_token"]["raw"].as_str().unwrap();
    let shown = format!("{}\n{err}", v["exchanges"]);
    assert!(
        !shown.contains(id_token),
        "the ID token is in the log: {shown}"
    );
    let (code, challenge) = code_and_challenge(&browser_log);
    assert!(!out.contains(&code) && !err.contains(&code));
    assert_eq!(verifier_in(&format!("{out}\n{err}"), &challenge), None);
    let _ = std::fs::remove_file(browser_log);
    let _ = std::fs::remove_dir_all(config);
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn refresh_call_and_userinfo_traces_never_show_the_refresh_or_access_token() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
    let config = temp_config();
    let browser_log = temp_file("browser");
    let name = "trace";
    let browser = logging_browser(&browser_log);
    let scope = format!("offline_access {}", idp().api_scope());
    let out = run(
        &[
            "signin",
            "--authority",
            &idp().metadata_url("B2C_1_auto"),
            "--client-id",
            &idp().client_id(),
            "--scope",
            &scope,
            "--browser",
            &browser,
            "--timeout",
            "30",
            "--profile",
            name,
        ],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let before = keyring_value(&format!("refresh-token:{name}")).expect("stored");

    let out = run(
        &["refresh", "--profile", name, "--trace", "--json"],
        None,
        Some(&config),
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        timeline(&stderr),
        ["discovery", "refresh", "keys (JWKS)"],
        "{stderr}"
    );
    assert!(stderr.contains("refresh_token=[redacted]"), "{stderr}");
    let after = keyring_value(&format!("refresh-token:{name}")).expect("rotated, stored");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let access = v["access_token"]["raw"].as_str().unwrap().to_owned();
    for rt in [&before, &after] {
        let rt = rt.trim();
        assert!(rt.len() > 16);
        assert!(
            !stdout.contains(rt) && !stderr.contains(rt),
            "a refresh token is shown"
        );
    }
    assert!(!stderr.contains(&access) && !v["exchanges"].to_string().contains(&access));

    // The API call: its own request in the log, `Authorization: Bearer [redacted]`.
    let url = format!("{}/api/orders", idp().base());
    let out = run(
        &["call", "--profile", name, &url, "--trace", "--json"],
        None,
        Some(&config),
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        timeline(&stderr).last().map(String::as_str),
        Some("API call"),
        "{stderr}"
    );
    assert!(
        stderr.contains("> authorization: Bearer [redacted]"),
        "{stderr}"
    );
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let exchanges = v["exchanges"].as_array().expect("exchanges");
    assert_eq!(exchanges.last().unwrap()["step"], "api");
    assert_eq!(exchanges.last().unwrap()["status"], 200);
    let now = keyring_value(&format!("refresh-token:{name}")).unwrap();
    for secret in [access.as_str(), after.trim(), now.trim()] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{stderr}"
        );
    }

    // Userinfo: the same.
    let out = run(
        &["userinfo", "--profile", name, "--trace"],
        None,
        Some(&config),
    );
    let stderr = text(&out.stderr);
    assert_eq!(
        timeline(&stderr).last().map(String::as_str),
        Some("userinfo"),
        "{stderr}"
    );
    assert!(!stderr.contains(now.trim()) && !stderr.contains(&access));
    let _ = run(&["signout", "--profile", name], None, Some(&config));
    let _ = std::fs::remove_file(browser_log);
    let _ = std::fs::remove_dir_all(config);
}
