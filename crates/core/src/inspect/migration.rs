//! B2C → Entra External ID: the same user's ID tokens from the two tenants compared with the
//! claim diff, and each difference a migration is known to bring explained (the policy claim
//! that goes, `emails` that becomes `email`, new object IDs and a pairwise `sub`, the issuer's
//! form, `ver` 1.0 → 2.0, custom attributes under another extensions app). The table is here,
//! once, in plain text (no markup); the desktop's migration view and any other front end show
//! it.

use super::diff::{diff, ChangeKind, TokenDiff};
use super::TokenInspection;
use serde::Serialize;

/// A known difference between a B2C and an External ID token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MigrationNote {
    /// The rule's name, stable (`policy_claim`, `emails`, …).
    pub id: String,
    /// The B2C claims it is about.
    pub b2c: Vec<String>,
    /// The External ID claims it is about.
    pub external_id: Vec<String>,
    /// What changes, in a few words.
    pub title: String,
    /// Why, and what an app reading the claim must do.
    pub explanation: String,
    /// The claims of this rule that differ in the two tokens compared (those it explains).
    pub found: Vec<String>,
}

/// The comparison: the diff (A then B, as given) and the notes that explain its rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Migration {
    /// Claim by claim, the first token against the second.
    pub diff: TokenDiff,
    /// The known differences seen in this diff, in the table's order.
    pub notes: Vec<MigrationNote>,
    /// Differing claims no note explains (worth a look: a mapping the migration lost?).
    pub unexplained: Vec<String>,
}

struct Rule {
    id: &'static str,
    b2c: &'static [&'static str],
    external_id: &'static [&'static str],
    title: &'static str,
    explanation: &'static str,
}

/// `extension_` claims are matched by prefix, not by name.
const EXTENSION: &str = "extension_";

const RULES: &[Rule] = &[
    Rule {
        id: "policy_claim",
        b2c: &["tfp", "acr"],
        external_id: &[],
        title: "The user flow's name is not in the token",
        explanation: "B2C names the policy that issued the token in tfp (or acr in older \
                      set-ups and some custom policies). External ID links one user flow to the \
                      application and sends no such claim: an app that branches on the policy \
                      (sign-up vs profile edit vs password reset) must tell them apart another \
                      way, e.g. by the app registration it signs in with.",
    },
    Rule {
        id: "emails",
        b2c: &["emails"],
        external_id: &["email", "preferred_username"],
        title: "emails (an array) becomes email (a string)",
        explanation: "B2C sends the local account's addresses as the array emails. External \
                      ID sends one address as email (an optional claim to add to the app \
                      registration) and the sign-in name as preferred_username: read \
                      email, not emails[0].",
    },
    Rule {
        id: "object_id",
        b2c: &["oid", "sub"],
        external_id: &["oid", "sub"],
        title: "New object IDs, and sub is no longer the object ID",
        explanation: "A user moved to External ID is a new directory object with a new oid. \
                      B2C's sub is the object ID by default; External ID's sub is a \
                      pairwise identifier, different for every application. An app that keys \
                      its users on sub or oid needs a mapping (e.g. keep the B2C object ID \
                      in a custom attribute during the migration and match on it).",
    },
    Rule {
        id: "issuer",
        b2c: &["iss"],
        external_id: &["iss", "tid"],
        title: "The issuer's form: the tenant ID becomes the host",
        explanation: "B2C issues https://<domain>/<tenant ID>/v2.0/ (or the tfp form with \
                      the policy). External ID issues \
                      https://<tenant ID>.ciamlogin.com/<tenant ID>/v2.0 and adds the tenant \
                      ID as tid. APIs that pin the issuer must accept the new one during the \
                      migration.",
    },
    Rule {
        id: "version",
        b2c: &["ver"],
        external_id: &["ver"],
        title: "Token version 1.0 becomes 2.0",
        explanation: "B2C's tokens say ver 1.0; External ID's are Entra v2.0 tokens. Libraries \
                      that choose the validation by version (Microsoft.Identity.Web) follow it.",
    },
    Rule {
        id: "identity_provider",
        b2c: &["idp", "idp_access_token", "newUser"],
        external_id: &["idp"],
        title: "Federation and sign-up facts are sent differently",
        explanation: "B2C names the upstream identity provider in idp (and can pass its token \
                      as idp_access_token) and marks a first sign-in with newUser (user \
                      flows' sample claim). External ID has no newUser and no \
                      idp_access_token; idp is sent for federated sign-ins only.",
    },
    Rule {
        id: "entra_claims",
        b2c: &[],
        external_id: &["aio", "rh", "uti", "xms_", "login_hint", "sid", "azpacr"],
        title: "Entra's own claims appear",
        explanation: "External ID's v2.0 tokens carry Entra's internal claims (aio, rh, \
                      uti, xms_…) and optional ones (login_hint, sid): opaque to apps, \
                      nothing to map.",
    },
    Rule {
        id: "custom_attributes",
        b2c: &[EXTENSION],
        external_id: &[EXTENSION],
        title: "Custom attributes under another extensions app",
        explanation: "Both send custom attributes as extension_<app ID>_<name>, but the app \
                      ID is each tenant's own b2c-extensions-app: the same attribute has \
                      another claim name after the migration. Match them on the <name> part.",
    },
];

/// Does `claim` fall under a rule's `name` (an exact name, or a prefix ending in `_`)?
fn covers(name: &str, claim: &str) -> bool {
    if name.ends_with('_') {
        claim.starts_with(name)
    } else {
        claim == name
    }
}

/// The known differences, as a table (for a view that shows all of them).
pub fn migration_table() -> Vec<MigrationNote> {
    RULES.iter().map(|r| note(r, Vec::new())).collect()
}

fn note(rule: &Rule, found: Vec<String>) -> MigrationNote {
    let names = |list: &[&str]| list.iter().map(|n| (*n).to_owned()).collect();
    MigrationNote {
        id: rule.id.to_owned(),
        b2c: names(rule.b2c),
        external_id: names(rule.external_id),
        title: rule.title.to_owned(),
        explanation: rule.explanation.to_owned(),
        found,
    }
}

/// Compares the first token (e.g. the B2C one) with the second (the External ID one) and
/// explains the differences a migration brings. Either order works: a rule applies to the
/// claims it names, whichever token they are in.
pub fn migration(a: &TokenInspection, b: &TokenInspection) -> Migration {
    let diff = diff(a, b);
    let differing: Vec<&str> = diff.claims.iter().map(|c| c.name.as_str()).collect();
    let mut explained = std::collections::BTreeSet::new();
    let mut notes = Vec::new();
    for rule in RULES {
        let found: Vec<String> = differing
            .iter()
            .filter(|claim| {
                rule.b2c
                    .iter()
                    .chain(rule.external_id)
                    .any(|n| covers(n, claim))
            })
            .map(|c| (*c).to_owned())
            .collect();
        // A custom attribute present in both under one name is no migration difference.
        let found: Vec<String> = if rule.id == "custom_attributes" {
            found
                .into_iter()
                .filter(|c| {
                    diff.claims
                        .iter()
                        .any(|d| d.name == *c && d.change != ChangeKind::Changed)
                })
                .collect()
        } else {
            found
        };
        if found.is_empty() {
            continue;
        }
        explained.extend(found.iter().cloned());
        notes.push(note(rule, found));
    }
    let unexplained = differing
        .iter()
        .filter(|c| !explained.contains(**c))
        .map(|c| (*c).to_owned())
        .collect();
    Migration {
        diff,
        notes,
        unexplained,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::{inspect, InspectOptions};
    use crate::jose::jwt::b64_encode;
    use serde_json::{json, Value};

    fn token(payload: Value) -> TokenInspection {
        let jwt = format!(
            "{}.{}.c2ln",
            b64_encode(br#"{"alg":"RS256","typ":"JWT"}"#),
            b64_encode(payload.to_string().as_bytes())
        );
        let now = chrono::Utc::now();
        inspect(&jwt, &InspectOptions::at(now))
            .unwrap()
            .tokens
            .remove(0)
    }

    #[test]
    fn the_same_user_from_b2c_and_external_id_is_explained_claim_by_claim() {
        let tid = "5d2c8a1e-7b3f-4e9a-9c61-2f4b8d0e6a17";
        let b2c = token(json!({
            "iss": format!("https://contoso.b2clogin.com/{tid}/v2.0/"),
            "sub": "8d3f0e1c-0000-4000-8000-000000000001",
            "oid": "8d3f0e1c-0000-4000-8000-000000000001",
            "aud": "app", "ver": "1.0", "tfp": "B2C_1_susi",
            "emails": ["tester@example.com"], "name": "Test User", "newUser": false,
            "extension_1111_Role": "admin",
        }));
        let ciam = token(json!({
            "iss": format!("https://{tid}.ciamlogin.com/{tid}/v2.0"),
            "sub": "AAAAAAAAAAAAAAAAAAAAAPairwise", "tid": tid,
            "oid": "0c1d2e3f-0000-4000-8000-000000000002",
            "aud": "app", "ver": "2.0", "email": "tester@example.com",
            "preferred_username": "tester@example.com", "name": "Test User",
            "aio": "opaque", "extension_2222_Role": "admin",
        }));
        let m = migration(&b2c, &ciam);
        let ids: Vec<&str> = m.notes.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "policy_claim",
                "emails",
                "object_id",
                "issuer",
                "version",
                "identity_provider",
                "entra_claims",
                "custom_attributes"
            ]
        );
        let found = |id: &str| m.notes.iter().find(|n| n.id == id).unwrap().found.clone();
        assert_eq!(found("policy_claim"), ["tfp"]);
        assert_eq!(found("emails"), ["emails", "email", "preferred_username"]);
        assert_eq!(found("object_id"), ["sub", "oid"]);
        assert_eq!(found("issuer"), ["iss", "tid"]);
        assert_eq!(
            found("custom_attributes"),
            ["extension_1111_Role", "extension_2222_Role"]
        );
        // Every differing claim is explained; `name` and `aud` are equal and not in the diff.
        assert!(m.unexplained.is_empty(), "{:?}", m.unexplained);
        assert!(m.diff.unchanged.contains(&"name".to_owned()));
        // The reverse order explains the same claims.
        let back = migration(&ciam, &b2c);
        assert_eq!(back.notes.len(), m.notes.len());
    }

    #[test]
    fn a_difference_no_rule_knows_is_left_unexplained_and_equal_tokens_need_no_note() {
        let a = token(json!({"iss": "https://x/", "sub": "1", "role": "a"}));
        let b = token(json!({"iss": "https://x/", "sub": "1", "role": "b"}));
        let m = migration(&a, &b);
        assert!(m.notes.is_empty());
        assert_eq!(m.unexplained, ["role"]);
        assert!(migration(&a, &a).notes.is_empty());
        // The table lists every rule, each with both sides named where they exist.
        let table = migration_table();
        assert_eq!(table.len(), 8);
        assert!(table
            .iter()
            .all(|n| !n.title.is_empty() && n.found.is_empty()));
    }
}
