//! Provider metadata and signing keys, fetched by Tokenscope itself (not by strict discovery,
//! which fails on B2C's issuer quirk), with every endpoint Tokenscope will use checked for
//! transport safety before anything is sent to it.

use crate::error::{Error, Result};
use crate::http::{get_json, HttpClient};
use crate::oidc::authority::{check_transport, Authority};
use serde::{Deserialize, Serialize};
use url::Url;

/// The parts of an OpenID provider's metadata Tokenscope uses. `raw` keeps the whole document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProviderMetadata {
    /// The issuer tokens must carry in `iss` (for B2C not the discovery base).
    pub issuer: String,
    /// Where the browser is sent.
    pub authorization_endpoint: Url,
    /// Where codes and refresh tokens are redeemed.
    pub token_endpoint: Url,
    /// The signing keys.
    pub jwks_uri: Url,
    /// RP-initiated logout.
    #[serde(default)]
    pub end_session_endpoint: Option<Url>,
    /// UserInfo.
    #[serde(default)]
    pub userinfo_endpoint: Option<Url>,
    /// Token revocation (RFC 7009; B2C has none).
    #[serde(default)]
    pub revocation_endpoint: Option<Url>,
    /// Token introspection (RFC 7662; B2C has none).
    #[serde(default)]
    pub introspection_endpoint: Option<Url>,
    /// RFC 8628: where a device asks for a user code (the device flow).
    #[serde(default)]
    pub device_authorization_endpoint: Option<Url>,
    /// Algorithms the provider signs ID tokens with.
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// PKCE methods.
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    /// RFC 9207: the redirect carries `iss`.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    /// Client authentication methods at the token endpoint.
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// Response modes.
    #[serde(default)]
    pub response_modes_supported: Vec<String>,
    /// Scopes.
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    /// Claims.
    #[serde(default)]
    pub claims_supported: Vec<String>,
    /// RFC 8705 §5: the endpoints a client presenting a certificate uses instead (kept as sent;
    /// read by [`ProviderMetadata::with_mtls_aliases`]).
    #[serde(default)]
    pub mtls_endpoint_aliases: serde_json::Value,
    /// The request forms (PAR, JAR) the provider announces (used by `oidc::request_form`).
    #[serde(flatten)]
    pub request_forms: RequestFormMetadata,
}

/// The metadata members about request forms (RFC 9126 §5, RFC 9101 §9, OpenID Connect
/// Discovery §3).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RequestFormMetadata {
    /// Where requests are pushed.
    #[serde(default)]
    pub pushed_authorization_request_endpoint: Option<Url>,
    /// The provider accepts only pushed requests.
    #[serde(default)]
    pub require_pushed_authorization_requests: bool,
    /// The provider accepts only signed request objects.
    #[serde(default)]
    pub require_signed_request_object: bool,
    /// Algorithms a request object may be signed with.
    #[serde(default)]
    pub request_object_signing_alg_values_supported: Vec<String>,
    /// Key management algorithms a request object may be encrypted with.
    #[serde(default)]
    pub request_object_encryption_alg_values_supported: Vec<String>,
    /// Content encryptions a request object may be encrypted with.
    #[serde(default)]
    pub request_object_encryption_enc_values_supported: Vec<String>,
}

impl ProviderMetadata {
    /// Fetches and checks the metadata document of an authority.
    pub async fn fetch(http: &dyn HttpClient, authority: &Authority) -> Result<ProviderMetadata> {
        let url = &authority.metadata_url;
        let raw: serde_json::Value = get_json(http, url).await?;
        let metadata: ProviderMetadata =
            serde_json::from_value(raw.clone()).map_err(|e| Error::InvalidResponse {
                url: url.to_string(),
                message: format!("not OpenID provider metadata: {e}"),
                body: crate::http::body_for_display(raw.to_string().as_bytes()),
            })?;
        metadata.check()?;
        Ok(metadata)
    }

    /// Whether the metadata names any mTLS endpoint alias.
    pub fn has_mtls_aliases(&self) -> bool {
        self.mtls_endpoint_aliases
            .as_object()
            .is_some_and(|m| !m.is_empty())
    }

    /// The metadata as a client presenting a certificate uses it (RFC 8705 §5): each endpoint
    /// named in `mtls_endpoint_aliases` replaced by its alias; the others as they are. An alias
    /// that is not an https URL (http only on loopback) is an error naming it.
    pub fn with_mtls_aliases(&self) -> Result<ProviderMetadata> {
        let mut out = self.clone();
        let Some(aliases) = self.mtls_endpoint_aliases.as_object() else {
            return Ok(out);
        };
        for (name, value) in aliases {
            let slot = match name.as_str() {
                "token_endpoint" => &mut out.token_endpoint,
                "userinfo_endpoint" => out
                    .userinfo_endpoint
                    .get_or_insert_with(|| self.token_endpoint.clone()),
                "revocation_endpoint" => out
                    .revocation_endpoint
                    .get_or_insert_with(|| self.token_endpoint.clone()),
                "introspection_endpoint" => out
                    .introspection_endpoint
                    .get_or_insert_with(|| self.token_endpoint.clone()),
                "device_authorization_endpoint" => out
                    .device_authorization_endpoint
                    .get_or_insert_with(|| self.token_endpoint.clone()),
                "pushed_authorization_request_endpoint" => out
                    .request_forms
                    .pushed_authorization_request_endpoint
                    .get_or_insert_with(|| self.token_endpoint.clone()),
                // Endpoints Tokenscope does not call with the certificate.
                _ => continue,
            };
            let bad = |why: &str| {
                Error::Metadata(format!("`mtls_endpoint_aliases.{name}` is {value}: {why}"))
            };
            let url = value
                .as_str()
                .ok_or_else(|| bad("not a URL string"))
                .and_then(|s| Url::parse(s).map_err(|_| bad("not a URL")))?;
            check_transport(&url)
                .map_err(|_| bad("only https is allowed (http only on loopback)"))?;
            if !url.username().is_empty() || url.password().is_some() {
                return Err(bad("it carries credentials"));
            }
            *slot = url;
        }
        Ok(out)
    }

    /// Rejects metadata whose endpoints Tokenscope must not use.
    pub fn check(&self) -> Result<()> {
        if self.issuer.trim().is_empty() {
            return Err(Error::Metadata("`issuer` is empty".into()));
        }
        let endpoints = [
            ("authorization_endpoint", Some(&self.authorization_endpoint)),
            ("token_endpoint", Some(&self.token_endpoint)),
            ("jwks_uri", Some(&self.jwks_uri)),
            ("end_session_endpoint", self.end_session_endpoint.as_ref()),
            (
                "pushed_authorization_request_endpoint",
                self.request_forms
                    .pushed_authorization_request_endpoint
                    .as_ref(),
            ),
        ];
        for (name, url) in endpoints {
            if let Some(url) = url {
                check_transport(url).map_err(|_| {
                    Error::Metadata(format!(
                        "`{name}` is {url}: only https is allowed (http only on loopback)"
                    ))
                })?;
                if !url.username().is_empty() || url.password().is_some() {
                    return Err(Error::Metadata(format!("`{name}` carries credentials")));
                }
            }
        }
        if !self.code_challenge_methods_supported.is_empty()
            && !self
                .code_challenge_methods_supported
                .iter()
                .any(|m| m == "S256")
        {
            return Err(Error::Metadata(format!(
                "the provider does not support PKCE S256 (it announces {:?})",
                self.code_challenge_methods_supported
            )));
        }
        Ok(())
    }
}

/// A JSON Web Key Set, kept as raw JSON keys so one odd key does not hide the others.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Jwks {
    /// The keys as published.
    pub keys: Vec<serde_json::Value>,
}

impl Jwks {
    /// Fetches a JWKS.
    pub async fn fetch(http: &dyn HttpClient, url: &Url) -> Result<Jwks> {
        let jwks: serde_json::Value = get_json(http, url).await?;
        Self::from_value(jwks).map_err(|message| Error::InvalidResponse {
            url: url.to_string(),
            message,
            body: String::new(),
        })
    }

    /// Reads a JWKS (`{"keys": [...]}`) or a single JWK.
    pub fn from_value(value: serde_json::Value) -> std::result::Result<Jwks, String> {
        match value {
            serde_json::Value::Object(mut map) => match map.remove("keys") {
                Some(serde_json::Value::Array(keys)) => Ok(Jwks { keys }),
                Some(_) => Err("`keys` is not an array".into()),
                None if map.contains_key("kty") => Ok(Jwks {
                    keys: vec![serde_json::Value::Object(map)],
                }),
                None => Err("not a JWKS: no `keys` member".into()),
            },
            _ => Err("not a JWKS: not a JSON object".into()),
        }
    }

    /// The `kid` of each key, for display.
    pub fn kids(&self) -> Vec<String> {
        self.keys
            .iter()
            .filter_map(|k| k.get("kid").and_then(|v| v.as_str()).map(str::to_owned))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(aliases: serde_json::Value) -> ProviderMetadata {
        serde_json::from_value(serde_json::json!({
            "issuer": "https://p.example/",
            "authorization_endpoint": "https://p.example/authorize",
            "token_endpoint": "https://p.example/token",
            "jwks_uri": "https://p.example/keys",
            "userinfo_endpoint": "https://p.example/userinfo",
            "mtls_endpoint_aliases": aliases,
        }))
        .unwrap()
    }

    #[test]
    fn mtls_aliases_replace_the_endpoints_they_name() {
        let m = metadata(serde_json::json!({
            "token_endpoint": "https://mtls.p.example/token",
            "revocation_endpoint": "https://mtls.p.example/revoke",
            "pushed_authorization_request_endpoint": "https://mtls.p.example/par",
        }));
        assert!(m.has_mtls_aliases());
        let a = m.with_mtls_aliases().unwrap();
        assert_eq!(a.token_endpoint.as_str(), "https://mtls.p.example/token");
        assert_eq!(
            a.revocation_endpoint.unwrap().as_str(),
            "https://mtls.p.example/revoke"
        );
        assert_eq!(
            a.request_forms
                .pushed_authorization_request_endpoint
                .unwrap()
                .as_str(),
            "https://mtls.p.example/par"
        );
        // Not aliased: as it was; the authorization endpoint never is.
        assert_eq!(
            a.userinfo_endpoint.unwrap().as_str(),
            "https://p.example/userinfo"
        );
        assert_eq!(
            a.authorization_endpoint.as_str(),
            "https://p.example/authorize"
        );
        // No aliases at all: the metadata unchanged.
        let none = metadata(serde_json::Value::Null);
        assert!(!none.has_mtls_aliases());
        assert_eq!(
            none.with_mtls_aliases().unwrap().token_endpoint,
            none.token_endpoint
        );
    }

    #[test]
    fn a_bad_alias_is_an_error_naming_it() {
        for (alias, says) in [
            (serde_json::json!("http://evil.example/token"), "only https"),
            (serde_json::json!(7), "not a URL string"),
            (serde_json::json!("not a url"), "not a URL"),
            (
                serde_json::json!("https://u:p@mtls.p.example/token"),
                "credentials",
            ),
        ] {
            let e = metadata(serde_json::json!({ "token_endpoint": alias }))
                .with_mtls_aliases()
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("mtls_endpoint_aliases.token_endpoint") && e.contains(says),
                "{e}"
            );
        }
    }
}
