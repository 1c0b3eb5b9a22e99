//! Shared by the CLI's integration tests: the `tokenscope` binary run with stdin and a config
//! directory, its output as text, throwaway config directories and the keyring as `secret-tool`
//! sees it. Each test binary uses its own subset of these.
#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `tokenscope` binary without colour, with `config` as its config directory when given.
pub fn tokenscope(config: Option<&Path>) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tokenscope"));
    cmd.env("NO_COLOR", "1");
    if let Some(dir) = config {
        cmd.env("TOKENSCOPE_CONFIG_DIR", dir);
    }
    cmd
}

/// Runs `tokenscope args`, with `stdin` written to it (else no stdin), and waits for its output.
pub fn run(args: &[&str], stdin: Option<&str>, config: Option<&Path>) -> Output {
    let mut child = tokenscope(config)
        .args(args)
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
        // A command that fails before reading stdin (e.g. `diff - -`) closes it: a broken pipe
        // here is that command's business, judged from its output.
        match child.stdin.take().unwrap().write_all(input.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
            other => other.unwrap(),
        }
    }
    child.wait_with_output().unwrap()
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Runs `tokenscope args` with no stdin: whether it succeeded, its stdout and its stderr.
pub fn run_text(args: &[&str]) -> (bool, String, String) {
    let out = run(args, None, None);
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

/// `tokenscope signin` at `authority` with `client_id`, the test provider's curl as the
/// browser, nothing stored, `more` arguments after.
pub fn signin_with_curl(authority: &str, client_id: &str, more: &[&str]) -> (bool, String, String) {
    let mut args = vec![
        "signin",
        "--authority",
        authority,
        "--client-id",
        client_id,
        "--browser",
        tokenscope_core::testkit::idp::CURL_BROWSER,
        "--timeout",
        "30",
        "--no-store",
    ];
    args.extend_from_slice(more);
    run_text(&args)
}

/// A config directory of its own (not created yet); the test removes it at the end.
pub fn temp_config() -> PathBuf {
    std::env::temp_dir().join(format!(
        "tokenscope-cli-{}",
        tokenscope_core::oidc::pkce::random_token()
    ))
}

fn secret_tool_lookup(account: &str) -> Output {
    Command::new("secret-tool")
        .args(["lookup", "service", "tokenscope", "username", account])
        .output()
        .unwrap()
}

/// What the keyring holds for Tokenscope under `account`, if anything.
pub fn keyring_value(account: &str) -> Option<String> {
    let out = secret_tool_lookup(account);
    (out.status.success() && !out.stdout.is_empty()).then(|| text(&out.stdout))
}

/// Whether the keyring holds a refresh token for `profile`.
pub fn keyring_has(profile: &str) -> bool {
    secret_tool_lookup(&format!("refresh-token:{profile}"))
        .status
        .success()
}
