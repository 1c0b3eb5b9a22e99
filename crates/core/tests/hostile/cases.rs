//! The hostile provider's ID-token cases (section 2, `hostile/validation.rs`): one wrong thing
//! in the ID token, or around it, per case, and the check that must catch it. Shared with the
//! `openidconnect` oracle (`oracle.rs`), which runs every case through the library too.

use crate::util::*;
use serde_json::json;
use tokenscope_core::testkit;
use tokenscope_core::validate::CheckId;

pub fn remove(claims: &mut serde_json::Value, name: &str) {
    claims.as_object_mut().unwrap().remove(name);
}

/// One wrong thing in the ID token (or around it) and the check that must catch it.
pub struct Case {
    pub name: &'static str,
    /// The check that must fail...
    pub check: CheckId,
    /// ...saying this.
    pub detail: &'static str,
    /// Checks that fail as a consequence (no signature check without a usable alg or key).
    pub also_fails: &'static [CheckId],
    /// How the JWKS must have been fetched, when that matters.
    pub jwks_fetches: Option<usize>,
    pub setup: fn(&mut Harness),
    pub token: TokenFn,
}

pub fn case(name: &'static str, check: CheckId, detail: &'static str, token: TokenFn) -> Case {
    Case {
        name,
        check,
        detail,
        also_fails: &[],
        jwks_fetches: None,
        setup: |_| {},
        token,
    }
}

pub fn validation_cases() -> Vec<Case> {
    vec![
        case(
            "iss of another issuer",
            CheckId::Iss,
            "https://evil.example/ is not the metadata's issuer",
            issue(|_, c| c["iss"] = json!("https://evil.example/")),
        ),
        case(
            "aud without the client",
            CheckId::Aud,
            "does not contain the client ID",
            issue(|_, c| c["aud"] = json!("some-other-app")),
        ),
        case(
            "an extra, untrusted aud",
            CheckId::Aud,
            "untrusted audiences [\"api://someone-else\"]",
            issue(|_, c| {
                c["aud"] = json!([CLIENT_ID, "api://someone-else"]);
                c["azp"] = json!(CLIENT_ID);
            }),
        ),
        case(
            "azp of another client",
            CheckId::Azp,
            "azp other-client is not the client ID",
            issue(|_, c| c["azp"] = json!("other-client")),
        ),
        case(
            "expired an hour ago",
            CheckId::Exp,
            "expired",
            issue(|_, c| c["exp"] = json!(now() - 3600)),
        ),
        case(
            "nbf an hour ahead",
            CheckId::Nbf,
            "not valid before",
            issue(|_, c| c["nbf"] = json!(now() + 3600)),
        ),
        case(
            "iat an hour ahead",
            CheckId::Iat,
            "issued in the future",
            issue(|_, c| c["iat"] = json!(now() + 3600)),
        ),
        case(
            "nonce of another sign-in",
            CheckId::Nonce,
            "differs from the nonce sent",
            issue(|_, c| c["nonce"] = json!("a-replayed-nonce")),
        ),
        case(
            "nonce missing",
            CheckId::Nonce,
            "a nonce was sent but the token has none",
            issue(|_, c| remove(c, "nonce")),
        ),
        case(
            "at_hash of another access token",
            CheckId::AtHash,
            "does not match the access token",
            issue(|_, c| {
                c["at_hash"] = json!(tokenscope_core::validate::at_hash("RS256", "another-at"))
            }),
        ),
        Case {
            also_fails: &[CheckId::Signature],
            ..case(
                "alg none",
                CheckId::Alg,
                "alg is `none`",
                // No at_hash: none defines no hash, and one wrong thing per case.
                issue_signed(unsigned, |_, c| remove(c, "at_hash")),
            )
        },
        Case {
            also_fails: &[CheckId::Signature],
            ..case(
                "HS256 (HMAC with a shared secret)",
                CheckId::Alg,
                "alg is HS256, an HMAC",
                issue_signed(
                    |c| testkit::sign_raw(&json!({"alg": "HS256", "kid": "rsa1"}), c, "rsa1"),
                    |_, _| {},
                ),
            )
        },
        Case {
            also_fails: &[CheckId::Signature],
            setup: |h| {
                h.provider.configure(|c| {
                    c.metadata["id_token_signing_alg_values_supported"] = json!(["RS256"])
                })
            },
            ..case(
                "ES256, which the provider does not announce",
                CheckId::Alg,
                "alg is ES256 but the provider announces only RS256",
                issue_signed(|c| testkit::sign("ES256", c), |_, _| {}),
            )
        },
        Case {
            also_fails: &[CheckId::Signature],
            jwks_fetches: Some(2),
            setup: |h| {
                h.provider
                    .configure(|c| c.jwks = vec![testkit::jwks_of(&["rsa2", "ec256"])])
            },
            ..case(
                "kid unknown even after fetching the keys again",
                CheckId::Kid,
                "kid rsa1 is unknown",
                issue(|_, _| {}),
            )
        },
        Case {
            also_fails: &[CheckId::Signature],
            ..case(
                "crit naming an extension Tokenscope does not implement",
                CheckId::Crit,
                "`crit` marks `urn:x:ext` as critical, an extension Tokenscope does not implement",
                issue_signed(
                    |c| {
                        testkit::sign_raw(
                            &json!({"alg": "RS256", "kid": "rsa1", "crit": ["urn:x:ext"], "urn:x:ext": 1}),
                            c,
                            "rsa1",
                        )
                    },
                    |_, _| {},
                ),
            )
        },
        case(
            "signed by another key than its kid names",
            CheckId::Signature,
            "signature does not match key rsa1",
            issue_signed(
                |c| testkit::sign_raw(&json!({"alg": "RS256", "kid": "rsa1"}), c, "rsa2"),
                |_, _| {},
            ),
        ),
        Case {
            setup: |h| h.profile.params.max_age = Some(600),
            ..case(
                "max_age sent, auth_time missing",
                CheckId::AuthTime,
                "max_age was sent, so auth_time is required, but it is missing",
                issue(|_, c| remove(c, "auth_time")),
            )
        },
        Case {
            setup: |h| h.profile.params.max_age = Some(600),
            ..case(
                "max_age sent, auth_time older",
                CheckId::AuthTime,
                "older than max_age 600 s",
                issue(|_, c| c["auth_time"] = json!(now() - 7200)),
            )
        },
    ]
}

/// OpenID Connect Core §2: `sub` is required, a string of at most 255 ASCII characters.
pub fn subject_cases() -> Vec<Case> {
    vec![
        case(
            "sub missing (OpenID Connect Core §2 requires it)",
            CheckId::Sub,
            "no sub claim",
            issue(|_, c| remove(c, "sub")),
        ),
        case(
            "sub of 256 characters",
            CheckId::Sub,
            "256 characters long; OpenID Connect Core §2 allows at most 255",
            issue(|_, c| c["sub"] = json!("u".repeat(256))),
        ),
        case(
            "sub a number",
            CheckId::Sub,
            "sub is a number, not a string",
            issue(|_, c| c["sub"] = json!(42)),
        ),
        case(
            "sub with non-ASCII characters",
            CheckId::Sub,
            "non-ASCII",
            issue(|_, c| c["sub"] = json!("usér-ada")),
        ),
        case(
            "sub empty",
            CheckId::Sub,
            "sub is empty",
            issue(|_, c| c["sub"] = json!("")),
        ),
    ]
}
