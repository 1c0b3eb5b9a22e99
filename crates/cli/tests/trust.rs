//! What a terminal and a shell can rely on: no control sequence from a token reaches the screen,
//! a closed or full stdout ends the command with one error line (never a panic), and processes
//! running at once lose none of each other's saved profiles.

mod common;

use common::{run, temp_config, text};
use serde_json::Value;
use std::io::Write;
use std::process::{Output, Stdio};
use tokenscope_core::jose::jwt::b64_encode;

fn token(header: &str, payload: &str) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64_encode(header.as_bytes()),
        b64_encode(payload.as_bytes())
    )
}

/// One `error:` line on stderr, no panic, not killed by a signal, exit 1.
fn fails_with_one_line(out: &Output) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(out.status.signal(), None, "killed: {:?}", out.status);
    }
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

// ---- 1. Control characters are shown escaped on a terminal, exact in JSON ----

/// A claim or header value with ESC, BEL, CSI, OSC 52 (clipboard write), a C1 control and a
/// bidirectional override.
const HOSTILE: &str = "Ada\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}\u{9b}31m\u{202e}gnp.exe\u{8}";

fn hostile_token() -> String {
    let header = serde_json::json!({"alg": "RS256", "kid": HOSTILE, "typ": "JWT"}).to_string();
    let payload = serde_json::json!({"sub": "u1", "name": HOSTILE, HOSTILE: 1}).to_string();
    token(&header, &payload)
}

fn assert_no_controls(shown: &str) {
    for c in shown.chars() {
        assert!(
            c == '\n' || !(c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "{c:?} reached the terminal: {shown:?}"
        );
    }
}

#[test]
fn control_characters_in_values_are_escaped_for_a_terminal() {
    let t = hostile_token();
    for args in [vec!["decode", &t], vec!["decode", "--markdown", &t]] {
        let out = run(&args, None, None);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let shown = text(&out.stdout);
        assert_no_controls(&shown);
        assert!(
            shown.contains(r"Ada\u001b[2J\u001b]52;c;ZXZpbA==\u0007\u009b31m\u202egnp.exe\u0008"),
            "{args:?}: {shown}"
        );
    }
    // The same token with a mistake: the error line is escaped too.
    let broken = format!("{t}\u{1b}]52;c;eA==\u{7}");
    let out = run(&["decode", &broken], None, None);
    assert_no_controls(&text(&out.stderr));
}

#[test]
fn json_keeps_values_exact() {
    let out = run(&["decode", "--json", &hostile_token()], None, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["payload"]["name"], HOSTILE);
    assert_eq!(v["header"]["kid"], HOSTILE);
    // JSON escapes control characters itself: the raw bytes never reach the terminal.
    assert!(!text(&out.stdout).contains('\u{1b}'));
}

// ---- 2. A closed or full stdout ----

/// `tokenscope errors | head -1`: the reader goes away after one line. More than a pipe holds
/// is written (the whole catalogue, several times over the 64 KiB of a pipe is not needed: the
/// pipe is closed before anything is read).
#[cfg(unix)]
#[test]
fn a_closed_pipe_ends_the_command_with_one_error_line() {
    let cases: [&[&str]; 4] = [
        &["errors"],
        &["errors", "--json"],
        &["decode", "-"],
        &["decode", "--markdown", "-"],
    ];
    let big = format!(r#"{{"sub":"u1","blob":"{}"}}"#, "x".repeat(40_000));
    let t = token(r#"{"alg":"RS256","typ":"JWT"}"#, &big);
    for args in cases {
        let mut child = common::tokenscope(None)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let mut stdin = child.stdin.take().unwrap();
        let _ = stdin.write_all(t.as_bytes());
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        let err = fails_with_one_line(&out);
        assert!(
            err.contains("cannot write to stdout") && err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
    }
}

/// `decode TOKEN >/dev/full`: the disk is full.
#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_ends_the_command_with_one_error_line() {
    let t = token(
        r#"{"alg":"RS256","typ":"JWT"}"#,
        r#"{"sub":"u1","name":"Ada"}"#,
    );
    let cases: [&[&str]; 5] = [
        &["decode", &t],
        &["decode", "--markdown", &t],
        &["decode", "--json", &t],
        &["errors"],
        &["errors", "AADB2C90118"],
    ];
    for args in cases {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = common::tokenscope(None)
            .args(args)
            .stdin(Stdio::null())
            .stdout(full)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = fails_with_one_line(&out);
        assert!(
            err.contains("cannot write to stdout") && err.contains("No space left"),
            "{args:?}: {err}"
        );
    }
}

// ---- 3. Processes saving at once ----

/// Twenty `profiles add` at once, each a different profile: all twenty are kept, and the files
/// and their folder are private.
#[test]
fn twenty_concurrent_profile_saves_are_all_kept() {
    let config = temp_config();
    let children: Vec<_> = (0..20)
        .map(|i| {
            common::tokenscope(Some(&config))
                .args([
                    "profiles",
                    "add",
                    &format!("p{i}"),
                    "--authority",
                    "contoso/B2C_1_susi",
                    "--client-id",
                    &format!("cid{i}"),
                ])
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(config.join("profiles.json")).unwrap())
            .unwrap();
    let mut names: Vec<&str> = saved["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    let mut expected: Vec<String> = (0..20).map(|i| format!("p{i}")).collect();
    expected.sort_unstable();
    assert_eq!(names, expected);
    let leftovers: Vec<String> = std::fs::read_dir(&config)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&config.join("profiles.json")), 0o600);
        assert_eq!(mode(&config), 0o700);
    }
    let _ = std::fs::remove_dir_all(config);
}

// ---- 4. A JWS whose `crit` names an extension Tokenscope does not implement ----

/// RFC 7515 §4.1.11: the signature is right, but the token requires an extension that is not
/// implemented: `--verify` fails it (exit 3) and names the check.
#[test]
fn decode_verify_rejects_a_jws_with_an_unknown_critical_extension() {
    use tokenscope_core::testkit::{fixture_path, sign_raw};
    let claims = serde_json::json!({"sub": "u1", "iat": 1700000000, "exp": 4102444800u64});
    let key = fixture_path("verify/rsa1.pub.pem").display().to_string();
    let plain = sign_raw(
        &serde_json::json!({"alg": "RS256", "kid": "rsa1"}),
        &claims,
        "rsa1",
    );
    let out = run(&["decode", "--key", &key, &plain], None, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let critical = sign_raw(
        &serde_json::json!({"alg": "RS256", "kid": "rsa1", "crit": ["urn:example:policy"],
                            "urn:example:policy": "strict"}),
        &claims,
        "rsa1",
    );
    let out = run(&["decode", "--key", &key, &critical], None, None);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stdout));
    assert!(text(&out.stderr).contains("crit"), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("does not implement"),
        "{}",
        text(&out.stdout)
    );
}
