//! DPoP (RFC 9449): sender-constrained tokens. A profile's P-256 key (kept in the vault as a
//! private JWK, never in a file), its RFC 7638 thumbprint, the proofs (`typ: dpop+jwt`, the
//! public `jwk` in the header, `htm`, `htu` without query or fragment, `iat`, a unique `jti`,
//! `ath` on resource requests, `nonce` when the server gave one) and [`DpopClient`], the HTTP
//! client that puts a proof on the requests that need one and answers a server's nonce demand
//! (`use_dpop_nonce`) by retrying once with the nonce, remembering it per server.

use crate::http::{send_logged, HttpClient, HttpError, HttpFuture, HttpRequest, HttpResponse};
use crate::jose::jwt::b64_encode;
use crate::jose::sign::{sign_compact, SigningKey};
use crate::secret::Secret;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use url::Url;

/// The algorithm of Tokenscope's DPoP proofs.
pub const ALG: &str = "ES256";

/// The `error` of a server that wants a DPoP nonce (RFC 9449 §8, §9).
pub const USE_DPOP_NONCE: &str = "use_dpop_nonce";

/// The `error` of a server that refused a DPoP proof (RFC 9449 §7.1).
pub const INVALID_DPOP_PROOF: &str = "invalid_dpop_proof";

/// Vault account of a profile's DPoP key.
pub fn key_account(profile: &str) -> String {
    format!("dpop-key:{profile}")
}

/// A profile's DPoP key (EC P-256). Its `Debug` never shows the private key.
#[derive(Clone)]
pub struct DpopKey {
    key: SigningKey,
    jwk: Value,
    thumbprint: String,
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DpopKey({}: [redacted])", self.thumbprint)
    }
}

impl DpopKey {
    /// A new random key.
    pub fn generate() -> Self {
        Self::from_secret(p256::SecretKey::random(&mut rand::rngs::OsRng))
    }

    fn from_secret(secret: p256::SecretKey) -> Self {
        let key = SigningKey::P256(secret);
        let jwk = key.public_jwk().unwrap_or(Value::Null);
        let thumbprint = thumbprint(&jwk).unwrap_or_default();
        Self {
            key,
            jwk,
            thumbprint,
        }
    }

    /// The key as stored: its private JWK (a [`Secret`]).
    pub fn to_stored(&self) -> Secret {
        let mut jwk = self.jwk.clone();
        if let (Value::Object(map), SigningKey::P256(k)) = (&mut jwk, &self.key) {
            map.insert("d".into(), Value::String(b64_encode(&k.to_bytes())));
        }
        Secret::new(jwk.to_string())
    }

    /// A stored key (its private JWK), checked.
    pub fn from_stored(stored: &Secret) -> Result<Self, String> {
        let jwk: Map<String, Value> = serde_json::from_str(stored.expose())
            .map_err(|_| "the stored DPoP key is not a JSON Web Key".to_owned())?;
        match SigningKey::from_jwk(&jwk)? {
            SigningKey::P256(k) => Ok(Self::from_secret(k)),
            other => Err(format!(
                "the stored DPoP key is {}, not an EC P-256 key",
                other.describe()
            )),
        }
    }

    /// The public JWK (`kty`, `crv`, `x`, `y`).
    pub fn public_jwk(&self) -> &Value {
        &self.jwk
    }

    /// The RFC 7638 thumbprint (SHA-256, base64url): what a bound token's `cnf.jkt` names.
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }

    /// A proof for a request: `htm` and `htu` (its query and fragment dropped), `ath` (the hash
    /// of the access token) on a resource request, `nonce` when the server gave one.
    pub fn proof(
        &self,
        method: &str,
        url: &Url,
        access_token: Option<&str>,
        nonce: Option<&str>,
        iat: i64,
    ) -> Result<String, String> {
        let mut header = Map::new();
        header.insert("typ".into(), "dpop+jwt".into());
        header.insert("alg".into(), ALG.into());
        header.insert("jwk".into(), self.jwk.clone());
        let mut claims = Map::new();
        claims.insert("jti".into(), crate::oidc::pkce::random_token().into());
        claims.insert("htm".into(), method.into());
        claims.insert("htu".into(), htu(url).into());
        claims.insert("iat".into(), iat.into());
        if let Some(token) = access_token {
            claims.insert("ath".into(), ath(token).into());
        }
        if let Some(n) = nonce {
            claims.insert("nonce".into(), n.into());
        }
        let payload = serde_json::to_vec(&claims).map_err(|e| e.to_string())?;
        sign_compact(&header, &payload, &self.key)
    }
}

/// The RFC 7638 thumbprint of a public JWK (EC, RSA or OKP): SHA-256 over the required members
/// in lexical order, base64url. `None` for another key type or a missing member.
pub fn thumbprint(jwk: &Value) -> Option<String> {
    let s = |n: &str| jwk.get(n).and_then(Value::as_str);
    // Written by hand in the RFC's order: serde_json's map order is not the point here.
    let canonical = match s("kty")? {
        "EC" => format!(
            r#"{{"crv":{},"kty":"EC","x":{},"y":{}}}"#,
            Value::from(s("crv")?),
            Value::from(s("x")?),
            Value::from(s("y")?)
        ),
        "RSA" => format!(
            r#"{{"e":{},"kty":"RSA","n":{}}}"#,
            Value::from(s("e")?),
            Value::from(s("n")?)
        ),
        "OKP" => format!(
            r#"{{"crv":{},"kty":"OKP","x":{}}}"#,
            Value::from(s("crv")?),
            Value::from(s("x")?)
        ),
        _ => return None,
    };
    Some(b64_encode(&Sha256::digest(canonical.as_bytes())))
}

/// `htu`: the URL without its query and fragment (RFC 9449 §4.2).
pub fn htu(url: &Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

/// `ath`: base64url(SHA-256(access token)).
pub fn ath(access_token: &str) -> String {
    b64_encode(&Sha256::digest(access_token.as_bytes()))
}

/// The nonces servers gave, per origin (scheme, host, port), for the next proofs.
#[derive(Debug, Default)]
pub struct Nonces(Mutex<HashMap<String, String>>);

impl Nonces {
    fn get(&self, url: &Url) -> Option<String> {
        self.0.lock().ok()?.get(&origin(url)).cloned()
    }

    fn set(&self, url: &Url, nonce: &str) {
        if let Ok(mut map) = self.0.lock() {
            map.insert(origin(url), nonce.to_owned());
        }
    }

    /// The nonce last given by this URL's server.
    pub fn for_url(&self, url: &Url) -> Option<String> {
        self.get(url)
    }
}

fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// Whether an answer asks for a DPoP nonce: `use_dpop_nonce` in a token endpoint's JSON error
/// (400) or in a resource server's `WWW-Authenticate: DPoP` challenge (401).
pub fn asks_for_nonce(response: &HttpResponse) -> bool {
    if response.status == 401 {
        // Only a DPoP challenge (RFC 9449 §7.1) uses this error code.
        return response
            .headers
            .iter()
            .filter(|(n, _)| n == "www-authenticate")
            .any(|(_, v)| v.contains(USE_DPOP_NONCE));
    }
    if response.status == 400 {
        return serde_json::from_slice::<Value>(&response.body)
            .ok()
            .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
            .as_deref()
            == Some(USE_DPOP_NONCE);
    }
    false
}

/// An HTTP client that adds DPoP proofs: to POSTs to the token endpoint it is given, and to
/// every request carrying a token in `Authorization: Bearer` or `DPoP` (a resource request,
/// with `ath`; the scheme becomes `DPoP` when the token is DPoP-bound). Other requests
/// (metadata, keys) pass as they are. A demand for a nonce is answered once; a second demand
/// comes back as the server's answer, to be explained, never an endless loop.
pub struct DpopClient {
    inner: Arc<dyn HttpClient>,
    key: Arc<DpopKey>,
    nonces: Arc<Nonces>,
    token_endpoint: Option<Url>,
    bound: bool,
    now: Arc<dyn Fn() -> i64 + Send + Sync>,
}

impl DpopClient {
    /// Proofs with `key` on the requests to `token_endpoint` and on resource requests;
    /// `bound`: the access token is DPoP-bound (sent as `Authorization: DPoP`).
    pub fn new(
        inner: Arc<dyn HttpClient>,
        key: Arc<DpopKey>,
        nonces: Arc<Nonces>,
        token_endpoint: Option<Url>,
        bound: bool,
        now: Arc<dyn Fn() -> i64 + Send + Sync>,
    ) -> Self {
        Self {
            inner,
            key,
            nonces,
            token_endpoint,
            bound,
            now,
        }
    }

    /// The access token of a resource request, and its scheme made `DPoP` when bound.
    fn prepare(&self, request: &mut HttpRequest) -> Option<Option<String>> {
        let mut token = None;
        for (name, value) in request.headers.iter_mut() {
            if !name.eq_ignore_ascii_case("authorization") {
                continue;
            }
            let Some((scheme, credentials)) = value.split_once(' ') else {
                continue;
            };
            if scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("dpop") {
                let credentials = credentials.trim().to_owned();
                if self.bound {
                    *value = format!("DPoP {credentials}");
                }
                token = Some(credentials);
            }
        }
        if token.is_some() {
            return Some(token);
        }
        let to_token_endpoint = self
            .token_endpoint
            .as_ref()
            .is_some_and(|t| htu(t) == htu(&request.url));
        (to_token_endpoint && request.method == crate::http::Method::Post).then_some(None)
    }

    fn with_proof(
        &self,
        mut request: HttpRequest,
        token: Option<&str>,
    ) -> Result<HttpRequest, HttpError> {
        let nonce = self.nonces.get(&request.url);
        let proof = self
            .key
            .proof(
                request.method.as_str(),
                &request.url,
                token,
                nonce.as_deref(),
                (self.now)(),
            )
            .map_err(|e| HttpError::Other(format!("the DPoP proof could not be signed: {e}")))?;
        request
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("dpop"));
        request.headers.push(("DPoP".into(), proof));
        Ok(request)
    }

    async fn run(&self, mut request: HttpRequest) -> Result<HttpResponse, HttpError> {
        // Each request as really sent (with its proof; the retry apart) goes into the log.
        let Some(token) = self.prepare(&mut request) else {
            return send_logged(self.inner.as_ref(), request).await;
        };
        let again = request.clone();
        let response = send_logged(
            self.inner.as_ref(),
            self.with_proof(request, token.as_deref())?,
        )
        .await?;
        let given = response.header("dpop-nonce").map(str::to_owned);
        if let Some(n) = &given {
            self.nonces.set(&again.url, n);
        }
        if !(asks_for_nonce(&response) && given.is_some()) {
            return Ok(response);
        }
        // Once, with the nonce the server just gave.
        let response = send_logged(
            self.inner.as_ref(),
            self.with_proof(again.clone(), token.as_deref())?,
        )
        .await?;
        if let Some(n) = response.header("dpop-nonce") {
            self.nonces.set(&again.url, n);
        }
        Ok(response)
    }
}

impl HttpClient for DpopClient {
    fn send(&self, request: HttpRequest) -> HttpFuture<'_> {
        Box::pin(self.run(request))
    }

    fn logs_its_requests(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests;
