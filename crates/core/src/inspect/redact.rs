//! Redacted copies for support tickets: personal claims (the catalogue's `personal` flag: names,
//! e-mails, phone numbers, addresses, national numbers, B2C custom attributes,
//! `idp_access_token`...) masked, everything else kept, so support can read issuer, audience,
//! policy, times and object IDs without seeing who the user is. Tokens inside claims are masked
//! too (their encoded text would give the personal data away). Claims the catalogue does not
//! know are kept but listed, so the person sharing can check them.

use super::{Inspection, TokenInspection};
use crate::jose::catalogue;
use crate::jose::jwt::b64_encode;
use crate::secret::Secret;
use serde::Serialize;
use serde_json::{Map, Value};

/// What a masked value reads.
pub const MASK: &str = "[redacted]";
/// What a masked token-in-a-claim reads.
pub const MASK_TOKEN: &str = "[redacted: a token; see its decoded, redacted form]";
/// The header parameter that marks a re-encoded redacted copy.
pub const MARK: &str = "tokenscope";
/// Its value.
pub const MARK_TEXT: &str =
    "redacted copy: not the original token, unsigned and NOT verifiable; personal claims masked";

/// A redacted copy of one token.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Redacted {
    /// Where the token was found.
    pub label: String,
    /// Always true; says so in the JSON.
    pub redacted: bool,
    /// What this copy is and is not.
    pub note: String,
    /// The header as in the token.
    pub header: Map<String, Value>,
    /// The claims, personal ones masked.
    pub payload: Map<String, Value>,
    /// The claims that were masked.
    pub masked: Vec<String>,
    /// Claims the catalogue does not know, kept as they are: check them before sharing.
    pub unknown_kept: Vec<String>,
    /// The redacted claims re-encoded as an unsigned token (`alg: none`, marked as a redacted
    /// copy in the header). Not the original and not verifiable.
    pub unsigned_token: String,
}

/// Whether the catalogue marks a claim as personal data.
pub fn is_personal(name: &str) -> bool {
    catalogue::claim(name).is_some_and(|c| c.personal)
}

/// The value with every leaf replaced by [`MASK`] (object keys and array lengths kept).
pub fn mask(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(mask).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), mask(v))).collect())
        }
        _ => Value::String(MASK.to_owned()),
    }
}

fn is_token_text(value: &Value) -> bool {
    value.as_str().is_some_and(super::looks_like_jwt)
}

/// The payload with personal claims and tokens in claims masked; returns the masked names.
fn redact_claims(payload: &Map<String, Value>) -> (Map<String, Value>, Vec<String>) {
    let mut masked = Vec::new();
    let out = payload
        .iter()
        .map(|(name, value)| {
            let v = if is_personal(name) {
                masked.push(name.clone());
                mask(value)
            } else if is_token_text(value) {
                masked.push(name.clone());
                Value::String(MASK_TOKEN.to_owned())
            } else {
                value.clone()
            };
            (name.clone(), v)
        })
        .collect();
    (out, masked)
}

/// A redacted copy of a token (of the token inside, for a decrypted JWE).
pub fn redact_token(token: &TokenInspection) -> Redacted {
    let t = token.effective();
    let (payload, masked) = redact_claims(&t.payload);
    let unknown_kept = t
        .payload
        .keys()
        .filter(|n| catalogue::claim(n).is_none() && !masked.contains(n))
        .cloned()
        .collect();
    let mut header = t.header.clone();
    header.insert("alg".into(), Value::String("none".into()));
    header.insert(MARK.into(), Value::String(MARK_TEXT.into()));
    let unsigned_token = format!(
        "{}.{}.",
        b64_encode(Value::Object(header).to_string().as_bytes()),
        b64_encode(Value::Object(payload.clone()).to_string().as_bytes())
    );
    Redacted {
        label: token.label.clone(),
        redacted: true,
        note: format!(
            "personal claims masked as {MASK}; the rest as in the token. The unsigned_token is \
             a re-encoded copy of this, NOT the original token and NOT verifiable"
        ),
        header: t.header.clone(),
        payload,
        masked,
        unknown_kept,
        unsigned_token,
    }
}

/// The whole inspection with personal data masked in every token (claims, explained rows,
/// tokens inside claims, decrypted inner tokens). The encoded tokens are dropped.
pub fn redact_inspection(inspection: &Inspection) -> Inspection {
    let mut out = inspection.clone();
    for token in &mut out.tokens {
        redact_in_place(token);
    }
    out
}

fn redact_in_place(t: &mut TokenInspection) {
    t.encoded = Secret::default();
    let (payload, masked) = redact_claims(&t.payload);
    t.payload = payload;
    for row in &mut t.claim_rows {
        if masked.contains(&row.name) {
            row.value = t.payload.get(&row.name).cloned().unwrap_or(Value::Null);
        }
    }
    // A token inside a personal claim is personal as a whole; others are redacted in turn.
    t.nested.retain(|n| !is_personal(&n.label));
    for nested in &mut t.nested {
        redact_in_place(nested);
    }
    if let Some(inner) = &mut t.inner {
        redact_in_place(inner);
    }
    let was: Vec<String> = masked;
    if !was.is_empty() {
        t.warnings.push(format!("redacted: {}", was.join(", ")));
    }
}

/// The compact redacted claims list for a ticket: per token a title line, then one line per
/// claim (`name: value`, NumericDates with their UTC time), masked by the same rule as
/// [`redact_inspection`] (the desktop's mask checkbox and redacted exports): personal claims and
/// tokens inside claims read [`MASK`] / [`MASK_TOKEN`]. Claims the catalogue does not know are
/// kept and named at the end, to be checked before sharing. No header, no encoded token.
pub fn claims_list(inspection: &Inspection) -> String {
    let mut out = String::new();
    for token in &inspection.tokens {
        if !out.is_empty() {
            out.push('\n');
        }
        token_lines(&mut out, token);
    }
    if out.is_empty() {
        out.push_str("no token found\n");
    }
    out
}

fn token_lines(out: &mut String, token: &TokenInspection) {
    use std::fmt::Write as _;
    let t = token.effective();
    let role = token
        .role
        .as_ref()
        .map(|r| format!(", {}", r.words()))
        .unwrap_or_default();
    if let Some(error) = &token.error {
        let _ = writeln!(out, "{}{role}: does not decode ({error})", token.label);
        return;
    }
    if t.payload.is_empty() {
        let _ = writeln!(out, "{}{role}: no readable claims", token.label);
        return;
    }
    let (payload, masked) = redact_claims(&t.payload);
    let _ = writeln!(
        out,
        "{}{role}: {} claims, {} masked as {MASK} (a redacted list, not the token)",
        token.label,
        payload.len(),
        masked.len()
    );
    for (name, value) in &payload {
        // One line each: a string with a line break or other control character is quoted.
        let text = match value {
            Value::String(s) if !s.chars().any(char::is_control) => s.clone(),
            other => other.to_string(),
        };
        let date = match value.as_i64() {
            Some(n) if !masked.contains(name) && catalogue::is_numeric_date(name) => {
                chrono::DateTime::from_timestamp(n, 0)
            }
            _ => None,
        };
        let time = date
            .map(|d| format!(" ({})", d.format("%Y-%m-%d %H:%M:%S UTC")))
            .unwrap_or_default();
        let _ = writeln!(out, "{name}: {}{time}", text);
    }
    let unknown: Vec<&str> = t
        .payload
        .keys()
        .filter(|n| catalogue::claim(n).is_none() && !masked.contains(n))
        .map(String::as_str)
        .collect();
    if !unknown.is_empty() {
        let _ = writeln!(
            out,
            "(kept as they are, not in the catalogue: check before sharing: {})",
            unknown.join(", ")
        );
    }
}
