//! The device authorization request (RFC 8628 §3.1–3.2): the device asks for a user code, the
//! user enters it at the verification URI on another device, and the device polls the token
//! endpoint (`token::device_code_grant`). The device code is a [`Secret`]; the user code is
//! meant to be shown.

use crate::error::{Error, Result};
use crate::http::{self, HttpClient, HttpResponse};
use crate::oidc::token::{self, ClientAuth};
use crate::secret::Secret;
use serde_json::Value;
use url::Url;

/// RFC 8628 §3.5: the polling interval when the provider names none.
pub const DEFAULT_INTERVAL: u64 = 5;

/// How much `slow_down` adds to the interval (RFC 8628 §3.5).
pub const SLOW_DOWN_STEP: u64 = 5;

/// What the device authorization endpoint answered.
#[derive(Debug, Clone)]
pub struct DeviceAuthorization {
    /// `device_code`: polled with, never shown.
    pub device_code: Secret,
    /// `user_code`: the user types it at the verification URI.
    pub user_code: String,
    /// `verification_uri`.
    pub verification_uri: String,
    /// `verification_uri_complete`: the URI with the user code in it (for a link or QR code).
    pub verification_uri_complete: Option<String>,
    /// `expires_in`: seconds until the codes expire.
    pub expires_in: u64,
    /// `interval`: seconds between polls.
    pub interval: u64,
}

/// Asks the device authorization endpoint for a user code.
pub async fn start(
    http: &dyn HttpClient,
    endpoint: &Url,
    client_id: &str,
    auth: &ClientAuth,
    scope: &str,
) -> Result<DeviceAuthorization> {
    let mut fields = Vec::new();
    if !scope.is_empty() {
        fields.push(("scope", scope));
    }
    let request = token::authenticated_form(endpoint, client_id, auth, fields)?;
    http::exchange(http, request, |response| parse(endpoint, response)).await
}

/// Interprets the device authorization response (an OAuth error object is a provider error).
pub fn parse(url: &Url, response: &HttpResponse) -> Result<DeviceAuthorization> {
    if !(200..300).contains(&response.status) {
        // The token endpoint's error handling: an error object becomes a provider error.
        return match token::parse_token_response(url, response) {
            Err(e) => Err(e),
            Ok(_) => Err(http::status_error(url, response)),
        };
    }
    let invalid = |message: String| Error::InvalidResponse {
        url: url.to_string(),
        message,
        body: String::new(),
    };
    let obj = match serde_json::from_slice::<Value>(&response.body) {
        Ok(Value::Object(obj)) => obj,
        _ => {
            return Err(invalid(
                "the device authorization response is not a JSON object".into(),
            ))
        }
    };
    let text = |name: &str| -> Result<String> {
        match obj.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
            _ => Err(invalid(format!(
                "the device authorization response has no `{name}` (RFC 8628 §3.2 requires it)"
            ))),
        }
    };
    let seconds = |name: &str| -> Result<Option<u64>> {
        match obj.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .map(Some)
                .ok_or_else(|| invalid(format!("`{name}` is not a whole number of seconds"))),
            Some(Value::String(s)) => s
                .parse()
                .map(Some)
                .map_err(|_| invalid(format!("`{name}` is not a number"))),
            Some(_) => Err(invalid(format!("`{name}` is not a number"))),
        }
    };
    let verification_uri = match text("verification_uri") {
        Ok(uri) => uri,
        // Entra ID before RFC 8628 was final wrote `verification_url`.
        Err(e) => match obj.get("verification_url").and_then(Value::as_str) {
            Some(uri) if !uri.is_empty() => uri.to_owned(),
            _ => return Err(e),
        },
    };
    for uri in [
        Some(verification_uri.as_str()),
        obj.get("verification_uri_complete").and_then(Value::as_str),
    ]
    .into_iter()
    .flatten()
    {
        match Url::parse(uri) {
            Ok(u) if matches!(u.scheme(), "https" | "http") => {}
            _ => {
                return Err(invalid(format!(
                    "the verification URI {uri:?} is not an http(s) URL"
                )))
            }
        }
    }
    let expires_in = seconds("expires_in")?.ok_or_else(|| {
        invalid(
            "the device authorization response has no `expires_in` (RFC 8628 §3.2 requires it)"
                .into(),
        )
    })?;
    Ok(DeviceAuthorization {
        device_code: Secret::new(text("device_code")?),
        user_code: text("user_code")?,
        verification_uri,
        verification_uri_complete: obj
            .get("verification_uri_complete")
            .and_then(Value::as_str)
            .map(str::to_owned),
        expires_in,
        interval: seconds("interval")?.unwrap_or(DEFAULT_INTERVAL).max(1),
    })
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
        Url::parse("https://idp/device").unwrap()
    }

    #[test]
    fn a_device_authorization_is_read_without_showing_the_device_code() {
        let d = parse(
            &url(),
            &resp(
                200,
                r#"{"device_code":"DC-secret","user_code":"WDJB-MJHT","verification_uri":"https://idp/device","verification_uri_complete":"https://idp/device?user_code=WDJB-MJHT","expires_in":1800}"#,
            ),
        )
        .unwrap();
        assert_eq!(d.user_code, "WDJB-MJHT");
        assert_eq!(d.interval, DEFAULT_INTERVAL, "RFC 8628's default");
        assert_eq!(d.expires_in, 1800);
        assert!(!format!("{d:?}").contains("DC-secret"));
        for (body, says) in [
            (
                r#"{"user_code":"A","verification_uri":"https://x","expires_in":5}"#,
                "device_code",
            ),
            (
                r#"{"device_code":"D","user_code":"A","verification_uri":"javascript:x","expires_in":5}"#,
                "not an http(s) URL",
            ),
            (
                r#"{"device_code":"D","user_code":"A","verification_uri":"https://x"}"#,
                "expires_in",
            ),
            ("[]", "not a JSON object"),
        ] {
            let e = parse(&url(), &resp(200, body)).unwrap_err().to_string();
            assert!(e.contains(says), "{body}: {e}");
        }
        let e = parse(&url(), &resp(400, r#"{"error":"invalid_client"}"#)).unwrap_err();
        assert!(matches!(e, Error::Provider(_)), "{e:?}");
    }
}
