//! Refresh: redeeming the stored refresh token and keeping the rotated one.
//!
//! - One at a time per profile: in this process (callers that wait share the result) and across
//!   processes (a lock file held across load, redeem and store, `lock.rs`).
//! - The token, and the client secret, go only where they were issued: each is stored with a
//!   [`Binding`] (client ID, metadata URL, issuer, token endpoint); when the profile now names
//!   another authority or client, nothing is sent, the token is deleted and a new sign-in is
//!   needed.
//! - A token known to be spent is never left behind: `invalid_grant` (or a bare 400) deletes the
//!   token that was redeemed, if it is still the one stored; a response that fails validation
//!   deletes it too; a valid response's rotated token replaces it.
//! - A refresh response without an ID token is valid (OpenID Connect Core §12.2): the session
//!   keeps the last ID token's identity. An ID token that does come back is checked against the
//!   previous one (`validate/continuity.rs`).

use super::outcome::{Flow, Outcome, RefreshTokenStatus, TokenView};
use super::{identity_of, lock, Engine, Progress, ProgressFn};
use crate::error::{Error, Result};
use crate::oidc::authority::Authority;
use crate::oidc::metadata::ProviderMetadata;
use crate::oidc::request::client_secret_account;
use crate::oidc::token::{self, TokenResponse};
use crate::secret::Secret;
use crate::store::profile::{refresh_account, Profile};
use crate::store::vault::{Binding, VaultLocation};
use crate::validate::{self, Check, CheckId, Expectations, Identity, Report};
use std::sync::atomic::Ordering;

/// What a refresh token issued to `profile` by the provider of `metadata` is bound to.
pub(super) fn binding(profile: &Profile, metadata: &ProviderMetadata) -> Option<Binding> {
    let authority = Authority::parse(&profile.authority).ok()?;
    Some(Binding {
        client_id: profile.client_id.trim().to_owned(),
        metadata_url: authority.metadata_url.to_string(),
        issuer: Some(metadata.issuer.clone()),
        token_endpoint: Some(metadata.token_endpoint.to_string()),
    })
}

/// What a client secret set for `profile` is bound to (no network: the metadata URL stands for
/// the provider).
pub(super) fn secret_binding(profile: &Profile) -> Result<Binding> {
    let authority = Authority::parse(&profile.authority)?;
    Ok(Binding {
        client_id: profile.client_id.trim().to_owned(),
        metadata_url: authority.metadata_url.to_string(),
        issuer: None,
        token_endpoint: None,
    })
}

/// Why a secret stored with `stored` must not be used for `now`, in words; `None` when it may.
/// Only the parts both sides know are compared.
pub(super) fn mismatch(stored: Option<&Binding>, now: &Binding) -> Option<String> {
    let Some(stored) = stored else {
        return Some(
            "it was stored without a record of the provider and client it was issued for (by \
             an earlier Tokenscope)"
                .into(),
        );
    };
    let mut changed = Vec::new();
    if stored.client_id != now.client_id {
        changed.push(format!(
            "client ID {} (now {})",
            stored.client_id, now.client_id
        ));
    }
    if stored.metadata_url != now.metadata_url {
        changed.push(format!(
            "authority {} (now {})",
            stored.metadata_url, now.metadata_url
        ));
    }
    if let (Some(a), Some(b)) = (&stored.issuer, &now.issuer) {
        if a != b {
            changed.push(format!("issuer {a} (now {b})"));
        }
    }
    if let (Some(a), Some(b)) = (&stored.token_endpoint, &now.token_endpoint) {
        if a != b {
            changed.push(format!("token endpoint {a} (now {b})"));
        }
    }
    (!changed.is_empty()).then(|| format!("it was issued for {}", changed.join(", ")))
}

impl Engine {
    /// Redeems the profile's stored refresh token and stores the rotated one. Concurrent calls
    /// for one profile share a single redemption; other processes wait for the profile's lock.
    /// `invalid_grant` deletes the stored token and ends in [`Error::SignInRequired`], and so
    /// does a profile whose authority or client ID changed since the token was stored.
    pub async fn refresh(
        &self,
        profile: &Profile,
        progress: Option<ProgressFn>,
    ) -> Result<Outcome> {
        let slot = {
            let mut slots = self
                .refreshes
                .lock()
                .map_err(|_| Error::Config("refresh state poisoned".into()))?;
            slots.entry(profile.name.clone()).or_default().clone()
        };
        let seen = slot.generation.load(Ordering::SeqCst);
        let mut last = slot.lock.lock().await;
        if slot.generation.load(Ordering::SeqCst) != seen {
            // Someone else refreshed while we waited: theirs is the fresh result.
            if let Some(outcome) = last.as_ref() {
                return Ok(outcome.clone());
            }
        }
        let outcome = {
            let _held = lock::acquire(
                self.profiles.dir(),
                &profile.refresh_account(),
                &profile.name,
            )
            .await?;
            self.logged(
                &profile.name,
                super::WireOf::SignIn,
                self.refresh_once(profile, progress),
            )
            .await
        };
        if let Ok(o) = &outcome {
            *last = Some(o.clone());
            slot.generation.fetch_add(1, Ordering::SeqCst);
        }
        outcome
    }

    /// Deletes the refresh token of `account` if it is still `redeemed` (a sign-in may have
    /// stored a new one meanwhile); true when it was deleted.
    async fn delete_if_still(&self, account: &str, redeemed: &Secret) -> bool {
        match self.load_token(account).await {
            Ok(Some(now)) if now.secret.expose() == redeemed.expose() => {
                self.delete_token(account).await.unwrap_or(false)
            }
            _ => false,
        }
    }

    /// The refresh token (and a client secret of the same past) belongs to another provider or
    /// client: deleted, never sent.
    async fn unbound(
        &self,
        profile: &Profile,
        account: &str,
        redeemed: &Secret,
        why: String,
    ) -> Error {
        let deleted = self.delete_if_still(account, redeemed).await;
        let mut message = format!(
            "profile {:?} changed since its refresh token was stored: {why}; nothing was sent \
             to the provider{}, sign in again",
            profile.name,
            if deleted {
                " and the token was deleted"
            } else {
                ""
            }
        );
        let secret_account = client_secret_account(&profile.name);
        if let (Ok(Some(secret)), Ok(now)) = (
            self.load_token(&secret_account).await,
            secret_binding(profile),
        ) {
            if mismatch(secret.bound.as_ref(), &now).is_some() {
                let _ = self.delete_token(&secret_account).await;
                message.push_str(
                    "; the client secret was set for the old provider and was deleted too: \
                     enter it again",
                );
            }
        }
        Error::SignInRequired(message)
    }

    async fn refresh_once(
        &self,
        profile: &Profile,
        progress: Option<ProgressFn>,
    ) -> Result<Outcome> {
        let report = |p: Progress| {
            if let Some(f) = &progress {
                f(p)
            }
        };
        let account = refresh_account(&profile.name);
        let Some(stored) = self.load_token(&account).await? else {
            return Err(Error::SignInRequired(format!(
                "no refresh token is stored for profile {:?}",
                profile.name
            )));
        };
        let authority = Authority::parse(&profile.authority)?;
        // First what the profile names (no network), then what its provider says.
        let named = Binding {
            client_id: profile.client_id.trim().to_owned(),
            metadata_url: authority.metadata_url.to_string(),
            issuer: None,
            token_endpoint: None,
        };
        if let Some(why) = mismatch(stored.bound.as_ref(), &named) {
            return Err(self.unbound(profile, &account, &stored.secret, why).await);
        }
        let provider = self.provider_for(profile, &authority).await?;
        report(Progress::MetadataFetched {
            metadata_url: authority.metadata_url.to_string(),
            issuer: provider.metadata.issuer.clone(),
        });
        let bound = binding(profile, &provider.metadata).unwrap_or(named);
        if let Some(why) = mismatch(stored.bound.as_ref(), &bound) {
            return Err(self.unbound(profile, &account, &stored.secret, why).await);
        }
        let mut scope: Vec<&str> = profile.scopes.iter().map(String::as_str).collect();
        if !scope.contains(&"openid") {
            scope.insert(0, "openid");
        }
        let client_auth = self.client_auth(profile, &provider.metadata).await?;
        let http = self
            .http_for(profile, Some(&provider.metadata.token_endpoint), false)
            .await?;
        let tokens = match token::redeem_refresh(
            http.as_ref(),
            &provider.metadata.token_endpoint,
            &profile.client_id,
            &client_auth,
            &stored.secret,
            &scope.join(" "),
        )
        .await
        {
            Ok(t) => t,
            Err(Error::Provider(p))
                if p.is_invalid_grant() && self.dpop_off_with_key(profile).await =>
            {
                // Likely bound to the DPoP key (RFC 9449 §5): kept, for a refresh with DPoP.
                return Err(Error::SignInRequired(format!(
                    "the provider refused the stored refresh token ({}); DPoP is off for \
                     profile {:?} but it has a DPoP key, and a refresh token issued with DPoP \
                     is bound to that key: refresh with DPoP (`--dpop`, or `tokenscope profiles \
                     dpop on`), or sign in again. The refresh token was kept",
                    p.message.as_deref().unwrap_or(&p.error),
                    profile.name
                )));
            }
            Err(Error::Provider(p)) if p.is_invalid_grant() => {
                let deleted = self.delete_if_still(&account, &stored.secret).await;
                return Err(Error::SignInRequired(format!(
                    "the provider refused the stored refresh token ({}); {}, sign in again",
                    p.message.as_deref().unwrap_or(&p.error),
                    if deleted {
                        "it was deleted"
                    } else {
                        "a newer one stored meanwhile was kept"
                    }
                )));
            }
            Err(Error::HttpStatus {
                status: 400, body, ..
            }) if body.trim().is_empty() => {
                let deleted = self.delete_if_still(&account, &stored.secret).await;
                return Err(Error::SignInRequired(format!(
                    "the provider refused the refresh token without saying why (HTTP 400, \
                     empty body); sign in again{}",
                    if deleted {
                        " (the stored token was deleted)"
                    } else {
                        ""
                    }
                )));
            }
            Err(e) => return Err(e),
        };
        report(Progress::TokensExchanged);
        // From here on the provider has redeemed the token: nothing may end the refresh before
        // the rotated token's fate is settled.
        let previous = self
            .profiles
            .state(&profile.name)
            .ok()
            .and_then(|s| s.last_identity);
        let expect = Expectations {
            issuer: provider.metadata.issuer.clone(),
            client_id: profile.client_id.clone(),
            trusted_audiences: Vec::new(),
            provider_algs: provider
                .metadata
                .id_token_signing_alg_values_supported
                .clone(),
            nonce: None,
            max_age: None,
            access_token: tokens.access_token.clone(),
            previous: previous.clone(),
            skew: self.skew,
        };
        let now = self.clock.now();
        let (decoded_id, mut checks) = match &tokens.id_token {
            Some(id) => {
                validate::validate_id_token(id.expose(), &expect, now, &provider.keys).await
            }
            None => (
                None,
                without_id_token(&tokens, previous.as_ref(), now, self.skew),
            ),
        };
        // Odd, not fatal: the same warning as a sign-in's.
        if let Some(warning) = super::scope_warning(tokens.scope.as_deref()) {
            checks.warn(validate::CheckId::Scope, warning);
        }
        self.dpop_checks(profile, &tokens, &mut checks).await;
        self.check_binding(profile, tokens.access_token.as_ref(), &mut checks);
        let refresh_token = self
            .settle(&account, &stored.secret, &tokens, &checks, bound)
            .await;
        let outcome = Outcome {
            flow: Flow::Refresh,
            profile: profile.name.clone(),
            issuer: provider.metadata.issuer.clone(),
            redirect_uri: None,
            id_token: tokens.id_token.as_ref().map(|raw| TokenView {
                raw: raw.clone(),
                decoded: decoded_id,
            }),
            access_token: tokens.access_token.as_ref().map(TokenView::new),
            report: checks,
            refresh_token,
            token_type: tokens.token_type.clone(),
            expires_in: tokens.expires_in,
            scope: tokens.scope.clone().filter(|s| !s.trim().is_empty()),
            refresh_token_expires_in: tokens.refresh_token_expires_in,
            response_fields: super::response_fields::decode(&tokens.fields, self.clock.now()),
            exchanges: Default::default(),
            request_form: None,
            sender: self.sender_used(profile).await,
        };
        report(Progress::Validated {
            passed: outcome.passed(),
        });
        self.remember_id_token(&outcome);
        if outcome.passed() {
            // Without an ID token the identity stays the last ID token's.
            let identity = identity_of(&outcome);
            let now = self.clock.now();
            let rotated = outcome.refresh_token.received && outcome.refresh_token.stored;
            self.profiles.update_state(&profile.name, |s| {
                if identity.is_some() {
                    s.last_identity = identity;
                }
                if rotated {
                    s.last_rotation = Some(now);
                }
            })?;
        }
        Ok(outcome)
    }

    /// Keeps, replaces or deletes the stored refresh token after a redemption, and says which.
    async fn settle(
        &self,
        account: &str,
        redeemed: &Secret,
        tokens: &TokenResponse,
        checks: &Report,
        bound: Binding,
    ) -> RefreshTokenStatus {
        let location = self.vault.location();
        let where_kept = |location: &VaultLocation| match location {
            VaultLocation::Keyring => "stored in the OS keyring".to_owned(),
            VaultLocation::SessionOnly { reason } => {
                format!("kept for this session only: {reason}")
            }
        };
        if !checks.passed() {
            let failed: Vec<&str> = checks.failures().map(|c| c.name.as_str()).collect();
            let deleted = self.delete_if_still(account, redeemed).await;
            let rotated = if tokens.refresh_token.is_some() {
                " (the provider rotated it, so it no longer works)"
            } else {
                ""
            };
            return RefreshTokenStatus {
                received: tokens.refresh_token.is_some(),
                stored: false,
                location,
                note: format!(
                    "the refresh response failed validation ({}), so its tokens do not count{}: \
                     sign in again",
                    failed.join(", "),
                    if deleted {
                        format!("; the stored refresh token was deleted{rotated}")
                    } else {
                        String::new()
                    }
                ),
            };
        }
        let Some(rt) = &tokens.refresh_token else {
            return RefreshTokenStatus {
                received: false,
                stored: true,
                location,
                note: "the provider did not rotate the refresh token; the stored one is kept"
                    .into(),
            };
        };
        match self.store_token(account, rt, Some(&bound)).await {
            Ok(location) => RefreshTokenStatus {
                received: true,
                stored: true,
                note: format!(
                    "rotated: the new refresh token replaced the old one ({})",
                    where_kept(&location)
                ),
                location,
            },
            Err(e) => {
                // The old token is spent: keeping it would only fail later.
                self.delete_if_still(account, redeemed).await;
                RefreshTokenStatus {
                    received: true,
                    stored: false,
                    location,
                    note: format!(
                        "the provider rotated the refresh token, but the new one could not be \
                         stored ({e}) and the old one no longer works: sign in again"
                    ),
                }
            }
        }
    }
}

/// The report of a refresh response without an ID token: valid (OpenID Connect Core §12.2
/// says a refresh response might not contain one); what could still be checked is.
fn without_id_token(
    tokens: &TokenResponse,
    previous: Option<&Identity>,
    now: chrono::DateTime<chrono::Utc>,
    skew: std::time::Duration,
) -> Report {
    let mut report = Report::default();
    let push = |report: &mut Report, name: CheckId, ok: bool, detail: String| {
        report.checks.push(Check::new(name, ok, detail))
    };
    let session = match previous {
        Some(p) => format!(
            "the session stays {} at {}, from the last ID token",
            p.sub, p.iss
        ),
        None => "the session keeps the last ID token's identity".into(),
    };
    push(
        &mut report,
        CheckId::IdToken,
        true,
        format!(
            "none in this refresh response, which OpenID Connect Core §12.2 allows: {session}; \
             the response and the access token were checked"
        ),
    );
    let mut shape = vec!["access_token".to_owned()];
    if let Some(t) = &tokens.token_type {
        shape.push(format!("token_type {t}"));
    }
    if let Some(e) = tokens.expires_in {
        shape.push(format!("expires_in {e} s"));
    }
    if tokens.refresh_token.is_some() {
        shape.push("a new refresh_token".into());
    }
    push(
        &mut report,
        CheckId::Response,
        true,
        format!("a token response with {}", shape.join(", ")),
    );
    let access = match tokens.access_token.as_ref() {
        None => (
            false,
            "no access token either: nothing was issued".to_owned(),
        ),
        Some(at) => match crate::jose::jwt::decode(at.expose()) {
            Ok(d) if d.payload.contains_key("exp") => {
                let exp = validate::time_checks(&d.payload, now, skew)
                    .into_iter()
                    .find(|c| c.name == CheckId::Exp);
                match exp {
                    Some(c) => (c.ok, format!("a JWT; {}", c.detail)),
                    None => (true, "a JWT".to_owned()),
                }
            }
            Ok(_) => (true, "a JWT without exp".to_owned()),
            Err(_) => (
                true,
                "opaque (not a JWT): the API it is for checks it".to_owned(),
            ),
        },
    };
    push(&mut report, CheckId::AccessToken, access.0, access.1);
    report
}
