//! A profile's client certificate in the engine (RFC 8705): the HTTP client that presents it,
//! the provider's metadata with its `mtls_endpoint_aliases` applied, and the check that an
//! access token bound to a certificate is bound to this one.

use super::{Engine, Provider};
use crate::error::Result;
use crate::http::{HttpClient, HttpLimits};
use crate::oidc::authority::Authority;
use crate::oidc::mtls::{LoadedCertificate, MtlsClient};
use crate::store::profile::Profile;
use crate::validate::Report;
use std::sync::Arc;

impl Engine {
    /// The profile's client certificate, read and checked now (`None`: it names none).
    pub(super) fn certificate(&self, profile: &Profile) -> Result<Option<LoadedCertificate>> {
        profile
            .client_certificate
            .as_ref()
            .map(|c| c.load(self.clock.now()))
            .transpose()
    }

    /// The HTTP client for the profile's requests to its provider: the engine's own, or with a
    /// client certificate one that presents it.
    pub(super) fn tls_http_for(&self, profile: &Profile) -> Result<Arc<dyn HttpClient>> {
        let (Some(files), Some(loaded)) = (&profile.client_certificate, self.certificate(profile)?)
        else {
            return Ok(self.http.clone());
        };
        Ok(Arc::new(MtlsClient::new(
            &loaded,
            files,
            HttpLimits::default(),
        )?))
    }

    /// The provider as the profile uses it: its metadata and keys fetched trusting the
    /// profile's CA file when it names one (a provider whose own certificate comes from a
    /// company's CA), and with a client certificate its endpoints are the
    /// `mtls_endpoint_aliases` the metadata names (RFC 8705 §5); the keys are shared.
    pub(super) async fn provider_for(
        &self,
        profile: &Profile,
        authority: &Authority,
    ) -> Result<Arc<Provider>> {
        let files = profile.client_certificate.as_ref();
        let trusting = files
            .map(|f| MtlsClient::trusting_ca(f, HttpLimits::default()))
            .transpose()?
            .flatten();
        // Kept apart per CA file: the keys are fetched again with the same trust.
        let base_key = match (files.and_then(|f| f.ca_file.as_deref()), &trusting) {
            (Some(ca), Some(_)) => format!("{} (CA {ca})", authority.metadata_url),
            _ => authority.metadata_url.to_string(),
        };
        let plain = match trusting {
            Some(http) => {
                self.provider_via(authority, Arc::new(http), base_key.clone())
                    .await?
            }
            None => self.provider(authority).await?,
        };
        if profile.client_certificate.is_none() || !plain.metadata.has_mtls_aliases() {
            return Ok(plain);
        }
        let key = format!("{base_key} (mTLS)");
        let mut providers = self.providers.lock().await;
        if let Some(p) = providers.get(&key) {
            return Ok(p.clone());
        }
        let aliased = Arc::new(Provider {
            metadata: plain.metadata.with_mtls_aliases()?,
            keys: plain.keys.clone(),
        });
        providers.insert(key, aliased.clone());
        Ok(aliased)
    }

    /// Adds the `cnf` check of the access token when it is bound to a certificate.
    pub(super) fn check_binding(
        &self,
        profile: &Profile,
        access_token: Option<&crate::secret::Secret>,
        report: &mut Report,
    ) {
        let Some(token) = access_token else { return };
        let thumbprint = match self.certificate(profile) {
            Ok(c) => c.map(|c| c.thumbprint),
            Err(_) => None,
        };
        if let Some(check) =
            crate::validate::certificate_binding(token.expose(), thumbprint.as_deref())
        {
            report.checks.push(check);
        }
    }
}

/// What a refused client certificate (`invalid_client` with `tls_client_auth` or
/// `self_signed_tls_client_auth`) most likely means.
pub(super) fn certificate_refused(
    auth: &crate::oidc::token::ClientAuth,
    thumbprint: Option<String>,
) -> String {
    let which = thumbprint
        .map(|t| format!(" (x5t#S256 {t})"))
        .unwrap_or_default();
    match auth {
        crate::oidc::token::ClientAuth::Tls { self_signed: true } => format!(
            "The provider did not accept the client certificate{which} for \
             self_signed_tls_client_auth: the app registration must hold this very certificate \
             (in its jwks, x5c)."
        ),
        _ => format!(
            "The provider did not accept the client certificate{which} for tls_client_auth: it \
             must come from a CA the provider trusts and carry the subject registered for the \
             client (tls_client_auth_subject_dn or a SAN)."
        ),
    }
}
