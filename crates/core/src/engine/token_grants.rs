//! Grants that trade one token for another at the token endpoint: token exchange (RFC 8693: a
//! subject token, optionally an actor token, for a token for another audience) and the JWT bearer
//! grant (RFC 7523 §2.1: a signed assertion for an access token). The tokens sent are secrets
//! (scrubbed from errors); what comes back is judged like the client credentials grant's token.

use super::outcome::{Flow, Outcome};
use super::{Engine, Progress, ProgressFn};
use crate::error::Result;
use crate::oidc::authority::Authority;
use crate::oidc::token;
use crate::secret::Secret;
use crate::store::profile::Profile;
use crate::validate::{self, AppExpectations, IssuedBy};

/// RFC 8693's token type of an access token (the default subject and requested type).
pub const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

/// What to trade.
#[derive(Debug, Clone)]
pub enum TokenGrant {
    /// RFC 8693 token exchange.
    Exchange {
        /// `subject_token`.
        subject_token: Secret,
        /// `subject_token_type` (default: an access token).
        subject_token_type: String,
        /// `actor_token` and its type, for delegation.
        actor_token: Option<(Secret, String)>,
        /// `requested_token_type`.
        requested_token_type: Option<String>,
        /// `audience`.
        audience: Option<String>,
        /// `resource`.
        resource: Option<String>,
        /// `scope`.
        scope: Option<String>,
    },
    /// RFC 7523 §2.1 JWT bearer grant.
    JwtBearer {
        /// `assertion`.
        assertion: Secret,
        /// `scope`.
        scope: Option<String>,
    },
}

impl Engine {
    /// Trades a token at the profile's token endpoint and judges the token that comes back.
    pub async fn token_grant(
        &self,
        profile: &Profile,
        grant: &TokenGrant,
        progress: Option<ProgressFn>,
    ) -> Result<Outcome> {
        self.logged(
            &profile.name,
            super::WireOf::SignIn,
            self.token_grant_logged(profile, grant, progress),
        )
        .await
    }

    async fn token_grant_logged(
        &self,
        profile: &Profile,
        grant: &TokenGrant,
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
        let client_auth = self.client_auth(profile, metadata).await?;
        let mut fields: Vec<(&str, &str)> = Vec::new();
        let (by, flow) = match grant {
            TokenGrant::Exchange {
                subject_token,
                subject_token_type,
                actor_token,
                requested_token_type,
                audience,
                resource,
                scope,
            } => {
                fields.push((
                    "grant_type",
                    "urn:ietf:params:oauth:grant-type:token-exchange",
                ));
                fields.push(("subject_token", subject_token.expose()));
                fields.push(("subject_token_type", subject_token_type));
                if let Some((t, kind)) = actor_token {
                    fields.push(("actor_token", t.expose()));
                    fields.push(("actor_token_type", kind));
                }
                for (name, value) in [
                    ("requested_token_type", requested_token_type),
                    ("audience", audience),
                    ("resource", resource),
                    ("scope", scope),
                ] {
                    if let Some(v) = value {
                        fields.push((name, v));
                    }
                }
                (IssuedBy::TokenExchange, Flow::TokenExchange)
            }
            TokenGrant::JwtBearer { assertion, scope } => {
                fields.push(("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"));
                fields.push(("assertion", assertion.expose()));
                if let Some(s) = scope {
                    fields.push(("scope", s));
                }
                (IssuedBy::JwtBearer, Flow::JwtBearer)
            }
        };
        // With DPoP, a proof on the token request: the traded token is bound to the key too.
        let http = self
            .http_for(profile, Some(&metadata.token_endpoint), false)
            .await?;
        let tokens = token::grant(
            http.as_ref(),
            &metadata.token_endpoint,
            &profile.client_id,
            &client_auth,
            fields,
        )
        .await
        .map_err(|e| super::dpop::two_keys_refused(profile, e))?;
        report(Progress::TokensExchanged);
        let expect = AppExpectations {
            issuer: metadata.issuer.clone(),
            client_id: profile.client_id.clone(),
            skew: self.skew,
        };
        let now = self.clock.now();
        let (decoded, mut checks) =
            validate::validate_issued_token(&tokens, &expect, now, &provider.keys, by).await;
        self.check_binding(profile, tokens.access_token.as_ref(), &mut checks);
        self.dpop_checks(profile, &tokens, &mut checks).await;
        report(Progress::Validated {
            passed: checks.passed(),
        });
        Ok(self
            .app_outcome(
                flow,
                profile,
                &metadata.issuer,
                &tokens,
                (decoded, checks),
                if tokens.refresh_token.is_some() {
                    "received, not stored: a traded token's refresh token is not the profile's"
                } else {
                    "none"
                },
            )
            .await)
    }
}
