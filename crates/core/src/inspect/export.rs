//! Exports of an inspection: JSON for scripts (the `tokenscope decode --json` contract) and
//! Markdown for tickets and wikis. Both hold the decoded token and its explanation, not the
//! encoded token itself (claim values that are tokens, like `idp_access_token`, are claim values
//! and stay unless redacted); with `redact`, personal claims are masked ([`super::redact`]) and
//! tokens inside claims too. Values from the
//! token are untrusted: in Markdown they go into code spans and table cells with escaping, so a
//! claim cannot add links, HTML or table columns to the document.

use super::redact::{redact_inspection, redact_token, Redacted};
use super::{Inspection, TokenInspection};
use crate::explain::ClaimRow;
use crate::jwt::TokenKind;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt::Write as _;

/// `,"name":`, a member after the first, as one piece of text.
macro_rules! key {
    ($name:literal) => {
        concat!(",\"", $name, "\":").as_bytes()
    };
}

/// The JSON export. The top level repeats the primary token's `kind`, `header`, `payload`,
/// `signature_length` and `claims` (the original `decode --json` fields); `tokens` lists every
/// token found with its explanation, nested tokens, decryption and verification. The same
/// document as [`write_json`] writes, as a `Value` (the desktop app pretty-prints it).
pub fn json(inspection: &Inspection, redact: bool) -> Value {
    // Cannot fail: every map key in the document is a string.
    serde_json::to_value(JsonExport::new(inspection, redact)).unwrap_or(Value::Null)
}

/// Writes the JSON export ([`json`]) to `out`: the text serialising [`JsonExport`] gives,
/// written straight from the inspection (no `Value` tree). The primary token's `header`,
/// `payload` and `claims`, which the top level repeats, are serialised once and their text
/// written twice; strings that need no escaping (the catalogue's text, nearly every claim name
/// and value) are copied as they are.
pub fn write_json<W: std::io::Write>(
    out: W,
    inspection: &Inspection,
    redact: bool,
) -> serde_json::Result<()> {
    let export = JsonExport::new(inspection, redact);
    let shown = &*export.shown;
    let primary = shown.tokens.iter().position(|t| t.error.is_none());
    let repeated = match primary {
        Some(i) => Some(Repeated::of(&shown.tokens[i])?),
        None => None,
    };
    let mut w = JsonText(out);
    w.raw(b"{\"form\":")?;
    w.value(&shown.form)?;
    if let (Some(i), Some(r)) = (primary, &repeated) {
        let t = &shown.tokens[i];
        w.raw(key!("label"))?;
        w.string(&t.label)?;
        w.raw(key!("kind"))?;
        w.value(&t.kind)?;
        w.raw(key!("header"))?;
        w.raw(r.header())?;
        w.raw(key!("payload"))?;
        w.raw(r.payload())?;
        w.raw(key!("signature_length"))?;
        w.value(&t.signature_len)?;
        w.raw(key!("claims"))?;
        w.raw(r.claims())?;
        if let Some(v) = &t.verification {
            w.raw(key!("verification"))?;
            w.value(v)?;
        }
    }
    w.raw(key!("tokens"))?;
    w.raw(b"[")?;
    for (i, t) in shown.tokens.iter().enumerate() {
        if i > 0 {
            w.raw(b",")?;
        }
        let redacted = export.redactions.get(i).and_then(Option::as_ref);
        match &repeated {
            Some(r) if primary == Some(i) => w.primary_token(t, redacted, r)?,
            _ => w.value(&TokenJson { t, redacted })?,
        }
    }
    w.raw(b"]")?;
    if let Some(code) = &shown.authorization_code {
        w.raw(key!("authorization_code"))?;
        w.value(code)?;
    }
    if let Some(e) = &shown.provider_error {
        w.raw(key!("provider_error"))?;
        w.value(e)?;
    }
    if !shown.parameters.is_empty() {
        w.raw(key!("parameters"))?;
        w.value(&shown.parameters)?;
    }
    w.raw(key!("redacted"))?;
    w.value(&export.redact)?;
    w.raw(b"}")
}

/// The JSON text of the primary token's `header`, `payload` and `claims`, one after the other.
struct Repeated {
    text: Vec<u8>,
    /// Where the payload and the claims start.
    payload: usize,
    claims: usize,
}

impl Repeated {
    fn of(t: &TokenInspection) -> serde_json::Result<Self> {
        // Room for the usual document: the claims' text is a few times the token's length.
        let mut w = JsonText(Vec::with_capacity(t.encoded.expose().len() * 6 + 1024));
        w.object(&t.header)?;
        let payload = w.0.len();
        w.object(&t.payload)?;
        let claims = w.0.len();
        w.rows(&t.claim_rows)?;
        Ok(Self {
            text: w.0,
            payload,
            claims,
        })
    }
    fn header(&self) -> &[u8] {
        &self.text[..self.payload]
    }
    fn payload(&self) -> &[u8] {
        &self.text[self.payload..self.claims]
    }
    fn claims(&self) -> &[u8] {
        &self.text[self.claims..]
    }
}

/// Whether serde_json would escape something in `s`: a control character, `"` or `\\`.
/// Eight bytes at a time (the word tests are exact: a byte that needs no escaping never
/// reports one).
fn needs_escape(s: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // Some byte of `v` is below `n` (n <= 128).
    let below = |v: u64, n: u8| v.wrapping_sub(ONES * u64::from(n)) & !v & HIGH != 0;
    let mut chunks = s.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let v = u64::from_ne_bytes(word);
        if below(v, 0x20)
            || below(v ^ (ONES * u64::from(b'"')), 1)
            || below(v ^ (ONES * u64::from(b'\\')), 1)
        {
            return true;
        }
    }
    chunks
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

/// Writes JSON text piece by piece, exactly as serde_json's compact serialiser would.
struct JsonText<W>(W);

impl<W: std::io::Write> JsonText<W> {
    fn raw(&mut self, bytes: &[u8]) -> serde_json::Result<()> {
        self.0.write_all(bytes).map_err(serde_json::Error::io)
    }

    fn value<T: Serialize + ?Sized>(&mut self, value: &T) -> serde_json::Result<()> {
        serde_json::to_writer(&mut self.0, value)
    }

    /// A string: copied between quotes when nothing in it needs escaping, else serde_json's.
    fn string(&mut self, s: &str) -> serde_json::Result<()> {
        if needs_escape(s.as_bytes()) {
            self.value(s)
        } else {
            self.raw(b"\"")?;
            self.raw(s.as_bytes())?;
            self.raw(b"\"")
        }
    }

    /// A JSON value as serde_json serialises a [`Value`], with [`Self::string`] for its strings
    /// and object keys.
    fn json(&mut self, value: &Value) -> serde_json::Result<()> {
        match value {
            Value::String(s) => self.string(s),
            Value::Array(items) => {
                self.raw(b"[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.raw(b",")?;
                    }
                    self.json(item)?;
                }
                self.raw(b"]")
            }
            Value::Object(map) => self.object(map),
            other => self.value(other),
        }
    }

    fn object(&mut self, map: &Map<String, Value>) -> serde_json::Result<()> {
        self.raw(b"{")?;
        for (i, (key, item)) in map.iter().enumerate() {
            if i > 0 {
                self.raw(b",")?;
            }
            self.string(key)?;
            self.raw(b":")?;
            self.json(item)?;
        }
        self.raw(b"}")
    }

    /// Explained rows, each as [`RowJson`] serialises it.
    fn rows(&mut self, rows: &[ClaimRow]) -> serde_json::Result<()> {
        self.raw(b"[")?;
        for (i, r) in rows.iter().enumerate() {
            self.raw(if i == 0 {
                b"{\"name\":"
            } else {
                b",{\"name\":"
            })?;
            self.string(&r.name)?;
            self.raw(key!("value"))?;
            self.json(&r.value)?;
            self.raw(key!("description"))?;
            self.string(&r.description)?;
            if let Some(c) = &r.catalogue {
                self.raw(key!("source"))?;
                self.value(&c.source)?;
                self.raw(key!("reference"))?;
                self.string(&c.reference)?;
                self.raw(key!("type"))?;
                self.value(&c.value_type)?;
                self.raw(key!("personal"))?;
                self.value(&c.personal)?;
                if c.custom_attribute {
                    self.raw(key!("custom_attribute"))?;
                    self.raw(b"true")?;
                }
            }
            if let Some(t) = &r.time {
                self.raw(key!("time"))?;
                self.string(t)?;
                self.raw(key!("local_time"))?;
                self.value(&r.local_time)?;
                self.raw(key!("relative"))?;
                self.value(&r.relative)?;
            }
            if let Some(f) = &r.flag {
                self.raw(key!("flag"))?;
                self.string(f)?;
            }
            self.raw(b"}")?;
        }
        self.raw(b"]")
    }

    /// The primary token as [`TokenJson`] serialises it, with the text already written for
    /// the top level.
    fn primary_token(
        &mut self,
        t: &TokenInspection,
        redacted: Option<&Redacted>,
        r: &Repeated,
    ) -> serde_json::Result<()> {
        self.raw(b"{\"label\":")?;
        self.string(&t.label)?;
        self.raw(key!("kind"))?;
        self.value(&t.kind)?;
        self.raw(key!("part_lengths"))?;
        self.value(&t.part_lengths)?;
        self.raw(key!("header"))?;
        self.raw(r.header())?;
        self.raw(key!("payload"))?;
        self.raw(r.payload())?;
        self.raw(key!("signature_length"))?;
        self.value(&t.signature_len)?;
        self.raw(key!("header_claims"))?;
        self.rows(&t.header_rows)?;
        self.raw(key!("claims"))?;
        self.raw(r.claims())?;
        self.raw(key!("warnings"))?;
        self.value(&t.warnings)?;
        self.raw(key!("nested"))?;
        self.value(&Nested(&t.nested))?;
        if let Some(jwe) = &t.jwe {
            self.raw(key!("jwe"))?;
            self.value(jwe)?;
        }
        if let Some(inner) = &t.inner {
            self.raw(key!("inner"))?;
            self.value(&TokenJson {
                t: inner,
                redacted: None,
            })?;
        }
        if let Some(ver) = &t.verification {
            self.raw(key!("verification"))?;
            self.value(ver)?;
        }
        if let Some(e) = &t.error {
            self.raw(key!("error"))?;
            self.value(e)?;
        }
        if let Some(r) = redacted {
            self.raw(key!("redacted"))?;
            self.value(&RedactedJson(r))?;
        }
        self.raw(b"}")
    }
}

/// The JSON export as a [`Serialize`] view over the inspection (borrowed unless redacted).
pub struct JsonExport<'a> {
    shown: Cow<'a, Inspection>,
    /// Per token (in order), its redacted copy when `redact` and it has claims.
    redactions: Vec<Option<Redacted>>,
    redact: bool,
}

impl<'a> JsonExport<'a> {
    /// The export of `inspection`; with `redact`, personal claims masked and each token's
    /// redacted copy added.
    pub fn new(inspection: &'a Inspection, redact: bool) -> Self {
        if !redact {
            return Self {
                shown: Cow::Borrowed(inspection),
                redactions: Vec::new(),
                redact,
            };
        }
        let redactions = inspection
            .tokens
            .iter()
            .map(|original| {
                (original.error.is_none() && !original.effective().payload.is_empty())
                    .then(|| redact_token(original))
            })
            .collect();
        Self {
            shown: Cow::Owned(redact_inspection(inspection)),
            redactions,
            redact,
        }
    }
}

impl Serialize for JsonExport<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let shown = &*self.shown;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("form", &shown.form)?;
        if let Some(t) = shown.tokens.iter().find(|t| t.error.is_none()) {
            map.serialize_entry("label", &t.label)?;
            map.serialize_entry("kind", &t.kind)?;
            map.serialize_entry("header", &t.header)?;
            map.serialize_entry("payload", &t.payload)?;
            map.serialize_entry("signature_length", &t.signature_len)?;
            map.serialize_entry("claims", &Rows(&t.claim_rows))?;
            if let Some(v) = &t.verification {
                map.serialize_entry("verification", v)?;
            }
        }
        map.serialize_entry("tokens", &TopTokens(self))?;
        if let Some(code) = &shown.authorization_code {
            map.serialize_entry("authorization_code", code)?;
        }
        if let Some(e) = &shown.provider_error {
            map.serialize_entry("provider_error", e)?;
        }
        if !shown.parameters.is_empty() {
            map.serialize_entry("parameters", &shown.parameters)?;
        }
        map.serialize_entry("redacted", &self.redact)?;
        map.end()
    }
}

/// The `tokens` list: each token, with its redacted copy when there is one.
struct TopTokens<'e, 'a>(&'e JsonExport<'a>);

impl Serialize for TopTokens<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let tokens = &self.0.shown.tokens;
        let mut seq = serializer.serialize_seq(Some(tokens.len()))?;
        for (i, t) in tokens.iter().enumerate() {
            let redacted = self.0.redactions.get(i).and_then(Option::as_ref);
            seq.serialize_element(&TokenJson { t, redacted })?;
        }
        seq.end()
    }
}

/// One token as JSON ([`token_json`]), with its redacted copy (top-level tokens only).
struct TokenJson<'a> {
    t: &'a TokenInspection,
    redacted: Option<&'a Redacted>,
}

impl Serialize for TokenJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let t = self.t;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("label", &t.label)?;
        map.serialize_entry("kind", &t.kind)?;
        map.serialize_entry("part_lengths", &t.part_lengths)?;
        map.serialize_entry("header", &t.header)?;
        map.serialize_entry("payload", &t.payload)?;
        map.serialize_entry("signature_length", &t.signature_len)?;
        map.serialize_entry("header_claims", &Rows(&t.header_rows))?;
        map.serialize_entry("claims", &Rows(&t.claim_rows))?;
        map.serialize_entry("warnings", &t.warnings)?;
        map.serialize_entry("nested", &Nested(&t.nested))?;
        if let Some(jwe) = &t.jwe {
            map.serialize_entry("jwe", jwe)?;
        }
        if let Some(inner) = &t.inner {
            let inner = TokenJson {
                t: inner,
                redacted: None,
            };
            map.serialize_entry("inner", &inner)?;
        }
        if let Some(ver) = &t.verification {
            map.serialize_entry("verification", ver)?;
        }
        if let Some(e) = &t.error {
            map.serialize_entry("error", e)?;
        }
        if let Some(r) = self.redacted {
            map.serialize_entry("redacted", &RedactedJson(r))?;
        }
        map.end()
    }
}

/// Tokens inside claims, each as JSON.
struct Nested<'a>(&'a [TokenInspection]);

impl Serialize for Nested<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(|t| TokenJson { t, redacted: None }))
    }
}

/// What the JSON shows of a redacted copy.
struct RedactedJson<'a>(&'a Redacted);

impl Serialize for RedactedJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("note", &r.note)?;
        map.serialize_entry("masked", &r.masked)?;
        map.serialize_entry("unknown_kept", &r.unknown_kept)?;
        map.serialize_entry("unsigned_token", &r.unsigned_token)?;
        map.end()
    }
}

/// Explained rows, each as [`row_json`].
struct Rows<'a>(&'a [ClaimRow]);

impl Serialize for Rows<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(RowJson))
    }
}

/// One explained row as JSON ([`row_json`]).
struct RowJson<'a>(&'a ClaimRow);

impl Serialize for RowJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", &r.name)?;
        map.serialize_entry("value", &r.value)?;
        map.serialize_entry("description", &r.description)?;
        if let Some(c) = &r.catalogue {
            map.serialize_entry("source", &c.source)?;
            map.serialize_entry("reference", &c.reference)?;
            map.serialize_entry("type", &c.value_type)?;
            map.serialize_entry("personal", &c.personal)?;
            if c.custom_attribute {
                map.serialize_entry("custom_attribute", &true)?;
            }
        }
        if let Some(t) = &r.time {
            map.serialize_entry("time", t)?;
            map.serialize_entry("local_time", &r.local_time)?;
            map.serialize_entry("relative", &r.relative)?;
        }
        if let Some(f) = &r.flag {
            map.serialize_entry("flag", f)?;
        }
        map.end()
    }
}

/// One explained row as JSON: `name`, `value`, `description`, the catalogue's `source`,
/// `reference`, `type` and `personal`, and for NumericDate claims `time` (RFC 3339 UTC),
/// `local_time` and `relative`, plus `flag` when set.
pub fn row_json(r: &ClaimRow) -> Value {
    serde_json::to_value(RowJson(r)).unwrap_or(Value::Null)
}

/// One token as JSON.
pub fn token_json(t: &TokenInspection) -> Value {
    serde_json::to_value(TokenJson { t, redacted: None }).unwrap_or(Value::Null)
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

#[cfg(test)]
mod tests {
    use super::JsonText;

    /// Strings copied without escaping and strings escaped are written as serde_json writes
    /// them.
    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        for s in [
            "",
            "plain text, §5.1 — ünïcödé ✓",
            "quote \" inside",
            "back\\slash",
            "line\nbreak\tand\r\u{0}\u{1f}",
            "\u{7f} DEL and \u{2028} separator",
            "eight bytes then \"",
            "12345678\\",
            "1234567\u{1}",
            "a longer line of text with no escape at all, past several words",
            "a longer line of text with a control character\u{1b} in its second word",
        ] {
            let mut w = JsonText(Vec::new());
            w.string(s).unwrap();
            assert_eq!(
                String::from_utf8(w.0).unwrap(),
                serde_json::to_string(s).unwrap(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn values_are_written_as_serde_json_writes_them() {
        let value = serde_json::json!({"z": [1, -2.5, 1e300, true, null, "a\"b", [], {}],
            "a\nkey": {"nested": {"deeper": ["x", {"k": "v\\"}]}}, "": 18446744073709551615u64});
        let mut w = JsonText(Vec::new());
        w.json(&value).unwrap();
        assert_eq!(
            String::from_utf8(w.0).unwrap(),
            serde_json::to_string(&value).unwrap()
        );
    }
}
