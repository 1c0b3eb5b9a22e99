//! Signature and time checks on request, for the inspector. Keys come from what the user gave
//! (JWK, JWKS, PEM; see [`super::keys`]) or from the issuer's metadata discovered from `iss`:
//! for Azure AD B2C, a `tfp` or `acr` claim naming the policy gives the policy's own metadata
//! (`…/<tenant>/<policy>/v2.0/.well-known/openid-configuration`, built from the issuer's host and
//! tenant), because B2C's `iss` is not its discovery base. The signature check itself is
//! [`crate::validate::verify_signature`], the one the sign-in report uses.

use super::TokenInspection;
use crate::http::{get_json, HttpClient};
use crate::jose::jwt::{Decoded, TokenKind};
use crate::oidc::authority::{check_transport, is_policy};
use crate::oidc::metadata::Jwks;
use crate::oidc::netguard::NetworkPolicy;
use crate::validate::{self, Check, CheckId, JwksCache, KeyUsed, SignaturePolicy};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Where the keys come from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// Keys the user gave, with where they came from ("the key in key.pem").
    Given(Jwks, String),
    /// The issuer's published keys, discovered from the token's `iss` (network), fetched only
    /// from the addresses the policy allows ([`crate::oidc::netguard`]).
    Discover(NetworkPolicy),
}

/// The outcome of verifying one token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Verification {
    /// The signature was checked and is valid.
    pub signature_valid: bool,
    /// Every check passed (signature, issuer when discovered, and the time checks).
    pub passed: bool,
    /// One sentence: the signature's outcome.
    pub summary: String,
    /// Where the keys came from, in words.
    pub keys_from: String,
    /// The metadata document used, when the keys were discovered.
    pub metadata_url: Option<String>,
    /// The key the signature was checked with.
    pub key: Option<KeyUsed>,
    /// The checks: `keys` (discovery), `alg`, `kid`, `signature`, `issuer`, `exp`, `nbf`, `iat`.
    pub checks: Vec<Check>,
    /// The clock difference allowed by the time checks, in seconds.
    pub skew_seconds: u64,
}

impl Verification {
    fn not_checked(summary: impl Into<String>, keys_from: &str, skew: Duration) -> Self {
        let summary = summary.into();
        Self {
            signature_valid: false,
            passed: false,
            checks: vec![Check::new(CheckId::Signature, false, summary.clone())],
            summary,
            keys_from: keys_from.to_owned(),
            metadata_url: None,
            key: None,
            skew_seconds: skew.as_secs(),
        }
    }
}

/// The metadata URL for a token's issuer. B2C: when `tfp` or `acr` names a policy (or the issuer
/// is the `…/tfp/<tenant>/<policy>/v2.0/` form), the policy's own metadata on the issuer's host
/// and tenant; otherwise `<iss>/.well-known/openid-configuration`. Only https (http on loopback).
pub fn discovery_url(claims: &serde_json::Map<String, Value>) -> Result<Url, String> {
    let iss = claims
        .get("iss")
        .and_then(Value::as_str)
        .ok_or("the token has no iss claim, so its issuer's keys cannot be found: give the key")?;
    let url = Url::parse(iss).map_err(|e| format!("iss `{iss}` is not a URL: {e}"))?;
    check_transport(&url).map_err(|e| format!("not fetching keys for iss `{iss}`: {e}"))?;
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(format!(
            "iss `{iss}` has a query, fragment or user: not an issuer URL"
        ));
    }
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    let claim_policy = ["tfp", "acr"].iter().find_map(|name| {
        claims
            .get(*name)
            .and_then(Value::as_str)
            .filter(|p| is_policy(p))
    });
    // `…/tfp/<tenant>/<policy>/v2.0/` names its policy itself.
    let (tenant, policy) = match segments.as_slice() {
        ["tfp", tenant, policy, ..] if is_policy(policy) => (Some(*tenant), Some(*policy)),
        [tenant, "v2.0"] => (Some(*tenant), claim_policy),
        _ => (None, None),
    };
    let mut out = url.clone();
    match (tenant, policy) {
        (Some(tenant), Some(policy)) => {
            out.set_path(&format!(
                "/{tenant}/{policy}/v2.0/.well-known/openid-configuration"
            ));
        }
        _ => {
            let path = url.path().trim_end_matches('/');
            out.set_path(&format!("{path}/.well-known/openid-configuration"));
        }
    }
    Ok(out)
}

/// Notes on each token that can be verified the host its issuer's keys would be fetched from
/// ([`super::TokenInspection::discovery_host`]), without fetching anything.
pub fn note_discovery_hosts(inspection: &mut super::Inspection) {
    for token in &mut inspection.tokens {
        let target = token.effective();
        let verifiable = matches!(
            target.kind,
            Some(TokenKind::Jws) | Some(TokenKind::Unsigned)
        );
        token.discovery_host = verifiable
            .then(|| discovery_url(&target.payload).ok())
            .flatten()
            .map(|url| crate::oidc::netguard::host_of(&url));
    }
}

/// Verifies one token with keys from `source`; the time checks use `now` and `skew`.
pub async fn verify(
    token: &TokenInspection,
    source: &KeySource,
    http: Arc<dyn HttpClient>,
    now: DateTime<Utc>,
    skew: Duration,
) -> Verification {
    let mut cache = HashMap::new();
    verify_with(token, source, &http, now, skew, &mut cache).await
}

/// Verifies every token of an inspection that can be (opaque tokens are skipped), sharing the
/// discovered keys between tokens of the same issuer.
pub async fn verify_all(
    inspection: &mut super::Inspection,
    source: &KeySource,
    http: Arc<dyn HttpClient>,
    now: DateTime<Utc>,
    skew: Duration,
) {
    let mut cache = HashMap::new();
    for token in &mut inspection.tokens {
        if token.kind == Some(TokenKind::Opaque) || token.error.is_some() {
            continue;
        }
        let v = verify_with(token, source, &http, now, skew, &mut cache).await;
        token.verification = Some(v);
        verify_nested(token, source, &http, now, skew, &mut cache).await;
    }
}

/// The token whose claims hold the nested tokens: the decrypted inner token of a JWE, else this.
fn effective_mut(token: &mut TokenInspection) -> &mut TokenInspection {
    match token.inner {
        Some(ref mut inner) => effective_mut(inner),
        None => token,
    }
}

/// Verifies the tokens inside claims (B2C's `idp_access_token`…), each on its own: with the
/// keys given, or those discovered from its own `iss`. A token none of the given keys can check
/// says so ("not verified: no key for issuer …"); nothing is assumed. Their outcome does not
/// change the outer token's.
fn verify_nested<'a>(
    token: &'a mut TokenInspection,
    source: &'a KeySource,
    http: &'a Arc<dyn HttpClient>,
    now: DateTime<Utc>,
    skew: Duration,
    cache: &'a mut Discovered,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>> {
    Box::pin(async move {
        let holder = effective_mut(token);
        for nested in &mut holder.nested {
            if nested.kind == Some(TokenKind::Opaque) || nested.error.is_some() {
                continue;
            }
            let mut v = verify_with(nested, source, http, now, skew, cache).await;
            if let KeySource::Given(..) = source {
                note_no_key(&mut v, nested.effective());
            }
            nested.verification = Some(v);
            verify_nested(nested, source, http, now, skew, cache).await;
        }
    })
}

/// When the given keys hold none for this token (no key by its `kid` or of its type, or only
/// public keys for an HMAC), the summary says so with the token's issuer.
fn note_no_key(v: &mut Verification, token: &TokenInspection) {
    if v.signature_valid {
        return;
    }
    let no_key = v.checks.iter().any(|c| {
        !c.ok
            && (c.name == CheckId::Kid
                || (c.name == CheckId::Alg && c.detail.contains("holds only public keys")))
    });
    if no_key {
        let issuer = token
            .claim_str("iss")
            .map(|i| format!("issuer {i}"))
            .unwrap_or_else(|| "this token (it has no iss)".to_owned());
        v.summary = format!("not verified: no key for {issuer} in {}", v.keys_from);
    }
}

type Discovered = HashMap<Url, Result<(Arc<JwksCache>, String), String>>;

async fn verify_with(
    token: &TokenInspection,
    source: &KeySource,
    http: &Arc<dyn HttpClient>,
    now: DateTime<Utc>,
    skew: Duration,
    cache: &mut Discovered,
) -> Verification {
    let given = match source {
        KeySource::Given(_, what) => what.clone(),
        KeySource::Discover(_) => "the issuer's published keys".to_owned(),
    };
    if let Some(e) = &token.error {
        return Verification::not_checked(
            format!("not checked: the token does not decode: {e}"),
            &given,
            skew,
        );
    }
    let target = token.effective();
    match target.kind {
        Some(TokenKind::Jws) | Some(TokenKind::Unsigned) => {}
        Some(TokenKind::Jwe) => {
            return Verification::not_checked(
                "not checked: the token is encrypted; decrypt it with the recipient's private key \
                 to check the signed token inside",
                &given,
                skew,
            )
        }
        Some(TokenKind::Opaque) => {
            return Verification::not_checked(
                "not checked: an opaque token has no signature anyone but its issuer can check",
                &given,
                skew,
            )
        }
        None => {
            return Verification::not_checked(
                "not checked: the token does not decode",
                &given,
                skew,
            )
        }
    }
    let mut checks = Vec::new();
    let mut metadata_url = None;
    let mut issuer = None;
    let keys: Arc<JwksCache> = match source {
        KeySource::Given(jwks, what) => Arc::new(JwksCache::pasted(jwks.clone(), what.clone())),
        KeySource::Discover(policy) => {
            let url = match discovery_url(&target.payload)
                .and_then(|url| policy.check_url(&url).map(|()| url))
            {
                Ok(url) => url,
                Err(why) => {
                    let mut v =
                        Verification::not_checked(format!("not checked: {why}"), &given, skew);
                    v.checks.insert(0, check(CheckId::Keys, false, why));
                    return v;
                }
            };
            metadata_url = Some(url.to_string());
            if !cache.contains_key(&url) {
                let found = discover(http, &url, policy).await;
                cache.insert(url.clone(), found);
            }
            match &cache[&url] {
                Ok((keys, meta_issuer)) => {
                    checks.push(check(
                        CheckId::Keys,
                        true,
                        format!(
                            "the issuer's metadata at {url} names its keys at {}",
                            keys.describe()
                        ),
                    ));
                    issuer = Some(meta_issuer.clone());
                    keys.clone()
                }
                Err(why) => {
                    let mut v =
                        Verification::not_checked(format!("not checked: {why}"), &given, skew);
                    v.metadata_url = metadata_url;
                    v.checks.insert(0, check(CheckId::Keys, false, why.clone()));
                    return v;
                }
            }
        }
    };
    let decoded = Decoded {
        kind: target.kind.unwrap_or(TokenKind::Jws),
        header: target.header.clone(),
        payload: target.payload.clone(),
        signature_len: target.signature_len,
        part_lengths: target.part_lengths.clone(),
    };
    let policy = SignaturePolicy {
        allowed_algs: Vec::new(),
        // HMAC with a secret the user gave; `verify_signature` refuses it with published keys.
        hmac_secret: true,
    };
    let signature =
        validate::verify_signature(target.encoded.expose(), &decoded, &policy, &keys).await;
    let signature_valid = signature.verified();
    let summary = signature.summary().to_owned();
    checks.extend(signature.checks);
    if let Some(meta_issuer) = issuer {
        let iss = target.claim_str("iss").unwrap_or_default();
        checks.push(if iss == meta_issuer {
            check(
                CheckId::Issuer,
                true,
                format!("{iss}, the issuer the metadata names"),
            )
        } else {
            check(
                CheckId::Issuer,
                false,
                format!(
                    "the token says {iss} but the metadata it points to names {meta_issuer}: \
                     the keys may not be this issuer's"
                ),
            )
        });
    }
    checks.extend(validate::time_checks(&target.payload, now, skew));
    Verification {
        signature_valid,
        passed: checks.iter().all(|c| c.ok),
        summary,
        keys_from: keys.describe(),
        metadata_url,
        key: signature.key,
        checks,
        skew_seconds: skew.as_secs(),
    }
}

fn check(name: CheckId, ok: bool, detail: impl Into<String>) -> Check {
    Check::new(name, ok, detail)
}

/// Fetches the metadata, then a key cache on its `jwks_uri` (https, or http on loopback).
async fn discover(
    http: &Arc<dyn HttpClient>,
    url: &Url,
    policy: &NetworkPolicy,
) -> Result<(Arc<JwksCache>, String), String> {
    let metadata: Value = get_json(http.as_ref(), url)
        .await
        .map_err(|e| format!("the issuer's metadata could not be fetched: {e}"))?;
    let issuer = metadata
        .get("issuer")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let jwks_uri = metadata
        .get("jwks_uri")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("the metadata at {url} has no jwks_uri"))?;
    let jwks_uri = Url::parse(jwks_uri)
        .map_err(|e| format!("the metadata's jwks_uri `{jwks_uri}` is not a URL: {e}"))?;
    check_transport(&jwks_uri).map_err(|e| format!("the metadata's jwks_uri is unsafe: {e}"))?;
    policy
        .check_url(&jwks_uri)
        .map_err(|e| format!("the metadata's jwks_uri: {e}"))?;
    Ok((Arc::new(JwksCache::new(http.clone(), jwks_uri)), issuer))
}
