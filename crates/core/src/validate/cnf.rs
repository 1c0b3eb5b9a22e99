//! Certificate-bound access tokens (RFC 8705 §3.1): an access token whose `cnf` claim names a
//! certificate thumbprint (`x5t#S256`) must name the client certificate it was issued to.

use super::{Check, CheckId};
use base64::Engine as _;
use serde_json::Value;

/// The `cnf` check of an access token, when it is a JWT bound to a certificate (`None`
/// otherwise): passed when its `x5t#S256` is `thumbprint`, the SHA-256 thumbprint of the client
/// certificate presented (none: the profile names no certificate).
pub fn certificate_binding(access_token: &str, thumbprint: Option<&str>) -> Option<Check> {
    let payload = access_token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let bound = claims.get("cnf")?.get("x5t#S256")?;
    let Some(bound) = bound.as_str() else {
        return Some(Check::new(
            CheckId::CnfX5t,
            false,
            format!("the access token's cnf x5t#S256 is {bound}, not a thumbprint string"),
        ));
    };
    Some(match thumbprint {
        Some(ours) if ours == bound => Check::new(
            CheckId::CnfX5t,
            true,
            format!(
                "the access token is bound to the client certificate presented (cnf x5t#S256 \
                 {bound})"
            ),
        ),
        Some(ours) => Check::new(
            CheckId::CnfX5t,
            false,
            format!(
                "the access token is bound to another certificate: its cnf x5t#S256 is {bound}, \
                 the client certificate presented has the thumbprint {ours}. An API that checks \
                 the binding will refuse it"
            ),
        ),
        None => Check::new(
            CheckId::CnfX5t,
            false,
            format!(
                "the access token is bound to a certificate (cnf x5t#S256 {bound}) but the \
                 profile presents none, so it cannot be used: name the certificate \
                 (--tls-cert, --tls-key)"
            ),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(claims: Value) -> String {
        let b = |v: &Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string().as_bytes())
        };
        format!(
            "{}.{}.sig",
            b(&serde_json::json!({"alg": "RS256"})),
            b(&claims)
        )
    }

    #[test]
    fn a_bound_token_is_checked_against_the_certificate_presented() {
        let t = token(serde_json::json!({"cnf": {"x5t#S256": "abc"}}));
        let ok = certificate_binding(&t, Some("abc")).unwrap();
        assert!(ok.ok, "{}", ok.detail);
        let other = certificate_binding(&t, Some("xyz")).unwrap();
        assert!(!other.ok);
        assert!(
            other.detail.contains("bound to another certificate"),
            "{}",
            other.detail
        );
        assert!(other.detail.contains("abc") && other.detail.contains("xyz"));
        let none = certificate_binding(&t, None).unwrap();
        assert!(
            !none.ok && none.detail.contains("presents none"),
            "{}",
            none.detail
        );
        let odd = token(serde_json::json!({"cnf": {"x5t#S256": 7}}));
        assert!(!certificate_binding(&odd, Some("7")).unwrap().ok);
    }

    #[test]
    fn an_unbound_or_opaque_token_makes_no_check() {
        assert!(certificate_binding("opaque-token", Some("abc")).is_none());
        assert!(certificate_binding(&token(serde_json::json!({"sub": "u"})), Some("a")).is_none());
        let jkt = token(serde_json::json!({"cnf": {"jkt": "k"}}));
        assert!(certificate_binding(&jkt, Some("a")).is_none());
        assert!(certificate_binding("a.%%%.c", None).is_none());
    }
}
