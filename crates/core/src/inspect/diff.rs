//! Two tokens compared claim by claim (and header parameter by parameter): what was added,
//! removed and changed, with old and new values, e.g. before and after a refresh, or the same
//! user through two policies. NumericDate changes say by how much the time moved.

use super::TokenInspection;
use crate::inspect::explain::NOT_IN_CATALOGUE;
use crate::jose::catalogue;
use serde::Serialize;
use serde_json::{Map, Value};

/// What happened to one claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Only in the second token.
    Added,
    /// Only in the first token.
    Removed,
    /// In both, with different values.
    Changed,
}

/// One claim or header parameter that differs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClaimChange {
    /// The claim name.
    pub name: String,
    /// Added, removed or changed.
    pub change: ChangeKind,
    /// The value in the first token.
    pub old: Option<Value>,
    /// The value in the second token.
    pub new: Option<Value>,
    /// The catalogue's one-line meaning.
    pub description: String,
    /// For NumericDate claims that changed: how far the time moved ("later by 60 min").
    pub note: Option<String>,
    /// For a NumericDate claim: the first token's value as a time, RFC 3339 UTC.
    pub old_time: Option<String>,
    /// For a NumericDate claim: the second token's value as a time, RFC 3339 UTC.
    pub new_time: Option<String>,
}

/// The difference between two tokens.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TokenDiff {
    /// Label of the first token (`id_token`, `token`, ...).
    pub a: String,
    /// Label of the second token.
    pub b: String,
    /// Header parameters that differ (a new `kid` after key rotation, ...).
    pub header: Vec<ClaimChange>,
    /// Claims that differ, in the first token's order, then the added ones.
    pub claims: Vec<ClaimChange>,
    /// Names of the claims equal in both.
    pub unchanged: Vec<String>,
    /// Notes (a token with no readable claims, different kinds).
    pub notes: Vec<String>,
}

impl TokenDiff {
    /// True when headers and claims are equal.
    pub fn is_empty(&self) -> bool {
        self.header.is_empty() && self.claims.is_empty()
    }

    /// How many claims were added, removed and changed.
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |k| self.claims.iter().filter(|c| c.change == k).count();
        (
            n(ChangeKind::Added),
            n(ChangeKind::Removed),
            n(ChangeKind::Changed),
        )
    }
}

/// Compares two tokens. A decrypted JWE is compared by its inner token.
pub fn diff(a: &TokenInspection, b: &TokenInspection) -> TokenDiff {
    let (ea, eb) = (a.effective(), b.effective());
    let mut notes = Vec::new();
    if ea.kind != eb.kind {
        notes.push(format!(
            "the tokens are of different kinds: {} and {}",
            kind_name(ea),
            kind_name(eb)
        ));
    }
    for t in [ea, eb] {
        if t.payload.is_empty() {
            notes.push(format!(
                "{} ({}) has no readable claims; only its header is compared",
                t.label,
                kind_name(t)
            ));
        }
    }
    let (claims, unchanged) = compare(&ea.payload, &eb.payload, catalogue::claim);
    let (header, _) = compare(&ea.header, &eb.header, catalogue::header);
    TokenDiff {
        a: a.label.clone(),
        b: b.label.clone(),
        header,
        claims,
        unchanged,
        notes,
    }
}

/// Two claim sets compared (a userinfo response against the ID token's claims): the claims that
/// differ (removed: only in `a`; added: only in `b`) and the names of those equal in both.
pub fn compare_claims(
    a: &Map<String, Value>,
    b: &Map<String, Value>,
) -> (Vec<ClaimChange>, Vec<String>) {
    compare(a, b, catalogue::claim)
}

fn kind_name(t: &TokenInspection) -> &'static str {
    use crate::jose::jwt::TokenKind::*;
    match t.kind {
        Some(Jws) => "a signed JWT",
        Some(Unsigned) => "an unsigned JWT",
        Some(Jwe) => "an encrypted JWT",
        Some(Opaque) => "an opaque token",
        None => "not decodable",
    }
}

fn compare(
    a: &Map<String, Value>,
    b: &Map<String, Value>,
    lookup: fn(&str) -> Option<catalogue::ClaimDescription>,
) -> (Vec<ClaimChange>, Vec<String>) {
    let describe = |name: &str| {
        lookup(name).map_or_else(
            || NOT_IN_CATALOGUE.to_owned(),
            |c| c.description.into_owned(),
        )
    };
    let mut changes = Vec::new();
    let mut unchanged = Vec::new();
    for (name, old) in a {
        match b.get(name) {
            None => changes.push(ClaimChange {
                name: name.clone(),
                change: ChangeKind::Removed,
                old: Some(old.clone()),
                new: None,
                description: describe(name),
                note: None,
                old_time: time_of(name, Some(old)),
                new_time: None,
            }),
            Some(new) if new == old => unchanged.push(name.clone()),
            Some(new) => changes.push(ClaimChange {
                name: name.clone(),
                change: ChangeKind::Changed,
                old: Some(old.clone()),
                new: Some(new.clone()),
                description: describe(name),
                note: date_note(name, old, new),
                old_time: time_of(name, Some(old)),
                new_time: time_of(name, Some(new)),
            }),
        }
    }
    for (name, new) in b {
        if !a.contains_key(name) {
            changes.push(ClaimChange {
                name: name.clone(),
                change: ChangeKind::Added,
                old: None,
                new: Some(new.clone()),
                description: describe(name),
                note: None,
                old_time: None,
                new_time: time_of(name, Some(new)),
            });
        }
    }
    (changes, unchanged)
}

/// A NumericDate claim's value as a time, RFC 3339 UTC (what the token view shows).
fn time_of(name: &str, value: Option<&Value>) -> Option<String> {
    if !catalogue::is_numeric_date(name) {
        return None;
    }
    let secs = value?.as_i64()?;
    let t = chrono::DateTime::from_timestamp(secs, 0)?;
    Some(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn date_note(name: &str, old: &Value, new: &Value) -> Option<String> {
    if !catalogue::is_numeric_date(name) {
        return None;
    }
    let (o, n) = (old.as_i64()?, new.as_i64()?);
    let delta = n.checked_sub(o)?;
    let span = crate::validate::relative(delta.checked_abs()?);
    let span = span.trim_start_matches("in ");
    Some(if delta > 0 {
        format!("later by {span}")
    } else {
        format!("earlier by {span}")
    })
}
