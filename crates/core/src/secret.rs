//! Secret values (tokens, verifiers, client secrets): a newtype whose `Debug` and `Display`
//! never show the value, so a stray `{:?}` or log line cannot leak it.

use std::fmt;

/// A secret string. `Debug`/`Display` print `[redacted]`; read it with [`Secret::expose`].
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself. Call only where the value must leave the process
    /// (an HTTP request, the keyring) or where the user asked to see it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in bytes, safe to show.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the value is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// Whether a parameter of that name carries a secret (`code`, `code_verifier`, `refresh_token`,
/// `client_secret`, a password, an assertion): its value stays out of the support bundle, and
/// the HTTP layer scrubs it from errors.
pub fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('-', "_");
    // `token_type`, `client_assertion_type`: what kind, not the thing.
    if n.ends_with("_type") {
        return false;
    }
    ["secret", "password", "assertion", "verifier"]
        .iter()
        .any(|w| n.contains(w))
        // `access_token`, `refresh_token`, `token`, `id_token_hint`; not `token_endpoint`,
        // `refresh_token_expires_in` or `id_token_signing_alg_values_supported`.
        || n.ends_with("token")
        || n.ends_with("token_hint")
        || n == "code"
        || n == "device_code"
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("eyJhbGciOi.super-secret");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(s.clone())), "Some([redacted])");
        assert_eq!(s.expose(), "eyJhbGciOi.super-secret");
    }
}
