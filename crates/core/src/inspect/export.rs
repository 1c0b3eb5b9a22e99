//! Exports of an inspection: JSON for scripts (the `tokenscope decode --json` contract) and
//! Markdown for tickets and wikis. Both hold the decoded token and its explanation, not the
//! encoded token itself (claim values that are tokens, like `idp_access_token`, are claim values
//! and stay unless redacted); with `redact`, personal claims are masked ([`super::redact`]) and
//! tokens inside claims too. Values from the
//! token are untrusted: in Markdown they go into code spans and table cells with escaping, so a
//! claim cannot add links, HTML or table columns to the document.

use super::redact::{redact_inspection, redact_token, Redacted};
use super::verify::Verification;
use super::{AuthorizationCode, InputForm, Inspection, JweInfo, Parameter, TokenInspection};
use crate::inspect::explain::ClaimRow;
use crate::jose::catalogue::{Source, ValueType};
use crate::jose::jwt::{DecodeError, TokenKind};
use crate::oidc::provider_error::ProviderError;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt::Write as _;

/// The JSON export. The top level repeats the primary token's `kind`, `header`, `payload`,
/// `signature_length` and `claims` (the original `decode --json` fields); `tokens` lists every
/// token found with its explanation, nested tokens, decryption and verification. The same
/// document as [`write_json`] writes, as a `Value` (the desktop app pretty-prints it).
pub fn json(inspection: &Inspection, redact: bool) -> Value {
    let shown = shown(inspection, redact);
    let redactions = redactions(inspection, redact);
    // Cannot fail: every key is a string and every number a JSON number.
    serde_json::to_value(Document::of(&shown, &redactions, redact)).unwrap_or(Value::Null)
}

/// Writes the JSON export ([`json`]) to `out`, compact, straight from the inspection: the
/// serde views below borrow it, nothing is copied into a `Value` tree.
pub fn write_json<W: std::io::Write>(
    out: W,
    inspection: &Inspection,
    redact: bool,
) -> serde_json::Result<()> {
    let shown = shown(inspection, redact);
    let redactions = redactions(inspection, redact);
    serde_json::to_writer(out, &Document::of(&shown, &redactions, redact))
}

/// The inspection as shown: borrowed, or its redacted copy.
fn shown(inspection: &Inspection, redact: bool) -> Cow<'_, Inspection> {
    if redact {
        Cow::Owned(redact_inspection(inspection))
    } else {
        Cow::Borrowed(inspection)
    }
}

/// Per token (in order), its redacted copy when `redact` and it has claims.
fn redactions(inspection: &Inspection, redact: bool) -> Vec<Option<Redacted>> {
    if !redact {
        return Vec::new();
    }
    inspection
        .tokens
        .iter()
        .map(|original| {
            (original.error.is_none() && !original.effective().payload.is_empty())
                .then(|| redact_token(original))
        })
        .collect()
}

/// The whole document. The primary token (the first that decoded) is repeated at the top.
#[derive(Serialize)]
struct Document<'a> {
    form: &'a InputForm,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<&'a Option<TokenKind>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    header: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<&'a Map<String, Value>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature_length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    claims: Option<Rows<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification: Option<&'a Verification>,
    tokens: TopTokens<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorization_code: Option<&'a AuthorizationCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    provider_error: Option<&'a ProviderError>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    parameters: &'a [Parameter],
    redacted: bool,
}

impl<'a> Document<'a> {
    fn of(shown: &'a Inspection, redactions: &'a [Option<Redacted>], redact: bool) -> Self {
        let primary = shown.tokens.iter().find(|t| t.error.is_none());
        Self {
            form: &shown.form,
            label: primary.map(|t| t.label.as_str()),
            kind: primary.map(|t| &t.kind),
            header: primary.map(|t| &t.header),
            payload: primary.map(|t| &t.payload),
            signature_length: primary.map(|t| t.signature_len),
            claims: primary.map(|t| Rows(&t.claim_rows)),
            verification: primary.and_then(|t| t.verification.as_ref()),
            tokens: TopTokens {
                tokens: &shown.tokens,
                redactions,
            },
            authorization_code: shown.authorization_code.as_ref(),
            provider_error: shown.provider_error.as_ref(),
            parameters: &shown.parameters,
            redacted: redact,
        }
    }
}

/// The top-level tokens, each with its redacted copy.
struct TopTokens<'a> {
    tokens: &'a [TokenInspection],
    redactions: &'a [Option<Redacted>],
}

impl Serialize for TopTokens<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.tokens
                .iter()
                .enumerate()
                .map(|(i, t)| TokenView::of(t, self.redactions.get(i).and_then(Option::as_ref))),
        )
    }
}

/// One token: `label`, `kind`, `part_lengths`, `header`, `payload`, `signature_length`,
/// `header_claims`, `claims`, `warnings`, `nested`, and when there is one `jwe`, `inner`,
/// `verification`, `error`, `redacted`.
#[derive(Serialize)]
struct TokenView<'a> {
    label: &'a str,
    kind: &'a Option<TokenKind>,
    part_lengths: &'a [usize],
    header: &'a Map<String, Value>,
    payload: &'a Map<String, Value>,
    signature_length: usize,
    header_claims: Rows<'a>,
    claims: Rows<'a>,
    warnings: &'a [String],
    nested: Tokens<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    jwe: Option<&'a JweInfo>,
    #[serde(skip_serializing_if = "Option::is_none")]
    inner: Option<Tokens<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    verification: Option<&'a Verification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a DecodeError>,
    #[serde(skip_serializing_if = "Option::is_none")]
    redacted: Option<RedactedView<'a>>,
}

impl<'a> TokenView<'a> {
    fn of(t: &'a TokenInspection, redacted: Option<&'a Redacted>) -> Self {
        Self {
            label: &t.label,
            kind: &t.kind,
            part_lengths: &t.part_lengths,
            header: &t.header,
            payload: &t.payload,
            signature_length: t.signature_len,
            header_claims: Rows(&t.header_rows),
            claims: Rows(&t.claim_rows),
            warnings: &t.warnings,
            nested: Tokens::Seq(&t.nested),
            jwe: t.jwe.as_ref(),
            inner: t.inner.as_deref().map(Tokens::One),
            verification: t.verification.as_ref(),
            error: t.error.as_ref(),
            redacted: redacted.map(RedactedView::of),
        }
    }
}

/// Tokens inside a token (nested in claims, or the decrypted inner one): no redacted copy.
enum Tokens<'a> {
    Seq(&'a [TokenInspection]),
    One(&'a TokenInspection),
}

impl Serialize for Tokens<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Seq(tokens) => {
                serializer.collect_seq(tokens.iter().map(|t| TokenView::of(t, None)))
            }
            Self::One(t) => TokenView::of(t, None).serialize(serializer),
        }
    }
}

/// What the JSON shows of a redacted copy.
#[derive(Serialize)]
struct RedactedView<'a> {
    note: &'a str,
    masked: &'a [String],
    unknown_kept: &'a [String],
    unsigned_token: &'a str,
}

impl<'a> RedactedView<'a> {
    fn of(r: &'a Redacted) -> Self {
        Self {
            note: &r.note,
            masked: &r.masked,
            unknown_kept: &r.unknown_kept,
            unsigned_token: &r.unsigned_token,
        }
    }
}

/// Explained rows.
struct Rows<'a>(&'a [ClaimRow]);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(RowView::of))
    }
}

/// One explained row: `name`, `value`, `description`, the catalogue's `source`, `reference`,
/// `type`, `personal` (and `custom_attribute` for B2C's), for NumericDate claims `time`
/// (RFC 3339 UTC), `local_time` and `relative`, and `flag` when set.
#[derive(Serialize)]
struct RowView<'a> {
    name: &'a str,
    value: &'a Value,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a Source>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<&'a str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    value_type: Option<&'a ValueType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    personal: Option<bool>,
    /// Only `true`, only for a catalogued custom attribute.
    #[serde(skip_serializing_if = "Option::is_none")]
    custom_attribute: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    time: Option<&'a str>,
    /// Present (possibly `null`) whenever `time` is.
    #[serde(skip_serializing_if = "Option::is_none")]
    local_time: Option<&'a Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    relative: Option<&'a Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flag: Option<&'a str>,
}

impl<'a> RowView<'a> {
    fn of(r: &'a ClaimRow) -> Self {
        let c = r.catalogue.as_ref();
        let timed = r.time.is_some();
        Self {
            name: &r.name,
            value: &r.value,
            description: &r.description,
            source: c.map(|c| &c.source),
            reference: c.map(|c| c.reference.as_ref()),
            value_type: c.map(|c| &c.value_type),
            personal: c.map(|c| c.personal),
            custom_attribute: c.and_then(|c| c.custom_attribute.then_some(true)),
            time: r.time.as_deref(),
            local_time: timed.then_some(&r.local_time),
            relative: timed.then_some(&r.relative),
            flag: r.flag.as_deref(),
        }
    }
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
        super::InputForm::Text => "text with tokens in it",
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
            let _ = writeln!(
                md,
                "- {mark} {}: {}",
                code(c.name.as_str()),
                text(&c.detail)
            );
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
