//! Exports of an inspection: JSON for scripts (the `tokenscope decode --json` contract) and
//! Markdown for tickets and wikis. Both hold the decoded token and its explanation, not the
//! encoded token itself (claim values that are tokens, like `idp_access_token`, are claim values
//! and stay unless redacted); with `redact`, personal claims are masked ([`super::redact`]) and
//! tokens inside claims too. Values from the
//! token are untrusted: in Markdown they go into code spans and table cells with escaping, so a
//! claim cannot add links, HTML or table columns to the document.

use super::redact::{redact_inspection, redact_token, Redacted};
use super::{Inspection, TokenInspection};
use crate::inspect::explain::ClaimRow;
use crate::jose::jwt::TokenKind;
use serde::ser::{Serialize, SerializeMap, Serializer};
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
    let mut text = Vec::new();
    // Cannot fail: the text is written to memory, and it is JSON.
    write_json(&mut text, inspection, redact)
        .and_then(|()| serde_json::from_slice(&text))
        .unwrap_or(Value::Null)
}

/// Writes the JSON export ([`json`]) to `out`, straight from the inspection (no `Value`
/// tree): the one definition of the document. The primary token's `header`, `payload` and
/// `claims`, which the top level repeats, are serialised once and their text written twice;
/// strings that need no escaping (the catalogue's text, nearly every claim name and value) are
/// copied as they are.
pub fn write_json<W: std::io::Write>(
    out: W,
    inspection: &Inspection,
    redact: bool,
) -> serde_json::Result<()> {
    let shown: Cow<'_, Inspection> = if redact {
        Cow::Owned(redact_inspection(inspection))
    } else {
        Cow::Borrowed(inspection)
    };
    // Per token (in order), its redacted copy when `redact` and it has claims.
    let redactions: Vec<Option<Redacted>> = if redact {
        inspection
            .tokens
            .iter()
            .map(|original| {
                (original.error.is_none() && !original.effective().payload.is_empty())
                    .then(|| redact_token(original))
            })
            .collect()
    } else {
        Vec::new()
    };
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
        let redacted = redactions.get(i).and_then(Option::as_ref);
        let repeated = repeated.as_ref().filter(|_| primary == Some(i));
        w.token(t, redacted, repeated)?;
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
    w.value(&redact)?;
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

    /// Explained rows.
    fn rows(&mut self, rows: &[ClaimRow]) -> serde_json::Result<()> {
        self.raw(b"[")?;
        for (i, r) in rows.iter().enumerate() {
            if i > 0 {
                self.raw(b",")?;
            }
            self.row(r)?;
        }
        self.raw(b"]")
    }

    /// One explained row ([`row_json`]).
    fn row(&mut self, r: &ClaimRow) -> serde_json::Result<()> {
        self.raw(b"{\"name\":")?;
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
        self.raw(b"}")
    }

    /// One token ([`token_json`]), with its redacted copy (top-level tokens only); `repeated`
    /// when the text of its `header`, `payload` and `claims` was written already for the top
    /// level (otherwise it is written here, the same way).
    fn token(
        &mut self,
        t: &TokenInspection,
        redacted: Option<&Redacted>,
        repeated: Option<&Repeated>,
    ) -> serde_json::Result<()> {
        let own;
        let r = match repeated {
            Some(r) => r,
            None => {
                own = Repeated::of(t)?;
                &own
            }
        };
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
        self.raw(b"[")?;
        for (i, n) in t.nested.iter().enumerate() {
            if i > 0 {
                self.raw(b",")?;
            }
            self.token(n, None, None)?;
        }
        self.raw(b"]")?;
        if let Some(jwe) = &t.jwe {
            self.raw(key!("jwe"))?;
            self.value(jwe)?;
        }
        if let Some(inner) = &t.inner {
            self.raw(key!("inner"))?;
            self.token(inner, None, None)?;
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

/// One explained row as JSON: `name`, `value`, `description`, the catalogue's `source`,
/// `reference`, `type` and `personal`, and for NumericDate claims `time` (RFC 3339 UTC),
/// `local_time` and `relative`, plus `flag` when set.
pub fn row_json(r: &ClaimRow) -> Value {
    parsed(|w| w.row(r))
}

/// One token as JSON.
pub fn token_json(t: &TokenInspection) -> Value {
    parsed(|w| w.token(t, None, None))
}

/// What `write` writes, as a `Value`.
fn parsed(write: impl FnOnce(&mut JsonText<&mut Vec<u8>>) -> serde_json::Result<()>) -> Value {
    let mut text = Vec::new();
    // Cannot fail: the text is written to memory, and it is JSON.
    write(&mut JsonText(&mut text))
        .and_then(|()| serde_json::from_slice(&text))
        .unwrap_or(Value::Null)
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
