//! The `tokenscope` binary as scripts use it: exit codes, one-line errors, the `--json` contract.
//! Sign-in tests run against the real test provider with headless Chromium and the real keyring
//! (ignored by a plain `cargo test`; `scripts/test.sh` runs them through the harness).

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use tokenscope_core::jwt::b64_encode;
use tokenscope_core::testkit::idp::{browser_command, TestIdp};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tokenscope"))
}

fn run(args: &[&str], stdin: Option<&str>, config: Option<&std::path::Path>) -> Output {
    let mut cmd = bin();
    cmd.args(args)
        .env("NO_COLOR", "1")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = config {
        cmd.env("TOKENSCOPE_CONFIG_DIR", dir);
    }
    let mut child = cmd.spawn().expect("tokenscope runs");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn token(payload: &str) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64_encode(br#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#),
        b64_encode(payload.as_bytes())
    )
}

#[test]
fn decode_explains_claims_for_people() {
    let t = token(r#"{"sub":"u1","exp":4102444800,"tfp":"B2C_1_susi","x_custom":1}"#);
    let out = run(&["decode", &format!("Bearer {t}")], None, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("signed JWT"), "{s}");
    assert!(
        s.contains("2100-01-01T00:00:00Z"),
        "NumericDate shown as a date: {s}"
    );
    assert!(
        s.contains("B2C_1_susi") && s.to_lowercase().contains("policy"),
        "{s}"
    );
    assert!(
        s.contains("not in the catalogue"),
        "unknown claims are listed: {s}"
    );
    assert!(!s.contains("\x1b["), "no colour when not a terminal");
}

#[test]
fn decode_json_contract_from_stdin() {
    let t = token(r#"{"sub":"u1","iat":1700000000,"emails":["a@b.c"]}"#);
    let out = run(&["decode", "--json", "-"], Some(&format!("  {t}\n")), None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "jws");
    assert_eq!(v["header"]["kid"], "k1");
    assert_eq!(v["payload"]["sub"], "u1");
    let claims = v["claims"].as_array().unwrap();
    let iat = claims.iter().find(|c| c["name"] == "iat").unwrap();
    assert_eq!(iat["time"], "2023-11-14T22:13:20Z");
    assert!(iat["description"].as_str().unwrap().len() > 10);
    assert_eq!(
        claims.iter().find(|c| c["name"] == "emails").unwrap()["value"][0],
        "a@b.c"
    );
}

#[test]
fn decode_refuses_malformed_input_with_one_clear_line() {
    let big = "a".repeat(70 * 1024);
    let dup = token(r#"{"sub":"a","sub":"b"}"#);
    let cases: [(&str, &str); 5] = [
        ("a.b", "2 dot-separated parts"),
        ("x.y.z", "header"),
        (&dup, "duplicate member name `sub`"),
        (&big, "64 KiB"),
        ("", "empty"),
    ];
    for (input, needle) in cases {
        let out = run(&["decode", "-"], Some(input), None);
        assert!(!out.status.success(), "{needle}");
        let err = text(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
        assert!(err.contains(needle), "{needle}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn decode_recognises_opaque_tokens() {
    let out = run(&["decode", "eyJraWQiOiJjcGltY29yZV8wOTI1MjAxNSIsInZlciI6IjEuMCIsInppcCI6IkRlZmxhdGUiLCJzZXIiOiIxLjAifQ"], None, None);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("opaque"));
}

fn idp() -> &'static TestIdp {
    static IDP: OnceLock<TestIdp> = OnceLock::new();
    IDP.get_or_init(TestIdp::start)
}

fn temp_config() -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "tokenscope-cli-{}",
        tokenscope_core::pkce::random_token()
    ))
}

fn keyring_has(profile: &str) -> bool {
    Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            "tokenscope",
            "username",
            &format!("refresh-token:{profile}"),
        ])
        .stdout(Stdio::null())
        .status()
        .unwrap()
        .success()
}

#[test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
fn signin_refresh_signout_through_a_real_browser() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
    let config = temp_config();
    let scope = format!("offline_access {}", idp().api_scope());
    let browser = browser_command("");
    let authority = idp().metadata_url("B2C_1_susi");
    let out = run(
        &[
            "signin",
            "--authority",
            &authority,
            "--client-id",
            &idp().client_id(),
            "--scope",
            &scope,
            "--browser",
            &browser,
            "--timeout",
            "60",
            "--profile",
            "cli-demo",
            "--json",
        ],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object on stdout");
    assert!(v["id_token"]["claims"].is_object());
    assert_eq!(v["id_token"]["claims"]["tfp"], "B2C_1_susi");
    assert!(v["access_token"].as_str().unwrap().split('.').count() == 3);
    let checks = v["checks"].as_array().unwrap();
    assert!(checks.len() >= 10);
    assert!(checks
        .iter()
        .all(|c| c["ok"] == true && c["name"].is_string() && c["detail"].is_string()));
    assert_eq!(v["refresh_token_stored"], true);
    assert!(
        !text(&out.stdout).contains("refresh_token\":\""),
        "no refresh token on stdout"
    );
    assert!(keyring_has("cli-demo"), "refresh token in the keyring");
    // The profile was saved for later runs.
    assert!(std::fs::read_to_string(config.join("profiles.json"))
        .unwrap()
        .contains("cli-demo"));

    let out = run(
        &["refresh", "--profile", "cli-demo", "--json"],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["refresh_token"]["received"], true);
    assert!(r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "same_subject" && c["ok"] == true));

    let out = run(&["refresh", "--profile", "cli-demo"], None, Some(&config));
    assert!(
        out.status.success(),
        "people's output: {}",
        text(&out.stderr)
    );
    let human = text(&out.stdout);
    assert!(
        human.contains("every check passed") && human.contains("OS keyring"),
        "{human}"
    );

    let out = run(&["signout", "--profile", "cli-demo"], None, Some(&config));
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("Deleted"));
    assert!(!keyring_has("cli-demo"));
    let out = run(&["refresh", "--profile", "cli-demo"], None, Some(&config));
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("sign-in needed") && err.trim().lines().count() == 1,
        "{err}"
    );
    let _ = std::fs::remove_dir_all(config);
}

#[test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
fn signin_failures_exit_non_zero_with_one_line() {
    let config = temp_config();
    // The provider answers AADB2C90118 (forgot password).
    let out = run(
        &[
            "signin",
            "--authority",
            &idp().metadata_url("B2C_1_forgot"),
            "--client-id",
            &idp().client_id(),
            "--browser",
            "curl -sS -L -o /dev/null",
            "--timeout",
            "30",
            "--no-store",
        ],
        None,
        Some(&config),
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("AADB2C90118") && err.contains("Correlation ID"),
        "{err}"
    );
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
    // A fixed redirect port that another program holds.
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let out = run(
        &[
            "signin",
            "--authority",
            &idp().metadata_url("B2C_1_auto"),
            "--client-id",
            &idp().client_id(),
            "--redirect-uri",
            &format!("http://127.0.0.1:{port}"),
            "--browser",
            "true",
            "--no-store",
        ],
        None,
        Some(&config),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("already in use"),
        "{}",
        text(&out.stderr)
    );
    // An authority that is not one.
    let out = run(
        &[
            "signin",
            "--authority",
            "http://example.com/",
            "--client-id",
            "x",
            "--no-store",
        ],
        None,
        Some(&config),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("only https"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(config);
}

#[test]
fn profiles_add_saves_a_profile_and_refuses_bad_authorities() {
    let config = temp_config();
    let out = run(
        &[
            "profiles",
            "add",
            "Local demo",
            "--authority",
            "contoso/B2C_1_susi",
            "--client-id",
            "cid",
            "--scope",
            "offline_access",
            "--browser",
            "firefox --private-window",
        ],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(&["profiles"], None, Some(&config));
    let listed = text(&out.stdout);
    assert!(
        listed.contains("Local demo") && listed.contains("contoso/B2C_1_susi"),
        "{listed}"
    );
    let saved = std::fs::read_to_string(config.join("profiles.json")).unwrap();
    assert!(
        saved.contains("firefox --private-window") && saved.contains("offline_access"),
        "{saved}"
    );
    let out = run(
        &[
            "profiles",
            "add",
            "x",
            "--authority",
            "ftp://nope",
            "--client-id",
            "c",
        ],
        None,
        Some(&config),
    );
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("only https"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(config);
}
