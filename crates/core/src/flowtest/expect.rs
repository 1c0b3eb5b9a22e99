//! Judging what came back against a case's expectations: each expectation that fails becomes a
//! [`Failure`] with what was expected and what came back. Token values never appear in them.

use super::file::{format_duration, ClaimExpectation, Expect};
use crate::engine::outcome::Outcome;
use crate::error::Error;
use serde::Serialize;
use serde_json::Value;
use std::time::Duration;

/// One expectation that did not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Failure {
    /// Which expectation (`claims.idp`, `checks.signature`, `error`, `refresh`, …).
    pub expectation: String,
    /// What was expected.
    pub expected: String,
    /// What came back.
    pub actual: String,
}

impl Failure {
    fn new(
        expectation: impl Into<String>,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> Self {
        Self {
            expectation: expectation.into(),
            expected: expected.into(),
            actual: actual.into(),
        }
    }
}

/// Claim values shown in failures are cut to this many characters.
const SHOW_MAX: usize = 200;

fn show(v: &Value) -> String {
    let s = v.to_string();
    if s.chars().count() > SHOW_MAX {
        let cut: String = s.chars().take(SHOW_MAX).collect();
        format!("{cut}…")
    } else {
        s
    }
}

/// The failures of a sign-in that returned tokens.
pub fn judge_outcome(expect: &Expect, outcome: &Outcome) -> Vec<Failure> {
    let mut out = Vec::new();
    if let Some(code) = &expect.error {
        out.push(Failure::new(
            "error",
            code.clone(),
            "no error: the sign-in returned tokens",
        ));
        return out;
    }
    if expect.all_checks {
        for check in outcome.report.failures() {
            out.push(Failure::new(
                format!("checks.{}", check.name),
                "passes",
                check.detail.clone(),
            ));
        }
    }
    let claims = outcome
        .id_token
        .as_ref()
        .and_then(|t| t.decoded.as_ref())
        .map(|d| &d.payload);
    for (name, e) in &expect.claims {
        let key = format!("claims.{name}");
        let actual = claims.and_then(|c| c.get(name));
        let absent = || match claims {
            Some(_) => "absent".to_owned(),
            None => "no ID token".to_owned(),
        };
        match e {
            ClaimExpectation::Equals(want) => match actual {
                Some(got) if claim_equals(got, want) => {}
                Some(got) => out.push(Failure::new(key, show(want), show(got))),
                None => out.push(Failure::new(key, show(want), absent())),
            },
            ClaimExpectation::Present(true) => {
                if actual.is_none() {
                    out.push(Failure::new(key, "present", absent()));
                }
            }
            ClaimExpectation::Present(false) => {
                if let Some(got) = actual {
                    out.push(Failure::new(
                        key,
                        "absent",
                        format!("present: {}", show(got)),
                    ));
                }
            }
            ClaimExpectation::Matches(re) => {
                let want = format!("matches /{}/", re.as_str());
                match actual {
                    Some(got) => {
                        let hit = match got {
                            Value::String(s) => re.is_match(s),
                            Value::Array(items) => items.iter().any(|i| match i {
                                Value::String(s) => re.is_match(s),
                                other => re.is_match(&other.to_string()),
                            }),
                            other => re.is_match(&other.to_string()),
                        };
                        if !hit {
                            out.push(Failure::new(key, want, show(got)));
                        }
                    }
                    None => out.push(Failure::new(key, want, absent())),
                }
            }
            ClaimExpectation::Contains(want) => {
                let expected = format!("contains {}", show(want));
                match actual {
                    Some(Value::Array(items)) if items.iter().any(|i| claim_equals(i, want)) => {}
                    Some(Value::String(s)) if want.as_str().is_some_and(|w| s.contains(w)) => {}
                    Some(got) => out.push(Failure::new(key, expected, show(got))),
                    None => out.push(Failure::new(key, expected, absent())),
                }
            }
        }
    }
    if let Some(want) = expect.id_token_lifetime {
        let got = outcome
            .id_token
            .as_ref()
            .and_then(|t| t.decoded.as_ref())
            .and_then(|d| lifetime(&d.payload));
        lifetime_failure(
            &mut out,
            "id_token_lifetime",
            want,
            got,
            "the ID token has no exp and iat",
        );
    }
    if let Some(want) = expect.access_token_lifetime {
        let got = outcome
            .access_token
            .as_ref()
            .and_then(|t| t.decoded.as_ref())
            .and_then(|d| lifetime(&d.payload))
            .or(outcome.expires_in.map(Duration::from_secs));
        let why = if outcome.access_token.is_none() {
            "no access token came back"
        } else {
            "the access token has no exp and iat, and the response no expires_in"
        };
        lifetime_failure(&mut out, "access_token_lifetime", want, got, why);
    }
    if let Some(want) = expect.refresh_token_lifetime {
        let got = outcome.refresh_token_expires_in.map(Duration::from_secs);
        let why = if outcome.refresh_token.received {
            "the token response has no refresh_token_expires_in"
        } else {
            "no refresh token came back (is offline_access in the scopes?)"
        };
        lifetime_failure(&mut out, "refresh_token_lifetime", want, got, why);
    }
    out
}

/// A number claim equals a number expectation whatever its JSON form (`3600` and `3600.0`).
fn claim_equals(got: &Value, want: &Value) -> bool {
    match (got, want) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() == b.as_f64(),
        _ => got == want,
    }
}

fn lifetime(payload: &serde_json::Map<String, Value>) -> Option<Duration> {
    let exp = payload.get("exp")?.as_i64()?;
    let iat = payload.get("iat")?.as_i64()?;
    u64::try_from(exp - iat).ok().map(Duration::from_secs)
}

fn lifetime_failure(
    out: &mut Vec<Failure>,
    key: &str,
    want: Duration,
    got: Option<Duration>,
    missing: &str,
) {
    match got {
        Some(got) if got == want => {}
        Some(got) => out.push(Failure::new(
            key,
            format_duration(want),
            format!("{} ({} s)", format_duration(got), got.as_secs()),
        )),
        None => out.push(Failure::new(key, format_duration(want), missing)),
    }
}

/// The failures of a sign-in that ended in an error (none when exactly the expected error
/// came back).
pub fn judge_error(expect: &Expect, error: &Error) -> Vec<Failure> {
    let got = error_code(error);
    match (&expect.error, got) {
        (Some(want), Some(code)) if want.eq_ignore_ascii_case(&code) => Vec::new(),
        (Some(want), _) => vec![Failure::new("error", want.clone(), error.to_string())],
        (None, _) => vec![Failure::new(
            "sign-in",
            "tokens that pass the expectations",
            error.to_string(),
        )],
    }
}

/// The error's code: B2C's or Entra's (`AADB2C90118`) when the description carries one,
/// else the OAuth `error` (`access_denied`).
pub fn error_code(error: &Error) -> Option<String> {
    match error {
        Error::Provider(p) => Some(p.code.clone().unwrap_or_else(|| p.error.clone())),
        _ => None,
    }
}
