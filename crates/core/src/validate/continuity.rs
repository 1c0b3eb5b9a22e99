//! A refreshed ID token against the previous one (OpenID Connect Core §12.2): the same `iss`,
//! `sub` and `aud`, the same `auth_time` when it has one (the time of the original
//! authentication), and an `iat` that is not older than the previous token's.

use super::{at, numeric, CheckId, Identity, Report};
use serde_json::{Map, Value};

/// The `aud` claim as a list (a string is a list of one), sorted.
pub(super) fn audiences(claims: &Map<String, Value>) -> Vec<String> {
    let mut auds: Vec<String> = match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    auds.sort();
    auds
}

/// Adds the §12.2 checks of a refreshed ID token to `report`. What the previous token's record
/// lacks (a profile state written by an earlier Tokenscope) is not checked.
pub(super) fn check(claims: &Map<String, Value>, prev: &Identity, report: &mut Report) {
    let text = |name: &str| {
        claims
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (iss, sub) = (text("iss"), text("sub"));
    if iss == prev.iss && sub == prev.sub {
        report.push(
            CheckId::SameSubject,
            true,
            "same iss and sub as the previous ID token",
        );
    } else {
        report.push(
            CheckId::SameSubject,
            false,
            format!(
                "the refreshed ID token is about {sub} at {iss}, not {} at {}",
                prev.sub, prev.iss
            ),
        );
    }
    if let Some(before) = &prev.aud {
        let now = audiences(claims);
        if &now == before {
            report.push(CheckId::SameAud, true, "same aud as the previous ID token");
        } else {
            report.push(
                CheckId::SameAud,
                false,
                format!("aud is {now:?}; the previous ID token's was {before:?}"),
            );
        }
    }
    match (numeric(claims.get("auth_time")), prev.auth_time) {
        (Some(now), Some(before)) if now == before => report.push(
            CheckId::SameAuthTime,
            true,
            format!("auth_time {} is the original sign-in's", at(now)),
        ),
        (Some(now), Some(before)) => report.push(
            CheckId::SameAuthTime,
            false,
            format!(
                "auth_time {} is not the original sign-in's {}: a refresh does not sign in again",
                at(now),
                at(before)
            ),
        ),
        _ => {}
    }
    if let (Some(before), Some(now)) = (prev.iat, numeric(claims.get("iat"))) {
        if now >= before {
            report.push(
                CheckId::NewIat,
                true,
                format!("issued {}, not before the previous ID token", at(now)),
            );
        } else {
            report.push(
                CheckId::NewIat,
                false,
                format!(
                    "issued {}, before the previous ID token ({}): an old ID token came back",
                    at(now),
                    at(before)
                ),
            );
        }
    }
}
