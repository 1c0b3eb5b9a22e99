//! The exchange log against the real test provider (`tests/idp`): a sign-in, a refresh and an
//! API call each keep what went over the wire, in order, with every secret masked: the code,
//! the PKCE verifier, the tokens, the client secret and its Basic header never appear in the
//! log's `Debug`, its JSON, its timeline or its masked curl; the clear curl is there only when
//! asked for, and never with a refresh token unless asked for that too.
//!
//! Ignored by a plain `cargo test` (needs node and `npm ci --prefix tests/idp`):
//! `cargo test -p tokenscope-core --test exchange_log -- --include-ignored`.

mod common;

use common::{assert_passed, engine_with, options, temp_dir};
use tokenscope_core::api::CallInput;
use tokenscope_core::engine::outcome::SignInView;
use tokenscope_core::exchange::{Exchange, ExchangeLog, Reveal, Step};
use tokenscope_core::oidc::request::ClientAuthMethod;
use tokenscope_core::store::profile::{refresh_account, Profile, ProfileStore};
use tokenscope_core::store::vault::Vault;
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};
use tokenscope_core::Secret;

fn steps(log: &ExchangeLog) -> Vec<Step> {
    log.entries.iter().map(|e| e.step).collect()
}

/// The form fields of a curl command's `--data-raw '…'`.
fn form_of(curl: &str) -> Vec<(String, String)> {
    let words = shell_words::split(curl).expect("a shell line");
    let at = words
        .iter()
        .position(|w| w == "--data-raw")
        .expect("a body");
    url::form_urlencoded::parse(words[at + 1].as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn field(form: &[(String, String)], name: &str) -> String {
    form.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("no {name} in {form:?}"))
}

/// Every way the log is shown: Debug, JSON, the timeline, each masked curl.
fn shown(log: &ExchangeLog) -> String {
    let curls: Vec<String> = log.entries.iter().map(|e| e.curl(Reveal::Masked)).collect();
    format!(
        "{log:?}\n{}\n{}\n{}",
        serde_json::to_string(log).unwrap(),
        log.timeline(usize::MAX),
        curls.join("\n")
    )
}

fn assert_hidden(text: &str, secrets: &[(&str, &str)]) {
    for (what, secret) in secrets {
        assert!(secret.len() >= 8, "{what} too short to test: {secret:?}");
        assert!(
            !text.contains(secret),
            "the {what} is shown in the clear:\n{text}"
        );
    }
}

fn one(log: &ExchangeLog, step: Step) -> &Exchange {
    let found: Vec<&Exchange> = log.entries.iter().filter(|e| e.step == step).collect();
    assert_eq!(found.len(), 1, "{step:?} in {:?}", steps(log));
    found[0]
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn sign_in_refresh_and_call_keep_what_went_over_the_wire_masked() {
    let engine = engine_with(
        Vault::session_only("test"),
        ProfileStore::new(temp_dir("tokenscope-wire")),
    );
    let client = idp().info["confidential_clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["token_endpoint_auth_method"] == "client_secret_basic")
        .unwrap()
        .clone();
    let client_secret = client["client_secret"].as_str().unwrap().to_owned();
    let mut p = Profile::new(
        "wire",
        &idp().metadata_url("B2C_1_auto"),
        client["client_id"].as_str().unwrap(),
    );
    p.scopes = vec!["offline_access".into()];
    p.browser_command = Some(CURL_BROWSER.into());
    p.client_auth = ClientAuthMethod::ClientSecretBasic;
    engine.profiles().save(&p).unwrap();
    engine
        .set_client_secret("wire", &Secret::new(client_secret.clone()))
        .await
        .unwrap();

    // The sign-in: discovery, the URL for the browser, the token request, then the keys the
    // ID token is checked with.
    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert_passed(&o);
    let log = &o.exchanges;
    assert_eq!(
        steps(log),
        [Step::Discovery, Step::Authorize, Step::Token, Step::Keys],
        "{}",
        log.timeline(200)
    );
    for e in log.entries.iter().filter(|e| e.step != Step::Authorize) {
        assert_eq!(e.status, Some(200), "{}", log.timeline(200));
        assert!(e.response_body.is_some());
    }
    let token = one(log, Step::Token);
    assert_eq!(token.method, "POST");
    // What the token request carried, as sent (only the clear curl has it).
    let clear = token.curl(Reveal::Clear);
    let sent = form_of(&clear);
    let (code, verifier) = (field(&sent, "code"), field(&sent, "code_verifier"));
    let basic = clear
        .split("uthorization: Basic ")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a Basic header in the clear curl")
        .to_owned();
    let refresh_token = engine
        .vault()
        .load(&refresh_account("wire"))
        .unwrap()
        .expect("stored")
        .secret;
    let (id, access) = (
        o.id_token.as_ref().unwrap().raw.expose().to_owned(),
        o.access_token.as_ref().map(|t| t.raw.expose().to_owned()),
    );
    let mut secrets = vec![
        ("code", code.as_str()),
        ("verifier", verifier.as_str()),
        ("client secret", client_secret.as_str()),
        ("Basic credentials", basic.as_str()),
        ("ID token", id.as_str()),
        ("refresh token", refresh_token.expose()),
    ];
    if let Some(a) = &access {
        secrets.push(("access token", a));
    }
    assert_hidden(&shown(log), &secrets);
    // The view the desktop and `--json` get carries the same masked log.
    let view = serde_json::to_value(SignInView::from(&o)).unwrap();
    assert_hidden(&view["exchanges"].to_string(), &secrets);
    assert_eq!(view["exchanges"][2]["step"], "token");
    // Masked where it was, readable where it was not.
    let body = token.request_body.as_deref().unwrap();
    assert!(body.contains("grant_type=authorization_code"), "{body}");
    assert!(body.contains("code=[redacted]") && body.contains("code_verifier=[redacted]"));
    let answer = token.response_body.as_deref().unwrap();
    assert!(answer.contains(r#""id_token":"[redacted]""#), "{answer}");
    assert!(
        answer.contains(r#""refresh_token":"[redacted]""#),
        "{answer}"
    );
    assert!(answer.contains(r#""token_type":"Bearer""#), "{answer}");
    assert!(token
        .request_headers
        .iter()
        .any(|h| h.name == "authorization" && h.value == "Basic [redacted]"));
    let authorize = one(log, Step::Authorize);
    assert!(
        authorize.url.contains("code_challenge="),
        "{}",
        authorize.url
    );
    assert!(one(log, Step::Discovery)
        .url
        .ends_with("/.well-known/openid-configuration"));

    // A refresh: metadata and keys are cached, so one request; the refresh token is masked,
    // and stays masked in the desktop's clear curl.
    let r = engine.refresh(&p, None).await.unwrap();
    assert_passed(&r);
    assert_eq!(
        steps(&r.exchanges),
        [Step::Refresh],
        "{}",
        r.exchanges.timeline(200)
    );
    let refresh = &r.exchanges.entries[0];
    assert!(refresh
        .request_body
        .as_deref()
        .unwrap()
        .contains("refresh_token=[redacted]"));
    assert_hidden(&shown(&r.exchanges), &secrets);
    let desktop = refresh.curl(Reveal::ClearExceptRefreshTokens);
    assert_hidden(&desktop, &[("refresh token", refresh_token.expose())]);
    assert!(desktop.contains(&basic), "the rest is as sent: {desktop}");
    assert!(
        refresh.curl(Reveal::Clear).contains(refresh_token.expose()),
        "asked for in full, the curl is the request as sent"
    );
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn an_api_call_logs_its_request_with_the_token_masked() {
    let engine = engine_with(
        Vault::session_only("test"),
        ProfileStore::new(temp_dir("tokenscope-wire")),
    );
    let mut p = Profile::new("api", &idp().metadata_url("B2C_1_auto"), &idp().client_id());
    p.scopes = vec!["offline_access".into(), idp().api_scope()];
    p.browser_command = Some(CURL_BROWSER.into());
    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert_passed(&o);
    let access = o.access_token.as_ref().unwrap().raw.expose().to_owned();
    let input = CallInput {
        method: "GET".into(),
        url: format!("{}/api/orders", idp().base()),
        ..Default::default()
    };
    // The engine logs the call itself: the answer carries it, nobody wraps it.
    let call = engine.call_api(&p, &input).await.unwrap();
    assert_eq!(call.response.status, 200);
    let log = ExchangeLog {
        entries: call.exchanges.clone(),
    };
    assert_eq!(steps(&log), [Step::Api], "{}", log.timeline(200));
    let e = &log.entries[0];
    assert_eq!(e.status, Some(200));
    assert!(e.curl.contains(": Bearer $TOKEN\""), "{}", e.curl);
    assert_hidden(&shown(&log), &[("access token", &access)]);
    assert!(e.curl(Reveal::ClearExceptRefreshTokens).contains(&access));
}
