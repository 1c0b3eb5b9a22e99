//! `tokenscope test`: exit codes (0 all passed, 1 a case failed, 2 a file is invalid and nothing
//! ran), one line per case with the failed expectations, `--json`, JUnit XML valid against a
//! JUnit schema (xmllint), `--only`, and no token in any output unless `--show-tokens`. The
//! repository's example file runs against the test provider.

mod common;

use common::{temp_config, text, tokenscope};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use tokenscope_core::testkit::idp::{self, repo_root, TestIdp};

/// The password the test provider's pages and ROPC policy accept (tests/idp/config.mjs).
const TEST_PASSWORD: &str = "Tokenscope-Test-Passw0rd";
const DEMO_PROFILE: &str = "Local demo (B2C-shaped)";

fn example() -> PathBuf {
    repo_root().join("examples/demo.tokenscope.toml")
}

/// A config directory holding the demo profile on the running provider (as scripts/run.sh
/// saves it).
fn demo_config(idp: &TestIdp) -> PathBuf {
    let dir = temp_config();
    let out = tokenscope(Some(&dir))
        .args([
            "profiles",
            "add",
            DEMO_PROFILE,
            "--authority",
            &idp.metadata_url("B2C_1_susi"),
            "--client-id",
            &idp.client_id(),
            "--scope",
            &format!("offline_access {}", idp.api_scope()),
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    dir
}

fn test_cmd(config: &Path, args: &[&str]) -> Output {
    tokenscope(Some(config))
        .arg("test")
        .args(args)
        .env("B2C_TEST_USER", "tester")
        .env("B2C_TEST_PASSWORD", TEST_PASSWORD)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn write(dir: &Path, name: &str, content: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

/// Validates a JUnit report against the committed JUnit schema with xmllint.
fn assert_valid_junit(path: &Path) {
    let xsd = repo_root().join("tests/fixtures/junit/junit.xsd");
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(path)
        .output()
        .expect("xmllint (Debian's libxml2-utils, scripts/install.sh) is needed");
    assert!(
        out.status.success(),
        "JUnit report does not validate: {}\n{}",
        text(&out.stderr),
        std::fs::read_to_string(path).unwrap_or_default()
    );
}

fn assert_no_token(what: &str, s: &str) {
    assert!(!s.contains("eyJ"), "a token appears in {what}: {s}");
}

#[test]
fn an_invalid_file_exits_2_names_file_line_and_key_and_runs_nothing() {
    let dir = temp_config();
    let good = write(
        &dir,
        "good.tokenscope.toml",
        "[defaults]\nauthority = \"http://127.0.0.1:9/t/B2C_1_x/v2.0/\"\nclient_id = \"c\"\nbrowser = \"touch /nonexistent/ran\"\n[[case]]\nname = \"a\"\n",
    );
    let bad = write(
        &dir,
        "bad.tokenscope.toml",
        "[defaults]\nauthority = \"https://login.example.org/t\"\nclient_id = \"c\"\npassword = \"Hunter2\"\n[[case]]\nname = \"a\"\n[case.expect]\nclaims.x = { presnt = true }\n",
    );
    let out = test_cmd(&dir, &[good.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    let bad_name = bad.display().to_string();
    assert!(
        err.contains(&format!("{bad_name}:4: defaults.password:")),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{bad_name}:8: case[1].expect.claims.x.presnt: unknown key"
        )),
        "{err}"
    );
    assert!(!err.contains("Hunter2"), "{err}");
    assert!(err.contains("Nothing ran"), "{err}");
    assert!(
        text(&out.stdout).is_empty(),
        "something ran: {}",
        text(&out.stdout)
    );
    // A saved profile that does not exist is refused before anything runs, too.
    let missing = write(
        &dir,
        "missing.tokenscope.toml",
        "[defaults]\n\nprofile = \"Nobody\"\n[[case]]\nname = \"a\"\n",
    );
    let out = test_cmd(&dir, &[missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(":3: case[1].profile:"),
        "{}",
        text(&out.stderr)
    );
    // --only naming no case.
    let out = test_cmd(&dir, &[good.to_str().unwrap(), "--only", "zzz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--only \"zzz\""),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_example_file_passes_against_the_test_provider_with_json_and_valid_junit() {
    let idp = idp::shared();
    let config = demo_config(idp);
    let example = example();
    let example_arg = example.to_str().unwrap();

    // Lines, one per case, and the summary.
    let out = test_cmd(&config, &[example_arg, "--jobs", "2"]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    for name in [
        "sign-in: local account claims",
        "forgot password reports AADB2C90118",
        "cancel reports AADB2C90091",
        "ROPC: tokens without a page",
    ] {
        assert!(
            stdout
                .lines()
                .any(|l| l.contains("PASS") && l.contains(name)),
            "{name}: {stdout}"
        );
    }
    assert!(stdout.contains("4 case(s): 4 passed, 0 failed"), "{stdout}");
    assert!(
        stdout.contains("note: ropc (resource owner password) skips MFA"),
        "{stdout}"
    );
    assert_no_token("stdout", &stdout);
    assert_no_token("stderr", &text(&out.stderr));

    // --json and --junit.
    let junit = config.join("report.xml");
    let out = test_cmd(
        &config,
        &[example_arg, "--json", "--junit", junit.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["passed"], 4);
    assert_eq!(json["failed"], 0);
    let first = &json["cases"][0];
    assert_eq!(first["name"], "sign-in: local account claims");
    assert_eq!(first["ok"], true);
    assert!(first["duration_ms"].as_u64().is_some());
    assert_eq!(first["failures"], serde_json::json!([]));
    assert_no_token("--json", &text(&out.stdout));
    assert_valid_junit(&junit);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_no_token("JUnit", &xml);
    assert_eq!(xml.matches("<testsuite ").count(), 1);
    assert_eq!(xml.matches("<testcase ").count(), 4);
    let _ = std::fs::remove_dir_all(config);
}

#[test]
fn a_failing_case_exits_1_with_each_expectation_and_a_junit_failure() {
    let idp = idp::shared();
    let config = demo_config(idp);
    let file = write(
        &config,
        "fail.tokenscope.toml",
        "[defaults]\nprofile = \"Local demo (B2C-shaped)\"\ndriver = \"ropc\"\nusername = \"env:B2C_TEST_USER\"\npassword = \"env:B2C_TEST_PASSWORD\"\npolicy = \"B2C_1_ROPC_Auth\"\n",
    );
    // `policy` is a case key, not a default: refused.
    let out = test_cmd(&config, &[file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let file = write(
        &config,
        "fail.tokenscope.toml",
        "[defaults]\nprofile = \"Local demo (B2C-shaped)\"\ndriver = \"ropc\"\nusername = \"env:B2C_TEST_USER\"\npassword = \"env:B2C_TEST_PASSWORD\"\n\
         [[case]]\nname = \"passes\"\npolicy = \"B2C_1_ROPC_Auth\"\n\
         [[case]]\nname = \"wrong claims & <lifetime>\"\npolicy = \"B2C_1_ROPC_Auth\"\n[case.expect]\nclaims.tfp = \"B2C_1_susi\"\nid_token_lifetime = \"5m\"\n",
    );
    let junit = config.join("fail.xml");
    let out = test_cmd(
        &config,
        &[file.to_str().unwrap(), "--junit", junit.to_str().unwrap()],
    );
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("PASS") && l.contains("passes")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("FAIL") && l.contains("wrong claims")),
        "{stdout}"
    );
    assert!(
        stdout.contains("claims.tfp: expected \"B2C_1_susi\", got \"B2C_1_ROPC_Auth\""),
        "{stdout}"
    );
    assert!(
        stdout.contains("id_token_lifetime: expected 5m, got 1h (3600 s)"),
        "{stdout}"
    );
    assert!(stdout.contains("2 case(s): 1 passed, 1 failed"), "{stdout}");
    assert_valid_junit(&junit);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("failures=\"1\""), "{xml}");
    assert!(
        xml.contains("name=\"wrong claims &amp; &lt;lifetime&gt;\""),
        "{xml}"
    );
    assert!(
        xml.contains("<failure message=\"2 expectations failed\" type=\"expectation\">claims.tfp: expected &quot;B2C_1_susi&quot;")
            || xml.contains("<failure message=\"2 expectations failed\" type=\"expectation\">claims.tfp: expected \"B2C_1_susi\""),
        "{xml}"
    );

    // --only runs the case named; --show-tokens shows its tokens.
    let out = test_cmd(
        &config,
        &[
            file.to_str().unwrap(),
            "--only",
            "passes",
            "--show-tokens",
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["cases"].as_array().unwrap().len(), 1);
    assert!(
        json["cases"][0]["tokens"]["id_token"]
            .as_str()
            .is_some_and(|t| t.starts_with("eyJ")),
        "{json}"
    );
    let _ = std::fs::remove_dir_all(config);
}

#[test]
#[ignore = "needs a keyring: run through scripts/with-keyring.sh (scripts/test.sh does)"]
fn keyring_credentials_are_stored_by_test_secret_and_read_by_the_runner() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "TOKENSCOPE_KEYRING is not set: run through scripts/with-keyring.sh"
    );
    let idp = idp::shared();
    let config = demo_config(idp);
    let name = format!("flowtest-{}", tokenscope_core::oidc::pkce::random_token());
    let store = |value: &str| {
        let mut child = tokenscope(Some(&config))
            .args(["test-secret", "set", &name])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut child.stdin.take().unwrap(), value.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let out = store(&format!("{TEST_PASSWORD}\n"));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&format!("keyring:{name}")));
    assert!(
        common::keyring_value(&format!("test-secret:{name}")).is_some(),
        "the keyring holds it"
    );
    let file = write(
        &config,
        "keyring.tokenscope.toml",
        &format!(
            "[defaults]\nprofile = \"{DEMO_PROFILE}\"\ndriver = \"ropc\"\nusername = \"env:B2C_TEST_USER\"\npassword = \"keyring:{name}\"\n\
             [[case]]\nname = \"ropc with the keyring's password\"\npolicy = \"B2C_1_ROPC_Auth\"\n"
        ),
    );
    let out = test_cmd(&config, &[file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    // A wrong stored password fails the case; a removed one names the secret.
    let out = store("wrong");
    assert!(out.status.success());
    let out = test_cmd(&config, &[file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("AADB2C90225"),
        "{}",
        text(&out.stdout)
    );
    let out = tokenscope(Some(&config))
        .args(["test-secret", "remove", &name])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("Deleted"),
        "{}",
        text(&out.stdout)
    );
    let out = test_cmd(&config, &[file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stdout).contains(&format!("holds no test secret \"{name}\"")),
        "{}",
        text(&out.stdout)
    );
    let _ = std::fs::remove_dir_all(config);
}

#[test]
fn trace_shows_each_case_s_exchanges_and_the_request_a_failing_case_failed_on_masked() {
    let idp = idp::shared();
    let config = demo_config(idp);
    let wrong = "Wrong-Passw0rd-7f3c9e21";
    let file = write(
        &config,
        "trace.tokenscope.toml",
        "[defaults]\nprofile = \"Local demo (B2C-shaped)\"\ndriver = \"ropc\"\nusername = \"env:B2C_TEST_USER\"\n\
         [[case]]\nname = \"passes\"\npolicy = \"B2C_1_ROPC_Auth\"\npassword = \"env:B2C_TEST_PASSWORD\"\n\
         [[case]]\nname = \"wrong password\"\npolicy = \"B2C_1_ROPC_Auth\"\npassword = \"env:WRONG_PASSWORD\"\n",
    );
    let junit = config.join("trace.xml");
    let run = |extra: &[&str]| {
        tokenscope(Some(&config))
            .arg("test")
            .arg(&file)
            .args(extra)
            .env("B2C_TEST_USER", "tester")
            .env("B2C_TEST_PASSWORD", TEST_PASSWORD)
            .env("WRONG_PASSWORD", wrong)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    };
    let out = run(&["--trace", "--junit", junit.to_str().unwrap()]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    // Under the failing case: its token request, the answer that refused it, the password
    // masked.
    let failing = stdout
        .split("FAIL")
        .nth(1)
        .unwrap_or_else(|| panic!("no failing case: {stdout}"));
    assert!(
        failing.contains("What went over the wire (secrets masked):"),
        "{stdout}"
    );
    let token_line = failing
        .lines()
        .find(|l| l.contains("token  POST") && l.contains("/oauth2/v2.0/token"))
        .unwrap_or_else(|| panic!("no token request under the failing case: {stdout}"));
    assert!(token_line.contains("→ 400"), "{token_line}");
    assert!(failing.contains("grant_type=password"), "{failing}");
    assert!(failing.contains("AADB2C90225"), "{failing}");
    // The passing case has its own trace too.
    let passing = stdout.split("FAIL").next().unwrap();
    assert!(
        passing.contains("PASS") && passing.contains("What went over the wire"),
        "{stdout}"
    );
    for (what, shown) in [("stdout", &stdout), ("stderr", &text(&out.stderr))] {
        assert!(!shown.contains(wrong), "the password in {what}: {shown}");
        assert!(
            !shown.contains(TEST_PASSWORD),
            "the password in {what}: {shown}"
        );
        assert_no_token(what, shown);
    }
    // JUnit: the failing case's system-out has the request it failed on; still valid.
    assert_valid_junit(&junit);
    let xml = std::fs::read_to_string(&junit).unwrap();
    let case = xml
        .split("<testcase ")
        .find(|c| c.contains("name=\"wrong password\""))
        .unwrap_or_else(|| panic!("{xml}"));
    let system_out = case
        .split("<system-out>")
        .nth(1)
        .unwrap_or_else(|| panic!("no system-out: {case}"));
    assert!(
        system_out.contains("What went over the wire") && system_out.contains("→ 400"),
        "{case}"
    );
    assert!(system_out.contains("AADB2C90225"), "{case}");
    assert!(
        !xml.contains(wrong) && !xml.contains(TEST_PASSWORD),
        "{xml}"
    );
    assert_no_token("JUnit", &xml);

    // --json --trace: each case carries `exchanges`, masked.
    let out = run(&["--trace", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cases = json["cases"].as_array().unwrap();
    let token_step = |case: &Value| {
        case["exchanges"]
            .as_array()
            .unwrap_or_else(|| panic!("no exchanges: {case}"))
            .iter()
            .find(|e| e["step"] == "token")
            .cloned()
            .unwrap_or_else(|| panic!("no token request: {case}"))
    };
    assert_eq!(token_step(&cases[0])["status"], 200);
    let refused = token_step(&cases[1]);
    assert_eq!(refused["status"], 400, "{refused}");
    assert!(
        refused["request_body"].as_str().is_some_and(
            |b| b.contains("password=%5Bredacted%5D") || b.contains("password=[redacted]")
        ),
        "{refused}"
    );
    let raw = text(&out.stdout);
    assert!(
        !raw.contains(wrong) && !raw.contains(TEST_PASSWORD),
        "{raw}"
    );
    assert_no_token("--json --trace", &raw);

    // Without --trace: no exchanges anywhere.
    let out = run(&["--json"]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["cases"][1].get("exchanges").is_none(), "{json}");
    let _ = std::fs::remove_dir_all(config);
}
