//! Grants beyond the browser sign-in, on the command line against the test provider: the client
//! credentials grant (`tokenscope token --grant client-credentials`), its app-only token
//! validated check by check, Entra's `.default` rule, and a wrong secret explained.

mod common;

use common::{keyring_value, run, temp_config, text};
use serde_json::Value;
use std::path::Path;
use tokenscope_core::testkit::idp::{shared as idp, TestIdp};

/// A profile `name` for the daemon client at `authority`, with its secret in the keyring.
fn daemon_profile(config: &Path, name: &str, authority: &str, secret: &str) {
    let id = idp().info["service_client"]["client_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = run(
        &[
            "profiles",
            "add",
            name,
            "--authority",
            authority,
            "--client-id",
            &id,
            "--replace",
        ],
        None,
        Some(config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(
        &["profiles", "secret", "set", name],
        Some(&format!("{secret}\n")),
        Some(config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("OS keyring"),
        "{}",
        text(&out.stdout)
    );
}

fn service_secret(idp: &TestIdp) -> String {
    idp.info["service_client"]["client_secret"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn api_default(idp: &TestIdp) -> String {
    format!("https://{}/api/.default", idp.tenant())
}

/// The outcome's token request (`--trace --json`): what went over the wire, from the engine.
fn token_request(v: &Value) -> Value {
    v["exchanges"]
        .as_array()
        .unwrap_or_else(|| panic!("no exchanges: {v}"))
        .iter()
        .rev()
        .find(|e| e["step"] == "token")
        .cloned()
        .unwrap_or_else(|| panic!("no token request in the exchanges: {v}"))
}

fn check<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {v}"))
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn client_credentials_gives_an_app_only_token_validated_check_by_check() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
    let config = temp_config();
    let secret = service_secret(idp());
    daemon_profile(
        &config,
        "daemon",
        &idp().metadata_url("B2C_1_auto"),
        &secret,
    );
    let scope = api_default(idp());
    let out = run(
        &[
            "token",
            "--profile",
            "daemon",
            "--grant",
            "client-credentials",
            "--scope",
            &scope,
            "--json",
            "--trace",
        ],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains(&secret));
    assert!(!text(&out.stderr).contains(&secret));
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["flow"], "client_credentials", "{v}");
    // What went over the wire: the grant's token request, its answer, the secret masked.
    let sent = token_request(&v);
    assert_eq!(sent["status"], 200, "{sent}");
    let body = sent["request_body"].as_str().unwrap_or_default();
    assert!(body.contains("grant_type=client_credentials"), "{sent}");
    assert!(
        text(&out.stderr).contains("What went over the wire"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(v["passed"], true, "{v}");
    assert_eq!(v["id_token"], Value::Null);
    assert_eq!(v["warnings"], serde_json::json!([]), "{v}");
    let payload = &v["access_token"]["payload"];
    assert_eq!(payload["aud"], idp().api_app_id());
    assert_eq!(payload["roles"], serde_json::json!(["Orders.Read.All"]));
    // Every check named, each passed, with what it found.
    for name in [
        "id_token",
        "response",
        "alg",
        "kid",
        "signature",
        "iss",
        "aud",
        "azp",
        "exp",
        "nbf",
        "iat",
        "access_token",
    ] {
        assert_eq!(check(&v, name)["ok"], true, "{name}: {v}");
    }
    assert!(check(&v, "id_token")["detail"]
        .as_str()
        .unwrap()
        .contains("no user"));
    assert!(check(&v, "signature")["detail"]
        .as_str()
        .unwrap()
        .starts_with("valid RS256 signature"));
    assert!(check(&v, "access_token")["detail"]
        .as_str()
        .unwrap()
        .contains("roles) Orders.Read.All"));

    // In words: the verdict, and that there is no ID token.
    let out = run(
        &[
            "token",
            "--profile",
            "daemon",
            "--grant",
            "client-credentials",
            "--scope",
            &scope,
        ],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let words = text(&out.stdout);
    assert!(
        words
            .starts_with("App-only access token (client credentials, no user): every check passed"),
        "{words}"
    );
    assert!(
        words.contains("ID token none: no user signs in with the client credentials grant"),
        "{words}"
    );

    // A scope without /.default at a B2C authority: the token comes, with the fix.
    let read = format!("https://{}/api/read", idp().tenant());
    let out = run(
        &[
            "token",
            "--profile",
            "daemon",
            "--grant",
            "client-credentials",
            "--scope",
            &read,
            "--json",
        ],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let warning = v["warnings"][0]["detail"].as_str().unwrap_or_default();
    assert!(
        warning.contains(&format!("use --scope \"{scope}\"")) && warning.contains("AADSTS1002012"),
        "{v}"
    );
    // The generic (non-Microsoft) provider: the same client, any scope, no `.default` rule.
    daemon_profile(&config, "plain", &idp().generic_metadata_url(), &secret);
    let out = run(
        &[
            "token",
            "--profile",
            "plain",
            "--grant",
            "client-credentials",
            "--scope",
            &read,
            "--json",
        ],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passed"], true, "{v}");
    assert_eq!(v["warnings"], serde_json::json!([]), "{v}");
    let _ = run(
        &["profiles", "secret", "remove", "plain"],
        None,
        Some(&config),
    );
    let _ = run(
        &["profiles", "secret", "remove", "daemon"],
        None,
        Some(&config),
    );
    let _ = std::fs::remove_dir_all(config);
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn client_credentials_refusals_are_explained() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
    let config = temp_config();
    // Entra External ID refuses a scope without /.default (AADSTS1002012): the refusal comes
    // with the scope to send instead.
    let secret = service_secret(idp());
    daemon_profile(&config, "ciam", &idp().external_id_authority(), &secret);
    let read = format!("https://{}/api/read", idp().tenant());
    let out = run(
        &[
            "token",
            "--profile",
            "ciam",
            "--grant",
            "client-credentials",
            "--scope",
            &read,
        ],
        None,
        Some(&config),
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let err = text(&out.stderr);
    assert!(
        err.contains("invalid_scope") && err.contains("AADSTS1002012"),
        "{err}"
    );
    assert!(
        err.contains(&format!("use --scope \"{}\"", api_default(idp()))),
        "{err}"
    );
    // A wrong secret: invalid_client, explained, the secret nowhere.
    let wrong = "not-the-daemon-secret";
    daemon_profile(&config, "wrong", &idp().metadata_url("B2C_1_auto"), wrong);
    let out = run(
        &[
            "token",
            "--profile",
            "wrong",
            "--grant",
            "client-credentials",
            "--scope",
            &api_default(idp()),
        ],
        None,
        Some(&config),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("invalid_client"), "{err}");
    assert!(
        err.contains("wrong or missing client secret"),
        "the catalogue explains it: {err}"
    );
    assert!(!err.contains(wrong) && !text(&out.stdout).contains(wrong));
    // No secret at all: said before anything is sent.
    let out = run(
        &["profiles", "secret", "remove", "wrong"],
        None,
        Some(&config),
    );
    assert!(out.status.success());
    assert!(keyring_value("client-secret:wrong").is_none());
    let out = run(
        &[
            "token",
            "--profile",
            "wrong",
            "--grant",
            "client-credentials",
        ],
        None,
        Some(&config),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("needs a confidential client") && err.contains("profiles secret set wrong"),
        "{err}"
    );
    let _ = run(
        &["profiles", "secret", "remove", "ciam"],
        None,
        Some(&config),
    );
    let _ = std::fs::remove_dir_all(config);
}

/// Completes a device sign-in at the provider's user code page as a person would: open
/// `verification_uri_complete`, press Continue (the form's xsrf and the user code, `confirm`),
/// and let the redirects run (curl with a cookie jar). Returns the last page's title.
fn complete_device_page(uri_complete: &str, verification_uri: &str, user_code: &str) -> String {
    let script = r#"set -eu
jar=$(mktemp)
trap 'rm -f "$jar"' EXIT
page=$(curl -sS --max-time 20 -c "$jar" -b "$jar" "$1")
xsrf=$(printf '%s' "$page" | grep -o 'name="xsrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
curl -sS -L --max-time 20 -c "$jar" -b "$jar" --data-urlencode "xsrf=$xsrf" \
  --data-urlencode "user_code=$3" --data-urlencode confirm=yes "$2" | grep -o '<title>[^<]*'
"#;
    let out = std::process::Command::new("sh")
        .args([
            "-c",
            script,
            "sh",
            uri_complete,
            verification_uri,
            user_code,
        ])
        .output()
        .expect("sh runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
#[ignore = "needs tests/idp (npm), curl and a keyring: run scripts/test.sh"]
fn device_flow_shows_the_code_polls_and_stores_like_a_sign_in() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
    let config = temp_config();
    let mut child = common::tokenscope(Some(&config))
        .args([
            "signin",
            "--device",
            "--authority",
            &idp().external_id_authority(),
            "--client-id",
            &idp().client_id(),
            "--scope",
            "offline_access",
            "--profile",
            "tv",
            "--json",
            "--trace",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut shown = String::new();
    let (mut uri, mut code, mut complete) = (String::new(), String::new(), String::new());
    while complete.is_empty() {
        let mut line = String::new();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "no code shown: {shown}"
        );
        shown.push_str(&line);
        if let Some(rest) = line.trim().strip_prefix("To sign in, open ") {
            let (u, c) = rest.split_once(" and enter the code ").unwrap();
            (uri, code) = (u.to_owned(), c.to_owned());
        }
        if let Some(rest) = line.trim().strip_prefix("or open: ") {
            complete = rest.to_owned();
        }
    }
    assert!(uri.ends_with("/device"), "{shown}");
    assert_eq!(complete, format!("{uri}?user_code={code}"), "{shown}");
    let title = complete_device_page(&complete, &uri, &code);
    assert!(title.contains("Sign-in Success"), "{title}");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "stderr: {shown}{rest}");
    assert!(rest.contains("checking every 1 s"), "{rest}");
    // The QR code of the URI with the code in it, as half blocks, between the two.
    let qr = tokenscope_core::qr::QrCode::new(&complete)
        .unwrap()
        .terminal();
    assert!(
        rest.contains("or scan (a phone's camera):") && rest.contains(qr.trim_end()),
        "{rest}"
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["passed"], true, "{v}");
    assert_eq!(v["flow"], "sign_in");
    assert_eq!(v["id_token"]["payload"]["iss"], idp().external_id_issuer());
    // What went over the wire: the device authorization, then the polls; the device code
    // masked in both.
    let sent = token_request(&v);
    assert_eq!(sent["status"], 200, "{sent}");
    let body = sent["request_body"].as_str().unwrap_or_default();
    assert!(
        body.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code")
            && body.contains("device_code=[redacted]"),
        "{sent}"
    );
    let start = &v["exchanges"][1];
    assert!(
        start["url"].as_str().unwrap_or_default().contains("device"),
        "{v}"
    );
    assert!(
        start["response_body"]
            .as_str()
            .is_some_and(|b| b.contains("\"device_code\":\"[redacted]\"")),
        "{start}"
    );
    assert_eq!(
        v["id_token"]["payload"]["preferred_username"],
        "tester@example.com"
    );
    // Stored like a sign-in's: the refresh token in the keyring, and a refresh works.
    assert_eq!(v["refresh"]["stored"], true, "{v}");
    assert!(common::keyring_has("tv"));
    let out = run(
        &["refresh", "--profile", "tv", "--json"],
        None,
        Some(&config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let _ = run(&["signout", "--profile", "tv"], None, Some(&config));
    let _ = std::fs::remove_dir_all(config);
}

fn jwt_client(method: &str) -> Value {
    idp().info["jwt_clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["token_endpoint_auth_method"] == method)
        .unwrap()
        .clone()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(tokenscope_core::testkit::fixture_path(name)).unwrap()
}

/// `token --grant client-credentials` for `profile`: success, stdout and stderr.
fn app_token(config: &Path, profile: &str) -> (Option<i32>, String, String) {
    let scope = api_default(idp());
    let out = run(
        &[
            "token",
            "--profile",
            profile,
            "--grant",
            "client-credentials",
            "--scope",
            &scope,
            "--json",
        ],
        None,
        Some(config),
    );
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn add_profile(config: &Path, name: &str, client_id: &str) {
    let out = run(
        &[
            "profiles",
            "add",
            name,
            "--authority",
            &idp().metadata_url("B2C_1_auto"),
            "--client-id",
            client_id,
            "--replace",
        ],
        None,
        Some(config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn client_assertions_private_key_jwt_and_client_secret_jwt() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
    let config = temp_config();
    // private_key_jwt: the key and its certificate from stdin into the keyring; the metadata
    // announces private_key_jwt, so `auto` picks it.
    let client = jwt_client("private_key_jwt");
    add_profile(&config, "pkjwt", client["client_id"].as_str().unwrap());
    let pem = format!(
        "{}\n{}",
        fixture("keys/rsa2.pem"),
        fixture("verify/rsa2.crt.pem")
    );
    let out = run(
        &["profiles", "key", "set", "pkjwt"],
        Some(&pem),
        Some(&config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("OS keyring"));
    // What was stored is described, never shown: the key's thumbprint and the certificate's
    // x5t#S256, as the desktop's key field shows them.
    let info = tokenscope_core::engine::client_key::describe_client_key(&pem).unwrap();
    let x5t = info.x5t_s256.clone().unwrap();
    assert!(
        text(&out.stdout).contains(&format!(
            "RS256 key, thumbprint {}; certificate x5t#S256 {x5t}.",
            info.thumbprint
        )),
        "{}",
        text(&out.stdout)
    );
    assert!(!text(&out.stdout).contains("PRIVATE"));
    // In the keyring (a PEM with its certificate is stored in chunks, as a long token is).
    assert!(keyring_value("client-key:pkjwt").is_some());
    let files = std::fs::read_to_string(config.join("profiles.json")).unwrap();
    assert!(!files.contains("PRIVATE"), "{files}");
    let (code, out, err) = app_token(&config, "pkjwt");
    assert_eq!(code, Some(0), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["passed"], true, "{v}");
    assert_eq!(
        v["access_token"]["payload"]["client_id"],
        client["client_id"]
    );
    assert!(!out.contains("PRIVATE") && !err.contains("PRIVATE"));

    // A key the app registration does not hold: the provider refuses the assertion, explained.
    let out = run(
        &["profiles", "key", "set", "pkjwt"],
        Some(&fixture("keys/rsa1.pem")),
        Some(&config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (code, _, err) = app_token(&config, "pkjwt");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("invalid_client"), "{err}");
    assert!(
        err.contains("refused the client assertion (private_key_jwt, RS256)")
            && err.contains("does not hold"),
        "{err}"
    );
    // Not a key at all: refused before it is stored, the old one kept.
    let out = run(
        &["profiles", "key", "set", "pkjwt"],
        Some("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n"),
        Some(&config),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("not usable"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["profiles", "key", "remove", "pkjwt"], None, Some(&config));
    assert!(out.status.success());
    assert!(keyring_value("client-key:pkjwt").is_none());

    // client_secret_jwt: named on the profile (the metadata announces basic first).
    let client = jwt_client("client_secret_jwt");
    add_profile(&config, "csjwt", client["client_id"].as_str().unwrap());
    let secret = client["client_secret"].as_str().unwrap();
    let out = run(
        &[
            "profiles",
            "secret",
            "set",
            "csjwt",
            "--method",
            "client-secret-jwt",
        ],
        Some(secret),
        Some(&config),
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let (code, out, err) = app_token(&config, "csjwt");
    assert_eq!(code, Some(0), "{err}");
    assert!(!out.contains(secret) && !err.contains(secret));
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["passed"], true, "{v}");
    // The same client with client_secret_basic is refused: the method matters.
    let out = run(
        &[
            "profiles",
            "secret",
            "set",
            "csjwt",
            "--method",
            "client-secret-basic",
        ],
        Some(secret),
        Some(&config),
    );
    assert!(out.status.success());
    let (code, _, err) = app_token(&config, "csjwt");
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("invalid_client"), "{err}");
    let _ = run(
        &["profiles", "secret", "remove", "csjwt"],
        None,
        Some(&config),
    );
    let _ = std::fs::remove_dir_all(config);
}

#[test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
fn token_exchange_and_jwt_bearer_are_judged_like_any_token() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "run through scripts/with-keyring.sh"
    );
    let config = temp_config();
    let secret = service_secret(idp());
    daemon_profile(
        &config,
        "broker",
        &idp().metadata_url("B2C_1_auto"),
        &secret,
    );
    let (code, out, err) = app_token(&config, "broker");
    assert_eq!(code, Some(0), "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let subject = v["access_token"]["raw"].as_str().unwrap().to_owned();
    let exchange = |token: &str| {
        run(
            &[
                "token",
                "--profile",
                "broker",
                "--grant",
                "token-exchange",
                "--subject-token",
                "-",
                "--audience",
                "downstream-api",
                "--json",
                "--trace",
            ],
            Some(token),
            Some(&config),
        )
    };
    let out = exchange(&subject);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["flow"], "token_exchange");
    assert_eq!(v["passed"], true, "{v}");
    let client = idp().info["service_client"]["client_id"].clone();
    assert_eq!(v["access_token"]["payload"]["aud"], "downstream-api");
    assert_eq!(v["access_token"]["payload"]["act"]["sub"], client);
    let access = check(&v, "access_token")["detail"].as_str().unwrap();
    assert!(access.contains("acts for them"), "{access}");
    assert!(
        !text(&out.stdout).contains(&subject) && !text(&out.stderr).contains(&subject),
        "the subject token is not repeated"
    );
    let sent = token_request(&v);
    assert_eq!(sent["status"], 200, "{sent}");
    let body = sent["request_body"].as_str().unwrap_or_default();
    assert!(
        body.contains("token-exchange") && body.contains("subject_token=[redacted]"),
        "{sent}"
    );
    // A subject token the provider did not issue: invalid_grant, the token nowhere.
    // (A character inside the signature changes: the last one carries spare bits that a
    // base64url decoder may ignore, so changing it can leave the signature as it was.)
    let forged = forge(&subject);
    let out = exchange(&forged);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("invalid_grant"), "{err}");
    assert!(!err.contains(&forged[..40]), "{err}");

    // JWT bearer: an assertion of the trusted issuer, signed with its key (the fixture rsa2).
    let token_endpoint = format!(
        "{}/{}/B2C_1_auto/oauth2/v2.0/token",
        idp().base(),
        idp().tenant()
    );
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "iss": "https://assertions.tokenscope.test", "sub": "user-42",
        "aud": token_endpoint, "iat": now, "exp": now + 300, "jti": "j1",
    });
    let header = serde_json::json!({"alg": "RS256", "typ": "JWT"});
    let bearer = |key: &str| {
        let assertion = tokenscope_core::testkit::sign_raw(&header, &claims, key);
        run(
            &[
                "token",
                "--profile",
                "broker",
                "--grant",
                "jwt-bearer",
                "--assertion",
                &assertion,
                "--json",
                "--trace",
            ],
            None,
            Some(&config),
        )
    };
    let out = bearer("rsa2");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["flow"], "jwt_bearer");
    assert_eq!(v["passed"], true, "{v}");
    assert_eq!(v["access_token"]["payload"]["sub"], "user-42");
    let sent = token_request(&v);
    assert_eq!(sent["status"], 200, "{sent}");
    let body = sent["request_body"].as_str().unwrap_or_default();
    assert!(
        body.contains("jwt-bearer") && body.contains("assertion=[redacted]"),
        "{sent}"
    );
    let out = bearer("rsa1");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("invalid_grant"),
        "{}",
        text(&out.stderr)
    );
    let _ = run(
        &["profiles", "secret", "remove", "broker"],
        None,
        Some(&config),
    );
    let _ = std::fs::remove_dir_all(config);
}

/// `token` with one character in the middle of its signature changed (every bit of it counts).
fn forge(token: &str) -> String {
    let at = token.rfind('.').expect("a JWS") + 10;
    let was = token.as_bytes()[at];
    let new = if was == b'A' { 'B' } else { 'A' };
    format!("{}{new}{}", &token[..at], &token[at + 1..])
}
