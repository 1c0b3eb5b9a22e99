//! The provider's revocation (RFC 7009) and introspection (RFC 7662) endpoints, for a profile:
//! which the metadata advertises, revoking the stored refresh token (removed from the vault once
//! the provider took it) or this session's access token, and introspecting a token with the
//! profile's client authentication. The refresh token goes only to the provider and client it
//! was issued for, as in a refresh.

use super::{lock, Engine, WireOf};
use crate::api::introspect::{self, IntrospectTarget, IntrospectToken, Introspection};
use crate::api::revoke::{self, no_endpoint, Revocation, RevokeToken};
use crate::api::TokenChoice;
use crate::error::{Error, Result};
use crate::oidc::authority::Authority;
use crate::secret::Secret;
use crate::store::profile::{refresh_account, Profile};
use crate::store::vault::VaultLocation;
use serde::Serialize;

/// Which of the two endpoints a profile's provider advertises, and why not when it does not.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EndpointSupport {
    /// `revocation_endpoint`, when advertised.
    pub revocation: Option<String>,
    /// Why there is no revocation (the same words the command line says).
    pub revocation_missing: Option<String>,
    /// `introspection_endpoint`, when advertised.
    pub introspection: Option<String>,
    /// Why there is no introspection.
    pub introspection_missing: Option<String>,
}

impl Engine {
    /// Which of revocation and introspection the profile's provider advertises.
    pub async fn provider_endpoints(&self, profile: &Profile) -> Result<EndpointSupport> {
        let authority = Authority::parse(&profile.authority)?;
        let provider = self.provider_for(profile, &authority).await?;
        let m = &provider.metadata;
        let url = authority.metadata_url.as_str();
        Ok(EndpointSupport {
            revocation: m.revocation_endpoint.as_ref().map(ToString::to_string),
            revocation_missing: m
                .revocation_endpoint
                .is_none()
                .then(|| no_endpoint("revocation", "revocation_endpoint", url).to_string()),
            introspection: m.introspection_endpoint.as_ref().map(ToString::to_string),
            introspection_missing: m
                .introspection_endpoint
                .is_none()
                .then(|| no_endpoint("introspection", "introspection_endpoint", url).to_string()),
        })
    }

    /// Revokes the profile's stored refresh token (removed from the vault once revoked) or the
    /// access token of this session. A refusal or a bad answer keeps everything as it was.
    pub async fn revoke(&self, profile: &Profile, which: RevokeToken) -> Result<Revocation> {
        self.logged(
            &profile.name,
            WireOf::Revoke,
            self.revoke_logged(profile, which),
        )
        .await
    }

    async fn revoke_logged(&self, profile: &Profile, which: RevokeToken) -> Result<Revocation> {
        let authority = Authority::parse(&profile.authority)?;
        let provider = self.provider_for(profile, &authority).await?;
        let endpoint = provider
            .metadata
            .revocation_endpoint
            .clone()
            .ok_or_else(|| {
                no_endpoint(
                    "revocation",
                    "revocation_endpoint",
                    authority.metadata_url.as_str(),
                )
            })?;
        let client_auth = self.client_auth(profile, &provider.metadata).await?;
        let mut out = match which {
            RevokeToken::Access => {
                let token = self.api_token(profile, TokenChoice::Access).await?;
                let mut out = revoke::revoke(
                    self.tls_http_for(profile)?.as_ref(),
                    &endpoint,
                    &profile.client_id,
                    &client_auth,
                    &token,
                    which,
                )
                .await?;
                if out.revoked {
                    self.forget_session_tokens(&profile.name);
                    out.message = "revoked: the provider took the access token back. It may \
                        have revoked the refresh token of the same grant too (RFC 7009 §2.1 \
                        allows it): if the next refresh is refused, sign in again. An API that \
                        validates JWTs itself keeps accepting this access token until it \
                        expires: only servers that introspect see a revocation"
                        .into();
                }
                out
            }
            RevokeToken::Refresh => {
                let account = refresh_account(&profile.name);
                // No refresh may redeem the token while it is being revoked.
                let _held = lock::acquire(
                    self.profiles.dir(),
                    &profile.refresh_account(),
                    &profile.name,
                )
                .await?;
                let stored = self
                    .stored_for_provider(profile, &provider.metadata)
                    .await?;
                let mut out = revoke::revoke(
                    self.tls_http_for(profile)?.as_ref(),
                    &endpoint,
                    &profile.client_id,
                    &client_auth,
                    &stored,
                    which,
                )
                .await?;
                if out.revoked {
                    self.forget_session_tokens(&profile.name);
                    out.removed_from_vault = match self.load_token(&account).await {
                        Ok(Some(now)) if now.secret.expose() == stored.expose() => {
                            self.delete_token(&account).await.unwrap_or(false)
                        }
                        _ => false,
                    };
                    let place = match self.vault.location() {
                        VaultLocation::Keyring => "the OS keyring",
                        VaultLocation::SessionOnly { .. } => "this session's memory",
                    };
                    out.message = if out.removed_from_vault {
                        format!(
                            "revoked: the provider took the refresh token back, and it was \
                             removed from {place}; sign in again for a new one"
                        )
                    } else {
                        "revoked: the provider took the refresh token back; it could not be \
                         removed from the vault (a newer one stored meanwhile is kept)"
                            .to_owned()
                    };
                }
                out
            }
        };
        if let Some(e) = &out.error {
            out.message = format!(
                "the provider refused to revoke the {} (HTTP {}, {e}); nothing was changed",
                which.label(),
                out.status
            );
        }
        Ok(out)
    }

    /// Asks the provider's introspection endpoint about a token, with the profile's client
    /// authentication.
    pub async fn introspect(
        &self,
        profile: &Profile,
        target: &IntrospectTarget,
    ) -> Result<Introspection> {
        self.logged(
            &profile.name,
            WireOf::Introspect,
            self.introspect_logged(profile, target),
        )
        .await
    }

    async fn introspect_logged(
        &self,
        profile: &Profile,
        target: &IntrospectTarget,
    ) -> Result<Introspection> {
        let authority = Authority::parse(&profile.authority)?;
        let provider = self.provider_for(profile, &authority).await?;
        let endpoint = provider
            .metadata
            .introspection_endpoint
            .clone()
            .ok_or_else(|| {
                no_endpoint(
                    "introspection",
                    "introspection_endpoint",
                    authority.metadata_url.as_str(),
                )
            })?;
        let client_auth = self.client_auth(profile, &provider.metadata).await?;
        let token = match target {
            IntrospectTarget::Given(t) if t.expose().trim().is_empty() => {
                return Err(Error::Config("the token to introspect is empty".into()))
            }
            IntrospectTarget::Given(t) => t.clone(),
            IntrospectTarget::Profile(IntrospectToken::Access) => {
                self.api_token(profile, TokenChoice::Access).await?
            }
            IntrospectTarget::Profile(IntrospectToken::Refresh) => {
                self.stored_for_provider(profile, &provider.metadata)
                    .await?
            }
        };
        introspect::introspect(
            self.tls_http_for(profile)?.as_ref(),
            &endpoint,
            &profile.client_id,
            &client_auth,
            target,
            &token,
            self.clock.now(),
        )
        .await
    }

    /// The stored refresh token, when it was issued by this provider to this client (else
    /// nothing is sent anywhere).
    async fn stored_for_provider(
        &self,
        profile: &Profile,
        metadata: &crate::oidc::metadata::ProviderMetadata,
    ) -> Result<Secret> {
        let account = refresh_account(&profile.name);
        let Some(stored) = self.load_token(&account).await? else {
            return Err(Error::SignInRequired(format!(
                "no refresh token is stored for profile {:?}",
                profile.name
            )));
        };
        if let Some(bound) = super::refresh::binding(profile, metadata) {
            if let Some(why) = super::refresh::mismatch(stored.bound.as_ref(), &bound) {
                return Err(Error::SignInRequired(format!(
                    "the refresh token stored for profile {:?} is not sent: {why}; sign in again",
                    profile.name
                )));
            }
        }
        Ok(stored.secret)
    }

    /// Drops the access and ID tokens this session holds for the profile (the next call
    /// refreshes).
    fn forget_session_tokens(&self, profile: &str) {
        if let Ok(mut map) = self.api_tokens.lock() {
            map.remove(profile);
        }
    }
}
