//! The `tokenscope` binary as scripts use it: exit codes, one-line errors, the `--json` contract.
//! Sign-in tests run against the real test provider with headless Chromium and the real keyring
//! (ignored by a plain `cargo test`; `scripts/test.sh` runs them through the harness).

mod common;

use common::{keyring_has, run, temp_config, text};
use serde_json::Value;
use std::io::Write;
use std::process::Output;
use tokenscope_core::jose::jwt::b64_encode;
use tokenscope_core::testkit::idp::{browser_command, shared as idp};

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
fn decode_tells_a_bare_token_by_its_claims() {
    let id = token(r#"{"sub":"u1","aud":"c","nonce":"n"}"#);
    let out = run(&["decode", "-"], Some(&id), None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(
        s.contains("Role an ID token (told by its nonce claim)"),
        "{s}"
    );
    let access = token(r#"{"sub":"u1","aud":"api","scp":"read"}"#);
    let s = text(&run(&["decode", "-"], Some(&access), None).stdout);
    assert!(
        s.contains("Role an access token (told by its scp claim)"),
        "{s}"
    );
    // A token with neither says nothing of a role.
    let s = text(&run(&["decode", "-"], Some(&token(r#"{"sub":"u1"}"#)), None).stdout);
    assert!(!s.contains("Role"), "{s}");
}

#[test]
fn decode_finds_the_tokens_in_a_text_and_says_when_there_is_none() {
    let a = token(r#"{"sub":"u1"}"#);
    let b = token(r#"{"sub":"u2"}"#);
    let mail = format!("Hi,\n> the first was {a}, the second\n> token: {b}.\nThanks");
    let out = run(&["decode", "-"], Some(&mail), None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("Input text, 2 tokens found in it"), "{s}");
    assert!(s.contains("u1") && s.contains("u2"), "{s}");
    let out = run(
        &["decode", "-"],
        Some("Hi, it fails with an error, see below."),
        None,
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("no token found in the text"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn decode_recognises_opaque_tokens() {
    let out = run(&["decode", "eyJraWQiOiJjcGltY29yZV8wOTI1MjAxNSIsInZlciI6IjEuMCIsInppcCI6IkRlZmxhdGUiLCJzZXIiOiIxLjAifQ"], None, None);
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("opaque"));
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
    assert!(v["id_token"]["payload"].is_object());
    assert_eq!(v["id_token"]["payload"]["tfp"], "B2C_1_susi");
    assert!(
        v["access_token"]["raw"]
            .as_str()
            .unwrap()
            .split('.')
            .count()
            == 3
    );
    let checks = v["checks"].as_array().unwrap();
    assert!(checks.len() >= 10);
    assert!(checks
        .iter()
        .all(|c| c["ok"] == true && c["name"].is_string() && c["detail"].is_string()));
    assert_eq!(v["refresh"]["stored"], true);
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
    assert_eq!(r["refresh"]["received"], true);
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
    // The same name again is refused and the saved profile stays; --replace replaces it.
    let again = |extra: &[&str]| {
        let mut args = vec![
            "profiles",
            "add",
            "Local demo",
            "--authority",
            "contoso/B2C_1_edit",
            "--client-id",
            "other",
        ];
        args.extend_from_slice(extra);
        run(&args, None, Some(&config))
    };
    let out = again(&[]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("\"Local demo\" exists") && err.contains("--replace"),
        "{err}"
    );
    let kept = std::fs::read_to_string(config.join("profiles.json")).unwrap();
    assert_eq!(kept, saved);
    let out = again(&["--replace"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let replaced = std::fs::read_to_string(config.join("profiles.json")).unwrap();
    assert!(
        replaced.contains("B2C_1_edit") && !replaced.contains("B2C_1_susi"),
        "{replaced}"
    );
    assert_eq!(replaced.matches("Local demo").count(), 1, "{replaced}");
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

// ---- The inspector: decode --verify/--key/--decrypt-key/--redact/--markdown, and diff ----

use tokenscope_core::testkit::{fixture_path, sign};

fn fixture(name: &str) -> String {
    fixture_path(name).display().to_string()
}

fn far_future_claims() -> Value {
    serde_json::json!({"iss": "https://contoso.b2clogin.com/9f1c/v2.0/", "sub": "u1",
                       "aud": "app", "exp": 4102444800u64, "iat": 1700000000,
                       "tfp": "B2C_1_susi", "name": "Ada Lovelace",
                       "emails": ["ada@example.com"], "phone_number": "+1 555 0100"})
}

/// A one-line error on stderr, nothing that looks like a panic.
fn one_error_line(out: &Output) -> String {
    let err = text(&out.stderr);
    assert_eq!(
        err.lines().filter(|l| l.starts_with("error:")).count(),
        1,
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn decode_verify_with_a_key_file_passes_and_a_changed_token_exits_3() {
    let token = sign("RS256", &far_future_claims());
    for key in [fixture("verify/rsa1.pub.pem"), fixture("keys/jwks.json")] {
        let out = run(&["decode", "--verify", "--key", &key, &token], None, None);
        assert!(out.status.success(), "{key}: {}", text(&out.stderr));
        let s = text(&out.stdout);
        assert!(s.contains("Verification passed"), "{s}");
        assert!(s.contains("valid RS256 signature"), "{s}");
        assert!(
            s.contains(&format!("--key {key}")),
            "the key used is named: {s}"
        );
    }
    // --key alone implies --verify; JSON carries the outcome.
    let out = run(
        &[
            "decode",
            "--json",
            "--key",
            &fixture("keys/jwks.json"),
            &token,
        ],
        None,
        None,
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verification"]["passed"], true);
    assert_eq!(v["verification"]["key"]["kid"], "rsa1");
    assert_eq!(v["verification"]["skew_seconds"], 300);
    // A changed payload: exit 3, one error line, the reason in the output.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut c = far_future_claims();
    c["sub"] = serde_json::json!("attacker");
    parts[1] = b64_encode(c.to_string().as_bytes());
    let out = run(
        &[
            "decode",
            "--key",
            &fixture("keys/jwks.json"),
            &parts.join("."),
        ],
        None,
        None,
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(one_error_line(&out).contains("verification failed: token (signature)"));
    assert!(text(&out.stdout).contains("does not match key rsa1"));
    // HMAC with a public key is explained.
    let hs = tokenscope_core::testkit::sign_raw(
        &serde_json::json!({"alg": "HS256"}),
        &far_future_claims(),
        "rsa1",
    );
    let out = run(
        &["decode", "--key", &fixture("verify/rsa1.pub.pem"), &hs],
        None,
        None,
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(
        text(&out.stdout).contains("algorithm-confusion"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn decode_refuses_unusable_key_files_with_one_line() {
    let token = sign("RS256", &far_future_claims());
    let dir = temp_config();
    std::fs::create_dir_all(&dir).unwrap();
    let junk = dir.join("junk.txt");
    std::fs::write(&junk, "not a key").unwrap();
    for (flag, path, needle) in [
        ("--key", junk.display().to_string(), "not a key"),
        ("--key", "/nonexistent/key.pem".to_owned(), "cannot read"),
        (
            "--decrypt-key",
            fixture("verify/rsa1.pub.pem"),
            "private key is needed",
        ),
    ] {
        let out = run(&["decode", flag, &path, &token], None, None);
        assert_eq!(out.status.code(), Some(1), "{flag} {path}");
        let err = one_error_line(&out);
        assert!(err.contains(needle), "{err}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A tiny OpenID provider on 127.0.0.1 serving metadata and the fixture JWKS; returns its issuer.
fn key_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let issuer = format!("{base}/");
    let metadata = serde_json::json!({"issuer": issuer, "jwks_uri": format!("{base}/keys")});
    let jwks = std::fs::read_to_string(fixture_path("keys/jwks.json")).unwrap();
    std::thread::spawn(move || {
        use std::io::{BufRead, BufReader};
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut first = String::new();
            let _ = reader.read_line(&mut first);
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = first.split_whitespace().nth(1).unwrap_or("");
            let (status, body) = match path {
                "/.well-known/openid-configuration" => ("200 OK", metadata.to_string()),
                "/keys" => ("200 OK", jwks.clone()),
                _ => ("404 Not Found", "{}".to_owned()),
            };
            let mut stream = stream;
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    issuer
}

#[test]
fn decode_verify_discovers_the_issuers_keys() {
    let issuer = key_server();
    let mut claims = far_future_claims();
    claims["iss"] = serde_json::json!(issuer);
    claims.as_object_mut().unwrap().remove("tfp");
    let token = sign("ES256", &claims);
    let out = run(&["decode", "--verify", "--json", &token], None, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ver = &v["verification"];
    assert_eq!(ver["passed"], true, "{ver}");
    assert_eq!(
        ver["metadata_url"],
        format!("{issuer}.well-known/openid-configuration")
    );
    assert_eq!(ver["keys_from"], format!("{issuer}keys"));
    assert_eq!(ver["key"]["kid"], "ec256");
    // A kid the issuer does not publish: explained, exit 3.
    let unknown = tokenscope_core::testkit::sign_raw(
        &serde_json::json!({"alg": "RS256", "kid": "retired-key"}),
        &claims,
        "rsa1",
    );
    let out = run(&["decode", "--verify", &unknown], None, None);
    assert_eq!(out.status.code(), Some(3));
    let s = text(&out.stdout);
    assert!(s.contains("kid retired-key is unknown"), "{s}");
}

#[test]
fn decode_verify_fetches_nothing_from_private_or_metadata_addresses_without_the_flag() {
    for (iss, what) in [
        (
            "https://169.254.169.254/latest/",
            "a cloud metadata service",
        ),
        (
            "https://10.1.2.3/tenant/v2.0/",
            "a private address (10.0.0.0/8)",
        ),
        ("https://[fd00:ec2::254]/", "a cloud metadata service"),
    ] {
        let mut claims = far_future_claims();
        claims["iss"] = serde_json::json!(iss);
        claims.as_object_mut().unwrap().remove("tfp");
        let token = sign("RS256", &claims);
        let started = std::time::Instant::now();
        let out = run(&["decode", "--verify", &token], None, None);
        assert_eq!(out.status.code(), Some(3), "{iss}: {}", text(&out.stderr));
        let s = text(&out.stdout);
        assert!(s.contains(what), "{iss}: {s}");
        assert!(s.contains("--allow-private-network"), "{iss}: {s}");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{iss}: nothing was tried"
        );
    }
    // The flag is accepted, and loopback issuers work with or without it.
    let issuer = key_server();
    let mut claims = far_future_claims();
    claims["iss"] = serde_json::json!(issuer);
    claims.as_object_mut().unwrap().remove("tfp");
    let token = sign("ES256", &claims);
    let out = run(
        &["decode", "--verify", "--allow-private-network", &token],
        None,
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn decode_redact_masks_personal_claims() {
    let token = sign("RS256", &far_future_claims());
    let out = run(&["decode", "--redact", &token], None, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    for personal in ["Ada Lovelace", "ada@example.com", "555 0100"] {
        assert!(!s.contains(personal), "{personal} leaked: {s}");
    }
    assert!(s.contains("[redacted]") && s.contains("B2C_1_susi"), "{s}");
    assert!(s.contains("NOT verifiable"), "{s}");
    let out = run(&["decode", "--redact", "--json", &token], None, None);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["redacted"], true);
    assert_eq!(v["payload"]["name"], "[redacted]");
    assert_eq!(v["payload"]["sub"], "u1");
    let copy = v["tokens"][0]["redacted"]["unsigned_token"]
        .as_str()
        .unwrap();
    let decoded = tokenscope_core::jose::jwt::decode(copy).unwrap();
    assert_eq!(
        decoded.kind,
        tokenscope_core::jose::jwt::TokenKind::Unsigned
    );
    assert!(!text(&out.stdout).contains("ada@example.com"));
}

/// A reader that goes away (`| head`) gets the process an error line and exit 1, not a death by
/// SIGPIPE: the document is more than a pipe holds, and the pipe is closed before it is read.
#[cfg(unix)]
#[test]
fn a_reader_that_goes_away_ends_decode_with_an_error_line() {
    use std::os::unix::process::ExitStatusExt;
    let big = format!(r#"{{"sub":"u1","blob":"{}"}}"#, "x".repeat(40_000));
    let mut child = common::tokenscope(None)
        .args(["decode", "--json", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(token(&big).as_bytes()).unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.signal(),
        None,
        "killed by a signal: {:?}",
        out.status
    );
    assert_eq!(out.status.code(), Some(1));
    let err = one_error_line(&out);
    assert!(err.contains("Broken pipe"), "{err}");
}

#[test]
fn decode_markdown_for_tickets() {
    let token = sign("RS256", &far_future_claims());
    let out = run(&["decode", "--markdown", "--redact", &token], None, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.starts_with("# Token inspection"), "{md}");
    assert!(md.contains("| Claim | Value | Meaning |"), "{md}");
    assert!(
        md.contains("| `exp` | `4102444800`<br>`2100-01-01T00:00:00Z`"),
        "{md}"
    );
    assert!(!md.contains("Ada Lovelace"), "{md}");
    let out = run(&["decode", "--markdown", "--json", &token], None, None);
    assert!(!out.status.success(), "--markdown and --json conflict");
}

#[test]
fn decode_takes_urls_token_responses_and_files() {
    let id = sign("RS256", &far_future_claims());
    let out = run(
        &[
            "decode",
            "--json",
            &format!("https://jwt.ms/#id_token={id}&state=s1"),
        ],
        None,
        None,
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["form"], "redirect_url");
    assert_eq!(v["label"], "id_token");
    assert_eq!(v["parameters"][0]["value"], "s1");
    // A code is explained, not decoded.
    let out = run(
        &["decode", "http://localhost:5000/?code=0.AXYZ&state=s"],
        None,
        None,
    );
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("an authorization code is not a token"));
    // An error redirect shows B2C's details.
    let out = run(
        &[
            "decode",
            "https://jwt.ms/#error=access_denied&error_description=AADB2C90118%3a+Forgot.%0d%0aCorrelation+ID%3a+abc-123%0d%0aTimestamp%3a+2026-11-25+10%3a01%3a02Z",
        ],
        None,
        None,
    );
    let s = text(&out.stdout);
    assert!(s.contains("AADB2C90118") && s.contains("abc-123"), "{s}");
    // A token response from a file: each token, the refresh token opaque.
    let dir = temp_config();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("response.json");
    let body = serde_json::json!({"id_token": id, "access_token": sign("ES256", &far_future_claims()),
                                  "refresh_token": "opaque-refresh-token", "token_type": "Bearer"});
    std::fs::write(&file, body.to_string()).unwrap();
    let out = run(
        &["decode", "--json", &format!("@{}", file.display())],
        None,
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let kinds: Vec<&str> = v["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["jws", "jws", "opaque"]);
    // A bad token among several: everything shown, then exit 1 naming it.
    let body = serde_json::json!({"id_token": "x.y.z", "access_token": id});
    let out = run(&["decode", &body.to_string()], None, None);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_error_line(&out).contains("id_token: header"));
    assert!(text(&out.stdout).contains("access_token"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn decode_decrypts_signed_then_encrypted_tokens() {
    let tokens: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture_path("jwe/tokens.json")).unwrap())
            .unwrap();
    let nested = tokens["nested"].as_str().unwrap();
    let out = run(&["decode", nested], None, None);
    assert!(out.status.success());
    let s = text(&out.stdout);
    assert!(
        s.contains("encrypted JWT (JWE)") && s.contains("alg RSA-OAEP"),
        "{s}"
    );
    assert!(s.contains("the payload needs the recipient's key"), "{s}");
    let out = run(
        &[
            "decode",
            "--json",
            "--decrypt-key",
            &fixture("jwe/recipient.jwk.json"),
            "--key",
            &fixture("keys/jwks.json"),
            nested,
        ],
        None,
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = &v["tokens"][0];
    assert_eq!(t["jwe"]["decrypted"], true);
    assert_eq!(t["inner"]["kind"], "jws");
    assert_eq!(t["inner"]["payload"]["sub"], "itsme-user-7");
    assert_eq!(t["verification"]["key"]["kid"], "rsa2");
    assert_eq!(t["verification"]["passed"], true);
}

/// `--decrypt-key` beyond RSA: RFC 7520's ECDH-ES (P-256 JWK), A128KW (`oct` JWK) and PBES2 (a
/// file holding only the password) examples decrypt; a PBES2 header asking for more PBKDF2
/// iterations than the cap is refused in one line, at once.
#[test]
fn decode_decrypts_ecdh_es_aes_key_wrap_and_pbes2() {
    let rfc: Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("jwe/rfc-vectors.json")).unwrap())
            .unwrap();
    let dir = temp_config();
    std::fs::create_dir_all(&dir).unwrap();
    for section in ["5.3", "5.5", "5.8"] {
        let v = rfc["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| {
                v["name"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("section {section} "))
            })
            .unwrap();
        let key = dir.join(format!("key-{section}"));
        let key_text = match &v["key"] {
            Value::String(password) => format!("{password}\n"),
            jwk => jwk.to_string(),
        };
        std::fs::write(&key, key_text).unwrap();
        let token = v["token"].as_str().unwrap();
        let key = key.display().to_string();
        let out = run(
            &["decode", "--json", "--decrypt-key", &key, token],
            None,
            None,
        );
        assert!(out.status.success(), "{section}: {}", text(&out.stderr));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            doc["tokens"][0]["jwe"]["decrypted"], true,
            "{section}: {doc:#}"
        );
        // RFC 7520's plaintext is prose (not shown as claims) except §5.3's, a JWK set.
        if section == "5.3" {
            assert_eq!(
                doc["tokens"][0]["payload"]["keys"][0]["kid"],
                "77c7e2b8-6e13-45cf-8672-617b5b45243a"
            );
        }
        if section == "5.3" {
            let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
            let raw =
                tokenscope_core::jose::jwt::b64(&parts[0], tokenscope_core::jose::jwt::Part::Input)
                    .unwrap();
            let mut header: Value = serde_json::from_slice(&raw).unwrap();
            header["p2c"] = serde_json::json!(2_000_000_000u64);
            parts[0] = tokenscope_core::jose::jwt::b64_encode(header.to_string().as_bytes());
            let started = std::time::Instant::now();
            let out = run(
                &["decode", "--decrypt-key", &key, &parts.join(".")],
                None,
                None,
            );
            assert!(started.elapsed() < std::time::Duration::from_secs(5));
            let s = text(&out.stdout);
            assert!(s.contains("2000000000 PBKDF2 iterations"), "{s}");
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn diff_shows_added_removed_and_changed_claims() {
    let a = sign("RS256", &far_future_claims());
    let mut c = far_future_claims();
    c["exp"] = serde_json::json!(4102448400u64);
    c["newUser"] = serde_json::json!(true);
    c.as_object_mut().unwrap().remove("phone_number");
    let b = sign("RS256", &c);
    let dir = temp_config();
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("b.txt");
    std::fs::write(&file, format!("Bearer {b}\n")).unwrap();
    let out = run(&["diff", &a, &format!("@{}", file.display())], None, None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    assert!(s.contains("1 changed, 1 added, 1 removed"), "{s}");
    assert!(
        s.contains("~ exp") && s.contains("4102444800 → 4102448400"),
        "{s}"
    );
    assert!(s.contains("(later by 1 h)"), "{s}");
    assert!(
        s.contains("+ newUser") && s.contains("- phone_number"),
        "{s}"
    );
    // JSON, with B from stdin.
    let out = run(&["diff", "--json", &a, "-"], Some(&b), None);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["identical"], false);
    let exp = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "exp")
        .unwrap();
    assert_eq!(exp["change"], "changed");
    assert_eq!(exp["old"], 4102444800u64);
    assert_eq!(exp["new"], 4102448400u64);
    // The times as dates too (the desktop's Compare shows them).
    assert_eq!(exp["old_time"], "2100-01-01T00:00:00Z");
    assert_eq!(exp["new_time"], "2100-01-01T01:00:00Z");
    let out = run(&["diff", "--json", &a, &a], None, None);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["identical"], true);
    // Errors name the side.
    let out = run(&["diff", &a, "x.y.z"], None, None);
    assert_eq!(out.status.code(), Some(1));
    assert!(one_error_line(&out).contains("B: header"));
    let out = run(&["diff", "-", "-"], Some(&a), None);
    assert!(one_error_line(&out).contains("only one"));
    let _ = std::fs::remove_dir_all(dir);
}
