//! A token response's fields besides the tokens, decoded instead of shown raw: B2C's
//! `not_before` and `expires_on` as dates, `expires_in`, `id_token_expires_in` and
//! `refresh_token_expires_in` as durations, `profile_info` (base64url JSON) as claims. Numbers
//! sent as strings (B2C does) are read too; what does not decode says so.

use crate::inspect::explain::{self, ClaimRow};
use crate::validate::relative;
use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

/// One field of the token response, decoded.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ResponseField {
    /// The field's name.
    pub name: String,
    /// Its value as sent.
    pub value: Value,
    /// What it is.
    pub meaning: String,
    /// The value decoded: a date with "ago"/"in", a duration, `profile_info`'s JSON, or why
    /// it does not decode.
    pub decoded: Option<String>,
    /// `profile_info`'s members, explained like claims.
    pub claims: Vec<ClaimRow>,
}

enum Shape {
    Date,
    Duration,
    ProfileInfo,
    AsIs,
}

fn known(name: &str) -> Option<(Shape, &'static str)> {
    Some(match name {
        "token_type" => (Shape::AsIs, "How to send the access token (Bearer)."),
        "scope" => (Shape::AsIs, "The scopes granted."),
        "expires_in" => (Shape::Duration, "The access token's lifetime."),
        "ext_expires_in" => (
            Shape::Duration,
            "Entra ID: the extended lifetime of the access token (outages).",
        ),
        "expires_on" => (Shape::Date, "B2C: when the access token expires."),
        "not_before" => (Shape::Date, "B2C: when the tokens become valid."),
        "id_token_expires_in" => (Shape::Duration, "B2C: the ID token's lifetime."),
        "refresh_token_expires_in" => (
            Shape::Duration,
            "B2C: the refresh token's lifetime (a sliding window may end it sooner).",
        ),
        "profile_info" => (
            Shape::ProfileInfo,
            "B2C: base64url JSON about the user (version, tenant ID, name).",
        ),
        "resource" => (
            Shape::AsIs,
            "B2C: the API (app ID) the access token is for.",
        ),
        "client_info" => (
            Shape::ProfileInfo,
            "Entra ID: base64url JSON with the user's object ID and tenant ID (uid, utid).",
        ),
        _ => return None,
    })
}

/// The token response's fields other than the tokens, in the order sent.
pub fn decode(fields: &Map<String, Value>, now: DateTime<Utc>) -> Vec<ResponseField> {
    fields
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "access_token" | "id_token" | "refresh_token"))
        .map(|(name, value)| field(name, value, now))
        .collect()
}

fn field(name: &str, value: &Value, now: DateTime<Utc>) -> ResponseField {
    let (shape, meaning) = known(name).unwrap_or((Shape::AsIs, "Not a field Tokenscope knows."));
    let mut out = ResponseField {
        name: name.to_owned(),
        value: value.clone(),
        meaning: meaning.to_owned(),
        decoded: None,
        claims: Vec::new(),
    };
    let number = || match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    match shape {
        Shape::AsIs => {}
        Shape::Date => {
            out.decoded = Some(
                match number().and_then(|s| DateTime::from_timestamp(s, 0)) {
                    Some(t) => format!(
                        "{} ({})",
                        t.format("%Y-%m-%d %H:%M:%S UTC"),
                        relative(t.timestamp() - now.timestamp())
                    ),
                    None => "not a Unix time".to_owned(),
                },
            )
        }
        Shape::Duration => {
            out.decoded = Some(match number().filter(|n| *n >= 0) {
                Some(0) => "0 s".to_owned(),
                Some(n) => relative(n).trim_start_matches("in ").to_owned(),
                None => "not a number of seconds".to_owned(),
            })
        }
        Shape::ProfileInfo => match value.as_str().map(decode_json) {
            Some(Ok(map)) => {
                out.decoded = Some(Value::Object(map.clone()).to_string());
                out.claims = explain::claims(&map, now);
            }
            Some(Err(why)) => out.decoded = Some(format!("does not decode: {why}")),
            None => out.decoded = Some("does not decode: not a string".to_owned()),
        },
    }
    out
}

/// base64url (or standard base64, padded or not) of a JSON object.
fn decode_json(text: &str) -> Result<Map<String, Value>, String> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let trimmed = text.trim().trim_end_matches('=');
    let bytes = URL_SAFE_NO_PAD
        .decode(trimmed)
        .or_else(|_| STANDARD_NO_PAD.decode(trimmed))
        .map_err(|e| format!("not base64 ({e})"))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("JSON, but not an object".into()),
        Err(e) => Err(format!("not JSON ({e})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn b2c_extras_are_decoded_as_dates_durations_and_claims() {
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let info = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(
            br#"{"ver":"1.0","tid":"81659f24-f1c7-4ca5-8a9b-494bf0b206a5","name":"Test User"}"#,
        );
        let fields = json!({
            "access_token": "secret", "id_token": "secret", "refresh_token": "secret",
            "token_type": "Bearer",
            "not_before": "1799999990",
            "expires_in": 3600,
            "expires_on": "1800003600",
            "id_token_expires_in": "3600",
            "refresh_token_expires_in": 1209600,
            "profile_info": info,
            "x_new": 1,
        });
        let out = decode(fields.as_object().unwrap(), now);
        let get = |n: &str| out.iter().find(|f| f.name == n).unwrap();
        assert!(
            out.iter().all(|f| !f.name.ends_with("_token")),
            "tokens are not fields"
        );
        assert_eq!(
            get("not_before").decoded.as_deref(),
            Some("2027-01-15 07:59:50 UTC (10 s ago)")
        );
        assert_eq!(
            get("expires_on").decoded.as_deref(),
            Some("2027-01-15 09:00:00 UTC (in 1 h)")
        );
        assert_eq!(get("id_token_expires_in").decoded.as_deref(), Some("1 h"));
        assert_eq!(
            get("refresh_token_expires_in").decoded.as_deref(),
            Some("14 days")
        );
        let p = get("profile_info");
        assert!(p.decoded.as_deref().unwrap().contains("\"tid\":\"81659f24"));
        let tid = p.claims.iter().find(|c| c.name == "tid").unwrap();
        assert_ne!(tid.description, explain::NOT_IN_CATALOGUE);
        assert_eq!(get("x_new").meaning, "Not a field Tokenscope knows.");
        assert_eq!(get("token_type").decoded, None);
    }

    #[test]
    fn what_does_not_decode_says_so() {
        let now = DateTime::from_timestamp(0, 0).unwrap();
        let fields = json!({
            "not_before": "soon", "expires_in": -1, "profile_info": "%%%", "client_info": "WzFd",
        });
        let out = decode(fields.as_object().unwrap(), now);
        let d = |i: usize| out[i].decoded.clone().unwrap();
        assert_eq!(d(0), "not a Unix time");
        assert_eq!(d(1), "not a number of seconds");
        assert!(d(2).starts_with("does not decode: not base64"), "{}", d(2));
        assert_eq!(d(3), "does not decode: JSON, but not an object");
    }
}
