//! The request form on the command line: `--par` and `--request-object` on `profiles add` and
//! `signin`, `profiles show`, and a sign-in with a pushed, signed and encrypted request object
//! against the real test provider (the itsme-style client of `tests/idp`), whose report and
//! `--trace` say that the request was pushed and when its request_uri expires.

mod common;

use common::{run, temp_config, text};
use serde_json::Value;
use std::path::Path;
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};

fn ok(args: &[&str], stdin: Option<&str>, config: &Path) -> String {
    let out = run(args, stdin, Some(config));
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn profiles_add_and_show_carry_the_request_form_and_old_profiles_read_as_plain() {
    let config = temp_config();
    std::fs::create_dir_all(&config).unwrap();
    // A profiles.json from before request forms: shown with the defaults, file left alone.
    let old = r#"{"profiles":[{"name":"old","authority":"https://login.example.com/","client_id":"cid"}]}"#;
    std::fs::write(config.join("profiles.json"), old).unwrap();
    let shown = ok(&["profiles", "show", "old"], None, &config);
    assert!(shown.contains("PAR             auto"), "{shown}");
    assert!(shown.contains("request object  off"), "{shown}");
    assert_eq!(
        std::fs::read_to_string(config.join("profiles.json")).unwrap(),
        old
    );

    ok(
        &[
            "profiles",
            "add",
            "itsme",
            "--authority",
            "https://idp.example.com/",
            "--client-id",
            "cid",
            "--par",
            "always",
            "--request-object",
            "signed+encrypted",
        ],
        None,
        &config,
    );
    let shown = ok(&["profiles", "show", "itsme"], None, &config);
    assert!(shown.contains("PAR             always"), "{shown}");
    assert!(
        shown.contains("request object  signed+encrypted"),
        "{shown}"
    );
    let v: Value =
        serde_json::from_str(&ok(&["profiles", "show", "itsme", "--json"], None, &config)).unwrap();
    assert_eq!(v["request_form"]["par"], "always");
    assert_eq!(v["request_form"]["jar"], "signed+encrypted");
    let file = std::fs::read_to_string(config.join("profiles.json")).unwrap();
    assert!(file.contains("\"jar\": \"signed+encrypted\""), "{file}");

    // A value it does not know is refused, naming the ones it does.
    let out = run(
        &[
            "profiles",
            "add",
            "x",
            "--authority",
            "https://a/",
            "--client-id",
            "c",
            "--request-object",
            "encrypted",
        ],
        None,
        Some(&config),
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("signed+encrypted"), "{err}");
    let out = run(&["profiles", "show", "nobody"], None, Some(&config));
    assert!(!out.status.success());
    std::fs::remove_dir_all(&config).ok();
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn an_itsme_style_sign_in_pushes_a_signed_and_encrypted_request_and_says_so() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
    let config = temp_config();
    let client = idp().info["request_form_clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["encrypted"] == true)
        .unwrap()
        .clone();
    let client_id = client["client_id"].as_str().unwrap();
    let authority = idp().generic_metadata_url();
    ok(
        &[
            "profiles",
            "add",
            "itsme",
            "--authority",
            &authority,
            "--client-id",
            client_id,
            "--browser",
            CURL_BROWSER,
            "--par",
            "always",
            "--request-object",
            "signed+encrypted",
        ],
        None,
        &config,
    );
    let pem =
        std::fs::read_to_string(tokenscope_core::testkit::fixture_path("keys/rsa2.pem")).unwrap();
    ok(&["profiles", "key", "set", "itsme"], Some(&pem), &config);

    // The report says how the request travelled.
    let out = run(
        &[
            "signin",
            "--profile",
            "itsme",
            "--timeout",
            "30",
            "--no-store",
        ],
        None,
        Some(&config),
    );
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}{stderr}");
    let line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("request "))
        .unwrap_or_else(|| panic!("no request line: {stdout}"));
    assert!(line.contains("pushed (PAR) to"), "{line}");
    assert!(line.contains("the request_uri expires in"), "{line}");
    assert!(
        line.contains("request object signed RS256 with the profile's client key"),
        "{line}"
    );
    assert!(line.contains("encrypted RSA-OAEP-256/A256GCM"), "{line}");

    // --trace --json: the push and its answer are in the exchanges, the browser got only the
    // client ID and the request_uri.
    let out = run(
        &[
            "signin",
            "--profile",
            "itsme",
            "--timeout",
            "30",
            "--no-store",
            "--json",
            "--trace",
        ],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    assert_eq!(v["passed"], true);
    assert!(
        v["request_form"]["request_uri_expires_in"]
            .as_u64()
            .unwrap()
            > 0,
        "{}",
        v["request_form"]
    );
    let exchanges = v["exchanges"].as_array().unwrap();
    let push = exchanges
        .iter()
        .find(|x| x["url"].as_str().unwrap().ends_with("/oauth2/v2.0/par"))
        .expect("the push is in the trace");
    assert_eq!(push["status"], 201);
    assert!(
        push["response_body"]
            .as_str()
            .unwrap()
            .contains("request_uri"),
        "{push}"
    );
    let request = push["request_body"].as_str().unwrap();
    let jwe = request
        .split('&')
        .find_map(|kv| kv.strip_prefix("request="))
        .unwrap();
    assert_eq!(jwe.split('.').count(), 5, "a JWE: {jwe}");
    let authorize = exchanges.iter().find(|x| x["step"] == "authorize").unwrap();
    let url = url::Url::parse(authorize["url"].as_str().unwrap()).unwrap();
    let names: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(names, ["client_id", "request_uri"], "{url}");
    let timeline = text(&out.stderr);
    assert!(timeline.contains("/oauth2/v2.0/par"), "{timeline}");
    ok(&["profiles", "key", "remove", "itsme"], None, &config);
    std::fs::remove_dir_all(&config).ok();
}
