//! Token revocation (RFC 7009): the provider's `revocation_endpoint`, called with the profile's
//! client authentication (Basic or the form for a confidential client, `client_id` for a
//! public one). A 200 is a revocation; an OAuth error object is a refusal shown as it came; an
//! HTML page or anything else is an error, and the caller keeps what it has.

use crate::error::{Error, Result};
use crate::exchange::{as_step, Step};
use crate::http::{self, HttpClient, HttpRequest, HttpResponse};
use crate::oidc::authority::check_transport;
use crate::oidc::token::ClientAuth;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Instant;
use url::Url;

/// Which of the profile's tokens is revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RevokeToken {
    /// The refresh token stored in the vault (removed from it once revoked).
    #[default]
    Refresh,
    /// The access token this session holds.
    Access,
}

impl RevokeToken {
    /// The `token_type_hint` sent (RFC 7009 §2.1).
    pub fn hint(self) -> &'static str {
        match self {
            RevokeToken::Refresh => "refresh_token",
            RevokeToken::Access => "access_token",
        }
    }

    /// "refresh token" / "access token".
    pub fn label(self) -> &'static str {
        match self {
            RevokeToken::Refresh => "refresh token",
            RevokeToken::Access => "access token",
        }
    }
}

/// An OAuth error object an endpoint answered with (RFC 6749 §5.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EndpointError {
    /// `error`.
    pub error: String,
    /// `error_description`.
    pub description: Option<String>,
}

impl std::fmt::Display for EndpointError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.description {
            Some(d) => write!(f, "{}: {d}", self.error),
            None => f.write_str(&self.error),
        }
    }
}

/// What the revocation endpoint said.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Revocation {
    /// The endpoint called.
    pub endpoint: String,
    /// The token revoked.
    pub token: RevokeToken,
    /// Its status.
    pub status: u16,
    /// Milliseconds.
    pub elapsed_ms: u64,
    /// The provider accepted the revocation (2xx).
    pub revoked: bool,
    /// The OAuth error of a refusal.
    pub error: Option<EndpointError>,
    /// The refresh token was removed from the vault after the revocation.
    pub removed_from_vault: bool,
    /// What happened, in a sentence.
    pub message: String,
    /// What went over the wire (the silent refresh that fetched the token included), masked.
    pub exchanges: Vec<crate::exchange::Exchange>,
}

/// The error for a profile whose provider has no such endpoint (B2C has neither).
pub fn no_endpoint(what: &str, member: &str, metadata_url: &str) -> Error {
    let advice = if member == "revocation_endpoint" {
        "Azure AD B2C has none: a refresh token ends when it expires or when the user's \
         sessions are revoked (Microsoft Graph revokeSignInSessions); `tokenscope signout` \
         deletes the stored copy"
    } else {
        "Azure AD B2C has none: `tokenscope decode` reads a JWT access token's claims, and an \
         API checks the token itself"
    };
    Error::Config(format!(
        "this provider has no {what} endpoint: its metadata ({metadata_url}) has no \
         `{member}`. {advice}"
    ))
}

/// Checks an endpoint named by the metadata before anything is sent to it.
pub(super) fn check_endpoint(member: &str, endpoint: &Url) -> Result<()> {
    check_transport(endpoint).map_err(|_| {
        Error::Metadata(format!(
            "`{member}` is {endpoint}: only https is allowed (http only on loopback)"
        ))
    })?;
    if !endpoint.username().is_empty() || endpoint.password().is_some() {
        return Err(Error::Metadata(format!("`{member}` carries credentials")));
    }
    Ok(())
}

/// A form POST with the client's authentication, as at the token endpoint: Basic for
/// `client_secret_basic`, `client_id` and `client_secret` in the form for `client_secret_post`,
/// a signed client assertion for `client_secret_jwt` and `private_key_jwt` (`aud` this
/// endpoint), `client_id` alone for a public client. Secrets are scrubbed from errors by
/// [`http::send`].
pub(super) fn client_form<'a>(
    url: &Url,
    client_id: &'a str,
    auth: &'a ClientAuth,
    fields: Vec<(&'static str, &'a str)>,
) -> Result<HttpRequest> {
    crate::oidc::token::authenticated_form(url, client_id, auth, fields)
}

/// The OAuth error object of a body, if it is one.
pub(super) fn oauth_error(response: &HttpResponse) -> Option<EndpointError> {
    let Ok(Value::Object(obj)) = serde_json::from_slice::<Value>(&response.body) else {
        return None;
    };
    let error = obj.get("error")?.as_str()?.to_owned();
    Some(EndpointError {
        error,
        description: obj
            .get("error_description")
            .and_then(Value::as_str)
            .map(str::to_owned),
    })
}

/// True for an HTML page (by its type or its first characters).
pub(super) fn is_html(response: &HttpResponse) -> bool {
    let typed = response
        .header("content-type")
        .is_some_and(|t| t.to_ascii_lowercase().contains("html"));
    let start: Vec<u8> = response
        .body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(14)
        .map(u8::to_ascii_lowercase)
        .collect();
    typed || start.starts_with(b"<!doctype html") || start.starts_with(b"<html")
}

/// POSTs `token` with its `token_type_hint` to the revocation endpoint. `Ok` for a 2xx
/// (revoked) and for an OAuth error object (refused: `error` set); an HTML page or any other
/// answer is an error, so nothing is taken for revoked that was not.
pub async fn revoke(
    client: &dyn HttpClient,
    endpoint: &Url,
    client_id: &str,
    auth: &ClientAuth,
    token: &Secret,
    which: RevokeToken,
) -> Result<Revocation> {
    check_endpoint("revocation_endpoint", endpoint)?;
    let request = client_form(
        endpoint,
        client_id,
        auth,
        vec![("token", token.expose()), ("token_type_hint", which.hint())],
    )?;
    let scrubber = request.scrubber();
    let started = Instant::now();
    let response = as_step(Step::Revocation, http::send(client, request)).await?;
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut out = Revocation {
        endpoint: endpoint.to_string(),
        token: which,
        status: response.status,
        elapsed_ms,
        revoked: false,
        error: None,
        removed_from_vault: false,
        message: String::new(),
        exchanges: Vec::new(),
    };
    if (200..300).contains(&response.status) {
        // RFC 7009 §2.2: the body of a 200 is empty (or ignored). A page is not a revocation
        // endpoint's answer: a proxy, a portal or a wrong URL, and the token may well live on.
        if is_html(&response) {
            return Err(scrubber.error(Error::InvalidResponse {
                url: endpoint.to_string(),
                message: format!(
                    "HTTP {} with an HTML page: not what a revocation endpoint answers (RFC \
                     7009 §2.2), so the {} is not taken for revoked",
                    response.status,
                    which.label()
                ),
                body: response.body_text(),
            }));
        }
        out.revoked = true;
        return Ok(out);
    }
    match oauth_error(&response) {
        Some(e) => {
            out.error = Some(EndpointError {
                error: scrubber.text(&e.error),
                description: e.description.map(|d| scrubber.text(&d)),
            });
            Ok(out)
        }
        None => Err(scrubber.error(http::status_error(endpoint, &response))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::HttpError;
    use std::sync::{Arc, Mutex};

    /// What the endpoint received: each request's headers and body.
    type Seen = Arc<Mutex<Vec<(Vec<(String, String)>, String)>>>;

    fn answer(
        status: u16,
        content_type: &'static str,
        body: &'static str,
    ) -> (impl HttpClient, Seen) {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let client = move |r: HttpRequest| {
            log.lock().unwrap().push((
                r.headers.clone(),
                String::from_utf8_lossy(&r.body).into_owned(),
            ));
            async move {
                Ok::<_, HttpError>(HttpResponse {
                    status,
                    headers: vec![("content-type".into(), content_type.into())],
                    body: body.as_bytes().to_vec(),
                })
            }
        };
        (client, seen)
    }

    fn url() -> Url {
        Url::parse("https://idp.example/revoke").unwrap()
    }

    const TOKEN: &str = "rt-5f1d0c2b9a8e7d6c";

    /// Revokes [`TOKEN`] for client `app` at `endpoint`.
    async fn revoke_at(
        c: &impl HttpClient,
        endpoint: &Url,
        auth: &ClientAuth,
        which: RevokeToken,
    ) -> Result<Revocation> {
        revoke(c, endpoint, "app", auth, &Secret::new(TOKEN), which).await
    }

    #[tokio::test]
    async fn a_public_client_sends_its_id_and_a_confidential_one_its_secret_as_configured() {
        let (c, seen) = answer(200, "text/plain", "");
        let r = revoke_at(&c, &url(), &ClientAuth::None, RevokeToken::Refresh)
            .await
            .unwrap();
        assert!(r.revoked && r.error.is_none());
        let (headers, body) = seen.lock().unwrap().pop().unwrap();
        assert_eq!(
            body,
            format!("token={TOKEN}&token_type_hint=refresh_token&client_id=app")
        );
        assert!(!headers.iter().any(|(n, _)| n == "authorization"));

        let (c, seen) = answer(200, "text/plain", "");
        let basic = ClientAuth::SecretBasic(Secret::new("s3cret"));
        revoke_at(&c, &url(), &basic, RevokeToken::Access)
            .await
            .unwrap();
        let (headers, body) = seen.lock().unwrap().pop().unwrap();
        assert_eq!(body, format!("token={TOKEN}&token_type_hint=access_token"));
        assert!(headers
            .iter()
            .any(|(n, v)| n == "authorization" && v.starts_with("Basic ")));

        let (c, seen) = answer(200, "text/plain", "");
        let post = ClientAuth::SecretPost(Secret::new("s3cret"));
        revoke_at(&c, &url(), &post, RevokeToken::Access)
            .await
            .unwrap();
        let (_, body) = seen.lock().unwrap().pop().unwrap();
        assert!(
            body.ends_with("&client_id=app&client_secret=s3cret"),
            "{body}"
        );
    }

    #[tokio::test]
    async fn an_oauth_error_is_a_refusal_and_a_page_is_an_error_that_echoes_no_token() {
        let (c, _) = answer(
            400,
            "application/json",
            r#"{"error":"unsupported_token_type","error_description":"no rt-5f1d0c2b9a8e7d6c here"}"#,
        );
        let r = revoke_at(&c, &url(), &ClientAuth::None, RevokeToken::Refresh)
            .await
            .unwrap();
        assert!(!r.revoked);
        let e = r.error.unwrap();
        assert_eq!(e.error, "unsupported_token_type");
        assert!(!e.to_string().contains(TOKEN), "{e}");

        for (status, body) in [
            (200, "<!DOCTYPE html><p>rt-5f1d0c2b9a8e7d6c signed in</p>"),
            (404, "<html><body>Not found</body></html>"),
            (500, "oops"),
        ] {
            let (c, _) = answer(status, "text/html", body);
            let e = revoke_at(&c, &url(), &ClientAuth::None, RevokeToken::Refresh)
                .await
                .unwrap_err();
            let shown = format!("{e} {e:?}");
            assert!(!shown.contains(TOKEN), "{shown}");
            assert!(shown.contains(&status.to_string()), "{shown}");
            if status != 500 {
                assert!(shown.contains("HTML page"), "{shown}");
            }
        }
    }

    #[tokio::test]
    async fn an_endpoint_over_plain_http_elsewhere_is_refused_before_sending() {
        let (c, seen) = answer(200, "text/plain", "");
        let e = revoke_at(
            &c,
            &Url::parse("http://idp.example/revoke").unwrap(),
            &ClientAuth::None,
            RevokeToken::Refresh,
        )
        .await
        .unwrap_err();
        assert!(e.to_string().contains("only https"), "{e}");
        assert!(seen.lock().unwrap().is_empty());
    }
}
