use super::*;
use crate::api::challenge::parse;
use crate::jose::jwt::{self, b64_encode};
use serde_json::json;

const NOW: i64 = 1_800_000_000;
const API: &str = "6255378e-bb92-48a1-acf4-abe574ec2dad";
const TENANT: &str = "81659f24-f1c7-4ca5-8a9b-494bf0b206a5";

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(NOW, 0).unwrap()
}

fn token(claims: Value) -> Decoded {
    let t = format!(
        "{}.{}.c2ln",
        b64_encode(br#"{"alg":"RS256","typ":"JWT"}"#),
        b64_encode(claims.to_string().as_bytes())
    );
    jwt::decode(&t).unwrap()
}

/// An access token for the API, valid for an hour, with `scp` read.
fn access() -> Value {
    json!({
        "iss": format!("https://t.b2clogin.com/{TENANT}/v2.0/"),
        "aud": API, "scp": "read", "tfp": "B2C_1_susi",
        "iat": NOW - 60, "nbf": NOW - 60, "exp": NOW + 3540,
    })
}

fn run(status: u16, header: Option<&str>, claims: Value, choice: TokenChoice) -> Vec<Finding> {
    let scopes = vec![
        "offline_access".to_owned(),
        "https://t.onmicrosoft.com/api/read".to_owned(),
    ];
    let d = token(claims);
    diagnose(
        status,
        &parse(header),
        &SentToken {
            choice,
            decoded: Some(&d),
        },
        &Hints {
            scopes: &scopes,
            pasted: false,
            dpop: false,
        },
        now(),
    )
}

fn codes(findings: &[Finding]) -> Vec<FindingCode> {
    findings.iter().map(|f| f.code).collect()
}

#[test]
fn a_success_or_another_error_is_not_diagnosed() {
    let mut expired = access();
    expired["exp"] = json!(NOW - 10);
    for status in [200, 204, 302, 404, 500] {
        assert!(run(status, None, expired.clone(), TokenChoice::Id).is_empty());
    }
}

#[test]
fn insufficient_scope_names_the_scope_to_request_in_full() {
    let f = run(
        403,
        Some(r#"Bearer error="insufficient_scope", scope="write""#),
        access(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::InsufficientScope]);
    let m = &f[0].message;
    assert!(m.contains("`write`") && m.contains("scp is `read`"), "{m}");
    assert!(m.contains("`https://t.onmicrosoft.com/api/write`"), "{m}");
    // A scope the API writes in full is requested as written; roles count as scopes.
    let mut claims = access();
    claims["roles"] = json!(["Orders.Admin"]);
    let f = run(
        403,
        Some(
            r#"Bearer error="insufficient_scope", scope="https://other/api/orders.write Orders.Admin""#,
        ),
        claims,
        TokenChoice::Access,
    );
    let m = &f[0].message;
    assert!(m.contains("Add `https://other/api/orders.write` to"), "{m}");
    assert!(!m.contains("Add `Orders.Admin`"), "{m}");
    assert!(m.contains("roles `Orders.Admin`"), "{m}");
}

#[test]
fn insufficient_scope_without_a_scope_or_for_a_scope_the_token_has_invents_nothing() {
    let f = run(
        403,
        Some(r#"Bearer error="insufficient_scope", error_description="needs more""#),
        access(),
        TokenChoice::Access,
    );
    assert!(
        f[0].message.contains("without naming it"),
        "{}",
        f[0].message
    );
    assert!(f[0].message.contains("\"needs more\""));
    let f = run(
        403,
        Some(r#"Bearer error="insufficient_scope", scope="https://t.onmicrosoft.com/api/read""#),
        access(),
        TokenChoice::Access,
    );
    assert!(f[0].message.contains("already carries"), "{}", f[0].message);
}

#[test]
fn audience_from_entra_resource_id_and_from_asp_net_words() {
    let mut claims = access();
    claims["aud"] = json!("653cd48c-f2ba-4af4-9a3e-3cb1eaf2c476");
    let f = run(
        401,
        Some(&format!(
            r#"Bearer authorization_uri="https://t.b2clogin.com/t.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/authorize", error="invalid_token", resource_id="{API}""#
        )),
        claims.clone(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::AudienceMismatch]);
    assert!(
        f[0].message.contains(&format!("The API is `{API}`")),
        "{}",
        f[0].message
    );
    assert!(
        f[0].message.contains("aud is `653cd48c"),
        "{}",
        f[0].message
    );
    let f = run(
        401,
        Some(&format!(
            r#"Bearer error="invalid_token", error_description="IDX10214: Audience validation failed. Audiences: '653cd48c-f2ba-4af4-9a3e-3cb1eaf2c476'. Did not match: validationParameters.ValidAudience: '{API}' or validationParameters.ValidAudiences: 'null'.""#
        )),
        claims,
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::AudienceMismatch]);
    assert!(
        f[0].message.contains(&format!("the API expects `{API}`")),
        "{}",
        f[0].message
    );
    // resource_id matching the token's aud (api:// form too) is no finding.
    let f = run(
        401,
        Some(&format!(
            r#"Bearer error="invalid_token", error_description="Signature key not found", resource_id="api://{API}""#
        )),
        access(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::InvalidToken]);
}

#[test]
fn expired_by_this_clock_and_the_clock_of_an_api_that_says_so() {
    let mut claims = access();
    claims["exp"] = json!(NOW - 600);
    let f = run(
        401,
        Some(
            r#"Bearer error="invalid_token", error_description="IDX10223: Lifetime validation failed. The token is expired.""#,
        ),
        claims.clone(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::Expired]);
    assert!(f[0].message.contains("10 min ago"), "{}", f[0].message);
    // A bare 401 with an expired token: the token's own fact still counts.
    let f = run(401, None, claims, TokenChoice::Access);
    assert_eq!(
        codes(&f),
        [FindingCode::NoTokenAccepted, FindingCode::Expired]
    );
    // Valid by this clock, expired by the API's: the clocks disagree.
    let f = run(
        401,
        Some(
            r#"Bearer error="invalid_token", error_description="IDX10223: Lifetime validation failed. The token is expired.""#,
        ),
        access(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::Expired]);
    let m = &f[0].message;
    assert!(
        m.contains("valid until") && m.contains("ahead by at least 59 min"),
        "{m}"
    );
}

#[test]
fn not_yet_valid_by_this_clock_and_by_the_apis() {
    let mut claims = access();
    claims["nbf"] = json!(NOW + 120);
    let f = run(
        401,
        Some(
            r#"Bearer error="invalid_token", error_description="IDX10222: Lifetime validation failed. The token is not yet valid.""#,
        ),
        claims,
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::NotYetValid]);
    assert!(f[0].message.contains("in 2 min"), "{}", f[0].message);
    let f = run(
        401,
        Some(
            r#"Bearer error="invalid_token", error_description="IDX10222: Lifetime validation failed. The token is not yet valid.""#,
        ),
        access(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::NotYetValid]);
    assert!(
        f[0].message.contains("behind by at least 1 min"),
        "{}",
        f[0].message
    );
    // The API's own clock, when its description gives it (ASP.NET's date form).
    let f = run(
        401,
        Some(
            r#"Bearer error="invalid_token", error_description="IDX10222: Lifetime validation failed. The token is not yet valid. ValidFrom: '01/15/2027 07:59:00', Current time: '01/15/2027 06:00:00'.""#,
        ),
        access(),
        TokenChoice::Access,
    );
    let m = &f[0].message;
    assert!(m.contains("the API's clock read 2027-01-15 06:00:00 UTC when this computer's read 2027-01-15 08:00:00 UTC: the API's is 2 h behind"), "{m}");
}

#[test]
fn issuer_from_the_apis_words_and_from_the_policy_or_tenant_it_names() {
    let f = run(
        401,
        Some(
            r#"Bearer error="invalid_token", error_description="IDX10205: Issuer validation failed. Issuer: 'x'. Did not match: validationParameters.ValidIssuer: 'https://t.b2clogin.com/tfp/81659f24-f1c7-4ca5-8a9b-494bf0b206a5/B2C_1_susi/v2.0/'""#,
        ),
        access(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::IssuerMismatch]);
    assert!(
        f[0].message
            .contains("expects `https://t.b2clogin.com/tfp/"),
        "{}",
        f[0].message
    );
    let f = run(
        401,
        Some(
            r#"Bearer authorization_uri="https://t.b2clogin.com/t.onmicrosoft.com/B2C_1A_signin/oauth2/v2.0/authorize", error="invalid_token""#,
        ),
        access(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::IssuerMismatch]);
    assert!(
        f[0].message
            .contains("Sign in with the policy `B2C_1A_signin`"),
        "{}",
        f[0].message
    );
    let f = run(
        401,
        Some(
            r#"Bearer authorization_uri="https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/authorize", error="invalid_token""#,
        ),
        access(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::IssuerMismatch]);
    assert!(
        f[0].message.contains("tenant `72f988bf"),
        "{}",
        f[0].message
    );
    // The same policy and tenant: nothing about the issuer.
    let f = run(
        401,
        Some(
            r#"Bearer authorization_uri="https://t.b2clogin.com/81659f24-f1c7-4ca5-8a9b-494bf0b206a5/b2c_1_SUSI/oauth2/v2.0/authorize", error="invalid_token""#,
        ),
        access(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::InvalidToken]);
}

#[test]
fn the_id_token_sent_is_said_first() {
    let mut claims = access();
    claims["aud"] = json!("653cd48c-f2ba-4af4-9a3e-3cb1eaf2c476");
    claims.as_object_mut().unwrap().remove("scp");
    let f = run(
        401,
        Some(&format!(
            r#"Bearer error="invalid_token", error_description="IDX10214: Audience validation failed. Did not match: validationParameters.ValidAudience: '{API}'""#
        )),
        claims,
        TokenChoice::Id,
    );
    assert_eq!(
        codes(&f),
        [FindingCode::IdTokenSent, FindingCode::AudienceMismatch]
    );
    assert!(f[0]
        .message
        .contains("`653cd48c-f2ba-4af4-9a3e-3cb1eaf2c476`"));
}

#[test]
fn no_bearer_challenge_no_error_code_and_the_apis_own_words() {
    let f = run(
        401,
        Some(r#"Basic realm="legacy""#),
        access(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::NoTokenAccepted]);
    assert!(
        f[0].message.contains("offers Basic only"),
        "{}",
        f[0].message
    );
    let f = run(401, None, access(), TokenChoice::Access);
    assert!(f[0].message.contains("no WWW-Authenticate header"));
    // 403 without a challenge: an authorisation decision the challenge does not explain.
    assert!(run(403, None, access(), TokenChoice::Access).is_empty());
    let f = run(
        401,
        Some(r#"Bearer realm="api""#),
        access(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::TokenNotSeen]);
    let f = run(
        401,
        Some(
            r#"Bearer error="invalid_token", error_description="IDX10501: Signature validation failed. Unable to match key: kid: 'abc'. token: '{\"iss\":\"x\",\"aud\":\"y\"}'""#,
        ),
        access(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::InvalidToken]);
    assert!(
        f[0].message.ends_with(r#"token: '{"iss":"x","aud":"y"}'""#),
        "shown as is: {}",
        f[0].message
    );
    let f = run(
        400,
        Some(r#"Bearer error="invalid_request""#),
        access(),
        TokenChoice::Access,
    );
    assert!(f.is_empty(), "400 is not a refusal of the token");
    let f = run(
        401,
        Some(r#"Bearer error="invalid_request", error_description="two tokens""#),
        access(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::InvalidRequest]);
    let f = run(
        401,
        Some(r#"Bearer error="use_dpop_nonce""#),
        access(),
        TokenChoice::Access,
    );
    assert_eq!(codes(&f), [FindingCode::ApiError]);
}

#[test]
fn an_opaque_token_gets_only_what_the_challenge_says() {
    let f = diagnose(
        401,
        &parse([
            r#"Bearer error="invalid_token", error_description="The audience 'x' is invalid""#,
        ]),
        &SentToken {
            choice: TokenChoice::Access,
            decoded: None,
        },
        &Hints::default(),
        now(),
    );
    assert_eq!(codes(&f), [FindingCode::InvalidToken]);
}

fn run_dpop(header: &str, dpop: bool) -> Vec<Finding> {
    let d = token(access());
    diagnose(
        401,
        &parse(Some(header)),
        &SentToken {
            choice: TokenChoice::Access,
            decoded: Some(&d),
        },
        &Hints {
            scopes: &[],
            pasted: false,
            dpop,
        },
        now(),
    )
}

#[test]
fn dpop_challenges_are_read_rfc_9449() {
    // A DPoP-only API, the token sent without a proof: DPoP is required, not "no token".
    let f = run_dpop(
        r#"DPoP algs="ES256", error="invalid_token", error_description="DPoP-bound tokens only""#,
        false,
    );
    assert_eq!(
        codes(&f),
        [FindingCode::DpopRequired, FindingCode::InvalidToken],
        "{f:#?}"
    );
    assert!(f[1].message.contains("DPoP-bound tokens only"));
    // With DPoP in use: the API's own words about the token, nothing about turning DPoP on.
    let f = run_dpop(
        r#"DPoP error="invalid_token", error_description="the token is bound to another key""#,
        true,
    );
    assert_eq!(codes(&f), [FindingCode::InvalidToken], "{f:#?}");
    // A refused proof, and a nonce demand after the retry: one finding each, in plain words.
    let f = run_dpop(
        r#"DPoP error="invalid_dpop_proof", error_description="htu mismatch""#,
        true,
    );
    assert_eq!(codes(&f), [FindingCode::DpopProof], "{f:#?}");
    assert!(f[0].message.contains("\"htu mismatch\"") && f[0].message.contains("htu"));
    let f = run_dpop(r#"DPoP error="use_dpop_nonce""#, true);
    assert_eq!(codes(&f), [FindingCode::DpopNonce], "{f:#?}");
    assert!(f[0].message.contains("asked again"), "{}", f[0].message);
    // Bearer and DPoP both offered: a Bearer token is not told it needs DPoP.
    let f = run_dpop(r#"Bearer error="invalid_token", DPoP algs="ES256""#, false);
    assert!(!codes(&f).contains(&FindingCode::DpopRequired), "{f:#?}");
}
