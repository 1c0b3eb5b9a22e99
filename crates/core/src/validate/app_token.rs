//! The report of an app-only access token (the client credentials grant, RFC 6749 §4.4): no user
//! signed in, so there is no ID token; the access token is what came back, and when it is a JWT
//! it is judged like one (RFC 9068 §4 and Entra's app-only tokens): the signature with the
//! provider's keys, `iss`, the client it was issued to, `aud`, and the times. An opaque token can
//! only be checked by the API it is for (or its introspection endpoint): the report says so.

use super::{time_checks, verify_signature, CheckId, JwksCache, Report, SignaturePolicy};
use crate::jose::jwt::{self, Decoded, TokenKind};
use crate::oidc::token::TokenResponse;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::time::Duration;

/// What an app-only access token must match.
#[derive(Debug, Clone)]
pub struct AppExpectations {
    /// The metadata's `issuer`.
    pub issuer: String,
    /// The client that asked for it.
    pub client_id: String,
    /// Allowed clock difference.
    pub skew: Duration,
}

/// Judges the token response of a client credentials request; returns the access token as
/// decoded (when it decodes) and the report.
pub async fn validate_app_token(
    tokens: &TokenResponse,
    expect: &AppExpectations,
    now: DateTime<Utc>,
    keys: &JwksCache,
) -> (Option<Decoded>, Report) {
    validate_issued_token(tokens, expect, now, keys, IssuedBy::ClientCredentials).await
}

/// Which grant issued the access token being judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuedBy {
    /// Client credentials: app-only, no user.
    ClientCredentials,
    /// Token exchange (RFC 8693): `issued_token_type` is required; `act` names the actor.
    TokenExchange,
    /// JWT bearer (RFC 7523 §2.1): a token for the assertion's subject.
    JwtBearer,
}

/// [`validate_app_token`] for any grant that answers with an access token and no ID token.
pub async fn validate_issued_token(
    tokens: &TokenResponse,
    expect: &AppExpectations,
    now: DateTime<Utc>,
    keys: &JwksCache,
    by: IssuedBy,
) -> (Option<Decoded>, Report) {
    let mut report = Report::default();
    let app_only = by == IssuedBy::ClientCredentials;
    match (by, tokens.id_token.is_none()) {
        (IssuedBy::ClientCredentials, none) => report.push(
            CheckId::IdToken,
            none,
            if none {
                "none, as expected: the client credentials grant signs in no user, so there is no \
                 ID token; the access token is the application's own (app-only)"
            } else {
                "the response carries an ID token, but no user signed in: the client credentials \
                 grant issues none (RFC 6749 §4.4.3)"
            },
        ),
        (_, true) => report.push(
            CheckId::IdToken,
            true,
            "none, as expected: this grant issues an access token; nobody signed in here",
        ),
        (_, false) => report.push(
            CheckId::IdToken,
            true,
            "the response also carries an ID token; it is shown, not judged (no nonce was sent)",
        ),
    }
    if by == IssuedBy::TokenExchange {
        match tokens
            .fields
            .get("issued_token_type")
            .and_then(Value::as_str)
        {
            Some(t) => report.warn_if_odd_type(t),
            None => report.push(
                CheckId::Response,
                false,
                "no issued_token_type: RFC 8693 §2.2.1 requires it in a token exchange response",
            ),
        }
    }
    let mut shape = Vec::new();
    if let Some(t) = &tokens.token_type {
        shape.push(format!("token_type {t}"));
    }
    if let Some(e) = tokens.expires_in {
        shape.push(format!("expires_in {e} s"));
    }
    let bearer = tokens
        .token_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("bearer") || t.eq_ignore_ascii_case("dpop"));
    if tokens.refresh_token.is_some() {
        report.warn(
            CheckId::Response,
            "the response carries a refresh token: RFC 6749 §4.4.3 says a client credentials \
             response should not (the client asks again with its own credentials); it is not \
             stored",
        );
    }
    report.push(
        CheckId::Response,
        tokens.access_token.is_some() && bearer,
        match (&tokens.access_token, bearer) {
            (None, _) => "no access_token: nothing was issued".to_owned(),
            (Some(_), false) => format!(
                "token_type is {}: RFC 6749 §5.1 requires one, and an API expects Bearer",
                tokens.token_type.as_deref().unwrap_or("missing")
            ),
            (Some(_), true) => format!("an access_token with {}", shape.join(", ")),
        },
    );
    let Some(raw) = &tokens.access_token else {
        return (None, report);
    };
    let decoded = match jwt::decode(raw.expose()) {
        Ok(d) => d,
        Err(e) => {
            report.push(
                CheckId::AccessToken,
                false,
                format!("it has a JWT's shape but does not decode: {e}"),
            );
            return (None, report);
        }
    };
    match decoded.kind {
        TokenKind::Jws | TokenKind::Unsigned => {}
        TokenKind::Jwe => {
            report.push(
                CheckId::AccessToken,
                true,
                "encrypted (JWE) for the API: only the API can decrypt and check it",
            );
            return (Some(decoded), report);
        }
        TokenKind::Opaque => {
            report.push(
                CheckId::AccessToken,
                true,
                "opaque (not a JWT): only the API it is for, or the provider's introspection \
                 endpoint, can check it",
            );
            return (Some(decoded), report);
        }
    }
    let policy = SignaturePolicy {
        // Access tokens may be signed with another algorithm than ID tokens: any key pair.
        allowed_algs: Vec::new(),
        hmac_secret: false,
    };
    let mut signature = verify_signature(raw.expose(), &decoded, &policy, keys).await;
    if decoded.header.contains_key("nonce") {
        // Entra's tokens for Microsoft Graph: the header's nonce is hashed before signing, so
        // nobody but Graph can check them.
        for c in signature
            .checks
            .iter_mut()
            .filter(|c| c.name == CheckId::Signature)
        {
            c.detail.push_str(
                " (the header has a nonce, as Entra's tokens for Microsoft Graph do: only Graph \
                 can check their signature, ask a token for your own API to see it verified)",
            );
        }
    }
    report.checks.extend(signature.checks);
    let claims = &decoded.payload;
    match claims.get("iss").and_then(Value::as_str) {
        Some(iss) if iss == expect.issuer => report.push(
            CheckId::Iss,
            true,
            format!("{iss}, the issuer in the provider's metadata"),
        ),
        Some(iss) => report.push(
            CheckId::Iss,
            false,
            format!("{iss} is not the metadata's issuer {}", expect.issuer),
        ),
        None => report.push(CheckId::Iss, false, "no iss claim"),
    }
    let auds = super::continuity::audiences(claims);
    if auds.is_empty() {
        report.push(
            CheckId::Aud,
            false,
            "no aud claim: an API cannot tell the token is meant for it (RFC 9068 §2.2 requires \
             one)",
        );
    } else {
        report.push(
            CheckId::Aud,
            true,
            format!(
                "{}: the API that must accept it (the resource of the scope asked for)",
                auds.join(", ")
            ),
        );
    }
    // The client: `client_id` (RFC 9068), `azp` (Entra v2.0), `appid` (Entra v1.0).
    let named: Vec<(&str, &str)> = ["client_id", "azp", "appid"]
        .iter()
        .filter_map(|n| Some((*n, claims.get(*n)?.as_str()?)))
        .collect();
    match named.iter().find(|(_, v)| *v != expect.client_id) {
        Some((name, other)) => report.push(
            CheckId::Azp,
            false,
            format!(
                "{name} is {other}, not this client {}: the token was issued to another \
                 application",
                expect.client_id
            ),
        ),
        None if named.is_empty() => report.push(
            CheckId::Azp,
            true,
            "no client_id, azp or appid claim names the client it was issued to (optional)",
        ),
        None => report.push(
            CheckId::Azp,
            true,
            format!(
                "{} {}, this client",
                named
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(" and "),
                expect.client_id
            ),
        ),
    }
    report.checks.extend(time_checks(claims, now, expect.skew));
    report.push(
        CheckId::AccessToken,
        true,
        if app_only {
            app_only_words(claims)
        } else {
            subject_words(claims)
        },
    );
    if app_only && claims.contains_key("scp") {
        report.warn(
            CheckId::AccessToken,
            "the token has scp (delegated scopes, a user's consent) though no user signed in: an \
             app-only token carries application permissions in roles",
        );
    }
    (Some(decoded), report)
}

/// What the claims say about the token being the application's own.
fn app_only_words(claims: &serde_json::Map<String, Value>) -> String {
    let roles: Vec<&str> = match claims.get("roles") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) => vec![s.as_str()],
        _ => Vec::new(),
    };
    let mut words = vec!["a JWT for the application itself (no user)".to_owned()];
    if claims.get("idtyp").and_then(Value::as_str) == Some("app") {
        words.push("idtyp app".into());
    }
    if roles.is_empty() {
        words.push("no roles claim: no application permission was granted to it".into());
    } else {
        words.push(format!(
            "application permissions (roles) {}",
            roles.join(", ")
        ));
    }
    words.join("; ")
}

/// Who a token from a token exchange or JWT bearer grant is for, and who acts for them.
fn subject_words(claims: &serde_json::Map<String, Value>) -> String {
    let sub = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or("(no sub)");
    let mut words = format!("a JWT for subject {sub}");
    if let Some(actor) = claims
        .get("act")
        .and_then(|a| a.get("sub"))
        .and_then(Value::as_str)
    {
        words.push_str(&format!(
            "; act.sub {actor} acts for them (RFC 8693 §4.1 delegation)"
        ));
    }
    if let Some(scp) = claims.get("scp").and_then(Value::as_str) {
        words.push_str(&format!("; scp {scp}"));
    }
    words
}

impl Report {
    /// The `issued_token_type` of a token exchange: an access token is what the client can use.
    fn warn_if_odd_type(&mut self, issued: &str) {
        if issued != "urn:ietf:params:oauth:token-type:access_token" {
            self.warn(
                CheckId::Response,
                format!(
                    "issued_token_type is {issued}: not an access token, so only what accepts \
                     that type can use it"
                ),
            );
        }
    }
}
