//! OAuth errors as the provider reports them (RFC 6749 §4.1.2.1 and §5.2), with the Azure AD B2C
//! details support staff need: the `AADB2Cnnnnn` code, Correlation ID and Timestamp.

use crate::b2c;
use crate::b2c::errors::ErrorAdvice;
use serde::Serialize;
use std::fmt;

/// An `error` answer from the authorization redirect or the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProviderError {
    /// Where the error came from.
    pub origin: ErrorOrigin,
    /// The OAuth `error` code (`access_denied`, `invalid_grant`, ...).
    pub error: String,
    /// `error_description`, as sent.
    pub description: Option<String>,
    /// `error_uri`, as sent.
    pub uri: Option<String>,
    /// B2C / Entra error code found in the description (`AADB2C90118`, `AADSTS50011`).
    pub code: Option<String>,
    /// The description's message without the code and the trace lines.
    pub message: Option<String>,
    /// B2C `Correlation ID:` line.
    pub correlation_id: Option<String>,
    /// B2C `Timestamp:` line.
    pub timestamp: Option<String>,
    /// What the code means and what to do, from Tokenscope's catalogue (`b2c::errors`).
    pub advice: Option<ErrorAdvice>,
}

/// Which step of the flow reported the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ErrorOrigin {
    /// The browser came back to the redirect URI with `error=`.
    Authorization,
    /// The token endpoint answered with an error object.
    TokenEndpoint,
    /// The provider's logout endpoint.
    Logout,
    /// The pushed authorization request endpoint (PAR, RFC 9126) answered with an error object.
    PushedAuthorization,
}

impl ProviderError {
    /// Builds the error from the raw `error`, `error_description` and `error_uri` values.
    pub fn new(
        origin: ErrorOrigin,
        error: &str,
        description: Option<&str>,
        uri: Option<&str>,
    ) -> Self {
        let mut out = ProviderError {
            origin,
            error: error.to_owned(),
            description: description.map(str::to_owned),
            uri: uri.map(str::to_owned),
            code: None,
            message: None,
            correlation_id: None,
            timestamp: None,
            advice: None,
        };
        if let Some(desc) = description {
            out.parse_description(desc);
        }
        // The provider's own code first (AADB2C90118 says more than access_denied), else the
        // standard OAuth / OpenID Connect error.
        out.advice = out
            .code
            .as_deref()
            .and_then(b2c::errors::lookup)
            .or_else(|| b2c::errors::lookup(&out.error));
        out
    }

    fn parse_description(&mut self, desc: &str) {
        let desc = trace_lines_apart(desc);
        let mut message_lines = Vec::new();
        for line in desc
            .split(['\r', '\n'])
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            if let Some(v) = strip_prefix_ci(line, "correlation id:") {
                self.correlation_id = Some(v.trim().to_owned());
            } else if let Some(v) = strip_prefix_ci(line, "timestamp:") {
                self.timestamp = Some(v.trim().to_owned());
            } else if let Some(v) = strip_prefix_ci(line, "trace id:") {
                // Entra ID's trace id: keep with the message, it helps support too.
                message_lines.push(format!("Trace ID: {}", v.trim()));
            } else {
                message_lines.push(line.to_owned());
            }
        }
        if let Some(first) = message_lines.first_mut() {
            if let Some((code, rest)) = split_code(first) {
                self.code = Some(code);
                *first = rest;
            }
        }
        let message = message_lines.join(" ").trim().to_owned();
        if !message.is_empty() {
            self.message = Some(message);
        }
    }

    /// Whether this is the refresh-token-is-dead case (`invalid_grant`).
    pub fn is_invalid_grant(&self) -> bool {
        self.error == "invalid_grant"
    }
}

/// Entra ID and External ID may write `… Trace ID: … Correlation ID: … Timestamp: …` on the
/// message's own line (the authorize redirect does): each marker starts a line of its own.
fn trace_lines_apart(desc: &str) -> String {
    const MARKERS: [&str; 3] = ["trace id:", "correlation id:", "timestamp:"];
    let lower = desc.to_ascii_lowercase();
    let mut out = String::with_capacity(desc.len() + 8);
    let mut i = 0;
    while i < desc.len() {
        let at_marker = i > 0
            && desc.as_bytes()[i - 1] == b' '
            && MARKERS.iter().any(|m| lower[i..].starts_with(m));
        if at_marker {
            out.push('\n');
        }
        let ch = desc[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    out
}

/// `AADB2C90118: text` or `AADSTS50011: text` → (code, text).
fn split_code(line: &str) -> Option<(String, String)> {
    let (head, rest) = line.split_once(':')?;
    let head = head.trim();
    let digits = head
        .strip_prefix("AADB2C")
        .or_else(|| head.strip_prefix("AADSTS"))?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((head.to_owned(), rest.trim().to_owned()))
}

fn strip_prefix_ci<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let head = line.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &line[prefix.len()..])
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let origin = match self.origin {
            ErrorOrigin::Authorization => "the provider refused the sign-in",
            ErrorOrigin::TokenEndpoint => "the token endpoint refused the request",
            ErrorOrigin::Logout => "the provider refused the sign-out",
            ErrorOrigin::PushedAuthorization => {
                "the provider refused the pushed authorization request"
            }
        };
        write!(f, "{origin}: {}", self.error)?;
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        if let Some(msg) = &self.message {
            write!(f, ": {msg}")?;
        }
        if let Some(id) = &self.correlation_id {
            write!(f, " [Correlation ID {id}")?;
            if let Some(ts) = &self.timestamp {
                write!(f, ", Timestamp {ts}")?;
            }
            f.write_str("]")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b2c_description_yields_code_correlation_id_and_timestamp() {
        let desc = "AADB2C90118: The user has forgotten their password.\r\nCorrelation ID: \
                    0b5a7a5c-1234-4f6e-9a55-d7b3c1a2e001\r\nTimestamp: 2026-11-25 10:01:02Z\r\n";
        let e = ProviderError::new(
            ErrorOrigin::Authorization,
            "access_denied",
            Some(desc),
            None,
        );
        assert_eq!(e.code.as_deref(), Some("AADB2C90118"));
        assert_eq!(
            e.message.as_deref(),
            Some("The user has forgotten their password.")
        );
        assert_eq!(
            e.correlation_id.as_deref(),
            Some("0b5a7a5c-1234-4f6e-9a55-d7b3c1a2e001")
        );
        assert_eq!(e.timestamp.as_deref(), Some("2026-11-25 10:01:02Z"));
        let advice = e.advice.as_ref().expect("catalogued");
        assert_eq!(
            advice.action,
            Some(crate::b2c::errors::ErrorAction::PasswordReset)
        );
        let shown = e.to_string();
        assert!(shown.contains("access_denied (AADB2C90118)"), "{shown}");
        assert!(shown.contains("Correlation ID 0b5a7a5c"), "{shown}");
    }

    #[test]
    fn plain_oauth_error_keeps_description_as_message() {
        let e = ProviderError::new(
            ErrorOrigin::TokenEndpoint,
            "invalid_grant",
            Some("grant request is invalid"),
            None,
        );
        assert!(e.is_invalid_grant());
        assert_eq!(e.code, None);
        assert_eq!(e.message.as_deref(), Some("grant request is invalid"));
    }

    #[test]
    fn an_external_id_description_on_one_line_gives_code_trace_correlation_and_time() {
        let desc = "AADSTS50126: Error validating credentials due to invalid username or \
                    password. Trace ID: 5b1e-trace Correlation ID: 0b5a7a5c-1234-4f6e-9a55-\
                    d7b3c1a2e001 Timestamp: 2026-12-07 10:01:02Z";
        let e = ProviderError::new(
            ErrorOrigin::Authorization,
            "access_denied",
            Some(desc),
            None,
        );
        assert_eq!(e.code.as_deref(), Some("AADSTS50126"));
        assert_eq!(
            e.message.as_deref(),
            Some(
                "Error validating credentials due to invalid username or password. \
                 Trace ID: 5b1e-trace"
            )
        );
        assert_eq!(
            e.correlation_id.as_deref(),
            Some("0b5a7a5c-1234-4f6e-9a55-d7b3c1a2e001")
        );
        assert_eq!(e.timestamp.as_deref(), Some("2026-12-07 10:01:02Z"));
        let advice = e.advice.expect("catalogued");
        assert!(advice.meaning.contains("password is wrong"), "{advice:?}");
        // The same in the token endpoint's CRLF form.
        let e = ProviderError::new(
            ErrorOrigin::TokenEndpoint,
            "invalid_grant",
            Some("AADSTS70000: The provided value for the 'refresh_token' is not valid.\r\nTrace ID: t\r\nCorrelation ID: c\r\nTimestamp: ts"),
            None,
        );
        assert_eq!(e.code.as_deref(), Some("AADSTS70000"));
        assert_eq!(e.correlation_id.as_deref(), Some("c"));
        assert!(e.advice.is_some());
    }

    #[test]
    fn code_lookalikes_are_not_codes() {
        let e = ProviderError::new(
            ErrorOrigin::Authorization,
            "server_error",
            Some("AADB2Cxyz: not a code"),
            None,
        );
        assert_eq!(e.code, None);
    }
}
