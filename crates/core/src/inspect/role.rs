//! What a token found without a name is for: a bare paste, a Bearer header or a token found in
//! text says nothing of its role, so its claims do. An access token carries `scp` or `roles`;
//! otherwise `nonce` or `at_hash` (only ID tokens have them) or an `aud` marks an ID token.

use serde::Serialize;
use serde_json::{Map, Value};

/// The role a token's claims show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TokenRole {
    /// An ID token (OpenID Connect): for the client, about the user's sign-in.
    IdToken,
    /// An access token: for an API, with the permissions granted.
    AccessToken,
}

/// A token's role, and the claims it was told by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RoleGuess {
    /// What the token is for.
    pub role: TokenRole,
    /// The claims that say so, in the order looked for.
    pub by: Vec<String>,
}

impl RoleGuess {
    /// In words: "an ID token (told by its nonce claim)".
    pub fn words(&self) -> String {
        let role = match self.role {
            TokenRole::IdToken => "an ID token",
            TokenRole::AccessToken => "an access token",
        };
        let s = if self.by.len() == 1 { "" } else { "s" };
        format!("{role} (told by its {} claim{s})", self.by.join(" and "))
    }
}

/// The role `payload` shows, or `None` when no claim tells (an opaque or bare token).
pub fn guess(payload: &Map<String, Value>) -> Option<RoleGuess> {
    let present = |names: &[&str]| -> Vec<String> {
        names
            .iter()
            .filter(|n| payload.contains_key(**n))
            .map(|n| (*n).to_owned())
            .collect()
    };
    let access = present(&["scp", "roles"]);
    if !access.is_empty() {
        return Some(RoleGuess {
            role: TokenRole::AccessToken,
            by: access,
        });
    }
    let id = present(&["nonce", "at_hash"]);
    let by = if id.is_empty() { present(&["aud"]) } else { id };
    (!by.is_empty()).then_some(RoleGuess {
        role: TokenRole::IdToken,
        by,
    })
}

/// True for the labels that do not name a role: `token`, `token 2`, … (a bare paste, a Bearer
/// header, tokens found in text).
pub fn unnamed(label: &str) -> bool {
    label == "token"
        || label
            .strip_prefix("token ")
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn scp_or_roles_make_an_access_token_even_with_an_aud() {
        let g = guess(&claims(
            json!({"aud": "api", "scp": "read", "roles": ["a"]}),
        ))
        .unwrap();
        assert_eq!(g.role, TokenRole::AccessToken);
        assert_eq!(g.by, ["scp", "roles"]);
        assert_eq!(
            g.words(),
            "an access token (told by its scp and roles claims)"
        );
    }

    #[test]
    fn nonce_at_hash_or_aud_make_an_id_token() {
        let g = guess(&claims(json!({"aud": "c", "nonce": "n", "at_hash": "h"}))).unwrap();
        assert_eq!(
            (g.role, g.by),
            (TokenRole::IdToken, vec!["nonce".into(), "at_hash".into()])
        );
        let g = guess(&claims(json!({"aud": "c", "sub": "s"}))).unwrap();
        assert_eq!((g.role, g.by), (TokenRole::IdToken, vec!["aud".into()]));
        assert_eq!(guess(&claims(json!({"sub": "s"}))), None);
    }

    #[test]
    fn only_generic_labels_are_unnamed() {
        assert!(unnamed("token") && unnamed("token 2") && unnamed("token 12"));
        assert!(!unnamed("id_token") && !unnamed("token x") && !unnamed("token "));
    }
}
