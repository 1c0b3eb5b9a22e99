//! DPoP for a profile (RFC 9449): its key in the vault under `dpop-key:<profile>` (made on first
//! use, never in a file, never handed out: only its public JWK and thumbprint), the HTTP client
//! that signs the proofs of its token, refresh, API and userinfo requests, and the report's
//! checks that the tokens are bound to that key (`token_type` DPoP, `cnf.jkt`).

use super::Engine;
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::jose::jwt;
use crate::oidc::dpop::{key_account, DpopClient, DpopKey};
use crate::oidc::token::TokenResponse;
use crate::store::profile::Profile;
use crate::store::vault::VaultLocation;
use crate::validate::{Check, CheckId, Report};
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Arc;
use url::Url;

/// A profile's DPoP key as it may be shown: the public half only.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DpopKeyInfo {
    /// The RFC 7638 thumbprint: what a bound token's `cnf.jkt` names.
    pub thumbprint: String,
    /// The public JWK (`kty`, `crv`, `x`, `y`).
    #[cfg_attr(feature = "ts", ts(type = "Record<string, string>"))]
    pub jwk: serde_json::Value,
    /// Where the private key is kept.
    pub location: VaultLocation,
    /// When the key was made (stored), whole seconds.
    pub created: DateTime<Utc>,
}

impl Engine {
    /// The profile's DPoP key (public half), without making one; `None` when there is none.
    pub async fn dpop_key(&self, profile: &str) -> Result<Option<DpopKeyInfo>> {
        let Some(stored) = self.load_token(&key_account(profile)).await? else {
            return Ok(None);
        };
        let key = DpopKey::from_stored(&stored.secret).map_err(Error::Config)?;
        Ok(Some(self.key_info(
            &key,
            self.vault.location(),
            stored.stored_at,
        )))
    }

    /// A new DPoP key for the profile, replacing the old one (tokens bound to the old key stop
    /// working with the new one: sign in again).
    pub async fn dpop_rotate(&self, profile: &str) -> Result<DpopKeyInfo> {
        self.profiles.get(profile)?;
        let key = DpopKey::generate();
        let location = self.store_dpop_key(profile, &key).await?;
        let created = match self.load_token(&key_account(profile)).await {
            Ok(Some(stored)) => stored.stored_at,
            _ => self.clock.now(),
        };
        Ok(self.key_info(&key, location, created))
    }

    /// Deletes the profile's DPoP key; true when there was one.
    pub async fn dpop_remove(&self, profile: &str) -> Result<bool> {
        self.delete_token(&key_account(profile)).await
    }

    /// Moves the DPoP key to a renamed profile (the tokens bound to it stay usable).
    pub(super) async fn rename_dpop_key(&self, old: &str, new: &str) -> Result<()> {
        if old == new {
            return Ok(());
        }
        if let Some(stored) = self.load_token(&key_account(old)).await? {
            self.store_token(&key_account(new), &stored.secret, None)
                .await
                .map_err(|e| Error::Config(format!("the DPoP key could not be stored: {e}")))?;
            self.dpop_remove(old).await?;
        }
        Ok(())
    }

    /// DPoP is off for the profile, yet it has a DPoP key (its tokens may be bound to it).
    pub(super) async fn dpop_off_with_key(&self, profile: &Profile) -> bool {
        !profile.dpop
            && matches!(
                self.load_token(&key_account(&profile.name)).await,
                Ok(Some(_))
            )
    }

    fn key_info(
        &self,
        key: &DpopKey,
        location: VaultLocation,
        created: DateTime<Utc>,
    ) -> DpopKeyInfo {
        DpopKeyInfo {
            thumbprint: key.thumbprint().to_owned(),
            jwk: key.public_jwk().clone(),
            location,
            created,
        }
    }

    async fn store_dpop_key(&self, profile: &str, key: &DpopKey) -> Result<VaultLocation> {
        self.store_token(&key_account(profile), &key.to_stored(), None)
            .await
            .map_err(|e| Error::Config(format!("the DPoP key could not be stored: {e}")))
    }

    /// The profile's DPoP key, made and stored on first use.
    pub(super) async fn dpop_key_for(&self, profile: &Profile) -> Result<Arc<DpopKey>> {
        if let Some(stored) = self.load_token(&key_account(&profile.name)).await? {
            return DpopKey::from_stored(&stored.secret)
                .map(Arc::new)
                .map_err(|e| {
                    Error::Config(format!(
                        "{e}: make a new one with `tokenscope profiles dpop rotate {}`",
                        profile.name
                    ))
                });
        }
        let key = DpopKey::generate();
        self.store_dpop_key(&profile.name, &key).await?;
        Ok(Arc::new(key))
    }

    /// The HTTP client for the profile's requests: the one presenting its client certificate
    /// when it has one ([`Engine::tls_http_for`]), with DPoP proofs when the profile uses DPoP
    /// (on POSTs to `token_endpoint` and on requests carrying a token; `bound`: the token is
    /// sent as `Authorization: DPoP`).
    pub(super) async fn http_for(
        &self,
        profile: &Profile,
        token_endpoint: Option<&Url>,
        bound: bool,
    ) -> Result<Arc<dyn HttpClient>> {
        let base = self.tls_http_for(profile)?;
        if !profile.dpop {
            return Ok(base);
        }
        let key = self.dpop_key_for(profile).await?;
        let clock = self.clock.clone();
        Ok(Arc::new(DpopClient::new(
            base,
            key,
            self.dpop_nonces.clone(),
            token_endpoint.cloned(),
            bound,
            Arc::new(move || clock.now().timestamp()),
        )))
    }

    /// The report's DPoP checks of a token response to a profile that uses DPoP: `token_type`
    /// is `DPoP`, and a JWT access token's `cnf.jkt` is the profile key's thumbprint.
    pub(super) async fn dpop_checks(
        &self,
        profile: &Profile,
        tokens: &TokenResponse,
        report: &mut Report,
    ) {
        if !profile.dpop {
            return;
        }
        let key = match self.dpop_key_for(profile).await {
            Ok(k) => k,
            Err(e) => {
                report.checks.push(Check::new(
                    CheckId::DpopBinding,
                    false,
                    format!("the profile's DPoP key cannot be read: {e}"),
                ));
                return;
            }
        };
        report
            .checks
            .extend(binding_checks(tokens, key.thumbprint()));
    }
}

/// A token endpoint's refusal to bind a token to two keys (the DPoP key and the client
/// certificate), explained: a provider binds a token to one proof-of-possession key, and a
/// client registered for certificate-bound tokens cannot also have DPoP-bound ones. Other
/// errors pass as they are.
pub(super) fn two_keys_refused(profile: &Profile, error: Error) -> Error {
    match error {
        Error::Provider(mut p)
            if profile.dpop
                && profile.client_certificate.is_some()
                && [&p.description, &p.message]
                    .into_iter()
                    .flatten()
                    .any(|d| d.contains("proof-of-possession")) =>
        {
            if let Some(a) = p.advice.as_mut() {
                a.note = Some(format!(
                    "Profile {:?} sends DPoP proofs and presents a client certificate: the \
                     provider binds a token to one key only, and this client is registered \
                     for tokens bound to its certificate \
                     (tls_client_certificate_bound_access_tokens). Turn DPoP off for it \
                     (`tokenscope profiles dpop off {}`), or \
                     register the client for DPoP-bound tokens; the certificate can still \
                     authenticate it (tls_client_auth).",
                    profile.name, profile.name
                ));
            }
            Error::Provider(p)
        }
        other => other,
    }
}

/// The checks of a token response against the DPoP key with this thumbprint.
pub(crate) fn binding_checks(tokens: &TokenResponse, thumbprint: &str) -> Vec<Check> {
    let mut out = Vec::new();
    let token_type = tokens.token_type.as_deref().unwrap_or("");
    out.push(if token_type.eq_ignore_ascii_case("dpop") {
        Check::new(
            CheckId::DpopTokenType,
            true,
            "token_type is DPoP: the access token is bound to the profile's DPoP key",
        )
    } else {
        Check::new(
            CheckId::DpopTokenType,
            false,
            format!(
                "DPoP proofs were sent, but token_type is {}: the provider did not bind the \
                 token to the key (it may not support DPoP for this client); an API that \
                 requires DPoP will refuse it",
                if token_type.is_empty() {
                    "missing".to_owned()
                } else {
                    format!("`{token_type}`")
                }
            ),
        )
    });
    let Some(access) = &tokens.access_token else {
        return out;
    };
    let decoded = match jwt::decode(access.expose()) {
        Ok(d) if matches!(d.kind, jwt::TokenKind::Jws | jwt::TokenKind::Unsigned) => d,
        // Opaque or encrypted: only the API (or introspection) can say what it is bound to.
        _ => return out,
    };
    let jkt = decoded
        .payload
        .get("cnf")
        .and_then(|c| c.get("jkt"))
        .and_then(serde_json::Value::as_str);
    out.push(match jkt {
        Some(j) if j == thumbprint => Check::new(
            CheckId::DpopBinding,
            true,
            format!("the access token's cnf.jkt is the thumbprint of the profile's DPoP key ({j})"),
        ),
        Some(j) => Check::new(
            CheckId::DpopBinding,
            false,
            format!(
                "the access token is bound to another key: its cnf.jkt is {j}, the profile's \
                 DPoP key has the thumbprint {thumbprint}; every proof Tokenscope signs will \
                 be refused with it"
            ),
        ),
        None if token_type.eq_ignore_ascii_case("dpop") => Check::new(
            CheckId::DpopBinding,
            false,
            "token_type is DPoP, but the access token is a JWT without cnf.jkt: it names no \
             key it is bound to",
        ),
        None => return out,
    });
    out
}
