//! `tokenscope errors`: the error catalogue on the command line.

use std::process::Command;

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("tokenscope runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_known_code_is_explained_with_what_to_do() {
    let (ok, out, err) = run(&["errors", "aadb2c90118"]);
    assert!(ok, "{err}");
    assert!(out.starts_with("AADB2C90118\n"), "{out}");
    assert!(out.contains("password-reset policy"), "{out}");
    let (ok, out, _) = run(&["errors", "AADB2C90006", "--json"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["action"], "check_redirect_uri");
}

#[test]
fn an_unknown_code_fails_with_one_line_and_the_list_has_them_all() {
    let (ok, out, err) = run(&["errors", "AADB2C00000"]);
    assert!(!ok);
    assert!(out.is_empty());
    assert!(err.contains("not in Tokenscope's catalogue"), "{err}");
    let (ok, out, _) = run(&["errors", "--json"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let n = v.as_array().map(Vec::len).unwrap_or(0);
    assert!(n >= 40, "{n}");
}
