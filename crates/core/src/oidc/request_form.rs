//! The forms an authorization request can travel in besides plain query parameters: pushed
//! (PAR, RFC 9126: the parameters are posted to the provider with the client's authentication
//! and the browser gets only `client_id` and a short-lived `request_uri`) and as a signed
//! request object (JAR, RFC 9101: the parameters are claims of a JWT signed with the client's
//! key or, HS256, its secret; optionally then encrypted to the provider's `enc` key, as itsme
//! requires). Both at once is the usual pairing. Signing and encryption are `jose`'s.

use crate::error::{Error, Result};
use crate::http::{self, HttpClient, HttpResponse};
use crate::jose::encrypt::{encrypt_compact, RecipientKey};
use crate::jose::sign::{sign_compact, SigningKey};
pub use crate::oidc::metadata::RequestFormMetadata;
use crate::oidc::metadata::{Jwks, ProviderMetadata};
use crate::oidc::provider_error::ErrorOrigin;
use crate::oidc::token::{authenticated_form, ClientAuth};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use url::Url;

/// How long a request object is valid (RFC 9101 wants it short; FAPI caps it at 60 minutes).
pub const REQUEST_OBJECT_LIFETIME: i64 = 300;

/// When the authorization request is pushed (PAR).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ParMode {
    /// When the provider's metadata says `require_pushed_authorization_requests`.
    #[default]
    Auto,
    /// Always (the provider must announce a `pushed_authorization_request_endpoint`).
    Always,
    /// Never.
    Never,
}

/// Whether the parameters travel as a request object (JAR).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum JarMode {
    /// Plain parameters.
    #[default]
    #[serde(rename = "off")]
    Off,
    /// A request object signed with the client's key (or HS256 with its secret).
    #[serde(rename = "signed")]
    Signed,
    /// Signed, then encrypted to the provider's `enc` key (itsme).
    #[serde(rename = "signed+encrypted")]
    SignedEncrypted,
}

impl ParMode {
    /// The name the profile file and the command line use.
    pub fn name(self) -> &'static str {
        match self {
            ParMode::Auto => "auto",
            ParMode::Always => "always",
            ParMode::Never => "never",
        }
    }

    /// Reads a name (`auto`, `always`, `never`).
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim() {
            "auto" => Ok(ParMode::Auto),
            "always" => Ok(ParMode::Always),
            "never" => Ok(ParMode::Never),
            other => Err(Error::Config(format!(
                "PAR `{other}` is not one of auto, always, never"
            ))),
        }
    }
}

impl JarMode {
    /// The name the profile file and the command line use.
    pub fn name(self) -> &'static str {
        match self {
            JarMode::Off => "off",
            JarMode::Signed => "signed",
            JarMode::SignedEncrypted => "signed+encrypted",
        }
    }

    /// Reads a name (`off`, `signed`, `signed+encrypted`).
    pub fn parse(text: &str) -> Result<Self> {
        match text.trim() {
            "off" => Ok(JarMode::Off),
            "signed" => Ok(JarMode::Signed),
            "signed+encrypted" => Ok(JarMode::SignedEncrypted),
            other => Err(Error::Config(format!(
                "request object `{other}` is not one of off, signed, signed+encrypted"
            ))),
        }
    }
}

/// A profile's request form: PAR and JAR. The default (PAR when the provider requires it, no
/// request object) is what a B2C profile needs: B2C offers neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct RequestForm {
    /// When to push.
    pub par: ParMode,
    /// Whether to send a request object.
    pub jar: JarMode,
}

impl RequestForm {
    /// "PAR auto, request object off", for people.
    pub fn describe(&self) -> String {
        format!(
            "PAR {}, request object {}",
            self.par.name(),
            self.jar.name()
        )
    }
}

/// Whether this sign-in pushes its request: `Always` needs the endpoint, `Auto` pushes when the
/// provider requires it (and says where).
pub fn use_par(form: &RequestForm, metadata: &ProviderMetadata) -> Result<Option<Url>> {
    let m = &metadata.request_forms;
    match form.par {
        ParMode::Never => Ok(None),
        ParMode::Auto if !m.require_pushed_authorization_requests => Ok(None),
        ParMode::Auto | ParMode::Always => match &m.pushed_authorization_request_endpoint {
            Some(endpoint) => Ok(Some(endpoint.clone())),
            None => Err(Error::Metadata(
                if form.par == ParMode::Always {
                    "the profile pushes its authorization request (PAR always) but the provider's \
                     metadata has no pushed_authorization_request_endpoint: set PAR to auto or \
                     never"
                } else {
                    "the provider requires pushed authorization requests but its metadata has no \
                     pushed_authorization_request_endpoint"
                }
                .into(),
            )),
        },
    }
}

/// What signs a request object: the profile's client key, or its client secret (HS256).
#[derive(Debug, Clone)]
pub enum Signer {
    /// The client key (`client-key:<profile>`), with its certificate's `x5t#S256` when stored
    /// with one.
    Key(Box<SigningKey>, Option<String>),
    /// The client secret.
    Secret(crate::secret::Secret),
}

impl Signer {
    /// The algorithms it signs with, preferred first.
    fn algs(&self) -> Vec<&'static str> {
        match self {
            Signer::Key(k, _) => {
                let mut algs = k.algs().to_vec();
                // RS256 is what every provider takes; PS256 when that is all it takes.
                algs.sort_by_key(|a| !a.ends_with("256"));
                algs
            }
            Signer::Secret(_) => vec!["HS256", "HS384", "HS512"],
        }
    }

    /// "the profile's client key (an RSA key (2048 bits))", for messages.
    pub fn describe(&self) -> String {
        match self {
            Signer::Key(k, _) => format!("the profile's client key ({})", k.describe()),
            Signer::Secret(_) => "the client secret".into(),
        }
    }
}

/// How a request object is encrypted: to which key, with what.
#[derive(Debug, Clone)]
pub struct Encryption {
    key: RecipientKey,
    /// The provider key's `kid`.
    pub kid: Option<String>,
    /// Key management.
    pub alg: String,
    /// Content encryption.
    pub enc: String,
}

/// What was done to the request, for the report and for errors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RequestFormUsed {
    /// Pushed: the PAR endpoint.
    pub pushed_to: Option<String>,
    /// The `request_uri` the browser got.
    pub request_uri: Option<String>,
    /// How long the `request_uri` was valid, seconds, as the provider said.
    pub request_uri_expires_in: Option<u64>,
    /// The request object's signature alg (none: no request object).
    pub signed_alg: Option<String>,
    /// What signed it, in words.
    pub signed_with: Option<String>,
    /// `alg/enc` and the provider key's `kid`, when encrypted.
    pub encrypted: Option<String>,
}

impl RequestFormUsed {
    /// One line for people: "pushed (PAR) to …; request_uri valid 60 s; request object signed
    /// RS256 with …, encrypted RSA-OAEP-256/A256GCM to key enc-1".
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(to) = &self.pushed_to {
            let mut p = format!("pushed (PAR) to {to}");
            if let Some(s) = self.request_uri_expires_in {
                p.push_str(&format!("; the request_uri expires in {s} s"));
            }
            parts.push(p);
        }
        if let (Some(alg), Some(with)) = (&self.signed_alg, &self.signed_with) {
            let mut p = format!("request object signed {alg} with {with}");
            if let Some(e) = &self.encrypted {
                p.push_str(&format!(", encrypted {e}"));
            }
            parts.push(p);
        }
        if parts.is_empty() {
            "plain query parameters".into()
        } else {
            parts.join("; ")
        }
    }
}

/// The signing alg for a request object: the first the signer makes that the provider
/// announces (or the signer's first when it announces none).
pub fn choose_signing_alg(signer: &Signer, metadata: &ProviderMetadata) -> Result<&'static str> {
    let announced = &metadata
        .request_forms
        .request_object_signing_alg_values_supported;
    let algs = signer.algs();
    if announced.is_empty() {
        return algs
            .first()
            .copied()
            .ok_or_else(|| Error::Config("the key signs nothing".into()));
    }
    algs.iter()
        .find(|a| announced.iter().any(|x| x == *a))
        .copied()
        .ok_or_else(|| {
            Error::Metadata(format!(
                "the provider takes request objects signed {} but {} signs only {}",
                announced.join(", "),
                signer.describe(),
                algs.join(", ")
            ))
        })
}

/// The provider's encryption key and the algorithms to encrypt a request object to it with:
/// a key with `use: enc` from its JWKS (one without `use` when none says `enc`), key
/// management the key fits and the provider announces (RSA-OAEP-256, RSA-OAEP, ECDH-ES…),
/// content encryption it announces (A256GCM preferred).
pub fn choose_encryption(jwks: &Jwks, metadata: &ProviderMetadata) -> Result<Encryption> {
    let m = &metadata.request_forms;
    let announced = |list: &[String], name: &str| list.is_empty() || list.iter().any(|x| x == name);
    let keys: Vec<&Map<String, Value>> = jwks.keys.iter().filter_map(Value::as_object).collect();
    let usable = |k: &&Map<String, Value>| k.get("use").and_then(Value::as_str) == Some("enc");
    let mut candidates: Vec<&Map<String, Value>> = keys.iter().copied().filter(usable).collect();
    if candidates.is_empty() {
        candidates = keys
            .iter()
            .copied()
            .filter(|k| k.get("use").is_none())
            .collect();
    }
    if candidates.is_empty() {
        return Err(Error::Metadata(
            "the profile encrypts its request object but the provider's JWKS has no \
             encryption key (`use: enc`)"
                .into(),
        ));
    }
    let mut reasons = Vec::new();
    for jwk in candidates {
        let kid = jwk.get("kid").and_then(Value::as_str).map(str::to_owned);
        let key = match RecipientKey::from_jwk(jwk) {
            Ok(k) => k,
            Err(e) => {
                reasons.push(format!("key {}: {e}", kid.as_deref().unwrap_or("(no kid)")));
                continue;
            }
        };
        let fits: &[&str] = match key {
            RecipientKey::Rsa(_) => &["RSA-OAEP-256", "RSA-OAEP"],
            RecipientKey::P256(_)
            | RecipientKey::P384(_)
            | RecipientKey::P521(_)
            | RecipientKey::X25519(_) => &["ECDH-ES+A256KW", "ECDH-ES+A128KW", "ECDH-ES"],
            _ => &[],
        };
        let pinned = jwk.get("alg").and_then(Value::as_str);
        let alg = fits.iter().find(|a| {
            pinned.is_none_or(|p| p == **a)
                && announced(&m.request_object_encryption_alg_values_supported, a)
        });
        let Some(alg) = alg else {
            reasons.push(format!(
                "key {} ({}) takes {} but the provider announces {}",
                kid.as_deref().unwrap_or("(no kid)"),
                key.describe(),
                fits.join(", "),
                m.request_object_encryption_alg_values_supported.join(", ")
            ));
            continue;
        };
        let encs = &m.request_object_encryption_enc_values_supported;
        let enc = if encs.is_empty() {
            // OpenID Connect's default when only the alg is known.
            "A128CBC-HS256"
        } else {
            match ["A256GCM", "A128GCM", "A256CBC-HS512", "A128CBC-HS256"]
                .into_iter()
                .find(|e| encs.iter().any(|x| x == e))
            {
                Some(e) => e,
                None => {
                    return Err(Error::Metadata(format!(
                        "the provider encrypts request objects only with {}, none of which \
                         Tokenscope makes",
                        encs.join(", ")
                    )))
                }
            }
        };
        return Ok(Encryption {
            key,
            kid,
            alg: (*alg).to_owned(),
            enc: enc.to_owned(),
        });
    }
    Err(Error::Metadata(format!(
        "no key of the provider's JWKS can encrypt the request object: {}",
        reasons.join("; ")
    )))
}

/// The request object (RFC 9101 §4): the authorization parameters as claims (`max_age` a
/// number, `claims` an object), with `iss` = the client, `aud` = the issuer, a `jti`, and a 5
/// minute lifetime; signed, then encrypted when asked.
pub fn request_object(
    params: &[(String, String)],
    client_id: &str,
    issuer: &str,
    now: i64,
    signer: &Signer,
    alg: &str,
    encryption: Option<&Encryption>,
) -> Result<String> {
    let mut claims = Map::new();
    for (k, v) in params {
        let value = match k.as_str() {
            "max_age" => v.parse::<u64>().map(Value::from).unwrap_or(json!(v)),
            "claims" => serde_json::from_str(v).unwrap_or(json!(v)),
            _ => json!(v),
        };
        claims.insert(k.clone(), value);
    }
    claims.insert("client_id".into(), json!(client_id));
    claims.insert("iss".into(), json!(client_id));
    claims.insert("aud".into(), json!(issuer));
    claims.insert("iat".into(), json!(now));
    claims.insert("nbf".into(), json!(now));
    claims.insert("exp".into(), json!(now + REQUEST_OBJECT_LIFETIME));
    claims.insert("jti".into(), json!(crate::oidc::pkce::random_token()));
    let mut header = Map::new();
    header.insert("alg".into(), json!(alg));
    header.insert("typ".into(), json!("oauth-authz-req+jwt"));
    let key = match signer {
        Signer::Key(k, x5t) => {
            if let Some(t) = x5t {
                header.insert("x5t#S256".into(), json!(t));
            }
            (**k).clone()
        }
        Signer::Secret(s) => SigningKey::Hmac(s.expose().as_bytes().to_vec()),
    };
    let payload = serde_json::to_vec(&claims).map_err(|e| Error::Config(e.to_string()))?;
    let signed = sign_compact(&header, &payload, &key).map_err(|e| {
        Error::Config(format!(
            "the request object could not be signed {alg} with {}: {e}",
            signer.describe()
        ))
    })?;
    let Some(enc) = encryption else {
        return Ok(signed);
    };
    let mut header = Map::new();
    header.insert("alg".into(), json!(enc.alg));
    header.insert("enc".into(), json!(enc.enc));
    header.insert("cty".into(), json!("JWT"));
    if let Some(kid) = &enc.kid {
        header.insert("kid".into(), json!(kid));
    }
    encrypt_compact(&header, signed.as_bytes(), &enc.key).map_err(|e| {
        Error::Config(format!(
            "the request object could not be encrypted {}/{}: {e}",
            enc.alg, enc.enc
        ))
    })
}

/// The PAR endpoint's answer (RFC 9126 §2.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    /// What the browser is sent with.
    pub request_uri: String,
    /// Seconds it stays valid.
    pub expires_in: u64,
}

/// Pushes the authorization parameters (or `client_id` and `request`) to the PAR endpoint with
/// the client's authentication, as the token request is made.
pub async fn push(
    http: &dyn HttpClient,
    endpoint: &Url,
    client_id: &str,
    auth: &ClientAuth,
    fields: Vec<(&str, &str)>,
) -> Result<Pushed> {
    // The form adds `client_id` (and the client's authentication) itself.
    let fields: Vec<(&str, &str)> = fields
        .into_iter()
        .filter(|(k, _)| *k != "client_id")
        .collect();
    let request = authenticated_form(endpoint, client_id, auth, fields)?;
    http::exchange(http, request, |r| parse_par_response(endpoint, r)).await
}

/// Interprets what the PAR endpoint answered: 201 (any 2xx) with `request_uri` and
/// `expires_in`; an OAuth error object becomes a [`ProviderError`]; anything else an
/// [`Error::InvalidResponse`] that says what is missing.
pub fn parse_par_response(url: &Url, response: &HttpResponse) -> Result<Pushed> {
    let json: Option<Value> = serde_json::from_slice(&response.body).ok();
    if !(200..300).contains(&response.status) {
        if let Some(e) = super::token::error_object(ErrorOrigin::PushedAuthorization, json.as_ref())
        {
            return Err(e);
        }
        return Err(http::status_error(url, response));
    }
    let invalid = |message: &str| Error::InvalidResponse {
        url: url.to_string(),
        message: format!("the pushed authorization request's answer {message}"),
        body: http::body_for_display(&response.body),
    };
    let Some(Value::Object(obj)) = json else {
        return Err(invalid("is not a JSON object"));
    };
    let request_uri = match obj.get("request_uri") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
        Some(_) => {
            return Err(invalid(
                "has a `request_uri` that is not a non-empty string",
            ))
        }
        None => return Err(invalid("has no `request_uri`")),
    };
    if request_uri.len() > 2048 || request_uri.chars().any(char::is_control) {
        return Err(invalid("has a `request_uri` that is not a usable URI"));
    }
    let expires_in = match obj.get("expires_in") {
        Some(Value::Number(n)) => n.as_u64().filter(|s| *s > 0),
        Some(Value::String(s)) => s.parse().ok().filter(|s: &u64| *s > 0),
        _ => None,
    }
    .ok_or_else(|| invalid("has no positive `expires_in`"))?;
    Ok(Pushed {
        request_uri,
        expires_in,
    })
}

/// The parameters an authorization URL adds to its endpoint's own query (B2C's `p=` stays on
/// the endpoint).
pub fn added_params(endpoint: &Url, url: &Url) -> Vec<(String, String)> {
    let own = endpoint.query_pairs().count();
    url.query_pairs().into_owned().skip(own).collect()
}

/// The endpoint with `pairs` added to its own query.
pub fn endpoint_with(endpoint: &Url, pairs: &[(&str, &str)]) -> Url {
    let mut url = endpoint.clone();
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
    }
    url
}

/// Adds to a provider's refusal what the request object was, so "invalid_request_object" says
/// which alg and key the provider refused.
pub fn explain_refusal(error: Error, used: &RequestFormUsed) -> Error {
    match error {
        Error::Provider(mut p) if used.signed_alg.is_some() || used.pushed_to.is_some() => {
            let about = format!("Tokenscope sent: {}", used.summary());
            p.message = Some(match p.message.take().or_else(|| p.description.clone()) {
                Some(m) if !m.trim().is_empty() => format!("{} ({about})", m.trim()),
                _ => about,
            });
            Error::Provider(p)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests;
