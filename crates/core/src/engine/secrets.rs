//! A profile's client secret (confidential clients, e.g. a direct itsme set-up): kept in the
//! vault under `client-secret:<profile>`, never in the profile file, never handed back to a
//! caller (only whether one is stored), and used at the token endpoint with the method the
//! profile names or the metadata announces.

use super::Engine;
use crate::error::{Error, Result};
use crate::oidc::client_assertion::ClientKey;
use crate::oidc::metadata::ProviderMetadata;
use crate::oidc::request::{self, client_key_account, client_secret_account};
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

    /// Stores (or replaces) the profile's private key for `private_key_jwt`: a PEM private key
    /// (RSA or EC P-256), with its certificate when `x5t#S256` should be sent. Checked before it
    /// is stored; kept in the vault like the client secret, never in a file.
    pub async fn set_client_key(&self, profile: &str, pem: &Secret) -> Result<VaultLocation> {
        ClientKey::parse(pem.expose())
            .map_err(|e| Error::Config(format!("the private key is not usable: {e}")))?;
        let bound = super::refresh::secret_binding(&self.profiles.get(profile)?)?;
        self.store_token(
            &client_key_account(profile),
            &Secret::new(pem.expose().trim()),
            Some(&bound),
        )
        .await
        .map_err(|e| Error::Config(format!("the private key could not be stored: {e}")))
    }

    /// Deletes the profile's private key; true when one was stored.
    pub async fn delete_client_key(&self, profile: &str) -> Result<bool> {
        self.delete_token(&client_key_account(profile)).await
    }

    /// Whether a private key is stored for the profile (never the key itself).
    pub async fn has_client_key(&self, profile: &str) -> Result<bool> {
        Ok(self
            .load_token(&client_key_account(profile))
            .await?
            .is_some())
    }

    /// Moves a client secret (and a private key) to a renamed profile; true when there was a
    /// secret.
    pub async fn rename_client_secret(&self, old: &str, new: &str) -> Result<bool> {
        if old == new {
            return Ok(false);
        }
        if let Some(stored) = self.load_token(&client_key_account(old)).await? {
            self.store_token(
                &client_key_account(new),
                &stored.secret,
                stored.bound.as_ref(),
            )
            .await
            .map_err(|e| Error::Config(format!("the private key could not be stored: {e}")))?;
            self.delete_client_key(old).await?;
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
        let key = match self.load_token(&client_key_account(&profile.name)).await? {
            None => None,
            Some(k) => {
                let now = super::refresh::secret_binding(profile)?;
                if let Some(why) = super::refresh::mismatch(k.bound.as_ref(), &now) {
                    return Err(Error::Config(format!(
                        "the private key stored for profile {:?} is not used: {why}; store it \
                         again for this provider and client (`tokenscope profiles key set`)",
                        profile.name
                    )));
                }
                Some(ClientKey::parse(k.secret.expose()).map_err(|e| {
                    Error::Config(format!("the stored private key is not usable: {e}"))
                })?)
            }
        };
        let certificate = self.certificate(profile)?.map(|c| c.self_signed);
        request::client_auth_with_certificate(
            metadata,
            profile.client_auth,
            secret,
            key,
            certificate,
        )
    }
}
