//! Decoding of compact JWTs as people paste them: JWS (3 parts), JWE (5 parts, header only),
//! opaque tokens. Strict: wrong part count, bad base64url, non-JSON, non-object payloads and
//! duplicate claim names give an error naming the part and position. Never panics.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;

/// Largest input decoded (64 KiB).
pub const MAX_INPUT: usize = 64 * 1024;

/// Which part of a token an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The whole input.
    Input,
    /// The JOSE header (first part).
    Header,
    /// The payload (second part).
    Payload,
    /// The signature (third part).
    Signature,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Input => "token",
            Part::Header => "header",
            Part::Payload => "payload",
            Part::Signature => "signature",
        })
    }
}

/// Why a token could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[error("{part}: {message}")]
pub struct DecodeError {
    /// The part at fault.
    pub part: Part,
    /// What is wrong, with the position where known.
    pub message: String,
}

impl DecodeError {
    /// An error about `part`.
    pub fn new(part: Part, message: impl Into<String>) -> Self {
        Self {
            part,
            message: message.into(),
        }
    }
}

/// What kind of token this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// A signed JWT (JWS compact, 3 parts).
    Jws,
    /// An unsigned JWT (`alg: none`).
    Unsigned,
    /// An encrypted JWT (JWE compact, 5 parts): only the header is readable.
    Jwe,
    /// Not a JWT: an opaque string (B2C refresh tokens, reference tokens).
    Opaque,
}

/// A decoded token. Holds no raw token text (so its `Debug` is safe to log).
#[derive(Debug, Clone, Serialize)]
pub struct Decoded {
    /// The kind.
    pub kind: TokenKind,
    /// The protected header (empty for opaque tokens).
    pub header: Map<String, Value>,
    /// The payload claims (empty for JWE and opaque tokens).
    pub payload: Map<String, Value>,
    /// Signature length in bytes (JWS).
    pub signature_len: usize,
    /// Length of each encoded part, for colouring by part.
    pub part_lengths: Vec<usize>,
}

impl Decoded {
    /// A string header parameter.
    pub fn header_str(&self, name: &str) -> Option<&str> {
        self.header.get(name).and_then(Value::as_str)
    }

    /// A string claim.
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.payload.get(name).and_then(Value::as_str)
    }
}

/// Refuses input over [`MAX_INPUT`] before anything looks at it.
pub fn check_size(input: &str) -> Result<(), DecodeError> {
    if input.len() > MAX_INPUT {
        return Err(DecodeError::new(
            Part::Input,
            format!(
                "the input is {} bytes; Tokenscope decodes at most {} KiB",
                input.len(),
                MAX_INPUT / 1024
            ),
        ));
    }
    Ok(())
}

/// `text` without any whitespace (`char::is_whitespace`). A token usually has none: then it is
/// copied as it is, not rebuilt a character at a time (a third of `tokenscope decode`'s time on
/// a 60 KiB token, scripts/bench.sh), after a check eight bytes at a time.
pub fn without_whitespace(text: &str) -> String {
    if printable_ascii(text.as_bytes()) {
        return text.to_owned();
    }
    let ascii_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
    if text.is_ascii() && !text.as_bytes().iter().any(ascii_space) {
        return text.to_owned();
    }
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether every byte is ASCII above the space (0x21..=0x7F): no whitespace of any kind. Eight
/// bytes at a time (SWAR): a byte from 0x80 has its high bit set; a byte below 0x21 borrows
/// when 0x21 is subtracted from it (exact as a yes/no for ASCII bytes).
fn printable_ascii(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut flags = 0u64;
    for chunk in &mut chunks {
        // An 8-byte chunk always converts; were it not to, 0 would send the text the slow way.
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        flags |= w | (w.wrapping_sub(ONES * 0x21) & !w);
    }
    flags & HIGH == 0 && chunks.remainder().iter().all(|b| (0x21..0x80).contains(b))
}

/// Cleans what a person pasted: trims, drops a `Bearer ` prefix, removes line breaks and other
/// whitespace that e-mails insert.
pub fn clean_input(input: &str) -> Result<String, DecodeError> {
    check_size(input)?;
    let trimmed = input.trim();
    let without_bearer = match trimmed.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("bearer ") => &trimmed[7..],
        _ => trimmed,
    };
    let cleaned = without_whitespace(without_bearer);
    if cleaned.is_empty() {
        return Err(DecodeError::new(
            Part::Input,
            "nothing to decode: the input is empty",
        ));
    }
    Ok(cleaned)
}

/// [`clean_input`] of a text the caller owns: given back as it is, not copied, when there is
/// nothing to clean (no whitespace, so no `Bearer ` prefix either).
pub fn clean_owned(input: String) -> Result<String, DecodeError> {
    if input.is_empty() || !printable_ascii(input.as_bytes()) {
        return clean_input(&input);
    }
    check_size(&input)?;
    Ok(input)
}

/// Decodes a compact token (after [`clean_input`]).
pub fn decode(input: &str) -> Result<Decoded, DecodeError> {
    decode_cleaned(&clean_input(input)?)
}

/// Decodes a token that already went through [`clean_input`] (the inspector cleans first, to
/// keep the cleaned text), without cleaning it again.
pub fn decode_cleaned(token: &str) -> Result<Decoded, DecodeError> {
    let decoded = decode_parts(token);
    // A JWS whose three parts all decoded holds only base64url characters, dots and trailing
    // `=`: the character check is needed only for the other outcomes, and it comes first, as
    // if it had been made before anything else.
    if let Ok(Decoded {
        kind: TokenKind::Jws | TokenKind::Unsigned,
        ..
    }) = decoded
    {
        return decoded;
    }
    match invalid_character(token) {
        Some(e) => Err(e),
        None => decoded,
    }
}

/// Whether a byte may be in a compact token (base64url, dots and padding).
fn token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'=')
}

/// The first character that is not allowed in a token, as an error.
fn invalid_character(token: &str) -> Option<DecodeError> {
    // Every byte before it is ASCII, so it starts a character.
    let i = token.bytes().position(|b| !token_byte(b))?;
    let c = token.get(i..).and_then(|rest| rest.chars().next())?;
    Some(DecodeError::new(
        Part::Input,
        format!(
            "character {:?} at position {} is not allowed in a token (base64url and dots only)",
            c,
            i + 1
        ),
    ))
}

/// [`decode_cleaned`] without the character check.
fn decode_parts(token: &str) -> Result<Decoded, DecodeError> {
    let parts: Vec<&str> = token.split('.').collect();
    match parts.len() {
        1 => Ok(Decoded {
            kind: TokenKind::Opaque,
            header: Map::new(),
            payload: Map::new(),
            signature_len: 0,
            part_lengths: vec![token.len()],
        }),
        3 => {
            let header = decode_object(parts[0], Part::Header)?;
            if !header.contains_key("alg") {
                return Err(DecodeError::new(
                    Part::Header,
                    "no `alg` parameter: not a JWS header",
                ));
            }
            let payload = decode_object(parts[1], Part::Payload)?;
            let signature = b64(parts[2], Part::Signature)?;
            let unsigned = header.get("alg").and_then(Value::as_str) == Some("none");
            Ok(Decoded {
                kind: if unsigned {
                    TokenKind::Unsigned
                } else {
                    TokenKind::Jws
                },
                header,
                payload,
                signature_len: signature.len(),
                part_lengths: parts.iter().map(|p| p.len()).collect(),
            })
        }
        5 => {
            let header = decode_object(parts[0], Part::Header)?;
            if !header.contains_key("enc") {
                return Err(DecodeError::new(
                    Part::Header,
                    "5 parts but no `enc` parameter: not a JWE header",
                ));
            }
            Ok(Decoded {
                kind: TokenKind::Jwe,
                header,
                payload: Map::new(),
                signature_len: 0,
                part_lengths: parts.iter().map(|p| p.len()).collect(),
            })
        }
        n => Err(DecodeError::new(
            Part::Input,
            format!(
                "{n} dot-separated parts; a signed JWT has 3 (header.payload.signature) and an \
                 encrypted one 5"
            ),
        )),
    }
}

/// base64url (padding tolerated) → bytes, with the position of the first bad character.
pub fn b64(part: &str, which: Part) -> Result<Vec<u8>, DecodeError> {
    let unpadded = part.trim_end_matches('=');
    // What decodes holds only base64url characters: they are looked at one by one only to say
    // where the first bad one is.
    URL_SAFE_NO_PAD.decode(unpadded).map_err(|e| {
        match unpadded
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        {
            Some(i) => DecodeError::new(
                which,
                format!("invalid base64url character at position {}", i + 1),
            ),
            None => DecodeError::new(which, format!("invalid base64url: {e}")),
        }
    })
}

fn decode_object(part: &str, which: Part) -> Result<Map<String, Value>, DecodeError> {
    if part.is_empty() {
        return Err(DecodeError::new(which, "empty"));
    }
    let bytes = b64(part, which)?;
    parse_object(&bytes).map_err(|m| DecodeError::new(which, m))
}

/// Parses a JSON object strictly: duplicate member names anywhere are an error.
pub fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| format!("not UTF-8 text (byte {})", e.valid_up_to() + 1))?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value = <StrictValue as serde::Deserialize>::deserialize(&mut de)
        .map_err(|e| format!("not valid JSON: {e}"))?
        .0;
    de.end().map_err(|e| format!("not valid JSON: {e}"))?;
    match value {
        Value::Object(map) => Ok(map),
        other => Err(format!(
            "JSON {} where an object was expected",
            match other {
                Value::Array(_) => "array",
                Value::String(_) => "string",
                Value::Number(_) => "number",
                Value::Bool(_) => "boolean",
                _ => "null",
            }
        )),
    }
}

/// A JSON value whose objects refuse duplicate member names.
struct StrictValue(Value);

impl<'de> serde::Deserialize<'de> for StrictValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(StrictValue(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let StrictValue(v) = map.next_value()?;
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!("duplicate member name `{key}`")));
            }
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

/// Encodes bytes as base64url without padding.
pub fn b64_encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests;
