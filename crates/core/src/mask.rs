//! The one masking rule: what a request sent that must never be shown again (its secrets, as
//! sent, encoded, in base64, in runs of [`SCRUB_RUN`] characters: [`Scrubber`]) and the names
//! that say a value is secret (form fields, JSON members, query parameters and headers:
//! [`crate::secret::is_secret_name`], `Authorization`, cookies). Errors, the exchange log and
//! the API call's echo of the request all mask through here.

use crate::error::Error;
use crate::secret::is_secret_name;
use base64::Engine as _;

/// Shortest run of a secret's characters that is scrubbed wherever it appears (a provider
/// echoing part of a secret still leaks it).
pub const SCRUB_RUN: usize = 8;

/// Masks secrets a request sent wherever a provider's answer or an error repeats them: as
/// sent, form-encoded, percent-encoded, base64 (the `Authorization: Basic` form), and any run
/// of [`SCRUB_RUN`] or more characters of any of those.
#[derive(Clone, Default)]
pub struct Scrubber {
    /// Each form of each secret, as characters.
    forms: Vec<Vec<char>>,
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scrubber")
            .field("forms", &self.forms.len())
            .finish()
    }
}

/// What replaces a scrubbed secret.
pub const SCRUBBED: &str = "[redacted]";

impl Scrubber {
    /// A scrubber for these secrets (empty ones are ignored).
    pub fn new(secrets: &[&str]) -> Self {
        use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
        let mut forms: Vec<String> = Vec::new();
        for secret in secrets.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
            let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            let percent = form.replace('+', "%20");
            let b64 = [
                STANDARD.encode(secret),
                STANDARD_NO_PAD.encode(secret),
                URL_SAFE_NO_PAD.encode(secret),
            ];
            forms.extend([secret.to_owned(), form, percent]);
            forms.extend(b64);
        }
        forms.sort();
        forms.dedup();
        Self {
            forms: forms.into_iter().map(|f| f.chars().collect()).collect(),
        }
    }

    /// True when there is nothing to scrub.
    pub fn is_empty(&self) -> bool {
        self.forms.is_empty()
    }

    /// `text` with every form of every secret, and every run of [`SCRUB_RUN`]+ characters of
    /// one, replaced by [`SCRUBBED`].
    pub fn text(&self, text: &str) -> String {
        if self.forms.is_empty() || text.is_empty() {
            return text.to_owned();
        }
        let chars: Vec<char> = text.chars().collect();
        let mut hidden = vec![false; chars.len()];
        for form in &self.forms {
            // Short secrets: only the whole secret.
            let run = if form.len() < SCRUB_RUN {
                form.len()
            } else {
                SCRUB_RUN
            };
            let grams: std::collections::HashSet<&[char]> = form.windows(run).collect();
            for (i, window) in chars.windows(run).enumerate() {
                if grams.contains(window) {
                    hidden[i..i + run].iter_mut().for_each(|h| *h = true);
                }
            }
        }
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < chars.len() {
            if hidden[i] {
                out.push_str(SCRUBBED);
                while i < chars.len() && hidden[i] {
                    i += 1;
                }
            } else {
                out.push(chars[i]);
                i += 1;
            }
        }
        out
    }

    /// The error with every secret scrubbed from the text it carries.
    pub fn error(&self, error: Error) -> Error {
        if self.is_empty() {
            return error;
        }
        let t = |s: String| self.text(&s);
        let o = |s: Option<String>| s.map(|s| self.text(&s));
        match error {
            Error::HttpStatus {
                url,
                status,
                hint,
                body,
            } => Error::HttpStatus {
                url,
                status,
                hint: t(hint),
                body: t(body),
            },
            Error::InvalidResponse { url, message, body } => Error::InvalidResponse {
                url,
                message: t(message),
                body: t(body),
            },
            Error::Network { url, message } => Error::Network {
                url,
                message: t(message),
            },
            Error::Timeout(message) => Error::Timeout(t(message)),
            Error::SignInRequired(message) => Error::SignInRequired(t(message)),
            Error::Metadata(message) => Error::Metadata(t(message)),
            Error::Provider(mut p) => {
                p.error = t(std::mem::take(&mut p.error));
                p.description = o(p.description.take());
                p.message = o(p.message.take());
                p.uri = o(p.uri.take());
                p.code = o(p.code.take());
                p.correlation_id = o(p.correlation_id.take());
                p.timestamp = o(p.timestamp.take());
                Error::Provider(p)
            }
            other => other,
        }
    }
}

/// A header's value for display: the credentials of `Authorization` (the scheme stays),
/// cookies and headers whose names say secret replaced by [`SCRUBBED`]; any other value with
/// `scrubber`'s secrets masked.
pub fn header(name: &str, value: &str, scrubber: &Scrubber) -> String {
    let n = name.to_ascii_lowercase();
    if n == "authorization" || n == "proxy-authorization" {
        return match value.trim().split_once(' ') {
            Some((scheme, _)) => format!("{scheme} {SCRUBBED}"),
            None => SCRUBBED.to_owned(),
        };
    }
    if n == "cookie" || n == "set-cookie" || is_secret_name(&n) {
        return SCRUBBED.to_owned();
    }
    if n == "dpop" {
        return dpop_proof(value);
    }
    scrubber.text(value)
}

/// A DPoP proof (RFC 9449) for display: its header and claims as sent (base64url: the public
/// key, `htm`, `htu`, `iat`, `jti`, `ath`, `nonce`, what one needs to see why a server refused
/// it) and its signature replaced by [`SCRUBBED`]. The signature is what would let someone
/// who reads a log replay the proof with a stolen token within its `iat` window, and it says
/// nothing to a reader: so it goes, like the credentials of `Authorization`. Anything that is
/// not a three-part JWT with JSON header and claims is [`SCRUBBED`] whole.
///
/// The request's [`Scrubber`] is not run over it: a proof carries no secret (a public key, the
/// URL without its query, times, a random `jti`, the token's hash, the server's nonce), and its
/// base64url shares runs of [`SCRUB_RUN`] characters with the access token's own base64url
/// header and claims (the same JSON members, the same host), which would cut it to pieces.
pub fn dpop_proof(value: &str) -> String {
    let parts: Vec<&str> = value.trim().split('.').collect();
    match parts[..] {
        [h, p, _] if decode_part(h).is_some() && decode_part(p).is_some() => {
            format!("{h}.{p}.{SCRUBBED}")
        }
        _ => SCRUBBED.to_owned(),
    }
}

/// A logged DPoP proof ([`dpop_proof`]) decoded for a reader: `header {…} claims {…}`.
pub fn dpop_decoded(shown: &str) -> Option<String> {
    let mut parts = shown.split('.');
    let header = decode_part(parts.next()?)?;
    let claims = decode_part(parts.next()?)?;
    Some(format!("header {header} claims {claims}"))
}

fn decode_part(part: &str) -> Option<serde_json::Value> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .filter(serde_json::Value::is_object)
}

/// `name=value&…` with the value of every secret name replaced by [`SCRUBBED`] (the names and
/// the other values stay as written), then `scrubber`'s secrets masked.
pub fn pairs(text: &str, scrubber: &Scrubber) -> String {
    let masked: Vec<String> = text
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) => {
                let decoded: String = url::form_urlencoded::parse(name.as_bytes())
                    .map(|(k, _)| k.into_owned())
                    .next()
                    .unwrap_or_default();
                if is_secret_name(&decoded) && !value.is_empty() {
                    format!("{name}={SCRUBBED}")
                } else {
                    pair.to_owned()
                }
            }
            None => pair.to_owned(),
        })
        .collect();
    scrubber.text(&masked.join("&"))
}

/// A URL for display: secret query and fragment parameters (`access_token`, `code`…) masked,
/// then `scrubber`'s secrets.
pub fn url(url: &str, scrubber: &Scrubber) -> String {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    let mut out = match rest.split_once('?') {
        Some((base, query)) => format!("{base}?{}", pairs(query, &Scrubber::default())),
        None => rest.to_owned(),
    };
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(&pairs(f, &Scrubber::default()));
    }
    scrubber.text(&out)
}

/// A JSON value with every string (or other) member whose name says secret replaced by
/// [`SCRUBBED`], at any depth.
pub fn json(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (name, member) in map.iter_mut() {
                if is_secret_name(name) && !member.is_null() {
                    *member = serde_json::Value::String(SCRUBBED.to_owned());
                } else {
                    json(member);
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(json),
        _ => {}
    }
}

/// A body for display: JSON with its secret members masked, a form with its secret fields
/// masked, any text with `scrubber`'s secrets masked.
pub fn body(text: &str, content_type: Option<&str>, scrubber: &Scrubber) -> String {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Ok(mut value) = serde_json::from_str::<serde_json::Value>(text) {
            json(&mut value);
            return scrubber.text(&value.to_string());
        }
    }
    let form = content_type
        .is_some_and(|c| c.to_ascii_lowercase().contains("x-www-form-urlencoded"))
        || (!text.is_empty()
            && text.contains('=')
            && !text
                .chars()
                .any(|c| c.is_whitespace() || c == '<' || c == '{'));
    if form {
        return pairs(text, scrubber);
    }
    scrubber.text(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_a_token_a_code_a_verifier_a_client_secret_and_a_basic_header() {
        let (token, code, verifier, secret) = (
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
            "code-7c1f0e2d9b8a",
            "v3rifier_0123456789abcdefghijklmnopqrstuvwxyzAB",
            "Zq8-client+secret/4f2b9c71",
        );
        let basic = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!("app:{secret}"),
        );
        // Fields by name, even when the scrubber knows nothing.
        let none = Scrubber::default();
        let form = format!(
            "grant_type=authorization_code&code={code}&code_verifier={verifier}&client_secret={}&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb",
            url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>()
        );
        let shown = body(&form, Some("application/x-www-form-urlencoded"), &none);
        let answer = format!(
            r#"{{"access_token":"{token}","id_token":"{token}","refresh_token":"rt-{verifier}","token_type":"Bearer","expires_in":3600,"refresh_token_expires_in":1209600}}"#
        );
        let shown_answer = body(&answer, None, &none);
        let headers = [
            header("Authorization", &format!("Bearer {token}"), &none),
            header("authorization", &format!("Basic {basic}"), &none),
            header("Cookie", "x-ms-cpim-sso=abc", &none),
            header("set-cookie", "session=abc; HttpOnly", &none),
        ];
        let link = url(
            &format!(
                "https://p.example/cb?state=s1&code={code}#access_token={token}&token_type=bearer"
            ),
            &none,
        );
        let all = format!("{shown}\n{shown_answer}\n{headers:?}\n{link}");
        for leak in [
            token,
            code,
            verifier,
            secret,
            basic.as_str(),
            "x-ms-cpim-sso",
            "session=abc",
        ] {
            assert!(!all.contains(leak), "{leak} shown: {all}");
        }
        // What is not secret stays readable.
        for kept in [
            "grant_type=authorization_code",
            "redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb",
            r#""token_type":"Bearer""#,
            r#""expires_in":3600"#,
            r#""refresh_token_expires_in":1209600"#,
            "Bearer [redacted]",
            "Basic [redacted]",
            "state=s1",
            "token_type=bearer",
        ] {
            assert!(all.contains(kept), "{kept} lost: {all}");
        }
        // The scrubber catches what a name does not: an API echoing the token it was sent.
        let sent = Scrubber::new(&[token]);
        let echo = body(&format!("you sent {token}"), Some("text/plain"), &sent);
        assert_eq!(echo, format!("you sent {SCRUBBED}"));
        assert_eq!(
            header("x-echo", &token[3..30], &sent),
            SCRUBBED,
            "a run of the token"
        );
    }

    #[test]
    fn a_dpop_proof_shows_its_header_and_claims_never_its_signature() {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let h = URL_SAFE_NO_PAD.encode(r#"{"typ":"dpop+jwt","alg":"ES256"}"#);
        let p = URL_SAFE_NO_PAD.encode(r#"{"htm":"POST","nonce":"n-1"}"#);
        let proof = format!("{h}.{p}.c2lnbmF0dXJlLW9mLXRoZS1wcm9vZg");
        // A token sent with it whose base64url shares runs with the proof's (the same JSON
        // members, the same host) does not cut the proof to pieces.
        let token = format!("{h}.eyJzdWIiOiIxIn0.c2ln");
        let shown = header("DPoP", &proof, &Scrubber::new(&[&token]));
        assert_eq!(shown, format!("{h}.{p}.{SCRUBBED}"));
        assert_eq!(
            dpop_decoded(&shown).as_deref(),
            Some(r#"header {"typ":"dpop+jwt","alg":"ES256"} claims {"htm":"POST","nonce":"n-1"}"#)
        );
        // Not a JWT: nothing of it is shown.
        for odd in ["opaque-value-1234", "a.b", "x.y.z", ""] {
            assert_eq!(header("dpop", odd, &Scrubber::default()), SCRUBBED, "{odd}");
        }
    }
}
