//! The client credentials grant (RFC 6749 §4.4): a confidential client asks for an access token
//! for itself, with its own credentials and no user. There is no ID token; the access token is
//! judged on its own (`validate::validate_app_token`). Entra's authorities (B2C, External ID,
//! Entra ID) want `<resource>/.default` scopes: a scope without it is warned about with the fix,
//! in the report or next to the provider's refusal.

use super::outcome::{Flow, Outcome, RefreshTokenStatus, TokenView};
use super::{response_fields, Engine, Progress, ProgressFn};
use crate::error::{Error, Result};
use crate::jose::jwt::Decoded;
use crate::oidc::app_scope;
use crate::oidc::authority::Authority;
use crate::oidc::token::{self, ClientAuth, TokenResponse};
use crate::store::profile::Profile;
use crate::validate::{self, AppExpectations, CheckId, Report};
use serde::Serialize;

/// That a profile can ask for an app-only token with the client credentials grant, and the scope
/// to start from. Offered only to a profile with a way to authenticate its client (a client
/// secret or private key stored, or a client certificate named): a public client (a plain B2C
/// sign-in profile) has none, and the grant would be refused before any request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AppTokenOffer {
    /// The scope to prefill (`app_scope::suggested_scope`): with Entra, the `/.default` of the
    /// API the profile's scopes name; else empty, and the request sends the profile's scopes
    /// without `openid` and `offline_access`.
    pub scope: String,
}

impl AppTokenOffer {
    /// The offer for `profile`, given whether a client secret and a private key are stored for
    /// it; `None` for a public client.
    pub fn of(profile: &Profile, client_secret: bool, client_key: bool) -> Option<Self> {
        if !(client_secret || client_key || profile.client_certificate.is_some()) {
            return None;
        }
        let scope = Authority::parse(&profile.authority)
            .map(|a| app_scope::suggested_scope(&a, &profile.client_id, &profile.scopes))
            .unwrap_or_default();
        Some(AppTokenOffer { scope })
    }
}

impl Engine {
    /// Gets an app-only access token for the profile's client with the client credentials grant
    /// and judges it. `scope` overrides the profile's scopes (`openid` and `offline_access` are
    /// left out: they are about a user). Needs a client secret (or key) stored for the profile.
    pub async fn client_credentials(
        &self,
        profile: &Profile,
        scope: Option<&str>,
        progress: Option<ProgressFn>,
    ) -> Result<Outcome> {
        self.logged(
            &profile.name,
            super::WireOf::SignIn,
            self.client_credentials_logged(profile, scope, progress),
        )
        .await
    }

    async fn client_credentials_logged(
        &self,
        profile: &Profile,
        scope: Option<&str>,
        progress: Option<ProgressFn>,
    ) -> Result<Outcome> {
        let report = |p: Progress| {
            if let Some(f) = &progress {
                f(p)
            }
        };
        let authority = Authority::parse(&profile.authority)?;
        let scopes: Vec<String> = match scope {
            Some(s) => s.split_whitespace().map(str::to_owned).collect(),
            None => profile
                .scopes
                .iter()
                .filter(|s| !matches!(s.as_str(), "openid" | "offline_access"))
                .cloned()
                .collect(),
        };
        let warning = app_scope::default_scope_warning(&authority, &scopes);
        let provider = self.provider_for(profile, &authority).await?;
        let metadata = &provider.metadata;
        report(Progress::MetadataFetched {
            metadata_url: authority.metadata_url.to_string(),
            issuer: metadata.issuer.clone(),
        });
        let client_auth = self.client_auth(profile, metadata).await?;
        if matches!(client_auth, ClientAuth::None) {
            return Err(Error::Config(format!(
                "the client credentials grant needs a confidential client, and profile {:?} has \
                 no client secret stored: store it with `tokenscope profiles secret set {}` \
                 (read from stdin)",
                profile.name, profile.name
            )));
        }
        // With DPoP, a proof on the token request (RFC 9449 §5): the app's token is bound too.
        let http = self
            .http_for(profile, Some(&metadata.token_endpoint), false)
            .await?;
        let tokens = token::client_credentials_grant(
            http.as_ref(),
            &metadata.token_endpoint,
            &profile.client_id,
            &client_auth,
            &scopes.join(" "),
        )
        .await
        .map_err(|e| match (e, &warning) {
            (Error::Provider(mut p), _) if p.error == "invalid_client" && client_auth.is_jwt() => {
                if let Some(a) = p.advice.as_mut() {
                    a.note = Some(assertion_refused(&client_auth));
                }
                Error::Provider(p)
            }
            (Error::Provider(mut p), _)
                if p.error == "invalid_client" && matches!(client_auth, ClientAuth::Tls { .. }) =>
            {
                if let Some(a) = p.advice.as_mut() {
                    let thumbprint = self
                        .certificate(profile)
                        .ok()
                        .flatten()
                        .map(|c| c.thumbprint);
                    a.note = Some(super::mtls::certificate_refused(&client_auth, thumbprint));
                }
                Error::Provider(p)
            }
            (Error::Provider(mut p), Some(w)) => {
                if let Some(a) = p.advice.as_mut() {
                    a.note = Some(w.clone());
                }
                Error::Provider(p)
            }
            (e, _) => super::dpop::two_keys_refused(profile, e),
        })?;
        report(Progress::TokensExchanged);
        let expect = AppExpectations {
            issuer: metadata.issuer.clone(),
            client_id: profile.client_id.clone(),
            skew: self.skew,
        };
        let now = self.clock.now();
        let (decoded, mut checks) =
            validate::validate_app_token(&tokens, &expect, now, &provider.keys).await;
        if let Some(w) = warning {
            checks.warn(CheckId::Scope, w);
        }
        self.check_binding(profile, tokens.access_token.as_ref(), &mut checks);
        self.dpop_checks(profile, &tokens, &mut checks).await;
        report(Progress::Validated {
            passed: checks.passed(),
        });
        Ok(self.app_outcome(
            Flow::ClientCredentials,
            profile,
            &metadata.issuer,
            &tokens,
            (decoded, checks),
            if tokens.refresh_token.is_some() {
                "received but not stored: a client credentials response should carry none \
                 (RFC 6749 §4.4.3)"
            } else {
                "none: the client asks again with its own credentials (client credentials grant)"
            },
        )
        .await)
    }

    /// The outcome of a grant that gives an app a token of its own (client credentials, token
    /// exchange, JWT bearer): no ID token, no redirect, the access token as judged, and a
    /// refresh token never stored (`refresh_note` says what became of it).
    pub(super) async fn app_outcome(
        &self,
        flow: Flow,
        profile: &Profile,
        issuer: &str,
        tokens: &TokenResponse,
        (decoded, report): (Option<Decoded>, Report),
        refresh_note: &str,
    ) -> Outcome {
        Outcome {
            flow,
            profile: profile.name.clone(),
            issuer: issuer.to_owned(),
            redirect_uri: None,
            id_token: None,
            access_token: tokens.access_token.as_ref().map(|raw| TokenView {
                raw: raw.clone(),
                decoded,
            }),
            report,
            refresh_token: RefreshTokenStatus {
                received: tokens.refresh_token.is_some(),
                stored: false,
                location: self.vault.location(),
                note: refresh_note.to_owned(),
            },
            token_type: tokens.token_type.clone(),
            expires_in: tokens.expires_in,
            scope: tokens.scope.clone().filter(|s| !s.trim().is_empty()),
            refresh_token_expires_in: None,
            response_fields: response_fields::decode(&tokens.fields, self.clock.now()),
            exchanges: Default::default(),
            request_form: None,
            sender: self.sender_used(profile).await,
        }
    }
}

/// What a refused client assertion most likely means.
pub(super) fn assertion_refused(auth: &ClientAuth) -> String {
    match auth {
        ClientAuth::PrivateKeyJwt(k) => format!(
            "The provider refused the client assertion (private_key_jwt, {}{}): it is signed with a \
             key the app registration does not hold. Upload this key's certificate (or its public \
             JWK) to the app, or store the key that belongs to the registered one (`tokenscope \
             profiles key set`).",
            k.alg_name(),
            k.x5t_s256()
                .map(|t| format!(", certificate x5t#S256 {t}"))
                .unwrap_or_default()
        ),
        _ => "The provider refused the client assertion (client_secret_jwt, HS256 with the \
              stored secret): the secret is wrong or expired, or the app is registered for \
              another method."
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_profile_with_client_authentication_is_offered_app_tokens() {
        let mut b2c = Profile::new("b2c", "contoso/B2C_1_susi", "app-id");
        b2c.scopes = vec![
            "openid".into(),
            "offline_access".into(),
            "https://contoso.onmicrosoft.com/api/read".into(),
        ];
        // A public client: nothing to authenticate with.
        assert_eq!(AppTokenOffer::of(&b2c, false, false), None);
        let api = Some(AppTokenOffer {
            scope: "https://contoso.onmicrosoft.com/api/.default".into(),
        });
        assert_eq!(AppTokenOffer::of(&b2c, true, false), api);
        assert_eq!(AppTokenOffer::of(&b2c, false, true), api);
        b2c.client_certificate = Some(crate::oidc::mtls::ClientCertificate {
            cert_file: "/etc/client.crt".into(),
            key_file: "/etc/client.key".into(),
            ca_file: None,
        });
        assert_eq!(AppTokenOffer::of(&b2c, false, false), api);
        // An authority that does not parse: offered, with nothing prefilled (the grant says why).
        let odd = Profile::new("odd", "not an authority", "app-id");
        assert_eq!(
            AppTokenOffer::of(&odd, true, false),
            Some(AppTokenOffer {
                scope: String::new()
            })
        );
    }
}
