//! The request builder on the command line: a confidential client's secret from stdin into the
//! keyring, `signin --client-auth`, `logout-test`, and bad `--claims` refused. The sign-in tests
//! run against the real test provider and keyring (ignored by a plain `cargo test`;
//! `scripts/test.sh` runs them through the harness).

mod common;

use common::{keyring_value, run, temp_config, text, tokenscope};
use serde_json::Value;
use std::process::{Command, Stdio};
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};

#[test]
fn bad_claims_and_a_secret_for_no_profile_are_one_line_errors() {
    let config = temp_config();
    let out = run(
        &[
            "signin",
            "--authority",
            "https://127.0.0.1:9/",
            "--client-id",
            "c",
            "--claims",
            "{\"id_token\": ",
            "--no-store",
        ],
        None,
        Some(&config),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("claims parameter is not valid JSON"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    let out = run(
        &["profiles", "secret", "set", "nope"],
        Some("s3cret"),
        Some(&config),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("no profile named"), "{err}");
    assert!(!err.contains("s3cret"));
    let _ = std::fs::remove_dir_all(config);
}

#[test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
fn confidential_client_secret_from_stdin_then_signin_and_logout_test() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
    let config = temp_config();
    let client = idp().info["confidential_clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["token_endpoint_auth_method"] == "client_secret_post")
        .unwrap()
        .clone();
    let (id, secret) = (
        client["client_id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap(),
    );
    let authority = idp().metadata_url("B2C_1_auto");
    let out = run(
        &[
            "profiles",
            "add",
            "itsme",
            "--authority",
            &authority,
            "--client-id",
            id,
            "--scope",
            "offline_access",
            "--browser",
            CURL_BROWSER,
        ],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(
        &[
            "profiles",
            "secret",
            "set",
            "itsme",
            "--method",
            "client-secret-post",
        ],
        Some(&format!("{secret}\n")),
        Some(&config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("OS keyring"));
    let stored: Value =
        serde_json::from_str(&keyring_value("client-secret:itsme").expect("in the keyring"))
            .unwrap();
    assert_eq!(stored["value"], secret);
    let files = std::fs::read_to_string(config.join("profiles.json")).unwrap();
    assert!(!files.contains(secret), "{files}");
    assert!(files.contains("client_secret_post"), "{files}");

    let out = run(
        &["signin", "--profile", "itsme", "--json", "--timeout", "30"],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(!text(&out.stdout).contains(secret));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id_token"]["payload"]["aud"], id);
    let id_token = v["id_token"]["raw"].as_str().unwrap().to_owned();

    // The logout test, with the ID token on stdin: back with the state sent, exit 0.
    let out = run(
        &[
            "logout-test",
            "--profile",
            "itsme",
            "--id-token-hint",
            "-",
            "--json",
        ],
        Some(&id_token),
        Some(&config),
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["passed"], true, "{r}");
    assert_eq!(r["returned"]["state"], r["state_sent"]);
    assert_eq!(r["id_token_hint_sent"], true);
    assert!(
        !text(&out.stdout).contains(&id_token),
        "the hint is shortened"
    );

    let out = run(
        &["profiles", "secret", "remove", "itsme"],
        None,
        Some(&config),
    );
    assert!(out.status.success());
    assert!(keyring_value("client-secret:itsme").is_none());
    let _ = run(&["signout", "--profile", "itsme"], None, Some(&config));
    let _ = std::fs::remove_dir_all(config);
}

#[test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
fn signin_print_url_opens_nothing_and_the_printed_url_signs_in() {
    use std::io::{BufRead, BufReader};
    let config = temp_config();
    let authority = idp().metadata_url("B2C_1_auto");
    let marker = config.join("browser-was-run");
    std::fs::create_dir_all(&config).unwrap();
    // A browser command that would leave a marker: --print-url must not run it.
    let browser = format!("sh -c 'touch \"{}\"'", marker.display());
    let mut child = tokenscope(Some(&config))
        .args([
            "signin",
            "--authority",
            &authority,
            "--client-id",
            &idp().client_id(),
            "--browser",
            &browser,
            "--prompt",
            "none",
            "--clean",
            "--print-url",
            "--no-store",
            "--json",
            "--timeout",
            "30",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let url = stderr
        .lines()
        .map_while(Result::ok)
        .find(|l| l.starts_with("http"))
        .expect("the authorize URL on stderr");
    assert!(
        url.contains("prompt=login"),
        "--clean wins over --prompt none: {url}"
    );
    // The person opens it in a browser of their choice.
    let curl = Command::new("curl")
        .args(["-sS", "-L", "-o", "/dev/null", "--max-time", "20", &url])
        .status()
        .unwrap();
    assert!(curl.success());
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passed"], true);
    assert!(
        !marker.exists(),
        "--print-url must not run the browser command"
    );
    let _ = std::fs::remove_dir_all(config);
}
