//! B2C's resource-owner-password user flow (`B2C_1_ROPC_…`): a sign-in with no page at all,
//! for unattended tests. It skips MFA, federation and every page of the user flow, so it tests
//! the tokens, not what a user sees: the test runner says so in its report.

use super::outcome::{Flow, Outcome};
use super::{Engine, Progress, ProgressFn};
use crate::error::Result;
use crate::oidc::authority::Authority;
use crate::oidc::token;
use crate::secret::Secret;
use crate::store::profile::Profile;
use crate::validate::Expectations;

/// What a report says about every ROPC sign-in.
pub const ROPC_WARNING: &str = "ropc (resource owner password) skips MFA, federated identity \
    providers and every page of the user flow: it tests the tokens, not the pages";

impl Engine {
    /// Signs in with the user's name and password at the token endpoint (`grant_type=password`,
    /// `response_type=token id_token`), then judges the tokens exactly like a browser sign-in
    /// (no nonce is sent in this flow). The scopes are `openid` and the profile's; with none,
    /// `openid <client_id> offline_access` as B2C's documentation asks.
    pub async fn sign_in_password(
        &self,
        profile: &Profile,
        username: &Secret,
        password: &Secret,
        store: bool,
        progress: Option<ProgressFn>,
    ) -> Result<Outcome> {
        self.logged(
            &profile.name,
            super::WireOf::SignIn,
            self.sign_in_password_logged(profile, username, password, store, progress),
        )
        .await
    }

    async fn sign_in_password_logged(
        &self,
        profile: &Profile,
        username: &Secret,
        password: &Secret,
        store: bool,
        progress: Option<ProgressFn>,
    ) -> Result<Outcome> {
        let report = |p: Progress| {
            if let Some(f) = &progress {
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
        let mut scope = vec!["openid".to_owned()];
        if profile.scopes.is_empty() {
            scope.push(profile.client_id.clone());
            scope.push("offline_access".into());
        } else {
            scope.extend(profile.scopes.iter().filter(|s| *s != "openid").cloned());
        }
        let client_auth = self.client_auth(profile, metadata).await?;
        let http = self
            .http_for(profile, Some(&metadata.token_endpoint), false)
            .await?;
        let tokens = token::password_grant(
            http.as_ref(),
            &metadata.token_endpoint,
            &profile.client_id,
            &client_auth,
            username,
            password,
            &scope.join(" "),
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
            .judge(profile, &provider, &tokens, &expect, store)
            .await?;
        outcome.flow = Flow::SignIn;
        report(Progress::Validated {
            passed: outcome.passed(),
        });
        self.record_sign_in(profile, &outcome)?;
        Ok(outcome)
    }
}
