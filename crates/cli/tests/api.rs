//! `tokenscope call` against the test provider's protected API (`tests/idp/api.mjs`): the
//! token from a silent refresh of the keyring's refresh token, exit codes, the `--json`
//! contract with the token masked, and the new user's round trip: a missing scope explained,
//! the scope added, the call passing.
//!
//! Ignored by a plain `cargo test`; `scripts/test.sh` runs them through `scripts/with-keyring.sh`
//! (or: `scripts/with-keyring.sh cargo test -p tokenscope-cli --test api -- --include-ignored`).

mod common;

use common::{run, temp_config, text};
use serde_json::Value;
use std::path::Path;
use std::process::Output;
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};

fn require_keyring() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
}

/// `tokenscope signin` of `profile` through B2C_1_auto (curl as the browser) with `scope`.
fn signin(config: &Path, profile: &str, scope: &str) {
    let out = run(
        &[
            "signin",
            "--authority",
            &idp().metadata_url("B2C_1_auto"),
            "--client-id",
            &idp().client_id(),
            "--scope",
            scope,
            "--browser",
            CURL_BROWSER,
            "--timeout",
            "30",
            "--profile",
            profile,
            "--json",
        ],
        None,
        Some(config),
    );
    assert!(out.status.success(), "signin: {}", text(&out.stderr));
    // B2C's token-response fields, decoded.
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    let fields = v["token_response"].as_array().expect("token_response");
    let field = |name: &str| {
        fields
            .iter()
            .find(|f| f["name"] == name)
            .expect(name)
            .clone()
    };
    assert_eq!(field("refresh_token_expires_in")["decoded"], "14 days");
    assert_eq!(field("id_token_expires_in")["decoded"], "1 h");
    assert!(
        field("not_before")["decoded"]
            .as_str()
            .unwrap()
            .ends_with("UTC (now)")
            || field("not_before")["decoded"]
                .as_str()
                .unwrap()
                .contains(" ago)")
    );
    let info = field("profile_info");
    assert!(
        info["claims"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "name" && c["value"] == "Test User"),
        "{info}"
    );
}

fn call(config: &Path, args: &[&str]) -> Output {
    let mut all = vec!["call"];
    all.extend_from_slice(args);
    run(&all, None, Some(config))
}

fn api(path: &str) -> String {
    format!("{}{path}", idp().base())
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn a_missing_scope_is_explained_and_the_call_passes_once_it_is_added() {
    require_keyring();
    let config = temp_config();
    let read = idp().api_scope();
    let write = read.replace("/api/read", "/api/write");
    signin(&config, "shop", &format!("offline_access {read}"));

    let orders = api("/api/orders");
    let args = [
        "--profile",
        "shop",
        "-X",
        "POST",
        &orders,
        "--data",
        r#"{"item":"book"}"#,
    ];
    let out = call(&config, &args);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        shown.contains("POST") && shown.contains("403 Forbidden"),
        "{shown}"
    );
    assert!(shown.contains("insufficient_scope"), "{shown}");
    assert!(
        shown.contains(&format!("Add `{write}` to the profile's scopes")),
        "{shown}"
    );

    // The fix the diagnosis names: the write scope in the profile, a new sign-in.
    signin(&config, "shop", &format!("offline_access {read} {write}"));
    let out = call(&config, &args);
    assert!(
        out.status.success(),
        "{} {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let shown = text(&out.stdout);
    assert!(shown.contains("201 Created"), "{shown}");
    assert!(
        shown.contains("\"item\": \"book\""),
        "the body as the API received it: {shown}"
    );
    assert!(!shown.contains("Why:"), "{shown}");
    // Pretty-printed JSON is shown as lines, not as one line of escaped line breaks.
    assert!(
        shown.contains("\n  \"route\": \"POST /orders\",\n") && !shown.contains(r"\u000a"),
        "the body's lines: {shown}"
    );
    let _ = std::fs::remove_dir_all(config);
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn json_contract_exit_codes_and_the_token_never_printed() {
    require_keyring();
    let config = temp_config();
    signin(
        &config,
        "api",
        &format!("offline_access {}", idp().api_scope()),
    );

    let hello = api("/api/hello");
    let out = call(
        &config,
        &[
            "--profile",
            "api",
            &hello,
            "-H",
            "X-Request-Id: r-1",
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["request"]["method"], "GET");
    assert_eq!(v["request"]["url"], hello);
    assert_eq!(
        v["request"]["headers"]["Authorization"],
        "Bearer [redacted]"
    );
    assert_eq!(v["request"]["headers"]["X-Request-Id"], "r-1");
    assert_eq!(v["response"]["status"], 200);
    assert_eq!(
        v["response"]["body"]["scp"], "read",
        "a JSON body as a value"
    );
    assert!(v["response"]["headers"]["content-type"].is_string());
    assert_eq!(v["diagnosis"], Value::Array(vec![]));
    assert!(!text(&out.stdout).contains("eyJ"), "no token on stdout");

    // The ID token: a warning before, a 401 and its two findings after; exit 4.
    let out = call(
        &config,
        &["--profile", "api", "--token", "id", &hello, "--json"],
    );
    assert_eq!(out.status.code(), Some(4));
    assert!(
        text(&out.stderr).contains("warning: Sending the ID token"),
        "{}",
        text(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = v["diagnosis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["id_token_sent", "audience_mismatch"]);
    assert!(v["diagnosis"][1]["message"]
        .as_str()
        .unwrap()
        .contains(&idp().api_app_id()));
    assert!(!text(&out.stdout).contains("eyJ"), "no token on stdout");

    // The clock of an API 2 h ahead; a route without bearer tokens.
    let out = call(&config, &["--profile", "api", &api("/api-ahead/hello")]);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        text(&out.stdout).contains("expired"),
        "{}",
        text(&out.stdout)
    );
    let out = call(
        &config,
        &["--profile", "api", &api("/api/legacy"), "--json"],
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["diagnosis"][0]["code"], "no_token_accepted");

    // --output keeps the whole body; --curl prints the request with $TOKEN and sends nothing.
    let file = config.join("body.json");
    let out = call(
        &config,
        &[
            "--profile",
            "api",
            &hello,
            "--output",
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success());
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["route"], "GET /hello");
    let out = call(
        &config,
        &["--profile", "api", "-X", "delete", &hello, "--curl"],
    );
    assert!(out.status.success());
    let curl = text(&out.stdout);
    assert!(
        curl.starts_with(&format!(
            "curl -X DELETE {hello} -H \"Authorization: Bearer $TOKEN\""
        )),
        "{curl}"
    );
    let out = call(
        &config,
        &["--profile", "api", &hello, "--curl", "--show-token"],
    );
    assert!(
        text(&out.stdout).contains("Bearer eyJ"),
        "in the clear when asked"
    );

    // No answer: exit 1 with one line. Bad input: exit 1 before anything is sent.
    let out = call(&config, &["--profile", "api", "http://127.0.0.1:9/nothing"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("network error") && err.trim().lines().count() == 1,
        "{err}"
    );
    assert!(!err.contains("eyJ"), "{err}");
    for (bad, needle) in [
        (vec!["-H", "NoColon"], "not `Name: value`"),
        (
            vec!["-H", "Authorization: Basic x"],
            "sends the token in Authorization itself",
        ),
        (vec!["-X", "BREW"], "method `BREW`"),
        (vec!["--data", "@/nonexistent/body.json"], "cannot read it"),
    ] {
        let mut args = vec!["--profile", "api", &hello];
        args.extend(bad);
        let out = call(&config, &args);
        assert_eq!(out.status.code(), Some(1), "{needle}");
        assert!(
            text(&out.stderr).contains(needle),
            "{needle}: {}",
            text(&out.stderr)
        );
    }
    let out = call(&config, &["--profile", "api", "http://api.example.com/"]);
    assert!(
        text(&out.stderr).contains("plain http"),
        "{}",
        text(&out.stderr)
    );

    // Signed out: no refresh token, so a sign-in is needed first.
    assert!(run(&["signout", "--profile", "api"], None, Some(&config))
        .status
        .success());
    let out = call(&config, &["--profile", "api", &hello]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("sign-in needed"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(config);
}

/// A hand-made API on loopback that answers every request with `answer` (a hostile one: the
/// real test API never sends control characters). Its address.
fn fake_api(answer: &'static [u8]) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 8192];
            let _ = s.read(&mut buf);
            let _ = s.write_all(answer);
        }
    });
    format!("http://{addr}/hostile")
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn call_output_is_escaped_for_a_terminal_and_a_full_stdout_is_one_error_line() {
    require_keyring();
    let config = temp_config();
    signin(
        &config,
        "escape",
        &format!("offline_access {}", idp().api_scope()),
    );
    let body = "\u{1b}]52;c;ZXZpbA==\u{7}\u{1b}[2Jgone";
    let answer: &'static [u8] = Box::leak(
        format!(
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer error=\"invalid_token\", \
             error_description=\"bad\"\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
        .into_boxed_slice(),
    );
    let url = fake_api(answer);
    let out = call(&config, &["--profile", "escape", &url]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        shown.contains(r"\u001b]52;c;ZXZpbA==\u0007\u001b[2Jgone"),
        "{shown}"
    );
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );

    // `call >/dev/full` and `userinfo >/dev/full`: one error line, exit 1.
    let hello = api("/api/hello");
    for args in [
        vec!["call", "--profile", "escape", hello.as_str()],
        vec!["call", "--profile", "escape", hello.as_str(), "--json"],
        vec!["call", "--profile", "escape", hello.as_str(), "--curl"],
        vec!["userinfo", "--profile", "escape"],
        vec!["userinfo", "--profile", "escape", "--json"],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = common::tokenscope(Some(&config))
            .args(&args)
            .stdin(std::process::Stdio::null())
            .stdout(full)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.trim().lines().count() == 1
                && err.contains("cannot write to stdout")
                && err.contains("No space left"),
            "{args:?}: {err}"
        );
    }
    let _ = std::fs::remove_dir_all(config);
}

/// The token the profile would send, as `call --curl --show-token` writes it.
fn token_of(config: &Path, profile: &str, url: &str) -> String {
    let out = call(
        config,
        &["--profile", profile, "--curl", "--show-token", url],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let curl = text(&out.stdout);
    let start = curl.find("Bearer ").expect("a bearer header") + "Bearer ".len();
    curl[start..]
        .split(|c: char| c == '\'' || c == '"' || c.is_whitespace())
        .next()
        .unwrap()
        .to_owned()
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn a_pasted_token_is_taken_to_the_api_and_its_refusal_explained() {
    require_keyring();
    let config = temp_config();
    let read = idp().api_scope();
    let write = read.replace("/api/read", "/api/write");
    signin(&config, "support", &format!("offline_access {read}"));
    let orders = api("/api/orders");
    let token = token_of(&config, "support", &orders);
    assert!(token.starts_with("eyJ"), "{token}");

    // As support gets it: a header line copied from a request log, in a file.
    let file = config.join("pasted.txt");
    std::fs::write(&file, format!("Authorization: Bearer {token}\n")).unwrap();
    let file = file.to_str().unwrap();
    let out = call(
        &config,
        &["--token-file", file, "-X", "POST", &orders, "--data", "{}"],
    );
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("403 Forbidden"), "{shown}");
    assert!(
        shown.contains(&format!(
            "Add `{write}` to the scopes the app that got this token requests"
        )),
        "{shown}"
    );
    assert!(
        !shown.contains(&token),
        "the token is never printed: {shown}"
    );

    // From standard input, read route: the API takes it.
    let out = run(
        &["call", "--token-file", "-", &orders, "--json"],
        Some(&token),
        Some(&config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["response"]["status"], 200);
    assert_eq!(
        v["request"]["headers"]["Authorization"],
        "Bearer [redacted]"
    );
    assert!(!text(&out.stdout).contains(&token));

    // A paste that would add a header is refused before anything is sent.
    std::fs::write(config.join("bad.txt"), format!("{token}\r\nX-Admin: yes")).unwrap();
    let bad = config.join("bad.txt");
    let out = call(&config, &["--token-file", bad.to_str().unwrap(), &orders]);
    assert_eq!(out.status.code(), Some(1));
    let said = text(&out.stderr);
    assert!(said.contains("white space"), "{said}");
    assert!(!said.contains(&token), "{said}");
    // Neither a profile nor a token: clap says which is missing.
    let out = call(&config, &[&orders]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("--profile"),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(config);
}
