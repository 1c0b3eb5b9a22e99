//! The provider's userinfo endpoint (OpenID Connect Core §5.3), called with the access token:
//! its claims explained with the claim catalogue and compared with the ID token's (the same
//! `sub` is required, §5.3.2). A refusal is diagnosed like an API's.

use super::challenge::{self, BearerChallenge};
use super::diagnose::{self, Finding, Hints, SentToken};
use super::TokenChoice;
use crate::error::{Error, Result};
use crate::exchange::{as_step, Step};
use crate::http::{self, HttpClient, HttpRequest};
use crate::inspect::diff::{compare_claims, ClaimChange};
use crate::inspect::explain::{self, ClaimRow};
use crate::jose::jwt::{self, TokenKind};
use crate::mask::Scrubber;
use crate::oidc::authority::check_transport;
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use std::time::Instant;
use url::Url;

/// ID-token claims about the token itself, not the user: userinfo is not expected to repeat
/// them, so their absence there is not a difference.
const TOKEN_ONLY: &[&str] = &[
    "iss",
    "aud",
    "exp",
    "iat",
    "nbf",
    "nonce",
    "at_hash",
    "c_hash",
    "auth_time",
    "sid",
    "azp",
    "jti",
    "acr",
    "amr",
];

/// What the userinfo endpoint said.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UserInfo {
    /// The endpoint called.
    pub endpoint: String,
    /// Its status.
    pub status: u16,
    /// Milliseconds.
    pub elapsed_ms: u64,
    /// The claims, explained (empty unless 2xx).
    pub claims: Vec<ClaimRow>,
    /// The response was a JWT (`application/jwt`); its signature is not checked here.
    pub signed: bool,
    /// Whether `sub` equals the ID token's (`None` without an ID token or a `sub`).
    pub same_subject: Option<bool>,
    /// Claims that differ from the ID token's: removed = only in the ID token, added = only in
    /// userinfo, changed = different values.
    pub differences: Vec<ClaimChange>,
    /// Claims equal in both.
    pub same: Vec<String>,
    /// Notes (no ID token to compare with, an encrypted response...).
    pub notes: Vec<String>,
    /// Why a 401 or 403 happened.
    pub diagnosis: Vec<Finding>,
    /// The body for display when it is not claims (an error).
    pub body: Option<String>,
    /// What went over the wire (the silent refresh that fetched the token included), masked.
    pub exchanges: Vec<crate::exchange::Exchange>,
}

impl UserInfo {
    /// 2xx.
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// GETs the userinfo endpoint with the access token and compares with `id_token` (its claims).
pub async fn fetch(
    http: &dyn HttpClient,
    endpoint: &Url,
    access_token: &Secret,
    id_token: Option<&Map<String, Value>>,
    hints: &Hints<'_>,
    now: DateTime<Utc>,
) -> Result<UserInfo> {
    check_transport(endpoint).map_err(|_| {
        Error::Metadata(format!(
            "`userinfo_endpoint` is {endpoint}: only https is allowed (http only on loopback)"
        ))
    })?;
    let mut request = HttpRequest::get(endpoint.clone());
    request.headers.push((
        "authorization".into(),
        format!("Bearer {}", access_token.expose()),
    ));
    request.secrets.push(access_token.clone());
    request
        .headers
        .iter_mut()
        .filter(|(n, _)| n == "accept")
        .for_each(|(_, v)| *v = "application/json, application/jwt".into());
    let sent = Scrubber::new(&[access_token.expose()]);
    let started = Instant::now();
    let response = as_step(Step::Userinfo, http::send(http, request))
        .await
        .map_err(|e| sent.error(e))?;
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut info = UserInfo {
        endpoint: endpoint.to_string(),
        status: response.status,
        elapsed_ms,
        claims: Vec::new(),
        signed: false,
        same_subject: None,
        differences: Vec::new(),
        same: Vec::new(),
        notes: Vec::new(),
        diagnosis: Vec::new(),
        body: None,
        exchanges: Vec::new(),
    };
    if !info.succeeded() {
        let challenges = challenge::parse(
            response
                .headers
                .iter()
                .filter(|(n, _)| n == "www-authenticate")
                .map(|(_, v)| v.as_str()),
        );
        let decoded = jwt::decode(access_token.expose()).ok();
        info.diagnosis = diagnose::diagnose(
            response.status,
            &challenges,
            &SentToken {
                choice: TokenChoice::Access,
                decoded: decoded.as_ref(),
            },
            hints,
            now,
        );
        if info.diagnosis.is_empty() {
            if let Some(b) = challenges.iter().find_map(BearerChallenge::of) {
                if let Some(d) = b.error_description {
                    info.notes.push(format!("the endpoint says: {d}"));
                }
            }
        }
        info.body = Some(sent.text(&response.body_text()));
        return Ok(info);
    }
    let is_jwt = response
        .header("content-type")
        .is_some_and(|t| t.to_ascii_lowercase().starts_with("application/jwt"));
    let claims: Map<String, Value> = if is_jwt {
        let text = String::from_utf8_lossy(&response.body);
        let decoded = jwt::decode(text.trim()).map_err(|e| Error::InvalidResponse {
            url: endpoint.to_string(),
            message: format!("the userinfo JWT does not decode: {e}"),
            body: String::new(),
        })?;
        info.signed = true;
        if decoded.kind == TokenKind::Jwe {
            info.notes.push(
                "the response is encrypted (JWE): decrypt it with `tokenscope decode \
                 --decrypt-key` to see the claims"
                    .into(),
            );
        } else {
            info.notes
                .push("the response is a JWT; its signature is not checked here".into());
        }
        decoded.payload
    } else {
        http::parse_json(endpoint, &response)?
    };
    info.claims = explain::claims(&claims, now);
    match id_token {
        None => info
            .notes
            .push("no ID token to compare with (is `openid` in the scopes?)".into()),
        Some(id) => {
            info.same_subject = match (id.get("sub"), claims.get("sub")) {
                (Some(a), Some(b)) => Some(a == b),
                _ => None,
            };
            if info.same_subject == Some(false) {
                info.notes.push(
                    "`sub` differs from the ID token's: OpenID Connect Core §5.3.2 says the \
                     userinfo response must then not be used"
                        .into(),
                );
            }
            let about_user: Map<String, Value> = id
                .iter()
                .filter(|(k, _)| !TOKEN_ONLY.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let (differences, same) = compare_claims(&about_user, &claims);
            info.differences = differences;
            info.same = same;
        }
    }
    Ok(info)
}
