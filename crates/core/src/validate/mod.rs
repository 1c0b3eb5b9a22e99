//! The validation report: every ID token Tokenscope receives is judged check by check (OIDC Core
//! §3.1.3.7 plus what libraries leave out: `azp`, `iat` sanity, `auth_time`, `at_hash`, clock
//! skew, key rotation). A token that fails is still shown; it just does not count.

use crate::error::Result;
use crate::http::HttpClient;
use crate::jose::jwt::{self, Decoded, TokenKind};
use crate::oidc::metadata::Jwks;
use chrono::{DateTime, Utc};
use jsonwebtoken::{jwk::Jwk, Algorithm, DecodingKey};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256, Sha384, Sha512};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use url::Url;

mod app_token;
mod check_id;
mod cnf;
pub use app_token::{validate_app_token, validate_issued_token, AppExpectations, IssuedBy};
pub use check_id::CheckId;
pub use cnf::certificate_binding;

/// One named check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Check {
    /// Which check it is (serialized as its name: `signature`, `iss`, `aud`, ...).
    pub name: CheckId,
    /// Passed?
    pub ok: bool,
    /// What was found, in words.
    pub detail: String,
    /// When `detail` says how far a time was from the moment of the check ("in 59 min", "now"):
    /// that time and those words, so a view that stays open can keep the phrase true.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub relative: Option<RelativeTime>,
}

/// A time a check's words place relative to the moment of the check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RelativeTime {
    /// The time (RFC 3339, UTC).
    pub at: String,
    /// The words in `detail` that say how far it was from the check, as [`relative`] wrote them.
    pub phrase: String,
}

impl Check {
    /// A check whose words hold whenever they are read.
    pub fn new(name: CheckId, ok: bool, detail: impl Into<String>) -> Self {
        Check {
            name,
            ok,
            detail: detail.into(),
            relative: None,
        }
    }
}

/// Something odd that does not make the tokens invalid: the user should know, the sign-in
/// still counts (an empty `scope`, an `auth_time` from before the issuer could have existed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Warning {
    /// What it is about (`scope`, `auth_time`, ...).
    pub name: CheckId,
    /// What was found and why it is odd, in words.
    pub detail: String,
}

/// All checks of one token, and the warnings about the response it came in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// In the order they were made.
    pub checks: Vec<Check>,
    /// Odd but not fatal: the checks still decide.
    pub warnings: Vec<Warning>,
}

impl Report {
    fn push(&mut self, name: CheckId, ok: bool, detail: impl Into<String>) {
        self.checks.push(Check::new(name, ok, detail));
    }

    /// As `push`, for words that place the time `t` relative to `now_s` (the phrase is
    /// [`relative`]`(t - now_s)`, written into `detail` by the caller through `{rel}`).
    fn push_timed(&mut self, name: CheckId, ok: bool, detail: &str, t: i64, now_s: i64) {
        let phrase = relative(t - now_s);
        let mut check = Check::new(name, ok, detail.replace("{rel}", &phrase));
        check.relative = DateTime::from_timestamp(t, 0).map(|at| RelativeTime {
            at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            phrase,
        });
        self.checks.push(check);
    }

    /// Adds a warning.
    pub fn warn(&mut self, name: CheckId, detail: impl Into<String>) {
        self.warnings.push(Warning {
            name,
            detail: detail.into(),
        });
    }

    /// The warning about this.
    pub fn warning(&self, name: CheckId) -> Option<&Warning> {
        self.warnings.iter().find(|w| w.name == name)
    }

    /// True when there is at least one check and all passed.
    pub fn passed(&self) -> bool {
        !self.checks.is_empty() && self.checks.iter().all(|c| c.ok)
    }

    /// The check with this name.
    pub fn get(&self, name: CheckId) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| !c.ok)
    }
}

/// Who the previous ID token of this profile was about (refresh continuity).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Identity {
    /// `iss`.
    pub iss: String,
    /// `sub`.
    pub sub: String,
    /// `aud` (as a list), when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub aud: Option<Vec<String>>,
    /// `auth_time`, when the ID token had one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub auth_time: Option<i64>,
    /// `iat`, when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub iat: Option<i64>,
}

impl Identity {
    /// The identity an ID token's claims describe (`None` without a string `iss` and `sub`).
    pub fn of(claims: &Map<String, Value>) -> Option<Identity> {
        Some(Identity {
            iss: claims.get("iss")?.as_str()?.to_owned(),
            sub: claims.get("sub")?.as_str()?.to_owned(),
            aud: Some(continuity::audiences(claims)),
            auth_time: numeric(claims.get("auth_time")),
            iat: numeric(claims.get("iat")),
        })
    }
}

/// What the token must match.
#[derive(Debug, Clone)]
pub struct Expectations {
    /// The metadata's `issuer`.
    pub issuer: String,
    /// Our client ID.
    pub client_id: String,
    /// Audiences besides the client ID that are trusted (normally none).
    pub trusted_audiences: Vec<String>,
    /// Algorithms the provider announces (`id_token_signing_alg_values_supported`).
    pub provider_algs: Vec<String>,
    /// The nonce sent (sign-in); `None` on refresh.
    pub nonce: Option<String>,
    /// `max_age` sent, if any.
    pub max_age: Option<u64>,
    /// The access token issued with the ID token, for `at_hash`.
    pub access_token: Option<crate::secret::Secret>,
    /// The previous ID token's identity, on refresh.
    pub previous: Option<Identity>,
    /// Allowed clock difference.
    pub skew: Duration,
}

/// Default clock skew: 5 minutes, as Microsoft's libraries allow.
pub const DEFAULT_SKEW: Duration = Duration::from_secs(300);

/// Signing keys to check signatures with: the provider's, fetched once and again only when a
/// `kid` is unknown (key rotation), or keys the user pasted (never fetched).
pub struct JwksCache {
    origin: KeysOrigin,
    keys: tokio::sync::Mutex<Option<Arc<Jwks>>>,
    fetches: AtomicUsize,
}

enum KeysOrigin {
    Remote { http: Arc<dyn HttpClient>, uri: Url },
    Pasted { description: String },
}

impl JwksCache {
    /// A cache for the keys at `uri`.
    pub fn new(http: Arc<dyn HttpClient>, uri: Url) -> Self {
        Self {
            origin: KeysOrigin::Remote { http, uri },
            keys: tokio::sync::Mutex::new(None),
            fetches: AtomicUsize::new(0),
        }
    }

    /// A cache already holding keys (tests); fetches from `uri` again on an unknown `kid`.
    pub fn with_keys(http: Arc<dyn HttpClient>, uri: Url, keys: Jwks) -> Self {
        let cache = Self::new(http, uri);
        cache.preload(keys);
        cache
    }

    /// Keys the user gave (a JWK, a JWKS or a PEM key turned into a JWK). Never fetched;
    /// `description` says where they came from ("the key in key.pem").
    pub fn pasted(keys: Jwks, description: impl Into<String>) -> Self {
        let cache = Self {
            origin: KeysOrigin::Pasted {
                description: description.into(),
            },
            keys: tokio::sync::Mutex::new(None),
            fetches: AtomicUsize::new(0),
        };
        cache.preload(keys);
        cache
    }

    fn preload(&self, keys: Jwks) {
        self.keys
            .try_lock()
            .map(|mut k| *k = Some(Arc::new(keys)))
            .ok();
    }

    /// Where the keys come from, when they are fetched.
    pub fn uri(&self) -> Option<&Url> {
        match &self.origin {
            KeysOrigin::Remote { uri, .. } => Some(uri),
            KeysOrigin::Pasted { .. } => None,
        }
    }

    /// Where the keys come from, in words (the JWKS URL, or what the user pasted).
    pub fn describe(&self) -> String {
        match &self.origin {
            KeysOrigin::Remote { uri, .. } => uri.to_string(),
            KeysOrigin::Pasted { description } => description.clone(),
        }
    }

    /// Whether the keys can be fetched again (provider keys) or are fixed (pasted keys).
    pub fn can_refetch(&self) -> bool {
        matches!(self.origin, KeysOrigin::Remote { .. })
    }

    /// How many times the JWKS was fetched.
    pub fn fetch_count(&self) -> usize {
        self.fetches.load(Ordering::Relaxed)
    }

    async fn fetch(&self) -> Result<Arc<Jwks>> {
        match &self.origin {
            KeysOrigin::Remote { http, uri } => {
                let keys = Arc::new(Jwks::fetch(http.as_ref(), uri).await?);
                self.fetches.fetch_add(1, Ordering::Relaxed);
                Ok(keys)
            }
            KeysOrigin::Pasted { .. } => Ok(Arc::new(Jwks::default())),
        }
    }

    /// The cached keys, fetching them the first time.
    pub async fn get(&self) -> Result<Arc<Jwks>> {
        let mut guard = self.keys.lock().await;
        if let Some(keys) = guard.as_ref() {
            return Ok(keys.clone());
        }
        let keys = self.fetch().await?;
        *guard = Some(keys.clone());
        Ok(keys)
    }

    /// Fetches the keys again (key rotation), replacing the cache. Pasted keys stay as they are.
    pub async fn refetch(&self) -> Result<Arc<Jwks>> {
        let mut guard = self.keys.lock().await;
        if !self.can_refetch() {
            return Ok(guard.clone().unwrap_or_default());
        }
        let keys = self.fetch().await?;
        *guard = Some(keys.clone());
        Ok(keys)
    }
}

const ASYMMETRIC: [&str; 10] = [
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
];

fn algorithm(name: &str) -> Option<Algorithm> {
    Some(match name {
        "RS256" => Algorithm::RS256,
        "RS384" => Algorithm::RS384,
        "RS512" => Algorithm::RS512,
        "PS256" => Algorithm::PS256,
        "PS384" => Algorithm::PS384,
        "PS512" => Algorithm::PS512,
        "ES256" => Algorithm::ES256,
        "ES384" => Algorithm::ES384,
        "EdDSA" => Algorithm::EdDSA,
        "HS256" => Algorithm::HS256,
        "HS384" => Algorithm::HS384,
        "HS512" => Algorithm::HS512,
        _ => return None,
    })
}

/// The JWK `kty` an algorithm needs.
pub fn key_type_for(alg: &str) -> &'static str {
    match alg {
        a if a.starts_with("RS") || a.starts_with("PS") => "RSA",
        a if a.starts_with("ES") => "EC",
        a if a.starts_with("HS") => "oct",
        _ => "OKP",
    }
}

/// Which signatures a check accepts.
#[derive(Debug, Clone, Default)]
pub struct SignaturePolicy {
    /// Algorithms the provider announces; empty accepts any asymmetric algorithm.
    pub allowed_algs: Vec<String>,
    /// Check HMAC (`HS256/384/512`) tokens with a secret the user gave as an `oct` JWK. Never
    /// with provider keys, whatever this says: a public client shares no secret with the
    /// provider, and a published JWKS never holds one ([`verify_signature`] refuses it).
    pub hmac_secret: bool,
}

/// The key a signature was checked with (public facts only: never an `oct` key's secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct KeyUsed {
    /// `kid`, when the key has one.
    pub kid: Option<String>,
    /// `kty` (`RSA`, `EC`, `OKP`, `oct`).
    pub kty: String,
    /// The key's `alg`, when it names one.
    pub alg: Option<String>,
    /// RFC 7638 SHA-256 thumbprint (base64url) of an asymmetric key.
    pub thumbprint: Option<String>,
    /// Where it came from: the JWKS URL or what the user gave.
    pub source: String,
}

impl KeyUsed {
    fn of(jwk: &Value, source: String) -> Self {
        let s = |name: &str| jwk.get(name).and_then(Value::as_str).map(str::to_owned);
        Self {
            kid: s("kid"),
            kty: s("kty").unwrap_or_default(),
            alg: s("alg"),
            thumbprint: thumbprint(jwk),
            source,
        }
    }
}

/// RFC 7638 thumbprint of an RSA, EC or OKP public key (`None` for other keys).
pub fn thumbprint(jwk: &Value) -> Option<String> {
    let s = |name: &str| jwk.get(name).and_then(Value::as_str);
    // Members in lexicographic order, no whitespace (RFC 7638 §3.2).
    let canonical = match s("kty")? {
        "RSA" => serde_json::json!({"e": s("e")?, "kty": "RSA", "n": s("n")?}),
        "EC" => {
            serde_json::json!({"crv": s("crv")?, "kty": "EC", "x": s("x")?, "y": s("y")?})
        }
        "OKP" => serde_json::json!({"crv": s("crv")?, "kty": "OKP", "x": s("x")?}),
        _ => return None,
    };
    Some(jwt::b64_encode(&Sha256::digest(
        canonical.to_string().as_bytes(),
    )))
}

/// The outcome of a signature check: the `alg`, `kid` and `signature` checks (in that order,
/// fewer when an early one makes the rest pointless) and the key used.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SignatureCheck {
    /// The checks made.
    pub checks: Vec<Check>,
    /// The key the signature was checked with, when one was found.
    pub key: Option<KeyUsed>,
}

impl SignatureCheck {
    fn push(&mut self, name: CheckId, ok: bool, detail: impl Into<String>) {
        self.checks.push(Check::new(name, ok, detail));
    }

    /// True when the signature was checked and is valid.
    pub fn verified(&self) -> bool {
        self.checks.iter().any(|c| c.name == CheckId::Signature) && self.checks.iter().all(|c| c.ok)
    }

    /// The `signature` check's words (the last check when there is none).
    pub fn summary(&self) -> &str {
        self.checks
            .iter()
            .find(|c| c.name == CheckId::Signature)
            .or(self.checks.last())
            .map_or("", |c| c.detail.as_str())
    }
}

/// Validates an ID token; returns what could be decoded and the report.
pub async fn validate_id_token(
    token: &str,
    expect: &Expectations,
    now: DateTime<Utc>,
    keys: &JwksCache,
) -> (Option<Decoded>, Report) {
    let mut report = Report::default();
    let decoded = match jwt::decode(token) {
        Ok(d) if d.kind == TokenKind::Jws || d.kind == TokenKind::Unsigned => d,
        Ok(d) => {
            report.push(
                CheckId::Format,
                false,
                format!("the ID token is {:?}, not a signed JWT", d.kind),
            );
            return (Some(d), report);
        }
        Err(e) => {
            report.push(
                CheckId::Format,
                false,
                format!("the ID token does not decode: {e}"),
            );
            return (None, report);
        }
    };
    let policy = SignaturePolicy {
        allowed_algs: expect.provider_algs.clone(),
        hmac_secret: false,
    };
    let signature = verify_signature(token, &decoded, &policy, keys).await;
    report.checks.extend(signature.checks);
    check_claims(&decoded, expect, now, &mut report);
    (Some(decoded), report)
}

/// Checks a JWS signature with `keys`: the algorithm (never `none`; HMAC only with a secret the
/// user gave), the key (by `kid`, fetching the provider's keys again once when the `kid` is
/// unknown), then the signature itself. Every refusal says why in words. Used by the sign-in
/// report and by the token inspector.
pub async fn verify_signature(
    token: &str,
    decoded: &Decoded,
    policy: &SignaturePolicy,
    keys: &JwksCache,
) -> SignatureCheck {
    let mut out = SignatureCheck::default();
    // An extension marked critical that is not implemented makes the JWS invalid, whatever
    // its signature (RFC 7515 §4.1.11).
    if let Some(why) = crate::jose::crit::refusal(&decoded.header) {
        out.push(CheckId::Crit, false, why);
        out.push(
            CheckId::Signature,
            false,
            "not checked: the token requires an extension Tokenscope does not implement",
        );
        return out;
    }
    let alg = decoded.header_str("alg").unwrap_or_default().to_owned();
    if alg.eq_ignore_ascii_case("none") {
        out.push(
            CheckId::Alg,
            false,
            "alg is `none`: the token is unsigned and anyone could have written it",
        );
        out.push(
            CheckId::Signature,
            false,
            "not checked: the token carries no signature",
        );
        return out;
    }
    let hmac = alg.starts_with("HS");
    if hmac && !policy.hmac_secret {
        out.push(
            CheckId::Alg,
            false,
            format!(
                "alg is {alg}, an HMAC with a shared secret; a public client shares no secret \
                 with the provider, so only a key pair (RS/PS/ES/EdDSA) proves who signed"
            ),
        );
        out.push(
            CheckId::Signature,
            false,
            "not checked: HMAC is not acceptable here",
        );
        return out;
    }
    // ES512 is p521's (jsonwebtoken has none; decision record 0006). The placeholder algorithm
    // is never used for it.
    let es512 = alg == "ES512";
    let Some(algorithm) = algorithm(&alg).or(es512.then_some(Algorithm::ES384)) else {
        out.push(
            CheckId::Alg,
            false,
            format!(
                "alg `{alg}` is not one Tokenscope accepts ({}, or HS256/384/512 with a given \
                 secret)",
                ASYMMETRIC.join(", ")
            ),
        );
        out.push(
            CheckId::Signature,
            false,
            "not checked: unsupported algorithm",
        );
        return out;
    };
    if !hmac && !policy.allowed_algs.is_empty() && !policy.allowed_algs.iter().any(|a| a == &alg) {
        out.push(
            CheckId::Alg,
            false,
            format!(
                "alg is {alg} but the provider announces only {} for ID tokens",
                policy.allowed_algs.join(", ")
            ),
        );
        out.push(
            CheckId::Signature,
            false,
            "not checked: unexpected algorithm",
        );
        return out;
    }
    if hmac && keys.can_refetch() {
        out.push(
            CheckId::Alg,
            false,
            format!(
                "alg is {alg}, an HMAC with a shared secret, and the keys are the ones published \
                 at {}. A published key set never supplies a symmetric key: whoever can read it \
                 could sign with it, so an `oct` key there proves nothing and is not used. Only \
                 a secret you give yourself (an `oct` JWK) can check an HMAC",
                keys.describe()
            ),
        );
        out.push(
            CheckId::Signature,
            false,
            "not checked: a published JWKS never holds the secret of an HMAC",
        );
        return out;
    }
    if hmac {
        let has_secret = match keys.get().await {
            Ok(jwks) => jwks
                .keys
                .iter()
                .any(|k| k.get("kty").and_then(Value::as_str) == Some("oct")),
            Err(_) => false,
        };
        if !has_secret {
            out.push(
                CheckId::Alg,
                false,
                format!(
                    "alg is {alg}, an HMAC with a shared secret, but {} holds only public keys. \
                     A public key cannot check an HMAC (using one as the secret is the classic \
                     algorithm-confusion attack), so nothing was checked; give the shared \
                     secret as an `oct` JWK to check it",
                    keys.describe()
                ),
            );
            out.push(
                CheckId::Signature,
                false,
                "not checked: an HMAC needs the shared secret, not a public key",
            );
            return out;
        }
        out.push(
            CheckId::Alg,
            true,
            format!(
                "{alg}, an HMAC checked with the shared secret in {}",
                keys.describe()
            ),
        );
    } else if policy.allowed_algs.is_empty() {
        out.push(
            CheckId::Alg,
            true,
            format!("{alg}, an asymmetric algorithm (a key pair proves who signed)"),
        );
    } else {
        out.push(
            CheckId::Alg,
            true,
            format!("{alg}, an algorithm the provider announces"),
        );
    }

    let kid = decoded.header_str("kid").map(str::to_owned);
    let (key, how) = match select_key(&alg, kid.as_deref(), keys).await {
        Ok(found) => found,
        Err(detail) => {
            out.push(CheckId::Kid, false, detail);
            out.push(
                CheckId::Signature,
                false,
                "not checked: no key to check it with",
            );
            return out;
        }
    };
    out.push(CheckId::Kid, true, how);
    out.key = Some(KeyUsed::of(&key, keys.describe()));

    let key_id = key
        .get("kid")
        .and_then(Value::as_str)
        .unwrap_or("(no kid)")
        .to_owned();
    let want_kty = key_type_for(&alg);
    let kty = key.get("kty").and_then(Value::as_str).unwrap_or("?");
    if kty != want_kty {
        out.push(
            CheckId::Signature,
            false,
            format!(
                "key {key_id} is an {kty} key, but the token says {alg}, which needs an \
                 {want_kty} key: the header names the wrong key or the wrong algorithm"
            ),
        );
        return out;
    }
    if let Some(key_alg) = key.get("alg").and_then(Value::as_str) {
        if key_alg != alg {
            out.push(
                CheckId::Signature,
                false,
                format!("key {key_id} is for {key_alg}, but the token says {alg}"),
            );
            return out;
        }
    }
    // jsonwebtoken slices an Ed25519 key's first 32 bytes without checking its length: a key
    // (pasted or published) with a shorter `x` would panic there, so it is refused here.
    if let Some(short) = short_okp_x(&key) {
        out.push(
            CheckId::Signature,
            false,
            format!("key {key_id} is unusable: its `x` is {short} bytes, an Ed25519 key has 32"),
        );
        return out;
    }
    let verified = if es512 {
        let (message, signature) = token_parts(token);
        crate::jose::jwt::b64(&signature, crate::jose::jwt::Part::Signature)
            .map_err(|e| format!("the signature is not base64url: {}", e.message))
            .and_then(|sig| crate::jose::sign::verify_es512(&key, message.as_bytes(), &sig))
            .map_err(|e| format!("key {key_id} does not fit {alg}: {e}"))
    } else {
        serde_json::from_value::<Jwk>(key.clone())
            .map_err(|e| {
                format!(
                    "key {key_id} in {} is not a usable JWK: {e}",
                    keys.describe()
                )
            })
            .and_then(|jwk| {
                DecodingKey::from_jwk(&jwk).map_err(|e| format!("key {key_id} is unusable: {e}"))
            })
            .and_then(|dk| {
                let (message, signature) = token_parts(token);
                jsonwebtoken::crypto::verify(&signature, message.as_bytes(), &dk, algorithm)
                    .map_err(|e| format!("key {key_id} does not fit {alg}: {e}"))
            })
    };
    match verified {
        Ok(true) => out.push(
            CheckId::Signature,
            true,
            format!(
                "valid {alg} signature by key {key_id} from {}",
                keys.describe()
            ),
        ),
        Ok(false) => out.push(
            CheckId::Signature,
            false,
            format!(
                "the {alg} signature does not match key {key_id}: the token was changed or signed \
                 by someone else"
            ),
        ),
        Err(detail) => out.push(CheckId::Signature, false, detail),
    }
    out
}

/// The length of an OKP key's `x` when it is not the 32 bytes of an Ed25519 key.
fn short_okp_x(key: &Value) -> Option<usize> {
    if key.get("kty").and_then(Value::as_str) != Some("OKP") {
        return None;
    }
    let x = key.get("x").and_then(Value::as_str).unwrap_or_default();
    let len = jwt::b64(x, jwt::Part::Input).map_or(0, |b| b.len());
    (len != 32).then_some(len)
}

/// `header.payload` and the signature of a cleaned compact token.
fn token_parts(token: &str) -> (String, String) {
    let cleaned = jwt::clean_input(token).unwrap_or_default();
    match cleaned.rsplit_once('.') {
        Some((message, signature)) => (message.to_owned(), signature.to_owned()),
        None => (cleaned, String::new()),
    }
}

fn signing_keys<'a>(jwks: &'a Jwks, alg: &str) -> impl Iterator<Item = &'a Value> + 'a {
    let kty = key_type_for(alg);
    jwks.keys.iter().filter(move |k| {
        k.get("use").and_then(Value::as_str).unwrap_or("sig") == "sig"
            && k.get("kty").and_then(Value::as_str) == Some(kty)
    })
}

async fn select_key(
    alg: &str,
    kid: Option<&str>,
    keys: &JwksCache,
) -> std::result::Result<(Value, String), String> {
    let jwks = keys
        .get()
        .await
        .map_err(|e| format!("the signing keys could not be fetched: {e}"))?;
    let Some(kid) = kid else {
        let candidates: Vec<&Value> = signing_keys(&jwks, alg).collect();
        let place = if keys.can_refetch() {
            "the JWKS".to_owned()
        } else {
            keys.describe()
        };
        return match candidates.as_slice() {
            [one] => Ok((
                (*one).clone(),
                format!(
                    "no kid in the header; {place} has exactly one matching key, so it is used"
                ),
            )),
            [] => Err(format!(
                "no kid in the header and no {} signing key in {place}",
                key_type_for(alg)
            )),
            many => Err(format!(
                "no kid in the header and {} candidate keys in {place}: the key is ambiguous",
                many.len()
            )),
        };
    };
    let find = |jwks: &Jwks| {
        jwks.keys
            .iter()
            .find(|k| k.get("kid").and_then(Value::as_str) == Some(kid))
            .cloned()
    };
    let known = |jwks: &Jwks| {
        if jwks.kids().is_empty() {
            "no kids".to_owned()
        } else {
            jwks.kids().join(", ")
        }
    };
    if let Some(key) = find(&jwks) {
        return Ok((
            key,
            if keys.can_refetch() {
                format!("kid {kid} found in the provider's JWKS")
            } else {
                format!("kid {kid} found in {}", keys.describe())
            },
        ));
    }
    if !keys.can_refetch() {
        // A single pasted key without a kid is what the user chose: use it.
        let candidates: Vec<&Value> = signing_keys(&jwks, alg).collect();
        if candidates.is_empty() {
            let kinds: Vec<&str> = jwks
                .keys
                .iter()
                .filter_map(|k| k.get("kty").and_then(Value::as_str))
                .collect();
            return Err(format!(
                "{} has no {} signing key, and the token's {alg} needs one (it has: {})",
                keys.describe(),
                key_type_for(alg),
                if kinds.is_empty() {
                    "no usable keys".to_owned()
                } else {
                    kinds.join(", ")
                }
            ));
        }
        if let [one] = candidates.as_slice() {
            if one.get("kid").is_none() {
                return Ok((
                    (*one).clone(),
                    format!(
                        "the header names kid {kid}; {} has one {} key without a kid, so it \
                         is used",
                        keys.describe(),
                        key_type_for(alg)
                    ),
                ));
            }
        }
        return Err(format!(
            "kid {kid} is unknown: {} has no key with that kid (it has {}); the token was \
             signed with another key",
            keys.describe(),
            known(&jwks)
        ));
    }
    let fresh = keys.refetch().await.map_err(|e| {
        format!("kid {kid} is not in the cached JWKS and fetching it again failed: {e}")
    })?;
    match find(&fresh) {
        Some(key) => Ok((
            key,
            format!("kid {kid} was new: the JWKS was fetched again (key rotation) and has it"),
        )),
        None => Err(format!(
            "kid {kid} is unknown: not in the JWKS at {} even after fetching it again (it has {})",
            keys.describe(),
            known(&fresh)
        )),
    }
}

fn check_claims(decoded: &Decoded, expect: &Expectations, now: DateTime<Utc>, report: &mut Report) {
    let claims = &decoded.payload;
    let skew = expect.skew.as_secs() as i64;
    let now_s = now.timestamp();

    // iss
    match claims.get("iss").and_then(Value::as_str) {
        Some(iss) if iss == expect.issuer => report.push(
            CheckId::Iss,
            true,
            match crate::oidc::issuer::explain(iss) {
                Some(why) => format!("{iss}, the issuer in the provider's metadata ({why})"),
                None => format!("{iss}, the issuer in the provider's metadata"),
            },
        ),
        Some(iss) => report.push(
            CheckId::Iss,
            false,
            format!("{iss} is not the metadata's issuer {}", expect.issuer),
        ),
        None => report.push(CheckId::Iss, false, "no iss claim"),
    }

    // sub (OIDC Core §2: required, at most 255 ASCII characters)
    let (ok, detail) = subject_check(claims.get("sub"));
    report.push(CheckId::Sub, ok, detail);

    // aud
    let auds: Vec<String> = match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let untrusted: Vec<&String> = auds
        .iter()
        .filter(|a| **a != expect.client_id && !expect.trusted_audiences.contains(a))
        .collect();
    if auds.is_empty() {
        report.push(CheckId::Aud, false, "no aud claim");
    } else if !auds.contains(&expect.client_id) {
        report.push(
            CheckId::Aud,
            false,
            format!(
                "aud {:?} does not contain the client ID {}",
                auds, expect.client_id
            ),
        );
    } else if !untrusted.is_empty() {
        report.push(
            CheckId::Aud,
            false,
            format!("aud also names untrusted audiences {untrusted:?}"),
        );
    } else {
        report.push(
            CheckId::Aud,
            true,
            format!("the client ID {}", expect.client_id),
        );
    }

    // azp
    match claims.get("azp").and_then(Value::as_str) {
        Some(azp) if azp == expect.client_id => {
            report.push(CheckId::Azp, true, format!("{azp}, the client ID"))
        }
        Some(azp) => report.push(
            CheckId::Azp,
            false,
            format!("azp {azp} is not the client ID {}", expect.client_id),
        ),
        None if auds.len() > 1 => report.push(
            CheckId::Azp,
            false,
            "several audiences but no azp to say which one the token was issued to",
        ),
        None => report.push(
            CheckId::Azp,
            true,
            "not present (optional with a single audience)",
        ),
    }

    report.checks.extend(time_checks(claims, now, expect.skew));

    // nonce
    let nonce = claims.get("nonce").and_then(Value::as_str);
    match (&expect.nonce, nonce) {
        (Some(sent), Some(got)) if sent == got => report.push(
            CheckId::Nonce,
            true,
            "matches the nonce sent with this sign-in",
        ),
        (Some(_), Some(_)) => report.push(
            CheckId::Nonce,
            false,
            "differs from the nonce sent with this sign-in: a replayed or injected token",
        ),
        (Some(_), None) => report.push(
            CheckId::Nonce,
            false,
            "a nonce was sent but the token has none",
        ),
        (None, _) => report.push(
            CheckId::Nonce,
            true,
            "not checked on a refresh (no nonce was sent)",
        ),
    }

    // at_hash
    let alg = decoded.header_str("alg").unwrap_or_default();
    match (claims.get("at_hash").and_then(Value::as_str), &expect.access_token) {
        (Some(got), Some(at_token)) => match at_hash(alg, at_token.expose()) {
            Some(want) if want == got => {
                report.push(CheckId::AtHash, true, "matches the access token received with it")
            }
            Some(_) => report.push(
                CheckId::AtHash,
                false,
                "does not match the access token received with it: the two were not issued together",
            ),
            None => report.push(CheckId::AtHash, false, format!("no hash is defined for alg {alg}")),
        },
        (Some(_), None) => report.push(CheckId::AtHash, true, "present; no access token came with it"),
        (None, _) => report.push(CheckId::AtHash, true, "not present (optional in the code flow)"),
    }

    // auth_time
    let auth_time = numeric(claims.get("auth_time"));
    if let Some(warning) = auth_time.and_then(|t| auth_time_warning(t, numeric(claims.get("iat"))))
    {
        report.warn(CheckId::AuthTime, warning);
    }
    match (expect.max_age, auth_time) {
        (Some(max), Some(t)) if now_s - skew <= t + max as i64 => report.push_timed(
            CheckId::AuthTime,
            true,
            &format!("signed in {} ({{rel}}), within max_age {max} s", at(t)),
            t,
            now_s,
        ),
        (Some(max), Some(t)) => report.push_timed(
            CheckId::AuthTime,
            false,
            &format!("signed in {} ({{rel}}), older than max_age {max} s", at(t)),
            t,
            now_s,
        ),
        (Some(_), None) => report.push(
            CheckId::AuthTime,
            false,
            "max_age was sent, so auth_time is required, but it is missing",
        ),
        (None, Some(t)) => report.push(CheckId::AuthTime, true, format!("signed in {}", at(t))),
        (None, None) => report.push(CheckId::AuthTime, true, "not requested (no max_age sent)"),
    }

    // Refresh continuity (OpenID Connect Core §12.2).
    if let Some(prev) = &expect.previous {
        continuity::check(claims, prev, report);
    }
}

/// Longest `sub` OpenID Connect Core §2 allows, in ASCII characters.
pub const MAX_SUB_LEN: usize = 255;

/// The `sub` check: present, a string, not empty, at most 255 ASCII characters.
fn subject_check(sub: Option<&Value>) -> (bool, String) {
    match sub {
        None | Some(Value::Null) => (
            false,
            "no sub claim: OpenID Connect Core §2 requires one, it is who signed in".into(),
        ),
        Some(Value::String(s)) if s.is_empty() => {
            (false, "sub is empty: it must name who signed in".into())
        }
        Some(Value::String(s)) if !s.is_ascii() => (
            false,
            "sub has non-ASCII characters; OpenID Connect Core §2 allows only ASCII".into(),
        ),
        Some(Value::String(s)) if s.len() > MAX_SUB_LEN => (
            false,
            format!(
                "sub is {} characters long; OpenID Connect Core §2 allows at most {MAX_SUB_LEN}",
                s.len()
            ),
        ),
        Some(Value::String(s)) if s.chars().any(|c| c.is_ascii_control()) => (
            false,
            "sub has control characters: not an identifier".into(),
        ),
        Some(Value::String(s)) => (true, format!("{s}, who signed in")),
        Some(other) => (
            false,
            format!(
                "sub is a {}, not a string: OpenID Connect Core §2 makes it a string",
                json_type(other)
            ),
        ),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The earliest `auth_time` that is not odd: 2010-01-01, before OAuth 2.0 and OpenID Connect
/// existed, so no provider speaking them signed anyone in earlier.
pub const EARLIEST_AUTH_TIME: i64 = 1_262_304_000;

/// How long before `iat` an `auth_time` may be before it is odd: one year (sessions of the
/// providers Tokenscope knows last 90 days at most).
pub const OLDEST_SESSION: i64 = 365 * 86_400;

/// A warning about an `auth_time` the issuer cannot have meant: 0 (1970), before 2010, or
/// more than a year before the token's `iat`.
fn auth_time_warning(auth_time: i64, iat: Option<i64>) -> Option<String> {
    if auth_time < EARLIEST_AUTH_TIME {
        return Some(format!(
            "auth_time is {auth_time} ({}): a sign-in before OpenID Connect existed. The provider \
             sent a placeholder or a broken time; do not rely on it for max_age or step-up",
            at(auth_time)
        ));
    }
    match iat {
        Some(iat) if iat - auth_time > OLDEST_SESSION => Some(format!(
            "auth_time {} is {} before the token was issued ({}): no session lasts that long; \
             the provider's clock or its auth_time is wrong",
            at(auth_time),
            relative(auth_time - iat).trim_end_matches(" ago"),
            at(iat)
        )),
        _ => None,
    }
}

/// The time checks (`exp`, `nbf`, `iat`) against `now` with the allowed clock `skew`. Used by
/// the sign-in report and by the token inspector.
pub fn time_checks(claims: &Map<String, Value>, now: DateTime<Utc>, skew: Duration) -> Vec<Check> {
    let mut out = Report::default();
    let skew = skew.as_secs() as i64;
    let now_s = now.timestamp();

    // exp
    match numeric(claims.get("exp")) {
        Some(exp) if now_s < exp + skew => out.push_timed(
            CheckId::Exp,
            true,
            &format!("expires {} ({{rel}}), skew {skew} s", at(exp)),
            exp,
            now_s,
        ),
        Some(exp) => out.push_timed(
            CheckId::Exp,
            false,
            &format!("expired {} ({{rel}}), beyond the {skew} s skew", at(exp)),
            exp,
            now_s,
        ),
        None => out.push(CheckId::Exp, false, "no numeric exp claim"),
    }

    // nbf
    match (claims.get("nbf"), numeric(claims.get("nbf"))) {
        (None, _) => out.push(CheckId::Nbf, true, "not present"),
        (Some(_), Some(nbf)) if nbf <= now_s + skew => {
            out.push(CheckId::Nbf, true, format!("valid since {}", at(nbf)))
        }
        (Some(_), Some(nbf)) => out.push_timed(
            CheckId::Nbf,
            false,
            &format!(
                "not valid before {} ({{rel}}), beyond the {skew} s skew",
                at(nbf)
            ),
            nbf,
            now_s,
        ),
        (Some(_), None) => out.push(CheckId::Nbf, false, "nbf is not a number"),
    }

    // iat
    match numeric(claims.get("iat")) {
        Some(iat) if iat <= now_s + skew => out.push_timed(
            CheckId::Iat,
            true,
            &format!("issued {} ({{rel}})", at(iat)),
            iat,
            now_s,
        ),
        Some(iat) => out.push_timed(
            CheckId::Iat,
            false,
            &format!(
                "issued in the future: {} ({{rel}}); the provider's or this machine's clock is off",
                at(iat)
            ),
            iat,
            now_s,
        ),
        None => out.push(CheckId::Iat, false, "no numeric iat claim"),
    }
    out.checks
}

/// `at_hash` per OIDC Core §3.2.2.9: left half of the hash of the ASCII access token.
pub fn at_hash(alg: &str, access_token: &str) -> Option<String> {
    let bytes = access_token.as_bytes();
    let digest: Vec<u8> = match alg {
        "RS256" | "PS256" | "ES256" | "HS256" => Sha256::digest(bytes).to_vec(),
        "RS384" | "PS384" | "ES384" | "HS384" => Sha384::digest(bytes).to_vec(),
        "RS512" | "PS512" | "HS512" | "EdDSA" => Sha512::digest(bytes).to_vec(),
        _ => return None,
    };
    Some(jwt::b64_encode(&digest[..digest.len() / 2]))
}

fn numeric(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.abs() < 1e15)
                .map(|f| f as i64)
        }),
        _ => None,
    }
}

fn at(seconds: i64) -> String {
    DateTime::from_timestamp(seconds, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| format!("{seconds} (out of range)"))
}

/// "in 4 min" / "2 h ago".
pub fn relative(delta: i64) -> String {
    let abs = delta.unsigned_abs();
    if abs == 0 {
        return "now".to_owned();
    }
    let span = match abs {
        0..=59 => format!("{abs} s"),
        60..=3599 => format!("{} min", abs / 60),
        3600..=172_799 => format!("{} h", abs / 3600),
        172_800..=63_071_999 => format!("{} days", abs / 86_400),
        _ => format!("{} years", abs / 31_536_000),
    };
    if delta >= 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

mod continuity;

#[cfg(test)]
mod tests;
