//! The inspector's tests: input forms.

use super::*;

#[test]
fn a_bare_token_is_one_labelled_token() {
    let i = run(&id_token());
    assert_eq!(i.form, InputForm::Token);
    assert_eq!(i.tokens.len(), 1);
    let t = &i.tokens[0];
    assert_eq!(t.label, "token");
    assert_eq!(t.kind, Some(TokenKind::Jws));
    assert_eq!(t.claim_str("sub"), Some("u1"));
    assert_eq!(t.signature_len, 9);
    assert_eq!(t.part_lengths.len(), 3);
    assert_eq!(t.encoded.expose(), id_token());
    assert!(
        !format!("{t:?}").contains(&id_token()),
        "Debug never shows the token"
    );
}

#[test]
fn tokens_inside_text_are_found_and_counted() {
    let token = id_token();
    // A sentence, `token:`, and an e-mail quoting a wrapped token.
    let wrapped: String = format!("{token}{}", "A".repeat(0))
        .as_bytes()
        .chunks(70)
        .map(|c| format!("> {}\n", String::from_utf8_lossy(c)))
        .collect();
    for pasted in [
        format!("Hi, the token {token}, fails since this morning."),
        format!("token: {token}"),
        format!("Ann wrote:\n> Here it is:\n{wrapped}>\n> Thanks, Ann"),
    ] {
        let i = run(&pasted);
        assert_eq!(i.form, InputForm::Text, "{pasted:.60}");
        assert_eq!(i.tokens.len(), 1, "{pasted:.60}");
        assert_eq!(i.tokens[0].label, "token");
        assert_eq!(i.tokens[0].claim_str("sub"), Some("u1"), "{pasted:.60}");
    }
    let two = run(&format!(
        "before: {token}\nafter: {}\nGET /api\nAuthorization: Bearer 2YotnFZFEjr1zCsicMWpAA",
        jws(&json!({"sub": "u2"}))
    ));
    assert_eq!(two.form, InputForm::Text);
    let labels: Vec<&str> = two.tokens.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels, ["token 1", "token 2", "token 3"]);
    assert_eq!(two.tokens[1].claim_str("sub"), Some("u2"));
    assert_eq!(two.tokens[2].kind, Some(TokenKind::Opaque));
}

#[test]
fn text_without_a_token_says_so_plainly() {
    let e = inspect("Hi, the sign-in fails with an error, see below.", &opts()).unwrap_err();
    assert_eq!(e.part, Part::Input);
    assert!(e.message.starts_with("no token found in the text"), "{e}");
    // One word is still read as one token, with the decoder's own words.
    let e = inspect(&format!("{}!", id_token()), &opts()).unwrap_err();
    assert!(e.message.contains("not allowed"), "{e}");
}

#[test]
fn bearer_and_authorization_header_lines() {
    for pasted in [
        format!("Bearer {}", id_token()),
        format!("bearer   {}", id_token()),
        format!("Authorization: Bearer {}", id_token()),
        format!("AUTHORIZATION:Bearer\t{}\n", id_token()),
    ] {
        let i = run(&pasted);
        assert_eq!(i.form, InputForm::Bearer, "{pasted:.40}");
        assert_eq!(i.tokens[0].claim_str("sub"), Some("u1"));
    }
    let e = inspect("Bearer", &opts()).unwrap_err();
    assert!(e.message.contains("no token after"), "{e}");
}

#[test]
fn line_breaks_spaces_and_quotes_from_emails_are_dropped() {
    let t = id_token();
    let pasted = format!(
        "\u{feff}  \"{}\r\n  {}\n{} \" ",
        &t[..20],
        &t[20..50],
        &t[50..]
    );
    let i = run(&pasted);
    assert_eq!(i.tokens[0].encoded.expose(), t);
    let url = format!("https://jwt.ms/#id_token={}\n{}", &t[..30], &t[30..]);
    assert_eq!(run(&url).tokens[0].encoded.expose(), t);
}

#[test]
fn redirect_url_with_id_token_in_the_fragment() {
    let i = run(&format!("https://jwt.ms/#id_token={}", id_token()));
    assert_eq!(i.form, InputForm::RedirectUrl);
    assert_eq!(i.tokens.len(), 1);
    assert_eq!(i.tokens[0].label, "id_token");
    assert_eq!(i.tokens[0].claim_str("tfp"), Some("B2C_1_susi"));
}

#[test]
fn redirect_url_with_access_and_id_tokens_and_parameters() {
    let at = jws(&json!({"aud": "api", "scp": "read", "exp": NOW + 3600}));
    let url = format!(
        "https://jwt.ms/#access_token={at}&token_type=Bearer&expires_in=3600&id_token={}&state=xyz",
        id_token()
    );
    let i = run(&url);
    let labels: Vec<&str> = i.tokens.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels, ["id_token", "access_token"], "id_token first");
    assert_eq!(i.primary().unwrap().label, "id_token");
    let params: Vec<(&str, &str)> = i
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        params,
        [
            ("token_type", "Bearer"),
            ("expires_in", "3600"),
            ("state", "xyz")
        ]
    );
}

#[test]
fn fragment_query_and_form_post_bodies_alone() {
    for pasted in [
        format!("#id_token={}&state=s", id_token()),
        format!("?id_token={}", id_token()),
        format!("id_token={}&state=s", id_token()),
        format!("state=s&id_token={}", id_token()),
    ] {
        let i = run(&pasted);
        assert_eq!(i.form, InputForm::RedirectUrl, "{pasted:.30}");
        assert_eq!(i.tokens[0].label, "id_token");
    }
}

#[test]
fn a_code_in_the_query_is_explained_not_decoded() {
    let i = run("http://localhost:8400/callback?code=eyJraWQiOiJjcGltY29yZ&state=abc");
    assert!(i.tokens.is_empty());
    let code = i.authorization_code.as_ref().expect("code found");
    assert_eq!(code.length, 21);
    assert!(code.explanation.contains("not a token"));
    assert!(code.explanation.contains("profile"));
    assert!(
        !serde_json::to_string(&i)
            .unwrap()
            .contains("eyJraWQiOiJjcGltY29yZ"),
        "the code's value is not kept"
    );
    assert_eq!(i.parameters[0].name, "state");
}

#[test]
fn an_error_redirect_gives_the_b2c_details() {
    let url = "https://jwt.ms/#error=access_denied&error_description=AADB2C90118%3a+The+user+has+\
               forgotten+their+password.%0d%0aCorrelation+ID%3a+0b5a7a5c-1234-4f6e-9a55-d7b3c1a2e001\
               %0d%0aTimestamp%3a+2026-11-25+10%3a01%3a02Z%0d%0a&state=s";
    let i = run(url);
    let e = i.provider_error.as_ref().expect("provider error");
    assert_eq!(e.origin, ErrorOrigin::Authorization);
    assert_eq!(e.error, "access_denied");
    assert_eq!(e.code.as_deref(), Some("AADB2C90118"));
    assert_eq!(
        e.correlation_id.as_deref(),
        Some("0b5a7a5c-1234-4f6e-9a55-d7b3c1a2e001")
    );
    assert_eq!(e.timestamp.as_deref(), Some("2026-11-25 10:01:02Z"));
    assert!(i.tokens.is_empty());
}

#[test]
fn a_json_token_response_decodes_each_token_and_knows_refresh_tokens_are_opaque() {
    let at = jws(&json!({"aud": "api", "scp": "read"}));
    let b2c_refresh = b2c_refresh_token();
    let body = json!({"id_token": id_token(), "access_token": at, "token_type": "Bearer",
                      "expires_in": 3600, "refresh_token": b2c_refresh,
                      "refresh_token_expires_in": 1_209_600});
    let i = run(&body.to_string());
    assert_eq!(i.form, InputForm::TokenResponse);
    let labels: Vec<&str> = i.tokens.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels, ["id_token", "access_token", "refresh_token"]);
    let r = &i.tokens[2];
    assert_eq!(r.kind, Some(TokenKind::Opaque));
    assert!(r.error.is_none());
    assert!(
        r.warnings[0].contains("B2C refresh token"),
        "{:?}",
        r.warnings
    );
    assert_eq!(r.header["kid"], "cpimcore_09252015");
    assert!(i
        .parameters
        .iter()
        .any(|p| p.name == "expires_in" && p.value == "3600"));
    // Any other refresh token shape is opaque too.
    let i = run(&json!({"refresh_token": "0.AAAA-opaque.value"}).to_string());
    assert_eq!(i.tokens[0].kind, Some(TokenKind::Opaque));
    assert!(i.tokens[0].warnings[0].contains("refresh token"));
}

#[test]
fn a_json_error_response_is_a_provider_error() {
    let i = run(
        r#"{"error":"invalid_grant","error_description":"AADB2C90080: The provided grant has expired."}"#,
    );
    let e = i.provider_error.unwrap();
    assert_eq!(e.origin, ErrorOrigin::TokenEndpoint);
    assert_eq!(e.code.as_deref(), Some("AADB2C90080"));
}

#[test]
fn one_bad_token_among_several_keeps_the_others() {
    let body = json!({"id_token": "x.y.z", "access_token": jws(&json!({"scp": "read"}))});
    let i = run(&body.to_string());
    assert!(i.tokens[0].error.is_some());
    assert_eq!(i.tokens[1].claim_str("scp"), Some("read"));
    assert_eq!(i.primary().unwrap().label, "access_token");
    let (label, e) = i.first_error().unwrap();
    assert_eq!(label, "id_token");
    assert_eq!(e.part, Part::Header);
}

#[test]
fn a_token_without_a_name_is_told_by_its_claims() {
    use crate::inspect::role::TokenRole;
    // A bare ID token: its nonce says so (issue 20: it read "Token token").
    let i = run(&jws(&json!({"aud": "c", "nonce": "n", "sub": "u"})));
    let role = i.tokens[0].role.as_ref().unwrap();
    assert_eq!(role.role, TokenRole::IdToken);
    assert_eq!(role.by, ["nonce"]);
    // A Bearer access token: its scp, although it has an aud too.
    let i = run(&format!(
        "Bearer {}",
        jws(&json!({"aud": "api", "scp": "read"}))
    ));
    assert_eq!(
        i.tokens[0].role.as_ref().unwrap().role,
        TokenRole::AccessToken
    );
    // Named by where it came from: no guess.
    let body = json!({"id_token": jws(&json!({"aud": "c", "nonce": "n"}))});
    assert_eq!(run(&body.to_string()).tokens[0].role, None);
}
