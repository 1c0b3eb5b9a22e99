use super::*;

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_790_000_000, 0).unwrap()
}

const SECRET: &str =
    r#"{"kty":"oct","kid":"hs","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM"}"#;

#[test]
fn times_are_relative_to_now_or_absolute() {
    let now = at().timestamp();
    assert_eq!(time_value("+5m", at()), Ok(Some(now + 300)));
    assert_eq!(time_value("-1h", at()), Ok(Some(now - 3600)));
    assert_eq!(time_value("+2d", at()), Ok(Some(now + 2 * 86_400)));
    assert_eq!(time_value("+30", at()), Ok(Some(now + 30)));
    assert_eq!(time_value("now", at()), Ok(Some(now)));
    assert_eq!(time_value("1767225600", at()), Ok(Some(1_767_225_600)));
    assert_eq!(time_value("none", at()), Ok(None));
    for bad in [
        "+5y",
        "soon",
        "+",
        "-99999999999999999999m",
        "+9223372036854775807d",
    ] {
        assert!(time_value(bad, at()).is_err(), "{bad}");
    }
}

#[test]
fn an_hs256_token_is_made_with_the_claims_times_and_the_keys_kid() {
    let made = make(
        &MakeRequest {
            alg: "HS256".into(),
            key: SECRET.into(),
            claims: r#"{"sub":"tester","aud":"api"}"#.into(),
            times: vec![TimeChange {
                claim: "exp".into(),
                value: "-1h".into(),
            }],
            ..Default::default()
        },
        at(),
    )
    .unwrap();
    let decoded = jwt::decode(&made.token).unwrap();
    assert_eq!(decoded.header_str("alg"), Some("HS256"));
    assert_eq!(decoded.header_str("kid"), Some("hs"));
    assert_eq!(decoded.payload["exp"], Value::from(at().timestamp() - 3600));
    assert_eq!(decoded.payload["aud"], "api");
}

#[test]
fn mutate_changes_aud_and_exp_and_resigns_with_the_new_key() {
    let original = make(
        &MakeRequest {
            alg: "HS256".into(),
            key: SECRET.into(),
            claims: r#"{"sub":"tester","aud":"api","exp":1}"#.into(),
            ..Default::default()
        },
        at(),
    )
    .unwrap();
    let rogue = r#"{"kty":"oct","k":"cm9ndWUtcm9ndWUtcm9ndWUtcm9ndWUtcm9ndWUtMDE"}"#;
    let mutated = make(
        &MakeRequest {
            key: rogue.into(),
            from: Some(original.token.clone()),
            set: vec![
                ("aud".into(), "other".into()),
                ("sub".into(), String::new()),
            ],
            times: vec![TimeChange {
                claim: "exp".into(),
                value: "+5m".into(),
            }],
            ..Default::default()
        },
        at(),
    )
    .unwrap();
    let decoded = jwt::decode(&mutated.token).unwrap();
    assert_eq!(decoded.header_str("alg"), Some("HS256"), "the alg is kept");
    assert_eq!(decoded.header_str("kid"), None, "the old kid is not kept");
    assert_eq!(decoded.payload["aud"], "other");
    assert!(!decoded.payload.contains_key("sub"));
    assert_eq!(decoded.payload["exp"], Value::from(at().timestamp() + 300));
    assert_ne!(
        original.token.rsplit('.').next(),
        mutated.token.rsplit('.').next()
    );
}

#[test]
fn bad_input_is_refused_with_the_reason() {
    let base = MakeRequest {
        alg: "HS256".into(),
        key: SECRET.into(),
        ..Default::default()
    };
    let cases: Vec<(MakeRequest, &str)> = vec![
        (
            MakeRequest {
                alg: "none".into(),
                ..base.clone()
            },
            "not a signing algorithm",
        ),
        (
            MakeRequest {
                alg: "RS256".into(),
                ..base.clone()
            },
            "RS256 needs an RSA private key",
        ),
        (
            MakeRequest {
                claims: "[1]".into(),
                ..base.clone()
            },
            "JSON object",
        ),
        (
            MakeRequest {
                claims: "{".into(),
                ..base.clone()
            },
            "not JSON",
        ),
        (
            MakeRequest {
                key: "secret".into(),
                ..base.clone()
            },
            "oct",
        ),
        (
            MakeRequest {
                header: r#"{"alg":"HS512"}"#.into(),
                ..base.clone()
            },
            "give one",
        ),
        (
            MakeRequest {
                from: Some("x.y".into()),
                ..base.clone()
            },
            "does not decode",
        ),
        (
            MakeRequest {
                encrypt: Some(EncryptRequest {
                    key_alg: "RSA-OAEP".into(),
                    enc: "A256GCM".into(),
                    key: SECRET.into(),
                }),
                ..base.clone()
            },
            "no key here fits RSA-OAEP",
        ),
    ];
    for (request, want) in cases {
        let e = make(&request, at()).unwrap_err();
        assert!(e.contains(want), "{want}: {e}");
    }
}

#[test]
fn a_fresh_token_gets_iat_now_and_exp_in_an_hour_unless_told() {
    let request = MakeRequest {
        alg: "HS256".into(),
        key: SECRET.into(),
        ..Default::default()
    };
    let made = make(&request, at()).unwrap();
    assert_eq!(made.claims["iat"], Value::from(at().timestamp()));
    assert_eq!(made.claims["exp"], Value::from(at().timestamp() + 3600));
    let made = make(
        &MakeRequest {
            claims: r#"{"exp": 5}"#.into(),
            times: vec![TimeChange {
                claim: "iat".into(),
                value: "none".into(),
            }],
            ..request
        },
        at(),
    )
    .unwrap();
    assert_eq!(made.claims["exp"], Value::from(5));
    assert!(!made.claims.contains_key("iat"));
}

#[test]
fn debug_never_shows_the_keys_or_the_token_started_from() {
    let request = MakeRequest {
        alg: "HS256".into(),
        key: SECRET.into(),
        from: Some("eyJhbGciOiJIUzI1NiJ9.e30.c2ln".into()),
        from_decrypt_key: Some("hunter2-password".into()),
        encrypt: Some(EncryptRequest {
            key_alg: "dir".into(),
            enc: "A128GCM".into(),
            key: "recipient-secret-text".into(),
        }),
        ..Default::default()
    };
    let shown = format!("{request:?}");
    for secret in ["c2VjcmV0", "eyJhbGci", "hunter2", "recipient-secret"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}
