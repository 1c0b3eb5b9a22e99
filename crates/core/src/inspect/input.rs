//! What a person pastes, taken apart before any decoding: a bare token, `Bearer <token>` (or a
//! whole `Authorization:` header line), a redirect URL with tokens, a code or an error in its
//! fragment or query (or just the `#…` / `?…` part, or a form_post body), or a JSON token
//! response. Line breaks and spaces that e-mails insert are dropped. Text that is none of these
//! (a sentence, an e-mail, log lines) is searched for tokens (`text.rs`). Over 64 KiB is refused
//! before anything else happens.

use crate::jose::jwt::{self, DecodeError, Part};
use crate::oidc::provider_error::{ErrorOrigin, ProviderError};
use serde::Serialize;
use serde_json::Value;
use url::Url;

/// The shape the input had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum InputForm {
    /// A bare token.
    Token,
    /// `Bearer <token>`, possibly a whole `Authorization:` header line.
    Bearer,
    /// A redirect URL (or its `#…` / `?…` part, or a form_post body).
    RedirectUrl,
    /// A JSON token endpoint response.
    TokenResponse,
    /// Text with tokens in it (a sentence, an e-mail, log lines): each one found is inspected.
    Text,
}

/// A parameter found next to the tokens (`state`, `token_type`, `expires_in`, `scope`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Parameter {
    /// Its name.
    pub name: String,
    /// Its value as sent (JSON text for non-string JSON values).
    pub value: String,
}

/// The input taken apart.
#[derive(Debug, Clone)]
pub(crate) struct Pasted {
    pub form: InputForm,
    /// (label, token text), in the order id_token, access_token, refresh_token.
    pub tokens: Vec<(String, String)>,
    pub code: Option<String>,
    pub error: Option<ProviderError>,
    pub parameters: Vec<Parameter>,
}

/// Names whose values are tokens, in the order they are shown.
pub(crate) const TOKEN_NAMES: [&str; 3] = ["id_token", "access_token", "refresh_token"];
/// Names that start a pasted query or fragment on their own (`id_token=…&state=…`).
const PARAMETER_STARTS: [&str; 9] = [
    "id_token",
    "access_token",
    "refresh_token",
    "code",
    "error",
    "state",
    "token_type",
    "session_state",
    "expires_in",
];
const MAX_PARAMETERS: usize = 64;

fn input_error(message: impl Into<String>) -> DecodeError {
    DecodeError::new(Part::Input, message)
}

/// Takes the input apart: one of the forms above, or, when it is none of them and has spaces or
/// line breaks in it, the tokens found in it as text (or an error saying that none was).
pub(crate) fn parse(input: &str) -> Result<Pasted, DecodeError> {
    jwt::check_size(input)?;
    let whole = parse_form(input);
    let is_text = match &whole {
        Ok(p) => {
            matches!(p.form, InputForm::Token | InputForm::Bearer)
                && p.tokens.iter().any(|(_, t)| !is_token68(t))
        }
        Err(_) => true,
    };
    if !is_text || !input.trim().contains(char::is_whitespace) {
        return whole;
    }
    let found = super::text::find_tokens(input);
    if found.is_empty() {
        return match whole {
            Ok(_) => Err(input_error(
                "no token found in the text: nothing shaped like a JWT (eyJ….….…, three or five \
                 parts) and no token after `Bearer`",
            )),
            Err(e) => Err(e),
        };
    }
    let one = found.len() == 1;
    Ok(Pasted {
        form: InputForm::Text,
        tokens: found
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                (
                    if one {
                        "token".to_owned()
                    } else {
                        format!("token {}", i + 1)
                    },
                    t,
                )
            })
            .collect(),
        code: None,
        error: None,
        parameters: Vec::new(),
    })
}

/// Only characters a token can have (RFC 7235's token68, which holds base64url and dots).
fn is_token68(text: &str) -> bool {
    text.bytes().all(|c| {
        c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'~' | b'+' | b'/' | b'=')
    })
}

fn parse_form(input: &str) -> Result<Pasted, DecodeError> {
    let mut text = input.trim().trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err(input_error("nothing to decode: the input is empty"));
    }
    // Quotes copied along with a JSON string value or a shell argument.
    for q in ['"', '\''] {
        if text.len() >= 2 && text.starts_with(q) && text.ends_with(q) {
            text = text[1..text.len() - 1].trim();
        }
    }
    if text.starts_with('{') {
        return token_response(text);
    }
    let mut bearer = false;
    if let Some(rest) = strip_prefix_ci(text, "authorization:") {
        text = rest.trim_start();
        bearer = true;
    }
    if let Some(rest) = strip_prefix_ci(text, "bearer") {
        if rest.is_empty() {
            return Err(input_error("nothing to decode: no token after `Bearer`"));
        }
        if rest.starts_with(char::is_whitespace) {
            text = rest.trim_start();
            bearer = true;
        }
    }
    let compact = jwt::without_whitespace(text);
    if compact.is_empty() {
        return Err(input_error("nothing to decode: the input is empty"));
    }
    if !bearer {
        if compact.contains("://") {
            let url = Url::parse(&compact)
                .map_err(|e| input_error(format!("this looks like a URL but is not one: {e}")))?;
            return redirect(url.fragment().unwrap_or(""), url.query().unwrap_or(""));
        }
        if let Some(fragment) = compact.strip_prefix('#') {
            return redirect(fragment, "");
        }
        if let Some(query) = compact.strip_prefix('?') {
            return redirect("", query);
        }
        if looks_like_parameters(&compact) {
            return redirect(&compact, "");
        }
    }
    Ok(Pasted {
        form: if bearer {
            InputForm::Bearer
        } else {
            InputForm::Token
        },
        tokens: vec![("token".to_owned(), compact)],
        code: None,
        error: None,
        parameters: Vec::new(),
    })
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `id_token=…&state=…`: a first name the OAuth responses use, then `=`.
fn looks_like_parameters(text: &str) -> bool {
    // The first name ends at the first `=` or `&`; the names are short, so only the start of
    // a (long) token is looked at.
    let bytes = text.as_bytes();
    let head = &bytes[..bytes.len().min(PARAMETER_NAME_MAX + 1)];
    match head.iter().position(|b| matches!(b, b'=' | b'&')) {
        Some(i) if bytes[i] == b'=' => {
            PARAMETER_STARTS.contains(&&text[..i]) && bytes.get(i + 1).is_some_and(|b| *b != b'&')
        }
        _ => false,
    }
}

/// The longest name in [`PARAMETER_STARTS`].
const PARAMETER_NAME_MAX: usize = 13;

/// The parameters of a redirect: the fragment's first (implicit and hybrid flows), then the
/// query's (code flow). A name seen twice keeps its first value.
fn redirect(fragment: &str, query: &str) -> Result<Pasted, DecodeError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (k, v) in url::form_urlencoded::parse(fragment.as_bytes())
        .chain(url::form_urlencoded::parse(query.as_bytes()))
    {
        if pairs.len() >= MAX_PARAMETERS * 2 {
            break;
        }
        if !pairs.iter().any(|(name, _)| *name == k) {
            pairs.push((k.into_owned(), v.into_owned()));
        }
    }
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let mut out = Pasted {
        form: InputForm::RedirectUrl,
        tokens: TOKEN_NAMES
            .iter()
            .filter_map(|name| get(name).map(|v| ((*name).to_owned(), v.to_owned())))
            .collect(),
        code: get("code").map(str::to_owned),
        error: get("error").map(|e| {
            ProviderError::new(
                ErrorOrigin::Authorization,
                e,
                get("error_description"),
                get("error_uri"),
            )
        }),
        parameters: Vec::new(),
    };
    out.parameters = pairs
        .iter()
        .filter(|(k, _)| !is_consumed(k))
        .take(MAX_PARAMETERS)
        .map(|(k, v)| Parameter {
            name: k.clone(),
            value: v.clone(),
        })
        .collect();
    if out.tokens.is_empty() && out.code.is_none() && out.error.is_none() {
        return Err(input_error(
            "the URL has no id_token, access_token, code or error in its fragment (#…) or \
             query (?…)",
        ));
    }
    Ok(out)
}

fn is_consumed(name: &str) -> bool {
    TOKEN_NAMES.contains(&name)
        || matches!(name, "code" | "error" | "error_description" | "error_uri")
}

/// A token endpoint's JSON answer: tokens, or an error object.
fn token_response(text: &str) -> Result<Pasted, DecodeError> {
    let map = jwt::parse_object(text.as_bytes())
        .map_err(|m| input_error(format!("JSON token response: {m}")))?;
    let string = |name: &str| -> Result<Option<String>, DecodeError> {
        match map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(input_error(format!(
                "JSON token response: `{name}` is not a string"
            ))),
        }
    };
    let mut tokens = Vec::new();
    for name in TOKEN_NAMES {
        if let Some(value) = string(name)? {
            tokens.push((name.to_owned(), value));
        }
    }
    let error = match string("error")? {
        Some(e) => Some(ProviderError::new(
            ErrorOrigin::TokenEndpoint,
            &e,
            string("error_description")?.as_deref(),
            string("error_uri")?.as_deref(),
        )),
        None => None,
    };
    if tokens.is_empty() && error.is_none() {
        return Err(input_error(
            "a JSON object, but not a token response: no id_token, access_token, \
             refresh_token or error member (decoded claims are not a token; paste the token)",
        ));
    }
    let parameters = map
        .iter()
        .filter(|(k, _)| !is_consumed(k))
        .take(MAX_PARAMETERS)
        .map(|(k, v)| Parameter {
            name: k.clone(),
            value: match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            },
        })
        .collect();
    Ok(Pasted {
        form: InputForm::TokenResponse,
        tokens,
        code: None,
        error,
        parameters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// As it was: the whole first `&` segment split at its first `=`.
    fn looks_like_parameters_whole(text: &str) -> bool {
        let first = text.split('&').next().unwrap_or("");
        match first.split_once('=') {
            Some((name, value)) => PARAMETER_STARTS.contains(&name) && !value.is_empty(),
            None => false,
        }
    }

    #[test]
    fn parameter_starts_are_found_from_the_head_alone() {
        assert_eq!(
            PARAMETER_STARTS.iter().map(|n| n.len()).max(),
            Some(PARAMETER_NAME_MAX)
        );
        let mut cases: Vec<String> = vec![
            String::new(),
            "eyJhbGciOi.e30.c2ln".into(),
            "=".into(),
            "&".into(),
            "é=x".into(),
        ];
        for name in PARAMETER_STARTS
            .iter()
            .chain(&["x", "id_tokens", "session_stat"])
        {
            for tail in ["", "=", "=&", "=v", "=v&state=1", "&=v", "x=v", "é=v"] {
                cases.push(format!("{name}{tail}"));
                cases.push(format!("a{name}{tail}"));
            }
        }
        for text in &cases {
            assert_eq!(
                looks_like_parameters(text),
                looks_like_parameters_whole(text),
                "{text:?}"
            );
        }
    }
}
