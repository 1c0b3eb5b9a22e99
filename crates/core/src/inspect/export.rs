//! Exports of an inspection: JSON for scripts (the `tokenscope decode --json` contract) and
//! Markdown for tickets and wikis. Both hold the decoded token and its explanation, not the
//! encoded token itself (claim values that are tokens, like `idp_access_token`, are claim values
//! and stay unless redacted); with `redact`, personal claims are masked ([`super::redact`]) and
//! tokens inside claims too. Values from the
//! token are untrusted: in Markdown they go into code spans and table cells with escaping, so a
//! claim cannot add links, HTML or table columns to the document.

use super::redact::{redact_inspection, redact_token};
use super::{Inspection, TokenInspection};
use crate::explain::ClaimRow;
use crate::jwt::TokenKind;
use serde_json::{json, Map, Value};
use std::borrow::Cow;
use std::fmt::Write as _;

/// The JSON export. The top level repeats the primary token's `kind`, `header`, `payload`,
/// `signature_length` and `claims` (the original `decode --json` fields); `tokens` lists every
/// token found with its explanation, nested tokens, decryption and verification.
pub fn json(inspection: &Inspection, redact: bool) -> Value {
    // Borrowed unless redacted: a large token's inspection is not copied once more.
    let shown: Cow<'_, Inspection> = if redact {
        Cow::Owned(redact_inspection(inspection))
    } else {
        Cow::Borrowed(inspection)
    };
    let tokens: Vec<Value> = shown
        .tokens
        .iter()
        .zip(&inspection.tokens)
        .map(|(t, original)| {
            let mut v = token_json(t);
            if redact && original.error.is_none() && !original.effective().payload.is_empty() {
                let r = redact_token(original);
                v["redacted"] = json!({
                    "note": r.note,
                    "masked": r.masked,
                    "unknown_kept": r.unknown_kept,
                    "unsigned_token": r.unsigned_token,
                });
            }
            v
        })
        .collect();
    let mut out = Map::new();
    out.insert("form".into(), json!(shown.form));
    if let Some(i) = shown.tokens.iter().position(|t| t.error.is_none()) {
        let primary = &tokens[i];
        for key in [
            "label",
            "kind",
            "header",
            "payload",
            "signature_length",
            "claims",
        ] {
            out.insert(key.into(), primary[key].clone());
        }
        if let Some(v) = primary.get("verification") {
            out.insert("verification".into(), v.clone());
        }
    }
    out.insert("tokens".into(), Value::Array(tokens));
    if let Some(code) = &shown.authorization_code {
        out.insert("authorization_code".into(), json!(code));
    }
    if let Some(e) = &shown.provider_error {
        out.insert("provider_error".into(), json!(e));
    }
    if !shown.parameters.is_empty() {
        out.insert("parameters".into(), json!(shown.parameters));
    }
    out.insert("redacted".into(), json!(redact));
    Value::Object(out)
}

/// One explained row as JSON: `name`, `value`, `description`, the catalogue's `source`,
/// `reference`, `type` and `personal`, and for NumericDate claims `time` (RFC 3339 UTC),
/// `local_time` and `relative`, plus `flag` when set.
pub fn row_json(r: &ClaimRow) -> Value {
    let mut v = json!({"name": r.name, "value": r.value, "description": r.description});
    if let Some(c) = &r.catalogue {
        v["source"] = json!(c.source);
        v["reference"] = json!(c.reference);
        v["type"] = json!(c.value_type);
        v["personal"] = json!(c.personal);
        if c.custom_attribute {
            v["custom_attribute"] = json!(true);
        }
    }
    if let Some(t) = &r.time {
        v["time"] = json!(t);
        v["local_time"] = json!(r.local_time);
        v["relative"] = json!(r.relative);
    }
    if let Some(f) = &r.flag {
        v["flag"] = json!(f);
    }
    v
}

/// One token as JSON.
pub fn token_json(t: &TokenInspection) -> Value {
    let mut v = json!({
        "label": t.label,
        "kind": t.kind,
        "part_lengths": t.part_lengths,
        "header": t.header,
        "payload": t.payload,
        "signature_length": t.signature_len,
        "header_claims": t.header_rows.iter().map(row_json).collect::<Vec<_>>(),
        "claims": t.claim_rows.iter().map(row_json).collect::<Vec<_>>(),
        "warnings": t.warnings,
        "nested": t.nested.iter().map(token_json).collect::<Vec<_>>(),
    });
    if let Some(jwe) = &t.jwe {
        v["jwe"] = json!(jwe);
    }
    if let Some(inner) = &t.inner {
        v["inner"] = token_json(inner);
    }
    if let Some(ver) = &t.verification {
        v["verification"] = json!(ver);
    }
    if let Some(e) = &t.error {
        v["error"] = json!(e);
    }
    v
}

/// The Markdown export: a section per token with header and claims tables (meaning, UTC and
/// local time, relative time, flags), warnings, decryption and verification.
pub fn markdown(inspection: &Inspection, redact: bool) -> String {
    // Borrowed unless redacted: a large token's inspection is not copied once more.
    let shown: Cow<'_, Inspection> = if redact {
        Cow::Owned(redact_inspection(inspection))
    } else {
        Cow::Borrowed(inspection)
    };
    let mut md = String::new();
    let _ = writeln!(md, "# Token inspection\n");
    let form = match shown.form {
        super::InputForm::Token => "a token",
        super::InputForm::Bearer => "an Authorization header (Bearer token)",
        super::InputForm::RedirectUrl => "a redirect URL",
        super::InputForm::TokenResponse => "a token endpoint response (JSON)",
    };
    let _ = writeln!(
        md,
        "Inspected with Tokenscope {}: {form}, {} token(s).{}\n",
        env!("CARGO_PKG_VERSION"),
        shown.tokens.len(),
        if redact {
            " **Redacted copy**: personal claims are masked."
        } else {
            ""
        }
    );
    if let Some(e) = &shown.provider_error {
        let _ = writeln!(md, "## Provider error\n");
        let _ = writeln!(md, "| | |\n|---|---|");
        let _ = writeln!(md, "| error | {} |", code(&e.error));
        for (name, value) in [
            ("code", &e.code),
            ("message", &e.message),
            ("correlation ID", &e.correlation_id),
            ("timestamp", &e.timestamp),
            ("error_uri", &e.uri),
        ] {
            if let Some(v) = value {
                let _ = writeln!(md, "| {name} | {} |", code(v));
            }
        }
        md.push('\n');
    }
    if let Some(c) = &shown.authorization_code {
        let _ = writeln!(md, "## Authorization code\n");
        let _ = writeln!(
            md,
            "A code of {} characters (not shown). {}\n",
            c.length,
            text(&c.explanation)
        );
    }
    if !shown.parameters.is_empty() {
        let _ = writeln!(md, "## Parameters\n\n| Name | Value |\n|---|---|");
        for p in &shown.parameters {
            let _ = writeln!(md, "| {} | {} |", code(&p.name), code(&p.value));
        }
        md.push('\n');
    }
    for t in &shown.tokens {
        token_markdown(&mut md, t, 2);
    }
    if redact {
        for t in &inspection.tokens {
            if t.error.is_none() && !t.effective().payload.is_empty() {
                let r = redact_token(t);
                let _ = writeln!(
                    md,
                    "## {} as a redacted unsigned token\n\nNot the original token and NOT \
                     verifiable (`alg: none`, marked in its header).\n\n```\n{}\n```\n",
                    text(&r.label),
                    r.unsigned_token
                );
            }
        }
    }
    md
}

fn token_markdown(md: &mut String, t: &TokenInspection, level: usize) {
    let hashes = "#".repeat(level.min(6));
    let kind = match t.kind {
        Some(TokenKind::Jws) => "signed JWT (JWS)",
        Some(TokenKind::Unsigned) => "UNSIGNED JWT (alg none)",
        Some(TokenKind::Jwe) => "encrypted JWT (JWE)",
        Some(TokenKind::Opaque) => "opaque token",
        None => "does not decode",
    };
    let _ = writeln!(md, "{hashes} {}: {kind}\n", code(&t.label));
    if let Some(e) = &t.error {
        let _ = writeln!(md, "Error: {}\n", text(&e.to_string()));
        return;
    }
    for w in &t.warnings {
        let _ = writeln!(md, "> **Warning:** {}", text(w));
    }
    if !t.warnings.is_empty() {
        md.push('\n');
    }
    if let Some(jwe) = &t.jwe {
        let _ = writeln!(md, "Encryption: {}\n", text(&jwe.note));
    }
    if let Some(v) = &t.verification {
        let verdict = if v.passed { "**passed**" } else { "**FAILED**" };
        let _ = writeln!(
            md,
            "Verification {verdict} (keys: {}, clock skew {} s):\n",
            text(&v.keys_from),
            v.skew_seconds
        );
        for c in &v.checks {
            let mark = if c.ok { "✔" } else { "✘" };
            let _ = writeln!(md, "- {mark} {}: {}", code(&c.name), text(&c.detail));
        }
        md.push('\n');
    }
    if !t.header_rows.is_empty() {
        let _ = writeln!(
            md,
            "**Header**\n\n| Parameter | Value | Meaning |\n|---|---|---|"
        );
        for r in &t.header_rows {
            let _ = writeln!(
                md,
                "| {} | {} | {} |",
                code(&r.name),
                code(&value_text(&r.value)),
                text(&r.description)
            );
        }
        md.push('\n');
    }
    if t.kind == Some(TokenKind::Jws) {
        let _ = writeln!(md, "Signature: {} bytes.\n", t.signature_len);
    }
    if !t.claim_rows.is_empty() {
        let _ = writeln!(
            md,
            "**Claims**\n\n| Claim | Value | Meaning |\n|---|---|---|"
        );
        for r in &t.claim_rows {
            let mut value = code(&value_text(&r.value));
            if let (Some(utc), Some(rel)) = (&r.time, &r.relative) {
                let _ = write!(value, "<br>{} ({})", code(utc), text(rel));
                if let Some(local) = &r.local_time {
                    let _ = write!(value, "<br>local {}", code(local));
                }
            }
            if let Some(flag) = &r.flag {
                let _ = write!(value, " **{}**", text(flag));
            }
            let _ = writeln!(
                md,
                "| {} | {value} | {} |",
                code(&r.name),
                text(&r.description)
            );
        }
        md.push('\n');
    }
    if let Some(inner) = &t.inner {
        token_markdown(md, inner, level + 1);
    }
    for n in &t.nested {
        token_markdown(md, n, level + 1);
    }
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Untrusted text as a Markdown code span inside a table cell: backticks fenced by a longer
/// run, pipes escaped, line breaks flattened.
fn code(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
        .collect::<String>()
        .replace('|', "\\|");
    let longest = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    if flat.is_empty() {
        return "` `".to_owned();
    }
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// Plain text with Markdown's active characters escaped and line breaks flattened.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\r' | '\n' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '&' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
pub(crate) fn code_for_tests(s: &str) -> String {
    code(s)
}
