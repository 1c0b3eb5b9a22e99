//! Claims explained: each header parameter and payload claim paired with its catalogue entry,
//! NumericDate claims turned into UTC and local times with "expires in" / "issued ago" wording
//! and flags for expired, not yet valid and issued in the future. Shared by the CLI and the
//! desktop.

use crate::jose::catalogue::{self, ClaimDescription, ValueType};
use crate::jose::jwt::Decoded;
use crate::validate::relative;
use chrono::{DateTime, Local, Utc};
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

/// One claim (or header parameter) with its explanation.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClaimRow {
    /// Claim name.
    pub name: String,
    /// Value as in the token.
    pub value: Value,
    /// One-line meaning, or "not in the catalogue".
    pub description: Cow<'static, str>,
    /// The full catalogue entry, when there is one.
    pub catalogue: Option<ClaimDescription>,
    /// For NumericDate claims: the time, RFC 3339 UTC.
    pub time: Option<String>,
    /// For NumericDate claims: the same time on this machine's clock, RFC 3339 with its offset.
    pub local_time: Option<String>,
    /// For NumericDate claims: "in 4 min" / "2 h ago".
    pub relative: Option<String>,
    /// Something worth a second look (expired, not yet valid, issued in the future).
    pub flag: Option<String>,
}

/// Text shown for claims the catalogue does not know.
pub const NOT_IN_CATALOGUE: &str = "not in the catalogue";

/// Explains every payload claim, in token order.
pub fn claims(payload: &Map<String, Value>, now: DateTime<Utc>) -> Vec<ClaimRow> {
    payload
        .iter()
        .map(|(name, value)| {
            let entry = catalogue::claim(name);
            // What `catalogue::is_numeric_date` says, from the entry already looked up.
            let date = entry
                .as_ref()
                .is_some_and(|e| e.value_type == ValueType::NumericDate);
            row(name, value, entry, date, now)
        })
        .collect()
}

/// Explains every header parameter.
pub fn header(header: &Map<String, Value>, now: DateTime<Utc>) -> Vec<ClaimRow> {
    header
        .iter()
        .map(|(name, value)| {
            let date = catalogue::is_numeric_date(name);
            row(name, value, catalogue::header(name), date, now)
        })
        .collect()
}

/// Explains a decoded token's claims.
pub fn decoded(decoded: &Decoded, now: DateTime<Utc>) -> Vec<ClaimRow> {
    claims(&decoded.payload, now)
}

/// One explained row; `date` when the name is a NumericDate claim's.
fn row(
    name: &str,
    value: &Value,
    entry: Option<ClaimDescription>,
    date: bool,
    now: DateTime<Utc>,
) -> ClaimRow {
    let mut out = ClaimRow {
        name: name.to_owned(),
        value: value.clone(),
        description: entry
            .as_ref()
            .map_or(Cow::Borrowed(NOT_IN_CATALOGUE), |e| e.description.clone()),
        catalogue: entry,
        time: None,
        local_time: None,
        relative: None,
        flag: None,
    };
    if date {
        if let Some(secs) = value
            .as_i64()
            .or_else(|| value.as_f64().filter(|f| f.abs() < 1e12).map(|f| f as i64))
        {
            if let Some(t) = DateTime::from_timestamp(secs, 0) {
                let delta = secs - now.timestamp();
                out.time = Some(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                out.local_time = Some(
                    t.with_timezone(&Local)
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                );
                out.relative = Some(relative(delta));
                out.flag = match name {
                    "exp" if delta <= 0 => Some("expired".into()),
                    "nbf" if delta > 0 => Some("not yet valid".into()),
                    "iat" | "auth_time" if delta > 0 => Some("in the future".into()),
                    _ => None,
                };
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates_descriptions_and_unknown_claims() {
        let now = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let payload = json!({"exp": 1_790_000_240, "iat": 1_789_992_800, "nbf": 1_790_000_100,
                             "tfp": "B2C_1_susi", "zz_custom": 1});
        let rows = claims(payload.as_object().unwrap(), now);
        assert_eq!(rows[0].name, "exp");
        assert_eq!(rows[0].relative.as_deref(), Some("in 4 min"));
        assert_eq!(rows[0].time.as_deref(), Some("2026-09-21T14:17:20Z"));
        assert_eq!(rows[0].flag, None);
        let local = DateTime::parse_from_rfc3339(rows[0].local_time.as_deref().unwrap()).unwrap();
        assert_eq!(
            local.timestamp(),
            1_790_000_240,
            "the same instant on the local clock"
        );
        assert_eq!(rows[1].relative.as_deref(), Some("2 h ago"));
        assert_eq!(rows[2].flag.as_deref(), Some("not yet valid"));
        assert!(
            rows[3].description.to_lowercase().contains("policy"),
            "{}",
            rows[3].description
        );
        assert_eq!(rows[4].description, NOT_IN_CATALOGUE);
        let expired = claims(json!({"exp": 1}).as_object().unwrap(), now);
        assert_eq!(expired[0].flag.as_deref(), Some("expired"));
    }
}
