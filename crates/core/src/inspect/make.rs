//! Making test tokens ("Make a token", `tokenscope encode`): claims and header as the user gives
//! them, `exp`/`nbf`/`iat` set relative to now (`+5m`, `-1h`) or as a date, signed with a key
//! given as text (JWK, JWKS: the key named by `kid` or the only one that fits, PEM), optionally
//! encrypted for a recipient (nested JWE, `cty: JWT`). The "mutate" path takes a decoded token
//! (decrypted first when a key is given), changes claims and times, and signs it again with the
//! key given: an expired token, one with a wrong `aud`, one signed by a rogue key, for negative
//! tests. The primitives are [`crate::jose::sign`] and [`crate::jose::encrypt`]; the CLI and the
//! desktop only read their fields and show the token. Never panics on what the user gives.

use super::keys::{pem_blocks, public_keys, DecryptionKeys, PrivateKey, MAX_KEY_TEXT};
use super::{inspect_token, InspectOptions};
use crate::jose::encrypt::{encrypt_compact, RecipientKey};
use crate::jose::jwe_keys::AgreementKey;
use crate::jose::jwt::{self, TokenKind};
use crate::jose::sign::{key_needed, sign_compact, SigningKey, ALGS};
use crate::oidc::metadata::Jwks;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Lifetime of a fresh token without `exp`, in seconds (one hour).
pub const DEFAULT_LIFETIME: i64 = 3600;

/// A time claim as the user writes it: `+5m`, `-1h`, `+30s`, `+2d`, `now`, seconds since the
/// epoch (`1767225600`), or `none` to remove the claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TimeChange {
    /// `exp`, `nbf` or `iat`.
    pub claim: String,
    /// The value as written.
    pub value: String,
}

/// Optional encryption of the signed token for a recipient (nested JWE). Its `Debug` hides the
/// key.
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EncryptRequest {
    /// Key management (`RSA-OAEP-256`, `ECDH-ES`, `A256KW`, `dir`, `PBES2-HS256+A128KW`…).
    pub key_alg: String,
    /// Content encryption (`A256GCM`, `A128CBC-HS256`…).
    pub enc: String,
    /// The recipient's key: a public (or private) JWK, JWKS or PEM; an `oct` JWK; or a password
    /// for PBES2.
    pub key: String,
}

/// What to make: a token from claims, or ([`MakeRequest::from`]) a changed copy of a token. Its
/// `Debug` hides the keys.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(default)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MakeRequest {
    /// The signing algorithm; empty with `from` keeps the token's.
    pub alg: String,
    /// The signing key as text (JWK, JWKS or PEM).
    pub key: String,
    /// The claims, a JSON object as text (empty: `{}`, or the token's claims with `from`). A
    /// fresh token (no `from`) without `iat` or `exp` gets `iat` now and `exp` in an hour.
    pub claims: String,
    /// Header members to add or replace, a JSON object as text (may be empty).
    pub header: String,
    /// `exp`, `nbf`, `iat` to set.
    pub times: Vec<TimeChange>,
    /// Claims to set: `name` and a value (JSON when it parses as JSON, else the text as a
    /// string; an empty value removes the claim).
    pub set: Vec<(String, String)>,
    /// A token to start from (any form `decode` takes), for "mutate".
    pub from: Option<String>,
    /// The private key that decrypts `from` when it is a JWE.
    pub from_decrypt_key: Option<String>,
    /// Encrypt the signed token.
    pub encrypt: Option<EncryptRequest>,
}

impl std::fmt::Debug for EncryptRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncryptRequest")
            .field("key_alg", &self.key_alg)
            .field("enc", &self.enc)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl std::fmt::Debug for MakeRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MakeRequest")
            .field("alg", &self.alg)
            .field("key", &"[redacted]")
            .field("claims", &self.claims)
            .field("header", &self.header)
            .field("times", &self.times)
            .field("set", &self.set)
            .field("from", &self.from.as_ref().map(|_| "[a token]"))
            .field(
                "from_decrypt_key",
                &self.from_decrypt_key.as_ref().map(|_| "[redacted]"),
            )
            .field("encrypt", &self.encrypt)
            .finish()
    }
}

/// The token made, and what went into it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Made {
    /// The compact token (JWS, or JWE with the JWS inside).
    pub token: String,
    /// The JWS header.
    pub header: Map<String, Value>,
    /// The claims signed.
    pub claims: Map<String, Value>,
    /// The signing key, in words.
    pub signed_with: String,
    /// The JWE header when it was encrypted.
    pub jwe_header: Option<Map<String, Value>>,
}

/// Makes the token of `request` at `now`.
pub fn make(request: &MakeRequest, now: DateTime<Utc>) -> Result<Made, String> {
    let (mut header, mut claims) = match &request.from {
        Some(from) => start_from(from, request.from_decrypt_key.as_deref(), now)?,
        None => (Map::new(), Map::new()),
    };
    if !request.claims.trim().is_empty() {
        claims = object(&request.claims, "the claims")?;
    }
    if request.from.is_none() {
        // A fresh token gets the times a verifier asks for, unless the claims or the time
        // changes below say otherwise (`none` removes one).
        claims
            .entry("iat")
            .or_insert_with(|| Value::from(now.timestamp()));
        claims
            .entry("exp")
            .or_insert_with(|| Value::from(now.timestamp() + DEFAULT_LIFETIME));
    }
    for (name, value) in &request.set {
        let name = name.trim();
        if name.is_empty() {
            return Err("a claim to set has no name (NAME=VALUE)".into());
        }
        if value.is_empty() {
            claims.remove(name);
        } else {
            let parsed = serde_json::from_str::<Value>(value)
                .unwrap_or_else(|_| Value::String(value.clone()));
            claims.insert(name.to_owned(), parsed);
        }
    }
    for change in &request.times {
        let claim = change.claim.as_str();
        if !matches!(claim, "exp" | "nbf" | "iat") {
            return Err(format!(
                "`{claim}` is not a time claim here (exp, nbf, iat)"
            ));
        }
        match time_value(&change.value, now).map_err(|e| format!("--{claim}: {e}"))? {
            Some(t) => claims.insert(claim.to_owned(), Value::from(t)),
            None => claims.remove(claim),
        };
    }
    let extra = if request.header.trim().is_empty() {
        Map::new()
    } else {
        object(&request.header, "the header")?
    };
    let alg = match (
        request.alg.trim(),
        header.get("alg").and_then(Value::as_str),
    ) {
        ("", Some(kept)) => kept.to_owned(),
        ("", None) => return Err("give the signing algorithm (alg)".into()),
        (given, _) => given.to_owned(),
    };
    if !ALGS.contains(&alg.as_str()) {
        return Err(format!(
            "`{alg}` is not a signing algorithm Tokenscope makes ({})",
            ALGS.join(", ")
        ));
    }
    if let Some(other) = extra.get("alg").and_then(Value::as_str) {
        if other != alg {
            return Err(format!(
                "the header says alg {other} but the token is signed with {alg}: give one"
            ));
        }
    }
    let wanted_kid = extra.get("kid").and_then(Value::as_str).map(str::to_owned);
    let (key, kid) = signing_key(&request.key, &alg, wanted_kid.as_deref())?;
    if header.is_empty() {
        header.insert("typ".into(), Value::from("JWT"));
    }
    // `alg` first, as producers write it.
    let mut ordered = Map::new();
    ordered.insert("alg".into(), Value::from(alg.clone()));
    header.remove("alg");
    // A kept `kid` names the old key; the new key's own kid (or none) replaces it.
    header.remove("kid");
    ordered.extend(header);
    if let Some(kid) = kid {
        ordered.insert("kid".into(), Value::from(kid));
    }
    ordered.extend(extra);
    let payload = serde_json::to_vec(&claims).map_err(|e| e.to_string())?;
    let jws = sign_compact(&ordered, &payload, &key)?;
    let signed_with = key.describe();
    let (token, jwe_header) = match &request.encrypt {
        None => (jws, None),
        Some(e) => {
            let (recipient, kid) = recipient_key(&e.key, &e.key_alg)?;
            let mut h = Map::new();
            h.insert("alg".into(), Value::from(e.key_alg.clone()));
            h.insert("enc".into(), Value::from(e.enc.clone()));
            h.insert("cty".into(), Value::from("JWT"));
            if let Some(kid) = kid {
                h.insert("kid".into(), Value::from(kid));
            }
            let token = encrypt_compact(&h, jws.as_bytes(), &recipient)?;
            let protected = token.split('.').next().unwrap_or_default();
            let full = jwt::b64(protected, jwt::Part::Header)
                .ok()
                .and_then(|b| jwt::parse_object(&b).ok());
            (token, full.or(Some(h)))
        }
    };
    Ok(Made {
        token,
        header: ordered,
        claims,
        signed_with,
        jwe_header,
    })
}

/// `+5m`, `-1h`, `now`, `none`, or seconds since the epoch: the time at `now`, or `None` to
/// remove the claim.
pub fn time_value(text: &str, now: DateTime<Utc>) -> Result<Option<i64>, String> {
    let text = text.trim();
    let now = now.timestamp();
    match text {
        "now" => return Ok(Some(now)),
        "none" | "" => return Ok(None),
        _ => {}
    }
    let bad = || {
        format!(
            "`{text}` is not a time: +5m, -1h, +30s, +2d, now, none, or seconds since 1970 \
             (1767225600)"
        )
    };
    let Some(sign) = text.chars().next().filter(|c| *c == '+' || *c == '-') else {
        return text.parse::<i64>().map(Some).map_err(|_| bad());
    };
    let rest = &text[1..];
    let (digits, unit) = rest.split_at(
        rest.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len()),
    );
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let seconds = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(bad()),
    };
    let delta = n.checked_mul(seconds).ok_or_else(bad)?;
    let t = if sign == '-' {
        now.checked_sub(delta)
    } else {
        now.checked_add(delta)
    };
    t.map(Some).ok_or_else(bad)
}

fn object(text: &str, what: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(format!("{what} must be a JSON object ({{\"sub\": \"…\"}})")),
        Err(e) => Err(format!("{what} are not JSON: {e}")),
    }
}

/// A JSON object: a header or claims.
type Claims = Map<String, Value>;

/// The header and claims of the token to start from (decrypted when it is a JWE and a key is
/// given).
fn start_from(
    text: &str,
    decrypt_key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(Map<String, Value>, Claims), String> {
    let decryption_keys = decrypt_key
        .map(|k| DecryptionKeys::parse(k, "the decryption key"))
        .transpose()?;
    let options = InspectOptions {
        now,
        decryption_keys,
    };
    let inspected = inspect_token("token", text, &options);
    if let Some(e) = &inspected.error {
        return Err(format!("the token to start from does not decode: {e}"));
    }
    let target = inspected.effective();
    match target.kind {
        Some(TokenKind::Jws) | Some(TokenKind::Unsigned) => {
            Ok((target.header.clone(), target.payload.clone()))
        }
        Some(TokenKind::Jwe) => Err(format!(
            "the token to start from is encrypted and was not decrypted ({}): give its \
             decryption key",
            target
                .jwe
                .as_ref()
                .map(|j| j.note.as_str())
                .unwrap_or("no key")
        )),
        _ => Err("the token to start from is opaque: there are no claims to change".into()),
    }
}

fn bounded(text: &str) -> Result<&str, String> {
    if text.len() > MAX_KEY_TEXT {
        return Err(format!(
            "the key text is longer than {} KiB",
            MAX_KEY_TEXT / 1024
        ));
    }
    let text = text.trim().trim_start_matches('\u{feff}');
    if text.is_empty() {
        return Err("the key is empty".into());
    }
    Ok(text)
}

/// The signing key for `alg` from a key text, and its `kid`. A JWKS gives the key named by
/// `kid` (from the header), else the only private key that fits `alg`.
pub fn signing_key(
    text: &str,
    alg: &str,
    kid: Option<&str>,
) -> Result<(SigningKey, Option<String>), String> {
    let text = bounded(text)?;
    if text.starts_with('{') {
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("not a JWK or JWKS: {e}"))?;
        let jwks = Jwks::from_value(value)?;
        let kid_of = |k: &Value| k.get("kid").and_then(Value::as_str).map(str::to_owned);
        let mut reasons = Vec::new();
        let mut fitting = Vec::new();
        for jwk in &jwks.keys {
            if kid.is_some() && kid_of(jwk).as_deref() != kid {
                continue;
            }
            let parsed = jwk
                .as_object()
                .ok_or_else(|| "a key is not a JSON object".to_owned())
                .and_then(SigningKey::from_jwk);
            match parsed {
                Ok(key) if key.algs().contains(&alg) => fitting.push((key, kid_of(jwk))),
                Ok(key) => {
                    reasons.push(format!("{} signs {}", key.describe(), key.algs().join("/")))
                }
                Err(e) => reasons.push(e),
            }
        }
        return match fitting.len() {
            1 => Ok(fitting.remove(0)),
            0 => Err(match (kid, jwks.keys.len(), reasons.as_slice()) {
                (Some(kid), _, []) => format!("no key with kid {kid} in the key set"),
                (_, 1, [one]) => format!("{alg} needs {}: {one}", key_needed(alg)),
                _ => format!(
                    "no key in the set signs {alg} (it needs {}){}",
                    key_needed(alg),
                    if reasons.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", reasons.join("; "))
                    }
                ),
            }),
            n => Err(format!(
                "{n} keys in the set sign {alg}: name one with a `kid` in the header ({})",
                fitting
                    .iter()
                    .map(|(_, k)| k.clone().unwrap_or_else(|| "(no kid)".into()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
    }
    if !text.contains("-----BEGIN ") {
        return Err(format!(
            "not a key: give a JWK, a JWKS or a PEM private key ({alg} needs {}{})",
            key_needed(alg),
            if alg.starts_with("HS") {
                ", e.g. {\"kty\":\"oct\",\"k\":\"<the secret, base64url>\"}"
            } else {
                ""
            }
        ));
    }
    let mut reasons = Vec::new();
    for (label, der) in pem_blocks(text)? {
        match SigningKey::from_pem_block(&label, &der) {
            Ok(key) if key.algs().contains(&alg) => return Ok((key, None)),
            Ok(key) => reasons.push(format!(
                "{alg} needs {}; this is {}",
                key_needed(alg),
                key.describe()
            )),
            Err(e) => reasons.push(e),
        }
    }
    Err(reasons.join("; "))
}

/// The recipient's key for key management `alg` from a key text, and its `kid`: a JWK or JWKS
/// (public or private; the key named by nothing but fit: the only one that fits `alg`), PEM
/// (public key, certificate, or a private key whose public half is used), or, for PBES2, the
/// text as a password.
pub fn recipient_key(text: &str, alg: &str) -> Result<(RecipientKey, Option<String>), String> {
    let fits = |k: &RecipientKey| match k {
        RecipientKey::Rsa(_) => alg.starts_with("RSA"),
        RecipientKey::P256(_)
        | RecipientKey::P384(_)
        | RecipientKey::P521(_)
        | RecipientKey::X25519(_) => alg.starts_with("ECDH-ES"),
        RecipientKey::Symmetric(_) => !alg.starts_with("RSA") && !alg.starts_with("ECDH"),
        RecipientKey::Password(_) => alg.starts_with("PBES2"),
    };
    let trimmed = text.trim();
    let is_structured = trimmed.starts_with('{') || trimmed.contains("-----BEGIN ");
    if !is_structured {
        if alg.starts_with("PBES2") && !trimmed.is_empty() {
            return Ok((RecipientKey::Password(trimmed.as_bytes().to_vec()), None));
        }
        return Err(format!(
            "not a key: give a JWK, a JWKS or a PEM key for {alg} (a password is used for \
             PBES2 only)"
        ));
    }
    let mut candidates: Vec<(RecipientKey, Option<String>)> = Vec::new();
    let mut reasons = Vec::new();
    match public_keys(text) {
        Ok(jwks) => {
            for jwk in &jwks.keys {
                let kid = jwk.get("kid").and_then(Value::as_str).map(str::to_owned);
                match jwk
                    .as_object()
                    .ok_or_else(|| "a key is not a JSON object".to_owned())
                    .and_then(RecipientKey::from_jwk)
                {
                    Ok(k) => candidates.push((k, kid)),
                    Err(e) => reasons.push(e),
                }
            }
        }
        // An EC or X25519 private PEM: its public half.
        Err(public_error) => match DecryptionKeys::parse(text, "the key") {
            Ok(keys) => {
                for key in keys.keys {
                    if let PrivateKey::Agreement { key, kid, .. } = key {
                        candidates.push((public_half(&key), kid));
                    }
                }
            }
            Err(_) => reasons.push(public_error),
        },
    }
    let mut fitting: Vec<_> = candidates.into_iter().filter(|(k, _)| fits(k)).collect();
    match fitting.len() {
        1 => Ok(fitting.remove(0)),
        0 => Err(format!(
            "no key here fits {alg}{}",
            if reasons.is_empty() {
                String::new()
            } else {
                format!(": {}", reasons.join("; "))
            }
        )),
        n => Err(format!(
            "{n} keys here fit {alg}: give the one to encrypt for"
        )),
    }
}

fn public_half(key: &AgreementKey) -> RecipientKey {
    match key {
        AgreementKey::P256(k) => RecipientKey::P256(k.public_key()),
        AgreementKey::P384(k) => RecipientKey::P384(k.public_key()),
        AgreementKey::P521(k) => RecipientKey::P521(k.public_key()),
        AgreementKey::X25519(k) => {
            RecipientKey::X25519(*x25519_dalek::PublicKey::from(k).as_bytes())
        }
    }
}

#[cfg(test)]
mod tests;
