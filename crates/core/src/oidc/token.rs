//! The token endpoint: redeeming an authorization code (with the PKCE verifier) and a refresh
//! token. Non-JSON, non-2xx, redirects and malformed answers become typed errors that keep the
//! raw body for display; an OAuth error object becomes a [`ProviderError`].

use crate::error::{Error, Result};
use crate::http::{self, HttpClient, HttpRequest, HttpResponse};
use crate::oidc::provider_error::{ErrorOrigin, ProviderError};
use crate::secret::Secret;
use serde_json::Value;
use url::Url;

/// How the client proves itself at the token endpoint.
#[derive(Debug, Clone, Default)]
pub enum ClientAuth {
    /// A public client (PKCE only).
    #[default]
    None,
    /// `client_secret_post`.
    SecretPost(Secret),
    /// `client_secret_basic`.
    SecretBasic(Secret),
    /// `client_secret_jwt`: an HS256 assertion signed with the secret (RFC 7523).
    SecretJwt(Secret),
    /// `private_key_jwt`: an assertion signed with the client's private key (RFC 7523).
    PrivateKeyJwt(std::sync::Arc<crate::oidc::client_assertion::ClientKey>),
    /// `tls_client_auth`, or with `self_signed` `self_signed_tls_client_auth` (RFC 8705): the
    /// client certificate in the TLS handshake proves the client; the form names the client ID.
    Tls {
        /// `self_signed_tls_client_auth`.
        self_signed: bool,
    },
}

impl ClientAuth {
    /// The metadata name of the method (`none` for a public client).
    pub fn name(&self) -> &'static str {
        match self {
            ClientAuth::None => "none",
            ClientAuth::SecretPost(_) => "client_secret_post",
            ClientAuth::SecretBasic(_) => "client_secret_basic",
            ClientAuth::SecretJwt(_) => "client_secret_jwt",
            ClientAuth::PrivateKeyJwt(_) => "private_key_jwt",
            ClientAuth::Tls { self_signed: false } => "tls_client_auth",
            ClientAuth::Tls { self_signed: true } => "self_signed_tls_client_auth",
        }
    }

    /// Whether the client proves itself with a signed assertion.
    pub fn is_jwt(&self) -> bool {
        matches!(
            self,
            ClientAuth::SecretJwt(_) | ClientAuth::PrivateKeyJwt(_)
        )
    }
}

/// A successful token response. Tokens are [`Secret`]s: `Debug` never shows them.
#[derive(Debug, Clone, Default)]
pub struct TokenResponse {
    /// `access_token`.
    pub access_token: Option<Secret>,
    /// `id_token`.
    pub id_token: Option<Secret>,
    /// `refresh_token`.
    pub refresh_token: Option<Secret>,
    /// `token_type`.
    pub token_type: Option<String>,
    /// `expires_in` seconds.
    pub expires_in: Option<u64>,
    /// `scope` granted, as sent (empty when the provider sent `""`).
    pub scope: Option<String>,
    /// B2C's `refresh_token_expires_in`.
    pub refresh_token_expires_in: Option<u64>,
    /// Every field but the three tokens, as sent (B2C's `not_before`, `profile_info`...).
    pub fields: serde_json::Map<String, Value>,
}

/// Redeems an authorization code.
pub async fn exchange_code(
    http: &dyn HttpClient,
    token_endpoint: &Url,
    client_id: &str,
    auth: &ClientAuth,
    code: &Secret,
    redirect_uri: &str,
    verifier: &Secret,
) -> Result<TokenResponse> {
    let fields = vec![
        ("grant_type", "authorization_code"),
        ("code", code.expose()),
        ("redirect_uri", redirect_uri),
        ("code_verifier", verifier.expose()),
    ];
    post(http, token_endpoint, client_id, auth, fields).await
}

/// Redeems a refresh token (the same policy's token endpoint, as B2C requires).
pub async fn redeem_refresh(
    http: &dyn HttpClient,
    token_endpoint: &Url,
    client_id: &str,
    auth: &ClientAuth,
    refresh_token: &Secret,
    scope: &str,
) -> Result<TokenResponse> {
    let mut fields = vec![
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token.expose()),
    ];
    if !scope.is_empty() {
        fields.push(("scope", scope));
    }
    post(http, token_endpoint, client_id, auth, fields).await
}

/// B2C's resource-owner-password flow (`B2C_1_ROPC_…` user flows): `grant_type=password` with
/// the user's name and password, `response_type=token id_token`. No page, no MFA, no federation.
pub async fn password_grant(
    http: &dyn HttpClient,
    token_endpoint: &Url,
    client_id: &str,
    auth: &ClientAuth,
    username: &Secret,
    password: &Secret,
    scope: &str,
) -> Result<TokenResponse> {
    let fields = vec![
        ("grant_type", "password"),
        ("username", username.expose()),
        ("password", password.expose()),
        ("scope", scope),
        ("response_type", "token id_token"),
    ];
    post(http, token_endpoint, client_id, auth, fields).await
}

/// The client credentials grant (RFC 6749 §4.4): an access token for the client itself, no user.
/// `scope` is sent when not empty.
pub async fn client_credentials_grant(
    http: &dyn HttpClient,
    token_endpoint: &Url,
    client_id: &str,
    auth: &ClientAuth,
    scope: &str,
) -> Result<TokenResponse> {
    let mut fields = vec![("grant_type", "client_credentials")];
    if !scope.is_empty() {
        fields.push(("scope", scope));
    }
    post(http, token_endpoint, client_id, auth, fields).await
}

/// Polls for the tokens of a device authorization (RFC 8628 §3.4). `authorization_pending`,
/// `slow_down`, `expired_token` and `access_denied` come back as provider errors.
pub async fn device_code_grant(
    http: &dyn HttpClient,
    token_endpoint: &Url,
    client_id: &str,
    auth: &ClientAuth,
    device_code: &Secret,
) -> Result<TokenResponse> {
    let fields = vec![
        ("grant_type", DEVICE_CODE_GRANT),
        ("device_code", device_code.expose()),
    ];
    post(http, token_endpoint, client_id, auth, fields).await
}

/// Any other grant: `fields` (with its `grant_type`) posted with the client's authentication.
pub async fn grant(
    http: &dyn HttpClient,
    token_endpoint: &Url,
    client_id: &str,
    auth: &ClientAuth,
    fields: Vec<(&str, &str)>,
) -> Result<TokenResponse> {
    post(http, token_endpoint, client_id, auth, fields).await
}

/// RFC 8628's grant type.
pub const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

async fn post(
    http: &dyn HttpClient,
    url: &Url,
    client_id: &str,
    auth: &ClientAuth,
    fields: Vec<(&str, &str)>,
) -> Result<TokenResponse> {
    let request = authenticated_form(url, client_id, auth, fields)?;
    http::exchange(http, request, |response| {
        parse_token_response(url, response)
    })
    .await
}

/// A form POST to one of the provider's endpoints with the client's authentication (its ID, or
/// its secret in the body or as HTTP Basic). Secret fields are scrubbed from errors.
pub(crate) fn authenticated_form<'a>(
    url: &Url,
    client_id: &'a str,
    auth: &'a ClientAuth,
    given: Vec<(&'a str, &'a str)>,
) -> Result<HttpRequest> {
    use crate::oidc::client_assertion::{self as ca, AssertionKey};
    let assertion = match auth {
        ClientAuth::SecretJwt(s) => Some(AssertionKey::Secret(s)),
        ClientAuth::PrivateKeyJwt(k) => Some(AssertionKey::Private(k)),
        _ => None,
    }
    .map(|key| {
        // aud: the endpoint the assertion is sent to (the token endpoint for a token request).
        let audience = url.as_str();
        ca::assertion(key, client_id, audience, chrono::Utc::now().timestamp())
            .map_err(|e| Error::Config(format!("the client assertion could not be signed: {e}")))
    })
    .transpose()?;
    let mut fields: Vec<(&str, &str)> = given;
    match auth {
        ClientAuth::None | ClientAuth::Tls { .. } => fields.push(("client_id", client_id)),
        ClientAuth::SecretPost(secret) => {
            fields.push(("client_id", client_id));
            fields.push(("client_secret", secret.expose()));
        }
        ClientAuth::SecretBasic(_) => {}
        ClientAuth::SecretJwt(_) | ClientAuth::PrivateKeyJwt(_) => {
            fields.push(("client_id", client_id));
            fields.push(("client_assertion_type", ca::JWT_BEARER_ASSERTION));
        }
    }
    if let Some(a) = &assertion {
        fields.push(("client_assertion", a.as_str()));
    }
    // The secret fields (code, verifier, refresh token, client secret, password) and the Basic
    // header's credentials are scrubbed from any error by `http::exchange`: a provider's error
    // page or description may echo the request.
    let mut request = HttpRequest::form(url.clone(), &fields);
    if let ClientAuth::SecretBasic(secret) = auth {
        request = request.basic_auth(client_id, secret);
    }
    if let ClientAuth::SecretJwt(secret) = auth {
        // Never in an error either, though it is not in the form.
        request.secrets.push(secret.clone());
    }
    Ok(request)
}

/// Interprets what the token endpoint answered.
pub fn parse_token_response(url: &Url, response: &HttpResponse) -> Result<TokenResponse> {
    let json: Option<Value> = serde_json::from_slice(&response.body).ok();
    let ok = (200..300).contains(&response.status);
    if !ok {
        if let Some(e) = error_object(ErrorOrigin::TokenEndpoint, json.as_ref()) {
            return Err(e);
        }
        return Err(http::status_error(url, response));
    }
    let invalid = |message: String| Error::InvalidResponse {
        url: url.to_string(),
        message,
        body: redact_tokens(&response.body),
    };
    let obj = match json {
        Some(Value::Object(obj)) => obj,
        Some(_) => {
            return Err(invalid(
                "the token response is JSON but not an object".into(),
            ))
        }
        None => {
            let message = match http::parse_json::<Value>(url, response) {
                Err(Error::InvalidResponse { message, .. }) => message,
                _ => "the token response is not JSON".into(),
            };
            return Err(invalid(message));
        }
    };
    let string = |name: &str| -> Result<Option<String>> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(Value::String(_)) => Err(invalid(format!("`{name}` is empty"))),
            Some(_) => Err(invalid(format!("`{name}` is not a string"))),
        }
    };
    let number = |name: &str| -> Result<Option<u64>> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(Some)
                .ok_or_else(|| invalid(format!("`{name}` is not a whole number of seconds"))),
            // Some providers send numbers as strings.
            Some(Value::String(s)) => s
                .parse()
                .map(Some)
                .map_err(|_| invalid(format!("`{name}` is not a number"))),
            Some(_) => Err(invalid(format!("`{name}` is not a number"))),
        }
    };
    let out = TokenResponse {
        access_token: string("access_token")?.map(Secret::new),
        id_token: string("id_token")?.map(Secret::new),
        refresh_token: string("refresh_token")?.map(Secret::new),
        token_type: string("token_type")?,
        expires_in: number("expires_in")?,
        // An empty `scope` is odd, not fatal: the report warns about it (engine).
        scope: match obj.get("scope") {
            Some(Value::String(s)) => Some(s.clone()),
            _ => string("scope")?,
        },
        refresh_token_expires_in: number("refresh_token_expires_in")?,
        fields: obj
            .iter()
            .filter(|(k, _)| !matches!(k.as_str(), "access_token" | "id_token" | "refresh_token"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    };
    if out.access_token.is_none() && out.id_token.is_none() {
        return Err(invalid(
            "the token response has neither an access_token nor an id_token".into(),
        ));
    }
    Ok(out)
}

/// A token response body for display with token values masked.
fn redact_tokens(body: &[u8]) -> String {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(mut obj)) => {
            for name in ["access_token", "id_token", "refresh_token"] {
                if let Some(v) = obj.get_mut(name) {
                    if v.is_string() {
                        *v = Value::String("[redacted]".into());
                    }
                }
            }
            Value::Object(obj).to_string()
        }
        _ => mask_token_fields(http::body_for_display(body)),
    }
}

/// Masks token values in a body that is not a JSON object (a truncated response):
/// `"access_token": "…` up to its closing quote, or to the end.
fn mask_token_fields(mut text: String) -> String {
    const MASK: &str = "[redacted]";
    for name in ["access_token", "id_token", "refresh_token"] {
        let key = format!("\"{name}\"");
        let mut from = 0;
        while let Some(found) = text[from..].find(&key) {
            let after_key = from + found + key.len();
            from = after_key;
            let rest = text[after_key..].trim_start();
            let Some(value) = rest.strip_prefix(':').map(str::trim_start) else {
                continue;
            };
            let Some(inner) = value.strip_prefix('"') else {
                continue;
            };
            let start = text.len() - inner.len();
            let end = inner.find('"').map_or(text.len(), |j| start + j);
            text.replace_range(start..end, MASK);
            from = start + MASK.len();
        }
    }
    text
}

/// An OAuth error object (`error`, `error_description`, `error_uri`) in a refused answer of
/// `origin`, as the provider's error; Entra ID and External ID also send `correlation_id` and
/// `timestamp` as members of it. `None` when the body is no such object.
pub(crate) fn error_object(origin: ErrorOrigin, json: Option<&Value>) -> Option<Error> {
    let Some(Value::Object(obj)) = json else {
        return None;
    };
    let error = obj.get("error").and_then(Value::as_str)?;
    let mut e = ProviderError::new(
        origin,
        error,
        obj.get("error_description").and_then(Value::as_str),
        obj.get("error_uri").and_then(Value::as_str),
    );
    let member = |name: &str| obj.get(name).and_then(Value::as_str).map(str::to_owned);
    if e.correlation_id.is_none() {
        e.correlation_id = member("correlation_id");
    }
    if e.timestamp.is_none() {
        e.timestamp = member("timestamp");
    }
    Some(Error::from(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        }
    }

    fn url() -> Url {
        Url::parse("https://idp/token").unwrap()
    }

    #[test]
    fn parses_a_good_response_without_leaking_tokens_in_debug() {
        let r = parse_token_response(
            &url(),
            &resp(200, r#"{"id_token":"a.b.c","access_token":"AT","refresh_token":"RT","token_type":"Bearer","expires_in":"3600","refresh_token_expires_in":1209600}"#),
        )
        .unwrap();
        assert_eq!(r.refresh_token.as_ref().unwrap().expose(), "RT");
        assert_eq!(r.expires_in, Some(3600));
        assert_eq!(r.refresh_token_expires_in, Some(1_209_600));
        let dbg = format!("{r:?}");
        assert!(
            !dbg.contains("RT\"") && !dbg.contains("AT\"") && !dbg.contains("a.b.c"),
            "{dbg}"
        );
    }

    #[test]
    fn oauth_error_object_becomes_provider_error() {
        let e = parse_token_response(
            &url(),
            &resp(400, r#"{"error":"invalid_grant","error_description":"AADB2C90080: The provided grant has expired.\r\nCorrelation ID: x\r\nTimestamp: t"}"#),
        )
        .unwrap_err();
        match e {
            Error::Provider(p) => {
                assert!(p.is_invalid_grant());
                assert_eq!(p.code.as_deref(), Some("AADB2C90080"));
                assert_eq!(p.origin, ErrorOrigin::TokenEndpoint);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn faults_become_clear_errors_with_the_body() {
        let e =
            parse_token_response(&url(), &resp(500, "<html><body>Oops</body></html>")).unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::HttpStatus);
        assert!(e.to_string().contains("HTTP 500 with an HTML page"), "{e}");
        assert!(e.raw_body().unwrap().contains("Oops"));
        let e = parse_token_response(&url(), &resp(200, "{\"access_token\": ")).unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::InvalidResponse);
        let e = parse_token_response(&url(), &resp(200, "[]")).unwrap_err();
        assert!(e.to_string().contains("not an object"), "{e}");
        let e = parse_token_response(&url(), &resp(200, r#"{"token_type":"Bearer"}"#)).unwrap_err();
        assert!(e.to_string().contains("neither"), "{e}");
        let e = parse_token_response(&url(), &resp(200, r#"{"id_token":42}"#)).unwrap_err();
        assert!(e.to_string().contains("not a string"), "{e}");
        let e = parse_token_response(
            &url(),
            &resp(200, r#"{"access_token":"AT","expires_in":-5}"#),
        )
        .unwrap_err();
        assert!(e.to_string().contains("expires_in"), "{e}");
        assert!(
            !e.raw_body().unwrap().contains("\"AT\""),
            "tokens masked in the kept body"
        );
        let mut redirect = resp(302, "");
        redirect
            .headers
            .push(("location".into(), "https://evil/".into()));
        let e = parse_token_response(&url(), &redirect).unwrap_err();
        assert!(e.to_string().contains("never follows redirects"), "{e}");
    }

    #[test]
    fn a_truncated_response_keeps_its_body_with_the_tokens_masked() {
        let body = r#"{"access_token": "AT-secret", "refresh_token":"RT-secret", "id_token": "a.b"#;
        let e = parse_token_response(&url(), &resp(200, body)).unwrap_err();
        assert_eq!(e.kind(), crate::error::ErrorKind::InvalidResponse);
        let kept = e.raw_body().unwrap();
        assert!(
            !kept.contains("AT-secret") && !kept.contains("RT-secret"),
            "{kept}"
        );
        assert!(!kept.contains("a.b"), "{kept}");
        assert!(kept.contains(r#""access_token": "[redacted]""#), "{kept}");
        assert!(e.to_string().contains("expected JSON"), "{e}");
    }

    #[tokio::test]
    async fn errors_never_repeat_the_code_verifier_or_refresh_token_sent() {
        // A provider whose error page and error description echo the request.
        let echo = |request: HttpRequest| async move {
            let form = String::from_utf8(request.body).unwrap();
            let (status, body) = if form.contains("refresh_token=") {
                (
                    400,
                    format!(r#"{{"error":"invalid_request","error_description":"bad: {form}"}}"#),
                )
            } else {
                (500, format!("<html><pre>{form}</pre></html>"))
            };
            Ok::<_, http::HttpError>(HttpResponse {
                status,
                headers: vec![],
                body: body.into_bytes(),
            })
        };
        let (code, verifier) = (Secret::new("the-code/+="), Secret::new("the-verifier"));
        let e = exchange_code(
            &echo,
            &url(),
            "cid",
            &ClientAuth::None,
            &code,
            "http://127.0.0.1:1",
            &verifier,
        )
        .await
        .unwrap_err();
        let shown = format!("{e:?}");
        assert!(
            !shown.contains("the-code") && !shown.contains("the-verifier"),
            "{shown}"
        );
        assert!(
            shown.contains("grant_type=authorization_code"),
            "the rest is kept: {shown}"
        );
        let rt = Secret::new("the-refresh-token");
        let e = redeem_refresh(&echo, &url(), "cid", &ClientAuth::None, &rt, "openid")
            .await
            .unwrap_err();
        let shown = format!("{e:?} {e}");
        assert!(!shown.contains("the-refresh-token"), "{shown}");
        assert!(shown.contains("invalid_request"), "{shown}");
    }
}
