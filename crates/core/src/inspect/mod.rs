//! The token inspector: everything a person pastes (a token, `Bearer …`, a redirect URL, a JSON
//! token response) turned into labelled, explained tokens. JWS header, claims and signature
//! length; JWE protected header, and its payload when the recipient's private key is given
//! (signed-then-encrypted tokens show the inner JWS); unsigned tokens with a warning; opaque
//! tokens recognised; claims whose values are JWTs decoded in place. Signature checks
//! ([`verify`]), diffs ([`diff`]), redacted copies ([`redact`]) and JSON/Markdown exports
//! ([`export`]) build on the [`Inspection`]. Used by `tokenscope decode`/`diff` and the desktop
//! app's token view. Never panics; the input is capped at 64 KiB before anything else.

pub mod diff;
pub mod explain;
pub mod export;
mod input;
pub mod jwe;
pub mod keys;
pub mod make;
pub mod migration;
pub mod redact;
pub mod request;
pub mod role;
mod text;
pub mod verify;

pub use input::{InputForm, Parameter};
pub use keys::DecryptionKeys;
pub use verify::{KeySource, Verification};

use crate::inspect::explain::ClaimRow;
use crate::jose::jwt::{self, DecodeError, Part, TokenKind};
use crate::oidc::provider_error::ProviderError;
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

/// How deep tokens inside tokens are decoded (claim values, decrypted JWEs).
pub const MAX_NESTING: usize = 3;

/// What the inspector needs besides the input.
#[derive(Debug, Clone)]
pub struct InspectOptions {
    /// The clock for "expires in" and the time flags.
    pub now: DateTime<Utc>,
    /// Private keys to decrypt JWEs with, when the user gave some.
    pub decryption_keys: Option<DecryptionKeys>,
}

impl InspectOptions {
    /// Options at `now`, without decryption keys.
    pub fn at(now: DateTime<Utc>) -> Self {
        Self {
            now,
            decryption_keys: None,
        }
    }
}

/// Everything found in one input, labelled.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Inspection {
    /// The shape of the input.
    pub form: InputForm,
    /// Every token found, in the order `id_token`, `access_token`, `refresh_token` (a bare
    /// token is labelled `token`).
    pub tokens: Vec<TokenInspection>,
    /// An authorization code found in a redirect URL (not a token; its value is not kept).
    pub authorization_code: Option<AuthorizationCode>,
    /// The error the provider sent (redirect URL or token response), with B2C's details.
    pub provider_error: Option<ProviderError>,
    /// Other parameters next to the tokens (`state`, `token_type`, `expires_in`, `scope`...).
    pub parameters: Vec<Parameter>,
}

impl Inspection {
    /// The token a single-token view shows: the first that decoded, else the first.
    pub fn primary(&self) -> Option<&TokenInspection> {
        self.tokens
            .iter()
            .find(|t| t.error.is_none())
            .or(self.tokens.first())
    }

    /// The first token that did not decode, with its error.
    pub fn first_error(&self) -> Option<(&str, &DecodeError)> {
        self.tokens
            .iter()
            .find_map(|t| t.error.as_ref().map(|e| (t.label.as_str(), e)))
    }
}

/// An authorization code found in a redirect URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuthorizationCode {
    /// Its length in characters (the value itself is not kept).
    pub length: usize,
    /// Why it is not a token and what to do with it.
    pub explanation: String,
}

/// What a JWE's protected header says and whether it was decrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct JweInfo {
    /// Key management algorithm (`RSA-OAEP`, ...).
    pub alg: Option<String>,
    /// Content encryption (`A128CBC-HS256`, ...).
    pub enc: Option<String>,
    /// The recipient key's ID.
    pub kid: Option<String>,
    /// Content type: `JWT` for a signed-then-encrypted (nested) token.
    pub cty: Option<String>,
    /// Compression (`DEF`).
    pub zip: Option<String>,
    /// Whether the payload was decrypted.
    pub decrypted: bool,
    /// In words: encrypted and why it stays so, or which key decrypted it.
    pub note: String,
}

/// One token, decoded and explained.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TokenInspection {
    /// Where it was found: `token`, `id_token`, `access_token`, `refresh_token`, `decrypted`
    /// (inside a JWE) or the claim that holds it.
    pub label: String,
    /// The encoded token without whitespace (for signature checks; never serialized).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub encoded: Secret,
    /// JWS, unsigned, JWE or opaque; `None` when it does not decode.
    pub kind: Option<TokenKind>,
    /// Length of each encoded part, for colouring by part.
    pub part_lengths: Vec<usize>,
    /// The (protected) header.
    pub header: Map<String, Value>,
    /// The claims (empty for opaque tokens and JWEs that stay encrypted).
    pub payload: Map<String, Value>,
    /// Header parameters explained.
    pub header_rows: Vec<ClaimRow>,
    /// Claims explained, in token order.
    pub claim_rows: Vec<ClaimRow>,
    /// Signature length in bytes (JWS).
    pub signature_len: usize,
    /// Things worth a second look, in words.
    pub warnings: Vec<String>,
    /// For JWEs: the protected header's algorithms and whether it was decrypted.
    pub jwe: Option<JweInfo>,
    /// The token inside a decrypted JWE (signed-then-encrypted, `cty: JWT`).
    pub inner: Option<Box<TokenInspection>>,
    /// Claims whose values are JWTs themselves (B2C `idp_access_token`), decoded in place;
    /// each is labelled with its claim name.
    pub nested: Vec<TokenInspection>,
    /// The signature and time checks, when asked for ([`verify`]).
    pub verification: Option<Verification>,
    /// The host verifying with the issuer's published keys would fetch from (the metadata of
    /// the token's `iss`), so the user sees where before anything is fetched; set by
    /// [`verify::note_discovery_hosts`] (every [`request::InspectRequest`]), else `None`.
    pub discovery_host: Option<String>,
    /// Why it does not decode.
    pub error: Option<DecodeError>,
    /// For a token whose label names no role (`token`, `token 2`): the role its claims show
    /// (`scp`/`roles`: an access token; `nonce`/`at_hash`/`aud`: an ID token).
    pub role: Option<role::RoleGuess>,
}

impl TokenInspection {
    /// A token not decoded (yet): `part_lengths` from the text.
    fn empty(label: &str, encoded: String) -> Self {
        let part_lengths = encoded.split('.').map(str::len).collect();
        Self::undecoded(label, encoded, part_lengths)
    }

    fn undecoded(label: &str, encoded: String, part_lengths: Vec<usize>) -> Self {
        Self {
            label: label.to_owned(),
            part_lengths,
            encoded: Secret::new(encoded),
            kind: None,
            header: Map::new(),
            payload: Map::new(),
            header_rows: Vec::new(),
            claim_rows: Vec::new(),
            signature_len: 0,
            warnings: Vec::new(),
            jwe: None,
            inner: None,
            nested: Vec::new(),
            verification: None,
            discovery_host: None,
            error: None,
            role: None,
        }
    }

    /// The token whose claims matter: the decrypted inner token of a JWE, else this one.
    pub fn effective(&self) -> &TokenInspection {
        match &self.inner {
            Some(inner) => inner.effective(),
            None => self,
        }
    }

    /// A string claim.
    pub fn claim_str(&self, name: &str) -> Option<&str> {
        self.payload.get(name).and_then(Value::as_str)
    }
}

/// Inspects what a person pasted. Fails only when the input as a whole is unusable (too large,
/// empty, a URL or JSON without tokens) or when it is a single token that does not decode; a
/// token among several that does not decode carries its own `error`.
pub fn inspect(input: &str, options: &InspectOptions) -> Result<Inspection, DecodeError> {
    let pasted = input::parse(input)?;
    let single = matches!(pasted.form, InputForm::Token | InputForm::Bearer);
    let tokens: Vec<TokenInspection> = pasted
        .tokens
        .into_iter()
        .map(|(label, text)| token_owned(&label, text, options, 0))
        .collect();
    if single {
        if let Some(e) = tokens.first().and_then(|t| t.error.clone()) {
            return Err(e);
        }
    }
    Ok(Inspection {
        form: pasted.form,
        tokens,
        authorization_code: pasted.code.map(|code| AuthorizationCode {
            length: code.chars().count(),
            explanation: CODE_EXPLANATION.to_owned(),
        }),
        provider_error: pasted.error,
        parameters: pasted.parameters,
    })
}

/// Why a code is not a token.
pub const CODE_EXPLANATION: &str = "an authorization code is not a token: it carries no claims \
    and means nothing on its own. The app that asked for it redeems it once, within minutes, at \
    the token endpoint with its PKCE code_verifier. Sign in with a profile (tokenscope signin, \
    or Sign in in the app) to run the whole flow and see the tokens.";

/// Inspects one token (no URL or JSON forms): `label` names where it came from.
pub fn inspect_token(label: &str, text: &str, options: &InspectOptions) -> TokenInspection {
    token(label, text, options, 0)
}

fn token(label: &str, text: &str, options: &InspectOptions, depth: usize) -> TokenInspection {
    token_cleaned(label, jwt::clean_input(text), options, depth)
}

/// [`token`] of a text that is moved in: a clean token is kept as it is, not copied.
fn token_owned(
    label: &str,
    text: String,
    options: &InspectOptions,
    depth: usize,
) -> TokenInspection {
    token_cleaned(label, jwt::clean_owned(text), options, depth)
}

fn token_cleaned(
    label: &str,
    cleaned: Result<String, DecodeError>,
    options: &InspectOptions,
    depth: usize,
) -> TokenInspection {
    let cleaned = match cleaned {
        Ok(c) => c,
        Err(e) => {
            let mut out = TokenInspection::empty(label, String::new());
            out.error = Some(e);
            return out;
        }
    };
    // The cleaned text is kept (moved, not copied) as the encoded token.
    let (mut out, decoded) = match jwt::decode_cleaned(&cleaned) {
        Ok(mut d) => {
            let part_lengths = std::mem::take(&mut d.part_lengths);
            (TokenInspection::undecoded(label, cleaned, part_lengths), d)
        }
        Err(e) => {
            let mut out = TokenInspection::empty(label, cleaned);
            let cleaned = out.encoded.expose();
            if let Some(header) = b2c_refresh_header(cleaned) {
                out.kind = Some(TokenKind::Opaque);
                out.header_rows = explain::header(&header, options.now);
                out.header = header;
                out.warnings.push(
                    "an Azure AD B2C refresh token: encrypted by B2C for itself, so only B2C can \
                     read it; clients keep it and send it back, nothing more"
                        .to_owned(),
                );
            } else if label == "refresh_token" {
                out.kind = Some(TokenKind::Opaque);
                out.warnings.push(opaque_note(label));
            } else {
                out.error = Some(e);
            }
            return out;
        }
    };
    out.kind = Some(decoded.kind);
    out.signature_len = decoded.signature_len;
    out.header_rows = explain::header(&decoded.header, options.now);
    out.header = decoded.header;
    match decoded.kind {
        TokenKind::Opaque => {
            out.warnings.push(opaque_note(label));
            return out;
        }
        TokenKind::Unsigned => out.warnings.push(
            "unsigned (alg none): anyone could have written this token; never trust its claims"
                .to_owned(),
        ),
        TokenKind::Jwe => {
            let encoded = std::mem::take(&mut out.encoded);
            decrypt(&mut out, encoded.expose(), options, depth);
            out.encoded = encoded;
        }
        TokenKind::Jws => {}
    }
    header_warnings(&mut out);
    if decoded.kind != TokenKind::Jwe {
        set_payload(&mut out, decoded.payload, options, depth);
    }
    out
}

fn opaque_note(label: &str) -> String {
    if label == "refresh_token" {
        "a refresh token: opaque to clients (not a JWT), so there is nothing to decode; only its \
         issuer can read it"
            .to_owned()
    } else {
        "opaque: not a JWT, so there is nothing to decode; only its issuer can read it (a \
         reference token or a refresh token)"
            .to_owned()
    }
}

/// B2C refresh tokens look like a JWE without `enc`: `{"kid":"cpimcore_…","ver":"1.0",
/// "zip":"Deflate","ser":"1.0"}` and four more parts.
fn b2c_refresh_header(token: &str) -> Option<Map<String, Value>> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 5 {
        return None;
    }
    let bytes = jwt::b64(parts[0], Part::Header).ok()?;
    let header = jwt::parse_object(&bytes).ok()?;
    let b2c = !header.contains_key("enc")
        && !header.contains_key("alg")
        && (header.contains_key("ser")
            || header
                .get("kid")
                .and_then(Value::as_str)
                .is_some_and(|k| k.starts_with("cpimcore")));
    b2c.then_some(header)
}

fn header_warnings(out: &mut TokenInspection) {
    if let Some(why) = crate::jose::crit::refusal(&out.header) {
        out.warnings.push(why);
    }
    let brought: Vec<&str> = ["jku", "x5u", "jwk", "x5c"]
        .into_iter()
        .filter(|p| out.header.contains_key(*p))
        .collect();
    if !brought.is_empty() {
        out.warnings.push(format!(
            "the header carries its own key or key location ({}): a verifier must never trust \
             keys that come with the token; Tokenscope does not use them",
            brought.join(", ")
        ));
    }
}

fn set_payload(
    out: &mut TokenInspection,
    payload: Map<String, Value>,
    options: &InspectOptions,
    depth: usize,
) {
    out.claim_rows = explain::claims(&payload, options.now);
    for row in &out.claim_rows {
        if let (Some(flag), Some(rel)) = (&row.flag, &row.relative) {
            out.warnings.push(format!("{}: {flag} ({rel})", row.name));
        }
    }
    if depth < MAX_NESTING {
        for (name, value) in &payload {
            if let Some(text) = value.as_str().filter(|s| looks_like_jwt(s)) {
                let nested = token(name, text, options, depth + 1);
                if nested.error.is_none() {
                    out.nested.push(nested);
                }
            }
        }
    }
    if role::unnamed(&out.label) {
        out.role = role::guess(&payload);
    }
    out.payload = payload;
}

/// `eyJ…` with 3 or 5 base64url parts.
fn looks_like_jwt(s: &str) -> bool {
    let dots = s.bytes().filter(|b| *b == b'.').count();
    s.starts_with("eyJ")
        && (dots == 2 || dots == 4)
        && s.len() <= jwt::MAX_INPUT
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

// Not inlined: the JWE code (RSA, AES, inflate) would otherwise put its large locals in the
// frame of every token's inspection, JWS or not.
#[inline(never)]
fn decrypt(out: &mut TokenInspection, cleaned: &str, options: &InspectOptions, depth: usize) {
    let h = |name: &str| {
        out.header
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let mut info = JweInfo {
        alg: h("alg"),
        enc: h("enc"),
        kid: h("kid"),
        cty: h("cty"),
        zip: h("zip"),
        decrypted: false,
        note: "encrypted: the payload needs the recipient's key (its private key, as a JWK or \
               PEM, decrypts it here, offline)"
            .to_owned(),
    };
    let Some(keys) = &options.decryption_keys else {
        out.warnings.push(info.note.clone());
        out.jwe = Some(info);
        return;
    };
    match jwe::decrypt(cleaned, &out.header, keys) {
        Err(why) => {
            info.note = format!("encrypted, and not decrypted: {why}");
            out.warnings.push(info.note.clone());
        }
        Ok(done) => {
            info.decrypted = true;
            let nested_jwt = info
                .cty
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case("JWT"));
            let text = String::from_utf8(done.plaintext).ok();
            let looks_jwt = text.as_deref().is_some_and(|t| looks_like_jwt(t.trim()));
            if nested_jwt || looks_jwt {
                info.note = format!(
                    "decrypted with the {}; inside is a token (cty {}), shown as `decrypted`",
                    done.key,
                    info.cty.as_deref().unwrap_or("not set")
                );
                if depth < MAX_NESTING {
                    let inner = token(
                        "decrypted",
                        text.as_deref().unwrap_or(""),
                        options,
                        depth + 1,
                    );
                    out.inner = Some(Box::new(inner));
                }
            } else {
                match text
                    .as_deref()
                    .ok_or_else(|| "not UTF-8 text".to_owned())
                    .and_then(|t| jwt::parse_object(t.as_bytes()))
                {
                    Ok(payload) => {
                        info.note = format!("decrypted with the {}", done.key);
                        set_payload(out, payload, options, depth);
                    }
                    Err(why) => {
                        info.note = format!(
                            "decrypted with the {}, but the plaintext is neither a token nor a \
                             claims object: {why}",
                            done.key
                        );
                        out.warnings.push(info.note.clone());
                    }
                }
            }
        }
    }
    out.jwe = Some(info);
}

#[cfg(test)]
mod tests;
