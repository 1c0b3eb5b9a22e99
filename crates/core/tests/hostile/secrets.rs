//! Hostile provider, 6: secrets stay out of debug output.

use super::*;

fn assert_no_secrets(what: &str, debug: &str, secrets: &[(&str, &str)]) {
    for (name, value) in secrets {
        assert!(!value.is_empty(), "{what}: the {name} is known");
        assert!(!debug.contains(value), "{what} shows the {name}: {debug}");
    }
}

#[tokio::test]
async fn debug_output_of_outcomes_and_errors_never_shows_codes_verifiers_or_tokens() {
    let h = Harness::new().await;
    let p = &h.provider;
    let outcome = h.sign_in_ok().await;
    let verifier = p.token_requests()[0]["code_verifier"].clone();
    let (code, at, rt) = (p.code(), p.access_token(1), p.refresh_token(1));
    let secrets = [
        ("code", code.as_str()),
        ("verifier", verifier.as_str()),
        ("access token", at.as_str()),
        ("refresh token", rt.as_str()),
    ];
    assert_no_secrets("the outcome", &format!("{outcome:?}"), &secrets);
    assert_no_secrets("the outcome", &format!("{outcome:#?}"), &secrets);

    // The refresh outcome.
    let refreshed = h.engine.refresh(&h.profile, None).await.expect("refresh");
    let rt2 = p.refresh_token(2);
    let at2 = p.access_token(2);
    let more = [
        ("access token", at2.as_str()),
        ("refresh token", rt2.as_str()),
    ];
    assert_no_secrets("the refresh outcome", &format!("{refreshed:?}"), &secrets);
    assert_no_secrets("the refresh outcome", &format!("{refreshed:?}"), &more);

    // Faults while the code, the verifier or the refresh token were in flight, including
    // providers that echo the request or send tokens in a broken response.
    let echo = |ex: &Exchange| {
        let form: Vec<String> = ex.form.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!(
            "<html><body><h1>Server Error</h1><pre>{}</pre></body></html>",
            form.join("&")
        )
    };
    let faults: Vec<(&str, TokenFn)> = vec![
        (
            "a 500 page echoing the request",
            Arc::new(move |ex: &Exchange| Reply::html(500, &echo(ex))),
        ),
        (
            "a truncated token response",
            Arc::new(|ex: &Exchange| Reply::Raw {
                status: 200,
                content_type: "application/json",
                body: format!(
                    "{{\"access_token\":\"{}\",\"refresh_token\":\"{}\",\"id_token\":",
                    ex.access_token(),
                    ex.refresh_token()
                )
                .into_bytes(),
            }),
        ),
        (
            "an error quoting the grant",
            Arc::new(|ex: &Exchange| {
                let grant = [ex.field("code"), ex.field("refresh_token")].concat();
                Reply::oauth_error("invalid_request", &format!("grant {grant} is malformed"))
            }),
        ),
        ("a connection reset", answer(Reply::Reset)),
    ];
    for (name, token) in faults {
        p.set_token(token);
        let sent_before = p.token_requests().len();
        let e = expect_err(h.sign_in().await, name);
        let call = sent_before + 1;
        let verifier = p.token_requests()[sent_before]["code_verifier"].clone();
        let (at, rt) = (p.access_token(call), p.refresh_token(call));
        let secrets = [
            ("code", code.as_str()),
            ("verifier", verifier.as_str()),
            ("access token sent back", at.as_str()),
            ("refresh token sent back", rt.as_str()),
        ];
        assert_no_secrets(
            &format!("the error for {name}"),
            &format!("{e:?}"),
            &secrets,
        );
        assert_no_secrets(&format!("the error for {name}"), &e.to_string(), &secrets);

        // The same fault while redeeming the stored refresh token.
        let stored = h.stored_refresh_token().expect("a refresh token is stored");
        let e = expect_err(h.engine.refresh(&h.profile, None).await, name);
        let call = call + 1;
        let (at, rt) = (p.access_token(call), p.refresh_token(call));
        let secrets = [
            ("stored refresh token", stored.as_str()),
            ("access token sent back", at.as_str()),
            ("refresh token sent back", rt.as_str()),
        ];
        assert_no_secrets(
            &format!("the refresh error for {name}"),
            &format!("{e:?}"),
            &secrets,
        );
    }
}
