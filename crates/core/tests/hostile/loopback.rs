//! Hostile provider, 3: loopback rules, end to end.

use super::*;

#[tokio::test]
async fn stray_requests_wrong_state_foreign_host_and_idle_sockets_do_not_derail_the_sign_in() {
    let mut h = Harness::new().await;
    let log = h.dir.join("statuses");
    // The "browser": asks the provider where to go without following, then sends the listener
    // a favicon request, forged codes without or with a wrong state, a forged error with a wrong
    // state,
    // the real callback with a foreign Host header (DNS rebinding), and finally the real one.
    let script = format!(
        r#"r=$(curl -s -o /dev/null -w "%{{redirect_url}}" "$0"); b=${{r%%\?*}}; l="{log}";
for u in "${{b}}favicon.ico" "${{b}}?code=stolen" "${{b}}?code=stolen&state=wrong" \
 "${{b}}?error=access_denied&state=wrong"; do
curl -s -o /dev/null -w "%{{http_code}}\n" "$u" >> "$l"; done;
curl -s -o /dev/null -w "%{{http_code}}\n" -H "Host: evil.example" "$r" >> "$l";
curl -s -o /dev/null -w "%{{http_code}}\n" "$r" >> "$l""#,
        log = log.display()
    );
    h.profile.browser_command = Some(format!("sh -c '{script}'"));
    // Meanwhile other local sockets connect and say nothing, or half a request.
    let idle = Arc::new(Mutex::new(Vec::new()));
    let held = idle.clone();
    let options = SignInOptions {
        progress: Some(Arc::new(move |p| {
            if let Progress::WaitingForRedirect { redirect_uri } = p {
                let port: u16 = redirect_uri.rsplit(':').next().unwrap().parse().unwrap();
                let quiet = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
                let mut half = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
                std::io::Write::write_all(&mut half, b"GET / HTTP/1.1\r\nHost: 127.").unwrap();
                held.lock().unwrap().extend([quiet, half]);
            }
        })),
        ..h.options()
    };

    let outcome = h
        .engine
        .sign_in(&h.profile, &options)
        .await
        .expect("sign-in completes");

    assert!(outcome.passed(), "{:#?}", outcome.report);
    assert_eq!(
        idle.lock().unwrap().len(),
        2,
        "the idle sockets were opened"
    );
    assert_eq!(
        h.provider.hits(TOKEN_PATH),
        1,
        "only the real code was redeemed"
    );
    assert_eq!(h.provider.token_requests()[0]["code"], h.provider.code());
    // curl writes its last status after the listener answered; give it a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    let statuses = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.lines().count() >= 6 || Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(
        statuses.lines().collect::<Vec<_>>(),
        ["404", "400", "400", "400", "400", "200"],
        "favicon 404, missing and wrong states 400, foreign host 400, real callback 200"
    );
}

/// Metadata announcing RFC 9207 and an authorize endpoint adding `iss` to its redirects.
fn announce_iss(h: &Harness, iss: Option<&'static str>, error: bool) {
    h.provider
        .configure(|c| c.metadata["authorization_response_iss_parameter_supported"] = json!(true));
    h.provider.set_authorize(move |a| {
        let issuer = a.issuer.clone();
        let iss = iss.map_or(issuer, str::to_owned);
        let mut pairs: Vec<(&str, &str)> = if error {
            vec![("error", "access_denied")]
        } else {
            vec![("code", a.code.as_str())]
        };
        if !iss.is_empty() {
            pairs.push(("iss", &iss));
        }
        a.redirect(&pairs)
    });
}

#[tokio::test]
async fn rfc9207_a_redirect_naming_another_issuer_or_none_is_refused() {
    let h = Harness::new().await;
    for (iss, error, shown) in [
        (
            Some("https://evil.example/"),
            false,
            "https://evil.example/",
        ),
        (Some(""), false, "(none)"),
        // Errors too: a mixed-up provider must not be able to end the sign-in either.
        (Some("https://evil.example/"), true, "https://evil.example/"),
    ] {
        announce_iss(&h, iss, error);
        let e = expect_err(h.sign_in().await, "wrong iss");
        assert!(matches!(e, Error::RedirectRefused(_)), "{e:?}");
        assert_eq!(e.kind(), ErrorKind::RedirectRefused);
        let text = e.to_string();
        assert!(
            text.contains(&format!("names the issuer {shown}")),
            "{text}"
        );
        assert!(text.contains(&h.provider.issuer()), "{text}");
        assert!(text.contains("RFC 9207"), "{text}");
    }
    assert_eq!(
        h.provider.hits(TOKEN_PATH),
        0,
        "no refused code was redeemed"
    );
}

#[tokio::test]
async fn rfc9207_a_redirect_naming_the_right_issuer_passes() {
    let h = Harness::new().await;
    announce_iss(&h, None, false);
    h.sign_in_ok().await;
    assert_eq!(h.stored_refresh_token(), Some(h.provider.refresh_token(1)));
}

#[tokio::test]
async fn provider_error_redirect_becomes_a_provider_error_with_the_b2c_details() {
    let h = Harness::new().await;
    h.provider.set_authorize(|a| {
        a.redirect(&[
            ("error", "access_denied"),
            (
                "error_description",
                "AADB2C90091: The user has cancelled entering self-asserted information.\r\n\
                 Correlation ID: 2f4c9e0a-7b1d-4c55-9a0e-3d1f2a6b8c01\r\n\
                 Timestamp: 2026-03-01 10:11:12Z\r\n",
            ),
        ])
    });
    let e = expect_err(h.sign_in().await, "cancelled at the provider");
    let Error::Provider(p) = &e else {
        panic!("a provider error: {e:?}")
    };
    assert_eq!(p.origin, ErrorOrigin::Authorization);
    assert_eq!(p.error, "access_denied");
    assert_eq!(p.code.as_deref(), Some("AADB2C90091"));
    assert_eq!(
        p.message.as_deref(),
        Some("The user has cancelled entering self-asserted information.")
    );
    assert_eq!(
        p.correlation_id.as_deref(),
        Some("2f4c9e0a-7b1d-4c55-9a0e-3d1f2a6b8c01")
    );
    assert_eq!(p.timestamp.as_deref(), Some("2026-03-01 10:11:12Z"));
    let text = e.to_string();
    assert!(text.contains("access_denied (AADB2C90091)"), "{text}");
    assert!(text.contains("Correlation ID 2f4c9e0a"), "{text}");
    assert_eq!(h.provider.hits(TOKEN_PATH), 0);
}

#[tokio::test]
async fn a_standard_oauth_error_is_explained_with_what_the_request_sent() {
    let mut h = Harness::new().await;
    h.profile.params.prompt = Some("none".into());
    h.provider
        .set_authorize(|a| a.redirect(&[("error", "login_required")]));
    let e = expect_err(h.sign_in().await, "no session for prompt=none");
    let Error::Provider(p) = &e else {
        panic!("a provider error: {e:?}")
    };
    let advice = p.advice.as_ref().expect("login_required is catalogued");
    assert_eq!(advice.code, "login_required");
    assert!(
        advice
            .note
            .as_deref()
            .is_some_and(|n| n.contains("sent prompt=none")),
        "{advice:?}"
    );
    assert!(
        advice
            .sent
            .iter()
            .any(|v| v.name == "prompt" && v.value == "none"),
        "{advice:?}"
    );
}

#[tokio::test]
async fn provider_error_text_reaches_the_browser_page_escaped() {
    let mut h = Harness::new().await;
    let page = h.dir.join("page.html");
    h.profile.browser_command = Some(format!(
        "sh -c 'curl -s -L --max-time 10 -o \"{}.part\" \"$0\" && mv \"{0}.part\" \"{0}\"'",
        page.display()
    ));
    h.provider.set_authorize(|a| {
        a.redirect(&[
            ("error", "server_error"),
            (
                "error_description",
                "<script>alert(\"owned\")</script><img src=x onerror=alert(1)>",
            ),
        ])
    });
    let e = expect_err(h.sign_in().await, "error with markup");
    let Error::Provider(p) = &e else {
        panic!("a provider error: {e:?}")
    };
    assert_eq!(p.error, "server_error");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !page.exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let html = std::fs::read_to_string(&page).expect("the browser got a page");
    assert!(
        !html.contains("<script>") && !html.contains("<img"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;"),
        "{html}"
    );
}

#[tokio::test]
async fn no_redirect_within_the_timeout_is_a_timeout_naming_the_redirect_uri() {
    let mut h = Harness::new().await;
    // A browser that opens nothing (it only leaves a mark that it was run).
    let marker = h.marker_browser();
    let steps = Steps::default();
    let record = steps.clone();
    let options = SignInOptions {
        timeout: Duration::from_secs(1),
        progress: Some(Arc::new(move |p| record.0.lock().unwrap().push(p))),
        ..h.options()
    };
    let started = Instant::now();
    let e = expect_err(h.engine.sign_in(&h.profile, &options).await, "timeout");
    assert!(started.elapsed() < PROMPT, "{:?}", started.elapsed());
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
    let redirect_uri = steps
        .redirect_uri()
        .expect("the engine said where it waited");
    let text = e.to_string();
    assert!(
        text.contains(&format!(
            "no redirect came back to {redirect_uri} within 1 s"
        )),
        "{text}"
    );
    assert!(marker.exists(), "the browser command was run");
    assert_eq!(h.provider.hits(AUTHORIZE_PATH), 0);
}

#[tokio::test]
async fn cancelling_ends_the_wait_with_cancelled() {
    let mut h = Harness::new().await;
    h.profile.browser_command = Some("true".into());
    let options = h.options();
    let cancel = options.cancel.clone();
    let options = SignInOptions {
        // The user presses Cancel as soon as the engine waits.
        progress: Some(Arc::new(move |p| {
            if matches!(p, Progress::WaitingForRedirect { .. }) {
                cancel.cancel();
            }
        })),
        ..options
    };
    let started = Instant::now();
    let e = expect_err(h.engine.sign_in(&h.profile, &options).await, "cancel");
    assert!(matches!(e, Error::Cancelled), "{e:?}");
    assert_eq!(e.to_string(), "sign-in cancelled");
    assert!(started.elapsed() < PROMPT);
}

#[tokio::test]
async fn a_fixed_redirect_port_already_in_use_is_a_listener_error() {
    let mut h = Harness::new().await;
    let squatter = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = squatter.local_addr().unwrap().port();
    h.profile.redirect = RedirectConfig::parse(&format!("http://127.0.0.1:{port}")).unwrap();
    let marker = h.marker_browser();
    let e = expect_err(h.sign_in().await, "port in use");
    assert!(matches!(e, Error::Listener(_)), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{text}"
    );
    assert!(!marker.exists(), "the browser was not opened");
    drop(squatter);
}
