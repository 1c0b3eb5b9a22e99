//! The device flow (RFC 8628): a sign-in for a command line without a browser of its own. The
//! engine asks for a user code, hands it and the verification URI to the caller to show, and
//! polls the token endpoint at the provider's interval: `authorization_pending` waits,
//! `slow_down` adds 5 s to the interval for the rest of the flow, `expired_token` and
//! `access_denied` end it with the provider's error and what it means. The tokens are then judged
//! and stored exactly like a browser sign-in's (no nonce is sent in this flow).

use super::outcome::{Flow, Outcome};
use super::{Engine, Progress, ProgressFn};
use crate::error::{Error, Result};
use crate::oidc::authority::Authority;
use crate::oidc::device::{self, DeviceAuthorization, SLOW_DOWN_STEP};
use crate::oidc::token;
use crate::qr::QrCode;
use crate::store::profile::Profile;
use crate::validate::Expectations;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// What the caller shows the user: the user code and where to enter it (never the device code).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceCode {
    /// The code to type.
    pub user_code: String,
    /// Where to type it.
    pub verification_uri: String,
    /// The URI with the code in it, when the provider gives one (a link, a QR code).
    pub verification_uri_complete: Option<String>,
    /// Seconds until the code expires.
    pub expires_in: u64,
    /// Seconds between polls, as the provider asked.
    pub interval: u64,
    /// The QR code of `verification_uri_complete` (else of `verification_uri`), for a phone to
    /// scan; `None` when the URI is too long for one.
    pub qr: Option<QrCode>,
}

impl DeviceCode {
    /// What the user is shown, with the QR code of the URI that takes them furthest (the one
    /// with the code in it, when the provider gives it).
    pub fn new(
        user_code: String,
        verification_uri: String,
        verification_uri_complete: Option<String>,
        expires_in: u64,
        interval: u64,
    ) -> Self {
        let target = verification_uri_complete
            .as_deref()
            .unwrap_or(&verification_uri);
        let qr = QrCode::new(target).ok();
        Self {
            user_code,
            verification_uri,
            verification_uri_complete,
            expires_in,
            interval,
            qr,
        }
    }
}

/// Whether a profile's provider offers the device flow: its `device_authorization_endpoint`,
/// or why not (the words `sign_in_device` fails with).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceSupport {
    /// The endpoint, when the metadata names one.
    pub endpoint: Option<String>,
    /// Why the device flow is not offered.
    pub missing: Option<String>,
}

/// Shows the user code.
pub type DeviceCodeFn = Arc<dyn Fn(&DeviceCode) + Send + Sync>;

/// Per-device-sign-in options.
#[derive(Clone)]
pub struct DeviceOptions {
    /// Put the refresh token in the vault.
    pub store: bool,
    /// Cancels the polling.
    pub cancel: CancellationToken,
    /// Progress reports (metadata fetched, tokens exchanged, validated).
    pub progress: Option<ProgressFn>,
    /// Called once with the user code to show.
    pub show_code: DeviceCodeFn,
    /// Called before each poll with the interval waited (tests and a UI's "checking…").
    pub on_poll: Option<Arc<dyn Fn(Duration) + Send + Sync>>,
}

/// Why a provider without `device_authorization_endpoint` cannot do the device flow.
fn no_device_flow(authority: &Authority) -> String {
    format!(
        "the provider's metadata ({}) names no device_authorization_endpoint: it does not offer \
         the device flow (RFC 8628); sign in with the browser instead",
        authority.metadata_url
    )
}

impl Engine {
    /// Whether the profile's provider offers the device flow (its metadata, fetched or cached).
    pub async fn device_support(&self, profile: &Profile) -> Result<DeviceSupport> {
        let authority = Authority::parse(&profile.authority)?;
        let provider = self.provider_for(profile, &authority).await?;
        let endpoint = provider
            .metadata
            .device_authorization_endpoint
            .as_ref()
            .map(ToString::to_string);
        Ok(DeviceSupport {
            missing: endpoint.is_none().then(|| no_device_flow(&authority)),
            endpoint,
        })
    }

    /// Signs in with the device flow. The scopes are `openid` and the profile's.
    pub async fn sign_in_device(
        &self,
        profile: &Profile,
        options: &DeviceOptions,
    ) -> Result<Outcome> {
        self.logged(
            &profile.name,
            super::WireOf::SignIn,
            self.sign_in_device_logged(profile, options),
        )
        .await
    }

    async fn sign_in_device_logged(
        &self,
        profile: &Profile,
        options: &DeviceOptions,
    ) -> Result<Outcome> {
        let report = |p: Progress| {
            if let Some(f) = &options.progress {
                f(p)
            }
        };
        let authority = Authority::parse(&profile.authority)?;
        let provider = self.provider_for(profile, &authority).await?;
        let metadata = &provider.metadata;
        report(Progress::MetadataFetched {
            metadata_url: authority.metadata_url.to_string(),
            issuer: metadata.issuer.clone(),
        });
        let Some(endpoint) = metadata.device_authorization_endpoint.clone() else {
            return Err(Error::Metadata(no_device_flow(&authority)));
        };
        let mut scope = vec!["openid".to_owned()];
        scope.extend(profile.scopes.iter().filter(|s| *s != "openid").cloned());
        let client_auth = self.client_auth(profile, metadata).await?;
        let started = device::start(
            self.tls_http_for(profile)?.as_ref(),
            &endpoint,
            &profile.client_id,
            &client_auth,
            &scope.join(" "),
        )
        .await?;
        (options.show_code)(&DeviceCode::new(
            started.user_code.clone(),
            started.verification_uri.clone(),
            started.verification_uri_complete.clone(),
            started.expires_in,
            started.interval,
        ));
        let tokens = self
            .poll_device(
                profile,
                &metadata.token_endpoint,
                &client_auth,
                &started,
                options,
            )
            .await?;
        report(Progress::TokensExchanged);
        let expect = Expectations {
            issuer: metadata.issuer.clone(),
            client_id: profile.client_id.clone(),
            trusted_audiences: Vec::new(),
            provider_algs: metadata.id_token_signing_alg_values_supported.clone(),
            nonce: None,
            max_age: None,
            access_token: tokens.access_token.clone(),
            previous: None,
            skew: self.skew,
        };
        let mut outcome = self
            .judge(profile, &provider, &tokens, &expect, options.store)
            .await?;
        outcome.flow = Flow::SignIn;
        report(Progress::Validated {
            passed: outcome.passed(),
        });
        self.record_sign_in(profile, &outcome)?;
        Ok(outcome)
    }

    /// Polls until the user completed (tokens), refused or let the code expire (errors).
    async fn poll_device(
        &self,
        profile: &Profile,
        token_endpoint: &url::Url,
        client_auth: &token::ClientAuth,
        started: &DeviceAuthorization,
        options: &DeviceOptions,
    ) -> Result<token::TokenResponse> {
        let http = self.http_for(profile, Some(token_endpoint), false).await?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(started.expires_in);
        let mut interval = started.interval;
        loop {
            let wait = Duration::from_secs(interval);
            if tokio::time::Instant::now() + wait > deadline {
                return Err(Error::Timeout(format!(
                    "the user code {} expired ({} s) before the sign-in was completed at {}: \
                     start again for a new code",
                    started.user_code, started.expires_in, started.verification_uri
                )));
            }
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = options.cancel.cancelled() => {
                    return Err(Error::Cancelled);
                }
            }
            if let Some(f) = &options.on_poll {
                f(wait);
            }
            let polled = token::device_code_grant(
                http.as_ref(),
                token_endpoint,
                &profile.client_id,
                client_auth,
                &started.device_code,
            )
            .await;
            match polled {
                Ok(tokens) => return Ok(tokens),
                Err(Error::Provider(p)) if p.error == "authorization_pending" => {}
                Err(Error::Provider(p)) if p.error == "slow_down" => interval += SLOW_DOWN_STEP,
                Err(Error::Provider(mut p)) => {
                    let note = match p.error.as_str() {
                        "expired_token" => Some(format!(
                            "The user code {} was not entered at {} within {} s; start again for \
                             a new code.",
                            started.user_code, started.verification_uri, started.expires_in
                        )),
                        "access_denied" => Some(format!(
                            "The user declined the request at {} (or the provider refused it); \
                             nothing was issued.",
                            started.verification_uri
                        )),
                        _ => None,
                    };
                    if let (Some(note), Some(advice)) = (note, p.advice.as_mut()) {
                        advice.note = Some(note);
                    }
                    return Err(Error::Provider(p));
                }
                Err(e) => return Err(e),
            }
        }
    }
}
