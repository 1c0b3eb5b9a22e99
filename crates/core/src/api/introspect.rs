//! Token introspection (RFC 7662): the provider's `introspection_endpoint`, asked about a token
//! with the profile's client authentication; the answer's claims (`active`, `scope`,
//! `client_id`, `exp`, `sub`...) explained with the claim catalogue. A refusal (an OAuth error
//! object) is shown as it came; an HTML page, a body that is not JSON or has no boolean
//! `active` is an error.

use super::revoke::{check_endpoint, client_form, oauth_error, EndpointError};
use crate::error::{Error, Result};
use crate::exchange::{as_step, Step};
use crate::http::{self, HttpClient};
use crate::inspect::explain::{self, ClaimRow};
use crate::oidc::token::ClientAuth;
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::time::Instant;
use url::Url;

/// Which of the profile's tokens the desktop asks about (the command line can also give any
/// token: [`IntrospectTarget::Given`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum IntrospectToken {
    /// The access token (this session's, else one from a silent refresh).
    #[default]
    Access,
    /// The refresh token stored in the vault.
    Refresh,
}

/// The token to introspect.
#[derive(Clone)]
pub enum IntrospectTarget {
    /// One of the profile's.
    Profile(IntrospectToken),
    /// A token the user gave.
    Given(Secret),
}

impl std::fmt::Debug for IntrospectTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntrospectTarget::Profile(t) => write!(f, "Profile({t:?})"),
            IntrospectTarget::Given(_) => f.write_str("Given(..)"),
        }
    }
}

impl IntrospectTarget {
    /// The `token_type_hint` sent (none for a given token).
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            IntrospectTarget::Profile(IntrospectToken::Access) => Some("access_token"),
            IntrospectTarget::Profile(IntrospectToken::Refresh) => Some("refresh_token"),
            IntrospectTarget::Given(_) => None,
        }
    }

    /// "access token", "refresh token", "the token given".
    pub fn label(&self) -> &'static str {
        match self {
            IntrospectTarget::Profile(IntrospectToken::Access) => "access token",
            IntrospectTarget::Profile(IntrospectToken::Refresh) => "refresh token",
            IntrospectTarget::Given(_) => "token given",
        }
    }
}

/// What the introspection endpoint said.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Introspection {
    /// The endpoint called.
    pub endpoint: String,
    /// Which token was asked about ("access token", "refresh token", "token given").
    pub token: String,
    /// Its status.
    pub status: u16,
    /// Milliseconds.
    pub elapsed_ms: u64,
    /// The verdict (`None` when the endpoint refused to answer).
    pub active: Option<bool>,
    /// Every member of the answer, explained (`exp` as a date...).
    pub claims: Vec<ClaimRow>,
    /// The OAuth error of a refusal.
    pub error: Option<EndpointError>,
    /// What the verdict means, in sentences.
    pub notes: Vec<String>,
    /// What went over the wire (the silent refresh that fetched the token included), masked.
    pub exchanges: Vec<crate::exchange::Exchange>,
}

impl Introspection {
    /// The endpoint answered (2xx), whatever its verdict.
    pub fn answered(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// POSTs `token` (with its hint) to the introspection endpoint with the client's
/// authentication and explains the answer.
pub async fn introspect(
    client: &dyn HttpClient,
    endpoint: &Url,
    client_id: &str,
    auth: &ClientAuth,
    target: &IntrospectTarget,
    token: &Secret,
    now: DateTime<Utc>,
) -> Result<Introspection> {
    check_endpoint("introspection_endpoint", endpoint)?;
    let mut fields = vec![("token", token.expose())];
    if let Some(hint) = target.hint() {
        fields.push(("token_type_hint", hint));
    }
    let request = client_form(endpoint, client_id, auth, fields)?;
    let scrubber = request.scrubber();
    let started = Instant::now();
    let mut response = as_step(Step::Introspection, http::send(client, request)).await?;
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut out = Introspection {
        endpoint: endpoint.to_string(),
        token: target.label().to_owned(),
        status: response.status,
        elapsed_ms,
        active: None,
        claims: Vec::new(),
        error: None,
        notes: Vec::new(),
        exchanges: Vec::new(),
    };
    if !(200..300).contains(&response.status) {
        return match oauth_error(&response) {
            Some(e) => {
                out.error = Some(EndpointError {
                    error: scrubber.text(&e.error),
                    description: e.description.map(|d| scrubber.text(&d)),
                });
                if matches!(response.status, 401 | 403) {
                    out.notes.push(
                        "the endpoint did not accept the client's credentials: a public client \
                         (no secret) may introspect only where the provider allows it; set the \
                         client secret of a confidential client (`tokenscope profiles secret \
                         set`)"
                            .into(),
                    );
                }
                Ok(out)
            }
            None => Err(scrubber.error(http::status_error(endpoint, &response))),
        };
    }
    // The answer should not repeat the token; if it does, it is masked before anything shows it.
    response.body = http::mask_sent(
        String::from_utf8_lossy(&response.body).into_owned(),
        &[token.expose()],
    )
    .into_bytes();
    let claims: Map<String, Value> =
        http::parse_json(endpoint, &response).map_err(|e| scrubber.error(e))?;
    let Some(active) = claims.get("active").and_then(Value::as_bool) else {
        return Err(Error::InvalidResponse {
            url: endpoint.to_string(),
            message: "the answer has no boolean `active` member (RFC 7662 §2.2 requires one)"
                .into(),
            body: scrubber.text(&response.body_text()),
        });
    };
    out.active = Some(active);
    out.claims = explain::claims(&claims, now);
    if active {
        out.notes.push(format!(
            "active: the provider says this {} is valid now",
            target.label()
        ));
    } else {
        out.notes.push(format!(
            "not active: the {} is expired, revoked, or was not issued to this client by this \
             provider (RFC 7662 §2.2 says no more, on purpose)",
            target.label()
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{HttpError, HttpRequest, HttpResponse};

    fn answer(status: u16, content_type: &'static str, body: &'static str) -> impl HttpClient {
        move |_: HttpRequest| async move {
            Ok::<_, HttpError>(HttpResponse {
                status,
                headers: vec![("content-type".into(), content_type.into())],
                body: body.as_bytes().to_vec(),
            })
        }
    }

    const TOKEN: &str = "at-0c1d2e3f4a5b6c7d";

    async fn ask(c: &dyn HttpClient) -> Result<Introspection> {
        introspect(
            c,
            &Url::parse("https://idp.example/introspect").unwrap(),
            "app",
            &ClientAuth::None,
            &IntrospectTarget::Profile(IntrospectToken::Access),
            &Secret::new(TOKEN),
            DateTime::from_timestamp(1_800_000_000, 0).unwrap(),
        )
        .await
    }

    #[tokio::test]
    async fn the_claims_are_explained_and_exp_is_a_date() {
        let c = answer(
            200,
            "application/json",
            r#"{"active":true,"scope":"openid read","client_id":"app","exp":1800000600,"sub":"u1"}"#,
        );
        let i = ask(&c).await.unwrap();
        assert_eq!(i.active, Some(true));
        let exp = i.claims.iter().find(|c| c.name == "exp").unwrap();
        assert_eq!(exp.time.as_deref(), Some("2027-01-15T08:10:00Z"));
        let active = i.claims.iter().find(|c| c.name == "active").unwrap();
        assert!(active.catalogue.is_some(), "{:?}", active.description);
    }

    #[tokio::test]
    async fn html_non_json_and_a_missing_active_are_clear_errors_without_the_token() {
        for (status, ct, body, says) in [
            (
                200,
                "text/html",
                "<!doctype html><p>at-0c1d2e3f4a5b6c7d</p>",
                "HTML page",
            ),
            (200, "application/json", "{not json", "expected JSON"),
            (
                200,
                "application/json",
                r#"{"scope":"at-0c1d2e3f4a5b6c7d"}"#,
                "no boolean `active`",
            ),
            (502, "text/html", "<html>bad gateway</html>", "502"),
        ] {
            let e = ask(&answer(status, ct, body)).await.unwrap_err();
            let shown = format!("{e} {e:?}");
            assert!(shown.contains(says), "{shown}");
            assert!(!shown.contains(TOKEN), "{shown}");
        }
    }

    #[tokio::test]
    async fn an_oauth_error_is_a_refusal() {
        let c = answer(
            401,
            "application/json",
            r#"{"error":"invalid_client","error_description":"client authentication failed"}"#,
        );
        let i = ask(&c).await.unwrap();
        assert_eq!(i.active, None);
        assert_eq!(i.error.unwrap().error, "invalid_client");
        assert!(i.notes[0].contains("client secret"), "{:?}", i.notes);
    }
}
