//! The support bundle: what a B2C support ticket needs about a failed (or any) sign-in, in one
//! text to paste: the profile without secrets, the request parameters, the error with its code,
//! meaning, Correlation ID and Timestamp, and the app version. Built from explicit fields, so a
//! setting added to profiles later is not copied in by accident; parameters whose names say
//! secret, password, token or assertion are replaced by `(hidden)`.

use crate::engine::history::Attempt;
use crate::store::profile::Profile;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use url::Url;

/// What replaces a hidden value.
pub const HIDDEN: &str = "(hidden)";

/// The bundle.
#[derive(Debug, Clone, Serialize)]
pub struct SupportBundle {
    /// Tokenscope's version.
    pub app_version: String,
    /// When the bundle was made.
    pub generated_at: DateTime<Utc>,
    /// The profile's settings, secrets left out.
    pub profile: Value,
    /// The request: flow, policy, metadata URL, authorize endpoint and its parameters,
    /// `redirect_uri`.
    pub request: Value,
    /// The error: kind, message, OAuth error, B2C code, meaning, advice, description.
    pub error: Option<Value>,
    /// B2C's Correlation ID.
    pub correlation_id: Option<String>,
    /// B2C's Timestamp.
    pub timestamp: Option<String>,
}

/// Whether a parameter's value must stay out of the bundle (the rule lives in [`crate::secret`],
/// which the HTTP layer uses too).
pub use crate::secret::is_secret_name;

fn masked_pairs(pairs: impl Iterator<Item = (String, String)>) -> Value {
    let rows: Vec<Value> = pairs
        .map(|(k, v)| {
            let v = if is_secret_name(&k) {
                HIDDEN.to_owned()
            } else {
                v
            };
            json!([k, v])
        })
        .collect();
    Value::Array(rows)
}

/// Builds the bundle of a profile's attempt.
pub fn build(
    profile: &Profile,
    attempt: &Attempt,
    app_version: &str,
    now: DateTime<Utc>,
) -> SupportBundle {
    let p = &profile.params;
    let profile_json = json!({
        "name": profile.name,
        "authority": profile.authority,
        "client_id": profile.client_id,
        "scopes": profile.scopes,
        "redirect": profile.redirect,
        "prompt": p.prompt,
        "login_hint": p.login_hint,
        "domain_hint": p.domain_hint,
        "ui_locales": p.ui_locales,
        "max_age": p.max_age,
        "acr_values": p.acr_values,
        "response_mode": p.response_mode,
        "extra": masked_pairs(p.extra.iter().cloned()),
        "claims": p.claims,
        "client_auth": profile.client_auth,
        "browser_command": profile.browser_command,
    });
    let (endpoint, parameters) = match attempt.authorize_url.as_deref().map(Url::parse) {
        Some(Ok(url)) => {
            let mut endpoint = url.clone();
            endpoint.set_query(None);
            endpoint.set_fragment(None);
            (
                Some(endpoint.to_string()),
                masked_pairs(
                    url.query_pairs()
                        .map(|(k, v)| (k.into_owned(), v.into_owned())),
                ),
            )
        }
        _ => (None, Value::Array(Vec::new())),
    };
    let request = json!({
        "flow": attempt.flow,
        "purpose": attempt.purpose,
        "started_at": attempt.started_at,
        "authority": attempt.authority,
        "policy": attempt.policy,
        "metadata_url": attempt.metadata_url,
        "authorize_endpoint": endpoint,
        "parameters": parameters,
        "redirect_uri": attempt.redirect_uri,
    });
    let provider = attempt.error.as_ref().and_then(|e| e.provider.as_ref());
    let error = attempt.error.as_ref().map(|e| {
        json!({
            "kind": e.kind,
            "message": e.message,
            "provider_message": provider.and_then(|p| p.message.as_ref()),
            "origin": provider.map(|p| p.origin),
            "error": provider.map(|p| &p.error),
            "code": provider.and_then(|p| p.code.as_ref()),
            "description": provider.and_then(|p| p.description.as_ref()),
            "error_uri": provider.and_then(|p| p.uri.as_ref()),
            "meaning": provider.and_then(|p| p.advice.as_ref()).map(|a| &a.meaning),
            "what_to_do": provider.and_then(|p| p.advice.as_ref()).map(|a| &a.advice),
        })
    });
    SupportBundle {
        app_version: app_version.to_owned(),
        generated_at: now,
        profile: profile_json,
        request,
        error,
        correlation_id: provider.and_then(|p| p.correlation_id.clone()),
        timestamp: provider.and_then(|p| p.timestamp.clone()),
    }
}

impl SupportBundle {
    /// The text to paste in a ticket: a short summary, then the whole bundle as JSON.
    pub fn to_text(&self) -> String {
        let mut out = String::from("Tokenscope support bundle\n");
        let mut line = |name: &str, value: Option<&str>| {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                out.push_str(&format!("{name:<16}{v}\n"));
            }
        };
        let s = |v: &Value| v.as_str().map(str::to_owned);
        let e = self.error.as_ref();
        line("Code:", e.and_then(|e| s(&e["code"])).as_deref());
        line("Error:", e.and_then(|e| s(&e["error"])).as_deref());
        line(
            "Message:",
            e.and_then(|e| s(&e["provider_message"]).or_else(|| s(&e["message"])))
                .as_deref(),
        );
        line("Correlation ID:", self.correlation_id.as_deref());
        line("Timestamp:", self.timestamp.as_deref());
        line("Policy:", s(&self.request["policy"]).as_deref());
        line("Client ID:", s(&self.profile["client_id"]).as_deref());
        line("Redirect URI:", s(&self.request["redirect_uri"]).as_deref());
        line(
            "App version:",
            Some(&format!("Tokenscope {}", self.app_version)),
        );
        line("Generated:", Some(&self.generated_at.to_rfc3339()));
        out.push_str("\n```json\n");
        out.push_str(&serde_json::to_string_pretty(self).unwrap_or_default());
        out.push_str("\n```\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::history::{AttemptError, Purpose};
    use crate::engine::outcome::Flow;
    use crate::oidc::provider_error::{ErrorOrigin, ProviderError};

    #[test]
    fn the_bundle_has_what_support_needs_and_no_secrets() {
        let mut profile = Profile::new("demo", "contoso/B2C_1_susi", "cid-123");
        profile.scopes = vec!["offline_access".into()];
        profile.params.extra = vec![
            ("client_secret".into(), "s3cr3t-value".into()),
            ("id_token_hint".into(), "eyJhbGciOi.hint.sig".into()),
            ("campaign".into(), "spring".into()),
        ];
        let now = chrono::Utc::now();
        let mut attempt = Attempt::new(Flow::SignIn, Purpose::SignIn, &profile.authority, now);
        attempt.authorize_url = Some(
            "https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_susi/oauth2/v2.0/authorize\
             ?client_id=cid-123&redirect_uri=http%3A%2F%2Flocalhost%3A53124&state=st\
             &code_challenge=chal&client_assertion=assert-value&campaign=spring"
                .into(),
        );
        attempt.redirect_uri = Some("http://localhost:53124".into());
        let provider = ProviderError::new(
            ErrorOrigin::Authorization,
            "access_denied",
            Some(
                "AADB2C90118: The user has forgotten their password.\r\nCorrelation ID: \
                 0b5a7a5c-1234-4f6e-9a55-d7b3c1a2e001\r\nTimestamp: 2026-11-25 10:01:02Z\r\n",
            ),
            None,
        );
        attempt.error = Some(AttemptError {
            kind: crate::error::ErrorKind::Provider,
            message: provider.to_string(),
            provider: Some(provider),
        });
        let text = build(&profile, &attempt, "0.1.0", now).to_text();
        for want in [
            "Code:           AADB2C90118",
            "Message:        The user has forgotten their password.\n",
            "Correlation ID: 0b5a7a5c-1234-4f6e-9a55-d7b3c1a2e001",
            "Timestamp:      2026-11-25 10:01:02Z",
            "Policy:         B2C_1_susi",
            "Redirect URI:   http://localhost:53124",
            "App version:    Tokenscope 0.1.0",
            "password-reset policy",
            "\"campaign\",\n",
            "\"code_challenge\",\n        \"chal\"",
            "cid-123",
        ] {
            assert!(text.contains(want), "{want:?} missing in\n{text}");
        }
        for secret in ["s3cr3t-value", "eyJhbGciOi", "assert-value"] {
            assert!(!text.contains(secret), "{secret} leaked in\n{text}");
        }
        assert!(text.contains(HIDDEN));
    }

    #[test]
    fn secret_names() {
        for n in [
            "client_secret",
            "Password",
            "id_token_hint",
            "client_assertion",
            "code",
            "access_token",
            "token",
            "X-Refresh-Token",
        ] {
            assert!(is_secret_name(n), "{n}");
        }
        for n in [
            "code_challenge",
            "state",
            "scope",
            "login_hint",
            "p",
            "token_type",
            "refresh_token_expires_in",
            "token_endpoint",
            "id_token_signing_alg_values_supported",
            "client_assertion_type",
        ] {
            assert!(!is_secret_name(n), "{n}");
        }
    }
}
