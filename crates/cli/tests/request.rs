//! The request builder on the command line: a confidential client's secret from stdin into the
//! keyring, `signin --client-auth`, `logout-test`, and bad `--claims` refused. The sign-in tests
//! run against the real test provider and keyring (ignored by a plain `cargo test`;
//! `scripts/test.sh` runs them through the harness).

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use tokenscope_core::testkit::idp::TestIdp;

fn run(args: &[&str], stdin: Option<&str>, config: &std::path::Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .env("TOKENSCOPE_CONFIG_DIR", config)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tokenscope runs");
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

fn temp_config() -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "tokenscope-cli-req-{}",
        tokenscope_core::pkce::random_token()
    ))
}

fn idp() -> &'static TestIdp {
    static IDP: OnceLock<TestIdp> = OnceLock::new();
    IDP.get_or_init(TestIdp::start)
}

fn keyring_value(account: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "tokenscope", "username", account])
        .output()
        .unwrap();
    (out.status.success() && !out.stdout.is_empty()).then(|| text(&out.stdout))
}

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
        &config,
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("claims parameter is not valid JSON"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");

    let out = run(
        &["profiles", "secret", "set", "nope"],
        Some("s3cret"),
        &config,
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
    let curl = "curl -sS -L -o /dev/null --max-time 20";
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
            curl,
        ],
        None,
        &config,
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
        &config,
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
        &config,
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(!text(&out.stdout).contains(secret));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id_token"]["claims"]["aud"], id);
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
        &config,
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

    let out = run(&["profiles", "secret", "remove", "itsme"], None, &config);
    assert!(out.status.success());
    assert!(keyring_value("client-secret:itsme").is_none());
    let _ = run(&["signout", "--profile", "itsme"], None, &config);
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
    let mut child = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
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
        .env("NO_COLOR", "1")
        .env("TOKENSCOPE_CONFIG_DIR", &config)
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
