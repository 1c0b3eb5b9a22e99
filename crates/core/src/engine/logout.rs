//! The logout test and the request preview.
//!
//! Logout test: RP-initiated logout against the provider's `end_session_endpoint`, with
//! `id_token_hint` (given, or the profile's last ID token in this process), `client_id`, a fresh
//! `state` and a `post_logout_redirect_uri` on a loopback listener; the report says whether the
//! provider came back, and with which `state`. Local tokens are left alone (sign-out does that).
//!
//! Preview: the authorize URL a sign-in would open, built exactly as the sign-in builds it,
//! before anything is opened.

use super::{sign_in_params, Engine, SignInOptions};
use crate::engine::browser::Browser;
use crate::error::{Error, Result};
use crate::loopback::{LogoutReturn, LoopbackListener};
use crate::oidc::authority::Authority;
use crate::oidc::authorize;
use crate::oidc::pkce::random_token;
use crate::oidc::request::{analyze_scopes, mask_query, ScopeAdvice};
use crate::secret::Secret;
use crate::store::profile::Profile;
use serde::Serialize;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Options of a logout test.
#[derive(Clone)]
pub struct LogoutOptions {
    /// `id_token_hint`; `None` uses the profile's last ID token of this process, if any.
    pub id_token_hint: Option<Secret>,
    /// How long to wait for the provider to come back.
    pub timeout: Duration,
    /// Cancels the wait.
    pub cancel: CancellationToken,
    /// Open the browser (false: the caller shows the URL).
    pub open_browser: bool,
}

impl Default for LogoutOptions {
    fn default() -> Self {
        Self {
            id_token_hint: None,
            timeout: Duration::from_secs(120),
            cancel: CancellationToken::new(),
            open_browser: true,
        }
    }
}

/// What a logout test found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogoutReport {
    /// The URL opened, with the `id_token_hint` value shortened (it is a token).
    pub logout_url: String,
    /// The `post_logout_redirect_uri` sent.
    pub post_logout_redirect_uri: String,
    /// The `state` sent.
    pub state_sent: String,
    /// An `id_token_hint` was sent.
    pub id_token_hint_sent: bool,
    /// The provider came back to the post-logout redirect URI (`None`: it did not, in time).
    pub returned: Option<LogoutReturn>,
    /// The verdict in words.
    pub summary: String,
    /// The test passed: the provider came back with the `state` sent and no error.
    pub passed: bool,
}

/// What a sign-in would send, shown before it starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestPreview {
    /// The authorize URL. `state`, `nonce` and `code_challenge` are fresh at every sign-in, and
    /// with port 0 the port is picked when the sign-in starts.
    pub authorize_url: String,
    /// The `redirect_uri` in it.
    pub redirect_uri: String,
    /// Whether the port in it is only a placeholder (port 0 in the profile).
    pub port_placeholder: bool,
    /// The scopes explained, with warnings.
    pub scopes: ScopeAdvice,
    /// How the client authenticates at the token endpoint (`none` for a public client).
    pub client_auth: String,
}

/// What a preview's `redirect_uri` says for a port picked at sign-in.
pub const PORT_PLACEHOLDER: &str = "PORT";

impl Engine {
    /// The authorize URL a sign-in with these options would open, and what its scopes mean.
    /// Fetches the metadata (cached), opens nothing, binds nothing.
    pub async fn preview(
        &self,
        profile: &Profile,
        options: &SignInOptions,
    ) -> Result<RequestPreview> {
        let authority = Authority::parse(&profile.authority)?;
        let provider = self.provider_for(profile, &authority).await?;
        let port = profile.redirect.port;
        // PORT stands in for the port picked when the sign-in starts (a real-looking number
        // such as 1 read as the port that would be used).
        let redirect_uri = if port == 0 {
            profile.redirect.uri_with_port(PORT_PLACEHOLDER)
        } else {
            profile.redirect.uri(port)
        };
        let params = sign_in_params(profile, options);
        let request = authorize::build(
            &provider.metadata,
            &profile.client_id,
            &profile.scopes,
            &redirect_uri,
            &params,
        )?;
        let client_auth = match self.client_auth(profile, &provider.metadata).await? {
            crate::oidc::token::ClientAuth::None => "none (public client, PKCE)",
            other => other.name(),
        };
        Ok(RequestPreview {
            authorize_url: request.url.to_string(),
            redirect_uri,
            port_placeholder: port == 0,
            scopes: analyze_scopes(&profile.client_id, &profile.scopes),
            client_auth: client_auth.to_owned(),
        })
    }

    /// Runs the logout test (see the module documentation).
    pub async fn logout_test(
        &self,
        profile: &Profile,
        options: &LogoutOptions,
    ) -> Result<LogoutReport> {
        let authority = Authority::parse(&profile.authority)?;
        let browser = Browser::from_command(profile.browser_command.as_deref())?;
        let provider = self.provider_for(profile, &authority).await?;
        let Some(endpoint) = provider.metadata.end_session_endpoint.clone() else {
            return Err(Error::Metadata(
                "the provider's metadata has no end_session_endpoint: it does not offer \
                 RP-initiated logout"
                    .into(),
            ));
        };
        let hint = match &options.id_token_hint {
            Some(h) if !h.expose().trim().is_empty() => Some(Secret::new(h.expose().trim())),
            _ => self.last_id_token(&profile.name),
        };
        let listener = LoopbackListener::bind(&profile.redirect).await?;
        let redirect_uri = listener.redirect_uri();
        let state = random_token();
        let mut url = endpoint;
        {
            let mut q = url.query_pairs_mut();
            if let Some(h) = &hint {
                q.append_pair("id_token_hint", h.expose());
            }
            q.append_pair("client_id", profile.client_id.trim())
                .append_pair("post_logout_redirect_uri", &redirect_uri)
                .append_pair("state", &state);
        }
        if options.open_browser {
            browser.open(&url)?;
        }
        let returned = listener
            .wait_logout(&state, options.timeout, options.cancel.clone())
            .await?;
        let (passed, summary) = match &returned {
            None => (
                false,
                format!(
                    "the provider did not come back to {redirect_uri} within {} s: is the \
                     post-logout redirect URI registered, or is a confirmation page waiting in \
                     the browser?",
                    options.timeout.as_secs()
                ),
            ),
            Some(r) if r.error.is_some() => (
                false,
                format!(
                    "the provider came back with an error: {}",
                    r.error.as_deref().unwrap_or_default()
                ),
            ),
            Some(r) if r.state_matches => (
                true,
                "the provider signed out and came back with the state sent".into(),
            ),
            Some(LogoutReturn { state: None, .. }) => (
                false,
                "the provider came back but without the state sent".into(),
            ),
            Some(LogoutReturn { state: Some(s), .. }) => (
                false,
                format!("the provider came back with another state ({s:?})"),
            ),
        };
        Ok(LogoutReport {
            logout_url: mask_query(&url, "id_token_hint"),
            post_logout_redirect_uri: redirect_uri,
            state_sent: state,
            id_token_hint_sent: hint.is_some(),
            returned,
            summary,
            passed,
        })
    }

    pub(super) fn remember_id_token(&self, outcome: &super::Outcome) {
        self.remember_api_tokens(outcome);
        if let (Some(id), true) = (&outcome.id_token, outcome.passed()) {
            if let Ok(mut map) = self.id_tokens.lock() {
                map.insert(outcome.profile.clone(), id.raw.clone());
            }
        }
    }

    fn last_id_token(&self, profile: &str) -> Option<Secret> {
        self.id_tokens.lock().ok()?.get(profile).cloned()
    }

    /// Whether this process holds an ID token of the profile for the logout test's hint.
    pub fn has_last_id_token(&self, profile: &str) -> bool {
        self.last_id_token(profile).is_some()
    }
}
