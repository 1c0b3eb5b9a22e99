use super::*;
use crate::oidc::provider_error::ProviderError;
use crate::secret::Secret;
use crate::testkit::fixture_path;

fn metadata(extra: Value) -> ProviderMetadata {
    let mut m = json!({
        "issuer": "https://idp/",
        "authorization_endpoint": "https://idp/authorize?p=B2C_1_x",
        "token_endpoint": "https://idp/token",
        "jwks_uri": "https://idp/keys"
    });
    if let (Value::Object(m), Value::Object(e)) = (&mut m, extra) {
        m.extend(e);
    }
    serde_json::from_value(m).unwrap()
}

fn rsa_signer() -> Signer {
    let pem = std::fs::read_to_string(fixture_path("keys/rsa2.pem")).unwrap();
    let blocks = crate::inspect::keys::pem_blocks(&pem).unwrap();
    let (label, der) = &blocks[0];
    Signer::Key(
        Box::new(SigningKey::from_pem_block(label, der).unwrap()),
        None,
    )
}

fn resp(status: u16, body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    }
}

fn par_url() -> Url {
    Url::parse("https://idp/par").unwrap()
}

#[test]
fn old_names_and_new_names_read_and_the_default_is_plain() {
    let f: RequestForm = serde_json::from_str("{}").unwrap();
    assert_eq!(f, RequestForm::default());
    assert_eq!(f.par, ParMode::Auto);
    assert_eq!(f.jar, JarMode::Off);
    let f: RequestForm =
        serde_json::from_str(r#"{"par":"always","jar":"signed+encrypted"}"#).unwrap();
    assert_eq!(f.jar, JarMode::SignedEncrypted);
    assert_eq!(
        serde_json::to_string(&f).unwrap(),
        r#"{"par":"always","jar":"signed+encrypted"}"#
    );
    assert_eq!(JarMode::parse("signed").unwrap(), JarMode::Signed);
    assert!(JarMode::parse("encrypted").is_err());
    assert!(ParMode::parse("sometimes").is_err());
}

#[test]
fn par_is_used_when_asked_or_required_and_never_without_an_endpoint() {
    let plain = metadata(json!({}));
    let offering = metadata(json!({"pushed_authorization_request_endpoint": "https://idp/par"}));
    let requiring = metadata(json!({
        "pushed_authorization_request_endpoint": "https://idp/par",
        "require_pushed_authorization_requests": true
    }));
    let auto = RequestForm::default();
    let always = RequestForm {
        par: ParMode::Always,
        ..Default::default()
    };
    let never = RequestForm {
        par: ParMode::Never,
        ..Default::default()
    };
    assert_eq!(use_par(&auto, &plain).unwrap(), None);
    assert_eq!(use_par(&auto, &offering).unwrap(), None);
    assert_eq!(use_par(&auto, &requiring).unwrap(), Some(par_url()));
    assert_eq!(use_par(&always, &offering).unwrap(), Some(par_url()));
    assert_eq!(use_par(&never, &requiring).unwrap(), None);
    let e = use_par(&always, &plain).unwrap_err();
    assert!(
        e.to_string()
            .contains("no pushed_authorization_request_endpoint"),
        "{e}"
    );
    // An unsafe PAR endpoint fails the metadata check.
    let bad = metadata(json!({"pushed_authorization_request_endpoint": "http://evil.example/par"}));
    assert!(bad.check().is_err());
}

#[test]
fn the_signing_alg_is_the_providers_and_a_mismatch_says_both_sides() {
    let key = rsa_signer();
    assert_eq!(
        choose_signing_alg(&key, &metadata(json!({}))).unwrap(),
        "RS256"
    );
    let ps = metadata(json!({"request_object_signing_alg_values_supported": ["PS256"]}));
    assert_eq!(choose_signing_alg(&key, &ps).unwrap(), "PS256");
    let ec_only = metadata(json!({"request_object_signing_alg_values_supported": ["ES256"]}));
    let e = choose_signing_alg(&key, &ec_only).unwrap_err().to_string();
    assert!(
        e.contains("ES256") && e.contains("RSA key") && e.contains("RS256"),
        "{e}"
    );
    let secret = Signer::Secret(Secret::new("s3cr3t-0123456789abcdef0123456789abcdef"));
    let hs = metadata(json!({"request_object_signing_alg_values_supported": ["RS256", "HS256"]}));
    assert_eq!(choose_signing_alg(&secret, &hs).unwrap(), "HS256");
    assert!(!format!("{secret:?}").contains("s3cr3t"));
}

#[test]
fn a_request_object_carries_the_parameters_and_verifies_with_the_clients_key() {
    let params = vec![
        ("response_type".to_owned(), "code".to_owned()),
        ("scope".to_owned(), "openid".to_owned()),
        ("max_age".to_owned(), "600".to_owned()),
        (
            "claims".to_owned(),
            r#"{"id_token":{"acr":null}}"#.to_owned(),
        ),
    ];
    let jwt = request_object(
        &params,
        "cid",
        "https://idp/",
        1_000,
        &rsa_signer(),
        "RS256",
        None,
    )
    .unwrap();
    let d = crate::jose::jwt::decode(&jwt).unwrap();
    assert_eq!(d.header["alg"], "RS256");
    assert_eq!(d.header["typ"], "oauth-authz-req+jwt");
    assert_eq!(d.payload["iss"], "cid");
    assert_eq!(d.payload["client_id"], "cid");
    assert_eq!(d.payload["aud"], "https://idp/");
    assert_eq!(d.payload["exp"], 1_300);
    assert_eq!(d.payload["max_age"], 600);
    assert_eq!(d.payload["claims"]["id_token"]["acr"], Value::Null);
    assert_eq!(d.payload["response_type"], "code");
    let jwks = crate::testkit::jwks_of(&["rsa2"]);
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwks.keys[0].clone()).unwrap();
    let (message, sig) = jwt.rsplit_once('.').unwrap();
    assert!(jsonwebtoken::crypto::verify(
        sig,
        message.as_bytes(),
        &jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap(),
        jsonwebtoken::Algorithm::RS256
    )
    .unwrap());
}

#[test]
fn encryption_goes_to_the_providers_enc_key_with_announced_algorithms() {
    let mut jwks = crate::testkit::jwks_of(&["rsa1", "rsa2"]);
    jwks.keys[1]["use"] = json!("enc");
    let m = metadata(json!({
        "request_object_encryption_alg_values_supported": ["RSA1_5", "RSA-OAEP"],
        "request_object_encryption_enc_values_supported": ["A128CBC-HS256", "A256GCM"]
    }));
    let e = choose_encryption(&jwks, &m).unwrap();
    assert_eq!(e.kid.as_deref(), Some("rsa2"));
    assert_eq!((e.alg.as_str(), e.enc.as_str()), ("RSA-OAEP", "A256GCM"));
    let jwe = request_object(
        &[],
        "cid",
        "https://idp/",
        1,
        &rsa_signer(),
        "RS256",
        Some(&e),
    )
    .unwrap();
    assert_eq!(jwe.split('.').count(), 5);
    let header: Value = serde_json::from_slice(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            jwe.split('.').next().unwrap(),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(header["kid"], "rsa2");
    assert_eq!(header["cty"], "JWT");
    // Only signing keys: said plainly.
    let sig_only = crate::testkit::jwks_of(&["rsa1"]);
    let err = choose_encryption(&sig_only, &m).unwrap_err().to_string();
    assert!(err.contains("no encryption key"), "{err}");
    // A key the announced algorithms do not fit.
    let ec_only = metadata(json!({"request_object_encryption_alg_values_supported": ["ECDH-ES"]}));
    let err = choose_encryption(&jwks, &ec_only).unwrap_err().to_string();
    assert!(
        err.contains("RSA-OAEP-256") && err.contains("ECDH-ES"),
        "{err}"
    );
}

#[test]
fn the_par_answer_is_checked_and_its_refusals_are_provider_errors() {
    let ok = parse_par_response(
        &par_url(),
        &resp(
            201,
            r#"{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}"#,
        ),
    )
    .unwrap();
    assert_eq!(ok.request_uri, "urn:ietf:params:oauth:request_uri:abc");
    assert_eq!(ok.expires_in, 60);
    let refused = parse_par_response(
        &par_url(),
        &resp(
            400,
            r#"{"error":"invalid_request_object","error_description":"could not validate Request Object"}"#,
        ),
    )
    .unwrap_err();
    match &refused {
        Error::Provider(p) => {
            assert_eq!(p.origin, ErrorOrigin::PushedAuthorization);
            assert_eq!(p.error, "invalid_request_object");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        refused
            .to_string()
            .contains("refused the pushed authorization request"),
        "{refused}"
    );
    for (status, body, says) in [
        (201, "<html>hello</html>", "not a JSON object"),
        (201, r#"{"expires_in":60}"#, "no `request_uri`"),
        (
            201,
            r#"{"request_uri":"","expires_in":60}"#,
            "not a non-empty string",
        ),
        (
            201,
            r#"{"request_uri":"urn:x"}"#,
            "no positive `expires_in`",
        ),
        (
            201,
            r#"{"request_uri":"urn:x","expires_in":0}"#,
            "no positive `expires_in`",
        ),
        (201, "[1,2]", "not a JSON object"),
    ] {
        let e = parse_par_response(&par_url(), &resp(status, body)).unwrap_err();
        assert!(e.to_string().contains(says), "{body}: {e}");
    }
    let e = parse_par_response(&par_url(), &resp(502, "Bad gateway")).unwrap_err();
    assert!(!matches!(e, Error::Provider(_)), "{e:?}");
}

#[test]
fn a_refusal_says_which_alg_and_key_were_used() {
    let used = RequestFormUsed {
        pushed_to: Some("https://idp/par".into()),
        signed_alg: Some("PS256".into()),
        signed_with: Some("the profile's client key (an RSA key (2048 bits))".into()),
        encrypted: Some("RSA-OAEP-256/A256GCM to the provider's key enc-1".into()),
        ..Default::default()
    };
    let e = Error::from(ProviderError::new(
        ErrorOrigin::PushedAuthorization,
        "invalid_request_object",
        Some("could not validate Request Object"),
        None,
    ));
    let text = explain_refusal(e, &used).to_string();
    for part in [
        "could not validate Request Object",
        "signed PS256 with the profile's client key (an RSA key (2048 bits))",
        "encrypted RSA-OAEP-256/A256GCM to the provider's key enc-1",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
}

#[test]
fn the_endpoints_own_query_stays_and_only_added_parameters_move() {
    let endpoint = Url::parse("https://idp/authorize?p=B2C_1_x").unwrap();
    let url = endpoint_with(&endpoint, &[("client_id", "c"), ("state", "s")]);
    assert_eq!(
        url.as_str(),
        "https://idp/authorize?p=B2C_1_x&client_id=c&state=s"
    );
    assert_eq!(
        added_params(&endpoint, &url),
        vec![
            ("client_id".to_owned(), "c".to_owned()),
            ("state".to_owned(), "s".to_owned())
        ]
    );
}
