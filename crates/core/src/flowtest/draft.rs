//! "Save as test case": a case written from a sign-in the user saw, with the expectations the
//! user picked from its claims (this value, present, absent), appended to a test file (created
//! when missing). The file's own text (comments, order) is kept; the new text is parsed as a
//! whole test file before anything is written, so a file is never left unreadable and a name
//! already taken is refused.

use super::file::{parse, FileError, TestFile};
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

/// What a saved case expects of one claim.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "pick", content = "value", rename_all = "snake_case")]
pub enum ClaimPick {
    /// Exactly this value (a string, number, boolean, or an array of those).
    Equals(#[cfg_attr(feature = "ts", ts(type = "unknown"))] Value),
    /// The claim is there, whatever its value.
    Present,
    /// The claim is not there.
    Absent,
}

/// A case to write.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseDraft {
    /// Its name (unique in the file).
    pub name: String,
    /// The saved profile it signs in with.
    pub profile: String,
    /// Claim expectations, in this order.
    pub claims: Vec<(String, ClaimPick)>,
    /// A refresh must succeed afterwards and keep `sub`.
    pub refresh: bool,
}

/// Claims that change on every sign-in: a case may expect them present, never their value.
pub const PER_SIGN_IN: &[&str] = &[
    "exp",
    "iat",
    "nbf",
    "auth_time",
    "nonce",
    "c_hash",
    "at_hash",
    "jti",
];

/// The text a new file starts with: how to run it, and the settings an unattended run needs.
const NEW_FILE_HEADER: &str = "\
# User-flow tests for Tokenscope: `tokenscope test FILE` (or the Tests view of the desktop app).
# Cases saved from a sign-in use the system browser; to run them unattended, set a driver and
# where the test user's credentials come from (never a literal secret in this file), e.g.:
# [defaults]
# driver = \"b2c-pages\"
# username = \"env:B2C_TEST_USER\"
# password = \"env:B2C_TEST_PASSWORD\"
";

/// Appends `draft` to the test file at `path` (created when missing) and returns the file as
/// it now reads. Refused, with nothing written: a value TOML cannot hold, a name already in
/// the file, or a file that does not read as a test file (every problem with its line).
pub fn append_case(path: &Path, draft: &CaseDraft) -> Result<TestFile, FileError> {
    let refuse = |m: String| FileError::one(path, 0, "", m);
    let existing = match std::fs::read(path) {
        Ok(bytes) => {
            Some(String::from_utf8(bytes).map_err(|_| refuse("is not UTF-8 text".into()))?)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(refuse(format!("cannot read it: {e}"))),
    };
    let block = case_text(draft).map_err(refuse)?;
    let text = match &existing {
        None => format!("{NEW_FILE_HEADER}\n{block}"),
        Some(old) if old.trim().is_empty() => format!("{NEW_FILE_HEADER}\n{block}"),
        Some(old) if old.ends_with('\n') => format!("{old}\n{block}"),
        Some(old) => format!("{old}\n\n{block}"),
    };
    let file = parse(path, &text)?;
    crate::store::config_file::replace_keeping_permissions(path, text.as_bytes())
        .map_err(|e| refuse(format!("cannot write it: {e}")))?;
    Ok(file)
}

/// The `[[case]]` block of `draft`.
fn case_text(draft: &CaseDraft) -> Result<String, String> {
    if draft.name.trim().is_empty() {
        return Err("the case needs a name".into());
    }
    if draft.profile.trim().is_empty() {
        return Err("the case needs a saved profile".into());
    }
    let mut out = format!(
        "[[case]]\nname = {}\nprofile = {}\n",
        quoted(&draft.name),
        quoted(&draft.profile)
    );
    if draft.claims.is_empty() && !draft.refresh {
        out.push_str("# every validation check passes (checks = \"all\" is the default)\n");
        return Ok(out);
    }
    out.push_str("[case.expect]\n");
    for (claim, pick) in &draft.claims {
        let value = match pick {
            ClaimPick::Equals(_) if PER_SIGN_IN.contains(&claim.as_str()) => {
                return Err(format!(
                    "claim {claim}: it changes on every sign-in; expect it present instead"
                ))
            }
            ClaimPick::Equals(v) => toml_value(v).map_err(|m| format!("claim {claim}: {m}"))?,
            ClaimPick::Present => "{ present = true }".to_owned(),
            ClaimPick::Absent => "{ absent = true }".to_owned(),
        };
        out.push_str(&format!("claims.{} = {value}\n", key(claim)));
    }
    if draft.refresh {
        out.push_str("refresh = true\n");
    }
    Ok(out)
}

/// A TOML basic string.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A key, bare when TOML allows it, else quoted (claim names may be URIs).
fn key(k: &str) -> String {
    let bare = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        k.to_owned()
    } else {
        quoted(k)
    }
}

fn toml_value(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(quoted(s)),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.is_finite() => Ok(format!("{f:?}")),
            _ => Err("a number TOML cannot hold".into()),
        },
        Value::Array(items) => {
            let parts = items
                .iter()
                .map(|i| match i {
                    Value::Array(_) | Value::Object(_) => Err(
                        "an array of arrays or objects cannot be expected exactly; pick present"
                            .to_owned(),
                    ),
                    other => toml_value(other),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(format!("[{}]", parts.join(", ")))
        }
        Value::Null => Err("null cannot be expected exactly; pick present or absent".into()),
        Value::Object(_) => Err("an object cannot be expected exactly; pick present".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flowtest::file::ClaimExpectation;
    use serde_json::json;

    fn dir() -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!(
            "tokenscope-draft-{}",
            crate::oidc::pkce::random_token()
        ));
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn draft(name: &str) -> CaseDraft {
        CaseDraft {
            name: name.into(),
            profile: "Contoso \"susi\"".into(),
            claims: vec![
                ("tfp".into(), ClaimPick::Equals(json!("B2C_1_susi"))),
                ("emails".into(), ClaimPick::Equals(json!(["a@example.com"]))),
                ("email_verified".into(), ClaimPick::Equals(json!(true))),
                ("http://schemas.example/role".into(), ClaimPick::Present),
                ("extension_Role".into(), ClaimPick::Absent),
            ],
            refresh: true,
        }
    }

    #[test]
    fn a_new_file_reads_back_as_the_case_the_user_picked() {
        let path = dir().join("new.tokenscope.toml");
        let file = append_case(&path, &draft("sign-in: \"quoted\" \\ name")).unwrap();
        assert_eq!(file.cases.len(), 1);
        let case = &file.cases[0];
        assert_eq!(case.name, "sign-in: \"quoted\" \\ name");
        assert_eq!(
            case.settings.profile.as_ref().map(|p| p.value.as_str()),
            Some("Contoso \"susi\"")
        );
        assert_eq!(
            case.expect.claims,
            vec![
                ("tfp".into(), ClaimExpectation::Equals(json!("B2C_1_susi"))),
                (
                    "emails".into(),
                    ClaimExpectation::Equals(json!(["a@example.com"]))
                ),
                (
                    "email_verified".into(),
                    ClaimExpectation::Equals(json!(true))
                ),
                (
                    "http://schemas.example/role".into(),
                    ClaimExpectation::Present(true)
                ),
                ("extension_Role".into(), ClaimExpectation::Present(false)),
            ]
        );
        assert!(case.expect.refresh);
        assert!(case.expect.all_checks);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# User-flow tests for Tokenscope"),
            "{text}"
        );
    }

    #[test]
    fn an_existing_file_keeps_its_text_and_gains_the_case() {
        let path = dir().join("old.tokenscope.toml");
        let old = "# our flows\n[defaults]\ndriver = \"browser\" # by hand\n\n[[case]]\nname = \"first\"\nprofile = \"p\"";
        std::fs::write(&path, old).unwrap();
        let file = append_case(&path, &draft("second")).unwrap();
        let names: Vec<_> = file.cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["first", "second"]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(old), "{text}");
    }

    #[test]
    fn a_taken_name_or_a_broken_file_is_refused_and_nothing_is_written() {
        let d = dir();
        let path = d.join("t.tokenscope.toml");
        append_case(&path, &draft("one")).unwrap();
        let before = std::fs::read(&path).unwrap();
        let e = append_case(&path, &draft("one")).unwrap_err();
        assert!(e.to_string().contains("one"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), before);

        let broken = d.join("broken.tokenscope.toml");
        std::fs::write(&broken, "[[case]\nname = ").unwrap();
        let e = append_case(&broken, &draft("x")).unwrap_err();
        assert!(e.to_string().contains("not valid TOML"), "{e}");
        assert_eq!(std::fs::read(&broken).unwrap(), b"[[case]\nname = ");
        let leftovers = std::fs::read_dir(&d).unwrap().count();
        assert_eq!(leftovers, 2, "no temporary file left behind");
    }

    #[test]
    fn values_toml_cannot_hold_are_refused_with_the_claim_named() {
        let path = dir().join("v.tokenscope.toml");
        let refused = |claim: &str, value: Value| {
            let mut d = draft("v");
            d.claims = vec![(claim.into(), ClaimPick::Equals(value))];
            append_case(&path, &d).unwrap_err().to_string()
        };
        for (value, words) in [
            (json!(null), "null"),
            (json!({"a": 1}), "object"),
            (json!([[1]]), "array of arrays"),
        ] {
            let e = refused("addr", value);
            assert!(e.contains("claim addr") && e.contains(words), "{e}");
        }
        for claim in PER_SIGN_IN {
            let e = refused(claim, json!(1_700_000_000));
            assert!(e.contains("changes on every sign-in"), "{e}");
        }
        assert!(!path.exists());
    }

    #[test]
    fn the_ui_sends_picks_as_tagged_json() {
        let d: CaseDraft = serde_json::from_value(json!({
            "name": "n", "profile": "p", "refresh": false,
            "claims": [["tfp", {"pick": "equals", "value": "B2C_1_x"}], ["idp", {"pick": "present"}]]
        }))
        .unwrap();
        assert_eq!(d.claims[0].1, ClaimPick::Equals(json!("B2C_1_x")));
        assert_eq!(d.claims[1].1, ClaimPick::Present);
    }
}
