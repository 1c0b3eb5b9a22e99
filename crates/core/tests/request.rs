//! The request builder, confidential clients and the logout test: the real engine against the
//! hand-made provider of the hostile suite (`tests/hostile/util.rs`), curl or the test itself
//! playing the browser.
//!
//! Run with `cargo test -p tokenscope-core --test request`.

#[path = "hostile/util.rs"]
#[allow(dead_code)]
mod util;

use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokenscope_core::engine::{LogoutOptions, Progress, SignInOptions};
use tokenscope_core::error::Error;
use tokenscope_core::oidc::redirect::ResponseMode;
use tokenscope_core::oidc::request::ClientAuthMethod;
use tokenscope_core::Secret;
use util::*;

const SECRET: &str = "s3cr3t+/=&value";

fn announce(h: &Harness, methods: &[&str]) {
    let methods: Vec<String> = methods.iter().map(|m| (*m).to_owned()).collect();
    h.provider.configure(|c| {
        c.metadata["token_endpoint_auth_methods_supported"] = json!(methods);
    });
}

/// Everything a file in the config directory says, concatenated.
fn config_files(h: &Harness) -> String {
    let mut all = String::new();
    if let Ok(entries) = std::fs::read_dir(h.dir.join("config")) {
        for e in entries.flatten() {
            all.push_str(&std::fs::read_to_string(e.path()).unwrap_or_default());
        }
    }
    all
}

#[tokio::test]
async fn form_post_the_listener_takes_the_posted_code_and_the_sign_in_passes() {
    let h = Harness::new().await;
    h.provider.set_authorize(|a| {
        let mode = a.param("response_mode").to_owned();
        Reply::html(200, &format!("<form method=post data-mode={mode}></form>"))
    });
    let mut profile = h.profile.clone();
    profile.params.response_mode = ResponseMode::FormPost;
    let url = Arc::new(Mutex::new(None::<String>));
    let seen = url.clone();
    let options = SignInOptions {
        open_browser: false,
        progress: Some(Arc::new(move |p| {
            if let Progress::BrowserOpened { authorize_url } = p {
                *seen.lock().unwrap() = Some(authorize_url);
            }
        })),
        ..h.options()
    };
    let engine_run = h.engine.sign_in(&profile, &options);
    // The test plays a browser that follows a form_post page: POST code and state.
    let browser = async {
        let authorize = loop {
            if let Some(u) = url.lock().unwrap().clone() {
                break url::Url::parse(&u).unwrap();
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let q: std::collections::HashMap<String, String> =
            authorize.query_pairs().into_owned().collect();
        assert_eq!(q["response_mode"], "form_post");
        // What the provider would do: its page (an auto-submitting form), then the POST.
        let page = reqwest::get(authorize.as_str()).await.unwrap();
        assert!(page.text().await.unwrap().contains("<form"));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .build()
            .unwrap();
        let got = client
            .get(q["redirect_uri"].as_str())
            .query(&[("code", "not-by-get"), ("state", "wrong")])
            .send()
            .await
            .unwrap();
        assert_eq!(got.status(), 400, "a GET with a wrong state is ignored");
        let posted = client
            .post(q["redirect_uri"].as_str())
            .form(&[("code", h.provider.code()), ("state", q["state"].clone())])
            .send()
            .await
            .unwrap();
        assert_eq!(posted.status(), 200);
        assert!(posted
            .text()
            .await
            .unwrap()
            .contains("You can close this tab"));
    };
    let (outcome, ()) = tokio::join!(engine_run, browser);
    let outcome = outcome.expect("the form_post sign-in completes");
    assert!(outcome.passed(), "{:#?}", outcome.report);
    assert_eq!(h.provider.token_requests().len(), 1);
}

#[tokio::test]
async fn client_secret_post_sends_the_stored_secret_which_never_reaches_the_profile_file() {
    let mut h = Harness::new().await;
    announce(&h, &["client_secret_post"]);
    h.provider.set_token(issue_checked(|ex| {
        (ex.field("client_secret") != SECRET).then(|| "wrong client_secret".to_owned())
    }));
    h.engine.profiles().save(&h.profile).unwrap();
    // Without the secret the provider refuses the client.
    let e = h.sign_in().await.unwrap_err();
    assert!(e.to_string().contains("invalid_client"), "{e}");

    h.engine
        .set_client_secret(&h.profile.name, &Secret::new(format!(" {SECRET}\n")))
        .await
        .unwrap();
    assert!(h.engine.has_client_secret(&h.profile.name).await.unwrap());
    h.sign_in_ok().await;
    let form = h.provider.token_requests().pop().unwrap();
    assert_eq!(form["client_secret"], SECRET, "trimmed, sent as given");
    assert_eq!(form["client_id"], CLIENT_ID);
    // Refresh authenticates the same way.
    h.engine.refresh(&h.profile, None).await.unwrap();
    let form = h.provider.token_requests().pop().unwrap();
    assert_eq!(form["grant_type"], "refresh_token");
    assert_eq!(form["client_secret"], SECRET);
    assert!(!config_files(&h).contains(SECRET));
    assert!(!config_files(&h).contains("s3cr3t"));

    // Renaming moves the secret; deleting removes it.
    h.profile.name = "renamed".into();
    assert!(h
        .engine
        .rename_client_secret("hostile", "renamed")
        .await
        .unwrap());
    assert!(!h.engine.has_client_secret("hostile").await.unwrap());
    h.sign_in_ok().await;
    assert!(h.engine.delete_client_secret("renamed").await.unwrap());
    assert!(!h.engine.has_client_secret("renamed").await.unwrap());
}

/// The ordinary token answer, unless `refuse` finds a problem with the client authentication.
fn issue_checked(refuse: impl Fn(&Exchange) -> Option<String> + Send + Sync + 'static) -> TokenFn {
    let ok = issue(|_, _| {});
    Arc::new(move |ex: &Exchange| match refuse(ex) {
        // Like some providers, echo what was sent in the description.
        Some(why) => Reply::oauth_error(
            "invalid_client",
            &format!("{why} (got {:?})", ex.field("client_secret")),
        ),
        None => ok(ex),
    })
}

#[tokio::test]
async fn client_secret_basic_is_chosen_from_the_metadata_and_errors_never_show_the_secret() {
    let mut h = Harness::new().await;
    announce(&h, &["client_secret_basic", "client_secret_post"]);
    h.provider.set_token(issue_checked(|ex| match ex.basic() {
        Some((id, secret)) if id == CLIENT_ID && secret == SECRET => {
            (!ex.field("client_secret").is_empty()).then(|| "two methods".to_owned())
        }
        _ => Some("Basic authentication failed".to_owned()),
    }));
    // A client secret is bound to a saved profile (issue 13.1): save it first.
    h.engine.profiles().save(&h.profile).unwrap();
    h.engine
        .set_client_secret(&h.profile.name, &Secret::new(SECRET))
        .await
        .unwrap();
    h.sign_in_ok().await;

    // The profile insists on post: this provider refuses it, and its error echoes the secret.
    h.profile.client_auth = ClientAuthMethod::ClientSecretPost;
    let e = h.sign_in().await.unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(shown.contains("invalid_client"), "{shown}");
    assert!(!shown.contains("s3cr3t"), "the secret leaked: {shown}");

    // A method the metadata does not announce fails before the browser opens.
    let mut h2 = Harness::new().await;
    announce(&h2, &["client_secret_basic"]);
    h2.profile.client_auth = ClientAuthMethod::ClientSecretPost;
    h2.engine.profiles().save(&h2.profile).unwrap();
    h2.engine
        .set_client_secret(&h2.profile.name, &Secret::new(SECRET))
        .await
        .unwrap();
    let marker = h2.marker_browser();
    let e = h2.sign_in().await.unwrap_err();
    assert!(
        e.to_string().contains(
            "uses client_secret_post but the provider announces only client_secret_basic"
        ),
        "{e}"
    );
    assert!(!marker.exists(), "the browser must not open");

    // Bad secrets are refused with a clear error.
    for bad in ["", "  ", "a\nb"] {
        assert!(h
            .engine
            .set_client_secret("x", &Secret::new(bad))
            .await
            .is_err());
    }
}

#[tokio::test]
async fn clean_session_forces_prompt_login_and_claims_and_hint_reach_the_provider() {
    let mut h = Harness::new().await;
    h.profile.params.prompt = Some("none".into());
    h.profile.params.claims = Some(r#"{"id_token": {"acr": {"essential": true}}}"#.into());
    let options = SignInOptions {
        clean: true,
        id_token_hint: Some(Secret::new("h.e.y")),
        ..h.options()
    };
    let o = h.engine.sign_in(&h.profile, &options).await.unwrap();
    assert!(o.passed());
    let q = h.provider.last_authorize();
    assert_eq!(q["prompt"], "login");
    assert_eq!(q["claims"], r#"{"id_token":{"acr":{"essential":true}}}"#);
    assert_eq!(q["id_token_hint"], "h.e.y");
    // Without the option the profile's prompt is used.
    h.sign_in_ok().await;
    let q = h.provider.last_authorize();
    assert_eq!(q["prompt"], "none");
    assert!(!q.contains_key("id_token_hint"));

    // Bad claims stop the sign-in before the browser opens.
    h.profile.params.claims = Some("{\"id_token\": ".into());
    let marker = h.marker_browser();
    let e = h.sign_in().await.unwrap_err();
    assert!(e.to_string().contains("claims parameter"), "{e}");
    assert!(!marker.exists());
}

#[tokio::test]
async fn preview_shows_the_url_the_sign_in_sends_and_warns_of_two_resources() {
    let mut h = Harness::new().await;
    h.profile.scopes = vec![
        "offline_access".into(),
        CLIENT_ID.into(),
        "https://contoso.onmicrosoft.com/api/read".into(),
    ];
    h.profile.params.login_hint = Some("ada@example.com".into());
    let p = h
        .engine
        .preview(&h.profile, &SignInOptions::default())
        .await
        .unwrap();
    assert!(p.authorize_url.starts_with(&h.provider.url(AUTHORIZE_PATH)));
    assert!(p.authorize_url.contains("login_hint=ada%40example.com"));
    assert!(p.port_placeholder);
    // The port picked at sign-in reads PORT, not a number that looks like the port used.
    assert!(p.redirect_uri.ends_with(":PORT"), "{}", p.redirect_uri);
    assert!(p.authorize_url.contains("%3APORT"), "{}", p.authorize_url);
    assert_eq!(p.client_auth, "none (public client, PKCE)");
    assert!(
        p.scopes.warnings.iter().any(|w| w.contains("AADB2C90146")),
        "{:?}",
        p.scopes.warnings
    );
    assert_eq!(
        h.provider.hits(AUTHORIZE_PATH),
        0,
        "a preview opens nothing"
    );
    h.profile.scopes = vec!["offline_access".into()];
    let p = h
        .engine
        .preview(
            &h.profile,
            &SignInOptions {
                clean: true,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(p.scopes.warnings.is_empty(), "{:?}", p.scopes.warnings);
    assert!(p.authorize_url.contains("prompt=login"));
}

fn with_end_session(h: &Harness) {
    let url = h.provider.url(LOGOUT_PATH);
    h.provider
        .configure(|c| c.metadata["end_session_endpoint"] = json!(url));
}

#[tokio::test]
async fn logout_test_sends_the_last_id_token_and_reports_the_state_that_came_back() {
    let h = Harness::new().await;
    with_end_session(&h);
    let seen = Arc::new(Mutex::new(None));
    let record = seen.clone();
    h.provider.configure(|c| {
        c.logout = Arc::new(move |a: &Authorize| {
            *record.lock().unwrap() = Some(a.params.clone());
            logout_redirect(a)
        })
    });
    let o = h.sign_in_ok().await;
    let options = LogoutOptions {
        timeout: Duration::from_secs(15),
        ..Default::default()
    };
    let report = h.engine.logout_test(&h.profile, &options).await.unwrap();
    assert!(report.passed, "{report:#?}");
    let back = report.returned.as_ref().unwrap();
    assert_eq!(back.state.as_deref(), Some(report.state_sent.as_str()));
    assert!(report.summary.contains("came back with the state sent"));
    let sent = seen.lock().unwrap().clone().unwrap();
    let id_token = o.id_token.unwrap().raw;
    assert_eq!(sent["id_token_hint"], id_token.expose());
    assert_eq!(sent["client_id"], CLIENT_ID);
    assert_eq!(
        sent["post_logout_redirect_uri"],
        report.post_logout_redirect_uri
    );
    assert!(report.id_token_hint_sent);
    assert!(
        !report.logout_url.contains(id_token.expose()),
        "the report shows the hint shortened"
    );
    // The local refresh token is the sign-out's business, not the logout test's.
    assert!(h.stored_refresh_token().is_some());
}

#[tokio::test]
async fn logout_test_reports_a_lost_state_a_provider_that_never_returns_and_no_endpoint() {
    let h = Harness::new().await;
    let options = LogoutOptions {
        timeout: Duration::from_secs(2),
        ..Default::default()
    };
    match h.engine.logout_test(&h.profile, &options).await {
        Err(Error::Metadata(m)) => assert!(m.contains("end_session_endpoint"), "{m}"),
        other => panic!("expected a metadata error, got {other:?}"),
    }

    let h = Harness::new().await;
    with_end_session(&h);
    h.provider.configure(|c| {
        c.logout = Arc::new(|a: &Authorize| {
            let uri = a.param("post_logout_redirect_uri");
            Reply::Redirect(uri.to_owned())
        })
    });
    let report = h.engine.logout_test(&h.profile, &options).await.unwrap();
    assert!(!report.passed);
    assert!(!report.id_token_hint_sent, "no sign-in yet: no hint");
    assert_eq!(report.returned.as_ref().unwrap().state, None);
    assert!(
        report.summary.contains("without the state"),
        "{}",
        report.summary
    );

    h.provider.configure(|c| {
        c.logout = Arc::new(|_: &Authorize| Reply::html(200, "<p>Are you sure?</p>"))
    });
    let report = h.engine.logout_test(&h.profile, &options).await.unwrap();
    assert!(!report.passed);
    assert!(report.returned.is_none());
    assert!(
        report.summary.contains("did not come back"),
        "{}",
        report.summary
    );
    // A given hint is used as given.
    h.provider
        .configure(|c| c.logout = Arc::new(logout_redirect));
    let given = LogoutOptions {
        id_token_hint: Some(Secret::new("given.id.token")),
        ..options
    };
    let report = h.engine.logout_test(&h.profile, &given).await.unwrap();
    assert!(report.passed && report.id_token_hint_sent);
}
