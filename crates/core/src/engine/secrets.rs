//! A profile's client secret (confidential clients, e.g. a direct itsme set-up): kept in the
//! vault under `client-secret:<profile>`, never in the profile file, never handed back to a
//! caller (only whether one is stored), and used at the token endpoint with the method the
//! profile names or the metadata announces.

use super::Engine;
use crate::error::{Error, Result};
use crate::oidc::metadata::ProviderMetadata;
use crate::oidc::request::{self, client_secret_account};
use crate::oidc::token::ClientAuth;
use crate::secret::Secret;
use crate::store::profile::Profile;
use crate::store::vault::VaultLocation;

impl Engine {
    /// Stores (or replaces) the profile's client secret; says where it is kept.
    pub async fn set_client_secret(&self, profile: &str, secret: &Secret) -> Result<VaultLocation> {
        let trimmed = secret.expose().trim();
        if trimmed.is_empty() {
            return Err(Error::Config("the client secret is empty".into()));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(Error::Config(
                "the client secret contains control characters (a pasted line break?)".into(),
            ));
        }
        let secret = Secret::new(trimmed);
        // Bound to the provider and client the profile names now: never sent anywhere else.
        let bound = super::refresh::secret_binding(&self.profiles.get(profile)?)?;
        self.store_token(&client_secret_account(profile), &secret, Some(&bound))
            .await
            .map_err(|e| Error::Config(format!("the client secret could not be stored: {e}")))
    }

    /// Deletes the profile's client secret; true when one was stored.
    pub async fn delete_client_secret(&self, profile: &str) -> Result<bool> {
        self.delete_token(&client_secret_account(profile)).await
    }

    /// Whether a client secret is stored for the profile (never the secret itself).
    pub async fn has_client_secret(&self, profile: &str) -> Result<bool> {
        Ok(self
            .load_token(&client_secret_account(profile))
            .await?
            .is_some())
    }

    /// Moves a client secret to a renamed profile; true when there was one.
    pub async fn rename_client_secret(&self, old: &str, new: &str) -> Result<bool> {
        if old == new {
            return Ok(false);
        }
        let Some(stored) = self.load_token(&client_secret_account(old)).await? else {
            return Ok(false);
        };
        // As it was bound: a rename changes neither the provider nor the client it is for.
        self.store_token(
            &client_secret_account(new),
            &stored.secret,
            stored.bound.as_ref(),
        )
        .await
        .map_err(|e| Error::Config(format!("the client secret could not be stored: {e}")))?;
        self.delete_client_secret(old).await?;
        Ok(true)
    }

    /// How this profile authenticates at the token endpoint.
    pub(super) async fn client_auth(
        &self,
        profile: &Profile,
        metadata: &ProviderMetadata,
    ) -> Result<ClientAuth> {
        let stored = self
            .load_token(&client_secret_account(&profile.name))
            .await?;
        let secret = match stored {
            None => None,
            Some(s) => {
                let now = super::refresh::secret_binding(profile)?;
                if let Some(why) = super::refresh::mismatch(s.bound.as_ref(), &now) {
                    return Err(Error::Config(format!(
                        "the client secret stored for profile {:?} is not sent: {why}; enter \
                         it again for this provider and client (`tokenscope profiles secret \
                         set`, or the profile's Client secret field)",
                        profile.name
                    )));
                }
                Some(s.secret)
            }
        };
        request::client_auth(metadata, profile.client_auth, secret)
    }
}
