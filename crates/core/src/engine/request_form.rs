//! The browser sign-in's request form (`oidc::request_form`): the authorization parameters built
//! by `oidc::authorize` go to the browser as they are, or as a signed (and encrypted) request
//! object, or pushed to the provider first so the browser gets only `client_id` and
//! `request_uri`. The request object is signed with what the client authenticates with: its
//! key (`client-key:<profile>`, private_key_jwt) or its client secret (HS256).

use super::{Engine, Provider};
use crate::error::{Error, Result};
use crate::inspect::keys::pem_blocks;
use crate::jose::sign::SigningKey;
use crate::oidc::authorize::AuthRequest;
use crate::oidc::request_form::{self as rf, JarMode, RequestFormUsed, Signer};
use crate::oidc::token::ClientAuth;
use crate::store::profile::Profile;
use url::Url;

/// The URL for the browser and what was done to get it.
pub(super) struct Shaped {
    pub url: Url,
    pub used: RequestFormUsed,
}

impl Engine {
    /// Puts the authorization request in the profile's form.
    pub(super) async fn shape_request(
        &self,
        profile: &Profile,
        provider: &Provider,
        request: &AuthRequest,
        client_auth: &ClientAuth,
    ) -> Result<Shaped> {
        let metadata = &provider.metadata;
        let form = profile.request_form;
        let endpoint = &metadata.authorization_endpoint;
        let par = rf::use_par(&form, metadata)?;
        if par.is_none() && form.jar == JarMode::Off {
            return Ok(Shaped {
                url: request.url.clone(),
                used: RequestFormUsed::default(),
            });
        }
        let mut params = rf::added_params(endpoint, &request.url);
        if par.is_some() && profile.dpop {
            // RFC 9449 §10: the pushed request names the DPoP key the code is bound to, so
            // only a token request with a proof of that key can redeem it.
            let key = self.dpop_key_for(profile).await?;
            params.push(("dpop_jkt".into(), key.thumbprint().to_owned()));
        }
        let client_id = profile.client_id.trim();
        let mut used = RequestFormUsed::default();
        // What travels: the parameters, or `client_id` and the request object.
        let object = if form.jar == JarMode::Off {
            None
        } else {
            let signer = signer_of(client_auth)?;
            let alg = rf::choose_signing_alg(&signer, metadata)?;
            let encryption = if form.jar == JarMode::SignedEncrypted {
                let jwks = provider.keys.get().await?;
                Some(rf::choose_encryption(&jwks, metadata)?)
            } else {
                None
            };
            used.signed_alg = Some(alg.to_owned());
            used.signed_with = Some(signer.describe());
            used.encrypted = encryption.as_ref().map(|e| {
                format!(
                    "{}/{} to the provider's key {}",
                    e.alg,
                    e.enc,
                    e.kid.as_deref().unwrap_or("(no kid)")
                )
            });
            Some(rf::request_object(
                &params,
                client_id,
                &metadata.issuer,
                self.clock.now().timestamp(),
                &signer,
                alg,
                encryption.as_ref(),
            )?)
        };
        let sent: Vec<(&str, &str)> = match &object {
            Some(jwt) => vec![("client_id", client_id), ("request", jwt.as_str())],
            None => params
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        };
        let Some(par_endpoint) = par else {
            // In the browser, OpenID Connect Core §6.1 also wants `response_type` and `scope`
            // outside the request object (RFC 9101 needs only `client_id`): the same values.
            let mut url_pairs = sent.clone();
            if object.is_some() {
                for name in ["response_type", "scope"] {
                    if let Some((k, v)) = params.iter().find(|(k, _)| k == name) {
                        url_pairs.insert(url_pairs.len() - 1, (k.as_str(), v.as_str()));
                    }
                }
            }
            return Ok(Shaped {
                url: rf::endpoint_with(endpoint, &url_pairs),
                used,
            });
        };
        used.pushed_to = Some(par_endpoint.to_string());
        let pushed = rf::push(
            self.tls_http_for(profile)?.as_ref(),
            &par_endpoint,
            client_id,
            client_auth,
            sent,
        )
        .await
        .map_err(|e| match e {
            // A refused client assertion, explained as at the token endpoint.
            Error::Provider(mut p) if p.error == "invalid_client" && client_auth.is_jwt() => {
                if let Some(a) = p.advice.as_mut() {
                    a.note = Some(super::client_credentials::assertion_refused(client_auth));
                }
                Error::Provider(p)
            }
            other => other,
        })
        .map_err(|e| rf::explain_refusal(e, &used))?;
        used.request_uri = Some(pushed.request_uri.clone());
        used.request_uri_expires_in = Some(pushed.expires_in);
        Ok(Shaped {
            url: rf::endpoint_with(
                endpoint,
                &[
                    ("client_id", client_id),
                    ("request_uri", &pushed.request_uri),
                ],
            ),
            used,
        })
    }
}

/// What signs the request object: the client's key or secret, as it authenticates.
fn signer_of(auth: &ClientAuth) -> Result<Signer> {
    match auth {
        ClientAuth::PrivateKeyJwt(key) => {
            let mut reasons = Vec::new();
            for (label, der) in pem_blocks(key.pem().expose()).map_err(Error::Config)? {
                match SigningKey::from_pem_block(&label, &der) {
                    Ok(k) => {
                        return Ok(Signer::Key(Box::new(k), key.x5t_s256().map(str::to_owned)))
                    }
                    Err(e) if label.contains("PRIVATE KEY") => reasons.push(e),
                    Err(_) => {}
                }
            }
            Err(Error::Config(format!(
                "the profile's client key cannot sign the request object: {}",
                reasons.join("; ")
            )))
        }
        ClientAuth::SecretBasic(s) | ClientAuth::SecretPost(s) | ClientAuth::SecretJwt(s) => {
            Ok(Signer::Secret(s.clone()))
        }
        ClientAuth::Tls { .. } => Err(Error::Config(
            "a signed request object needs the client's key (`tokenscope profiles key set \
             <profile> < key.pem`) or its client secret; a client that authenticates with its \
             certificate (mutual TLS) has neither"
                .into(),
        )),
        ClientAuth::None => Err(Error::Config(
            "a signed request object needs the client's key (`tokenscope profiles key set \
             <profile> < key.pem`) or its client secret (`tokenscope profiles secret set`); \
             this profile has neither"
                .into(),
        )),
    }
}
