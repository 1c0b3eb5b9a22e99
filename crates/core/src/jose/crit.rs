//! The JOSE `crit` header parameter (RFC 7515 §4.1.11, RFC 7516 §4.1.13): extensions the
//! recipient must understand and process, or reject the token. Tokenscope implements none
//! (`b64: false` of RFC 7797 included), so a token with `crit` is neither verified nor decrypted.

use serde_json::{Map, Value};

/// Extensions Tokenscope understands and processes when they are marked critical: none.
pub const UNDERSTOOD: &[&str] = &[];

/// Header parameters RFC 7515, 7516 and 7518 define, which `crit` must not list.
const DEFINED: &[&str] = &[
    "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit", "enc",
    "zip", "epk", "apu", "apv", "iv", "tag", "p2s", "p2c",
];

/// Why a JWS or JWE with this protected header must be rejected because of `crit`, if it must:
/// `crit` names an extension Tokenscope does not implement, or is malformed (not a non-empty
/// array of names, or names a parameter the JOSE specifications define themselves).
pub fn refusal(header: &Map<String, Value>) -> Option<String> {
    let crit = header.get("crit")?;
    let names: Vec<&str> = match crit.as_array() {
        Some(list) if !list.is_empty() => {
            let names: Vec<&str> = list.iter().filter_map(Value::as_str).collect();
            if names.len() != list.len() {
                return Some("`crit` must list header parameter names (strings)".into());
            }
            names
        }
        _ => return Some("`crit` must be a non-empty array of header parameter names".into()),
    };
    if let Some(defined) = names.iter().find(|n| DEFINED.contains(n)) {
        return Some(format!(
            "`crit` names `{defined}`, a parameter the JOSE specifications define: a \
             producer must not list it (RFC 7515 §4.1.11)"
        ));
    }
    let unknown: Vec<&str> = names
        .into_iter()
        .filter(|n| !UNDERSTOOD.contains(n))
        .collect();
    (!unknown.is_empty()).then(|| {
        format!(
            "`crit` marks {} as critical, an extension Tokenscope does not implement: a \
             recipient that does not understand it must reject the token (RFC 7515 §4.1.11)",
            unknown
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::refusal;
    use serde_json::{json, Map, Value};

    fn header(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn crit_is_refused_unless_absent() {
        assert_eq!(refusal(&header(json!({"alg": "RS256"}))), None);
        for (h, needle) in [
            (
                json!({"alg": "RS256", "crit": ["exp"], "exp": 1}),
                "does not implement",
            ),
            (
                json!({"alg": "RS256", "crit": ["b64"], "b64": false}),
                "`b64`",
            ),
            (json!({"alg": "RS256", "crit": []}), "non-empty"),
            (json!({"alg": "RS256", "crit": "exp"}), "non-empty"),
            (json!({"alg": "RS256", "crit": [1]}), "strings"),
            (
                json!({"alg": "RS256", "crit": ["alg"]}),
                "JOSE specifications define",
            ),
        ] {
            let why = refusal(&header(h.clone())).unwrap_or_default();
            assert!(why.contains(needle), "{h}: {why}");
        }
    }
}
