//! The engine's one error type. Failure layers stay apart: the provider said no, the network
//! failed, a response did not parse (raw body kept for display), the user's input was wrong.

use crate::oidc::provider_error::ProviderError;
use crate::store::vault::{ProblemKind, VaultError};

/// Declares an enum of named values that cross to the front ends as strings (`"http_status"`):
/// the enum, its `ALL` list and `as_str` come from one list, so they cannot differ. Serde and
/// ts-rs (feature `ts`) write each value as its name, so the UI's TypeScript gets a union of the
/// names and a misspelt one fails `svelte-check`.
macro_rules! named_values {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[doc = $doc:literal])+ $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
        pub enum $name {
            $( $(#[doc = $doc])+ #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in the order declared.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable name, as serialized (`--json`, IPC, the UI).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }
    };
}
pub(crate) use named_values;

named_values! {
    /// What kind of failure an error is: the front ends react to it (a title, a hint, which
    /// field to mark) without matching messages. Serialized as its name (`"http_status"`).
    #[non_exhaustive]
    pub enum ErrorKind {
        /// The authority (issuer, metadata URL, tenant/policy, portal URL) was not understood.
        Authority = "authority",
        /// A setting given by the user is invalid.
        Config = "config",
        /// The request never got an answer: DNS, connect, TLS, timeout.
        Network = "network",
        /// The provider answered with a status Tokenscope cannot use.
        HttpStatus = "http_status",
        /// The provider's answer is not what the protocol says (its body is kept).
        InvalidResponse = "invalid_response",
        /// The provider's metadata is unusable or unsafe.
        Metadata = "metadata",
        /// The provider answered with an OAuth error (the error itself travels with it).
        Provider = "provider",
        /// The stored refresh token is gone or was refused: sign in again.
        SignInRequired = "sign_in_required",
        /// The loopback redirect listener could not start or was misused.
        Listener = "listener",
        /// The redirect to the loopback listener is not trustworthy.
        RedirectRefused = "redirect_refused",
        /// Waiting took longer than allowed.
        Timeout = "timeout",
        /// The user cancelled.
        Cancelled = "cancelled",
        /// The browser could not be opened.
        Browser = "browser",
        /// The OS keyring failed.
        Vault = "vault",
        /// Profiles could not be read or written, or a profile was refused.
        Profile = "profile",
        /// A token (or the text holding it) could not be decoded.
        Decode = "decode",
        /// The decryption key given for an inspection is not a private key Tokenscope can use.
        DecryptionKey = "decryption_key",
        /// The public key given for an inspection is not a key Tokenscope can verify with.
        PublicKey = "public_key",
        /// A user-flow test file was refused (every problem with its file, line and key), or a
        /// case could not be written to it.
        TestFile = "test_file",
        /// Not the engine's: a front end's call failed before it reached the engine (the UI
        /// gives this kind to a rejection of any other shape).
        Unknown = "unknown",
    }
}

/// Everything that can go wrong in the engine.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The authority (issuer, metadata URL, tenant/policy, portal URL) could not be understood.
    #[error("authority not understood: {0}")]
    Authority(String),
    /// A setting given by the user is invalid (client ID, redirect URI, parameter).
    #[error("invalid setting: {0}")]
    Config(String),
    /// The request never got an answer: DNS, connect, TLS, timeout.
    #[error("network error talking to {url}: {message}")]
    Network { url: String, message: String },
    /// The provider answered with a status Tokenscope cannot use (500, a redirect, ...).
    #[error("{url} answered HTTP {status}{hint}")]
    HttpStatus {
        url: String,
        status: u16,
        hint: String,
        body: String,
    },
    /// The provider answered, but the body is not what the protocol says (not JSON, a field
    /// missing or of the wrong type, too large). `body` keeps what came back, for display.
    #[error("{url} answered something Tokenscope cannot use: {message}")]
    InvalidResponse {
        url: String,
        message: String,
        body: String,
    },
    /// The provider's metadata is unusable or unsafe (an endpoint over plain http, ...).
    #[error("provider metadata rejected: {0}")]
    Metadata(String),
    /// The provider answered with an OAuth error (from the redirect or the token endpoint).
    #[error("{0}")]
    Provider(Box<ProviderError>),
    /// The stored refresh token is gone or was refused: the user must sign in again.
    #[error("sign-in needed: {0}")]
    SignInRequired(String),
    /// The loopback redirect listener could not start or was misused.
    #[error("redirect listener: {0}")]
    Listener(String),
    /// The redirect to the loopback listener is not trustworthy (RFC 9207 `iss` mismatch).
    #[error("redirect refused: {0}")]
    RedirectRefused(String),
    /// Waiting for something took longer than allowed.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The user cancelled the sign-in.
    #[error("sign-in cancelled")]
    Cancelled,
    /// The browser could not be opened.
    #[error("could not open the browser: {0}")]
    Browser(String),
    /// The OS keyring failed.
    #[error("keyring: {0}")]
    Vault(#[from] VaultError),
    /// Profiles could not be read or written.
    #[error("profiles: {0}")]
    Profile(String),
    /// A token could not be decoded.
    #[error("{0}")]
    Decode(#[from] crate::jose::jwt::DecodeError),
}

impl Error {
    /// The error's kind (for `--json` and the UI).
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Authority(_) => ErrorKind::Authority,
            Error::Config(_) => ErrorKind::Config,
            Error::Network { .. } => ErrorKind::Network,
            Error::HttpStatus { .. } => ErrorKind::HttpStatus,
            Error::InvalidResponse { .. } => ErrorKind::InvalidResponse,
            Error::Metadata(_) => ErrorKind::Metadata,
            Error::Provider(_) => ErrorKind::Provider,
            Error::SignInRequired(_) => ErrorKind::SignInRequired,
            Error::Listener(_) => ErrorKind::Listener,
            Error::RedirectRefused(_) => ErrorKind::RedirectRefused,
            Error::Timeout(_) => ErrorKind::Timeout,
            Error::Cancelled => ErrorKind::Cancelled,
            Error::Browser(_) => ErrorKind::Browser,
            Error::Vault(_) => ErrorKind::Vault,
            Error::Profile(_) => ErrorKind::Profile,
            Error::Decode(_) => ErrorKind::Decode,
        }
    }

    /// What was wrong with the keyring, when the keyring failed.
    pub fn keyring_problem(&self) -> Option<ProblemKind> {
        match self {
            Error::Vault(e) => e.problem(),
            _ => None,
        }
    }

    /// The raw body the provider sent, when there is one worth showing.
    pub fn raw_body(&self) -> Option<&str> {
        match self {
            Error::HttpStatus { body, .. } | Error::InvalidResponse { body, .. } => Some(body),
            _ => None,
        }
    }
}

impl From<ProviderError> for Error {
    fn from(value: ProviderError) -> Self {
        Error::Provider(Box::new(value))
    }
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_serializes_as_its_name_and_reads_back() {
        for kind in ErrorKind::ALL {
            let json = serde_json::to_value(kind).expect("serializes");
            assert_eq!(json, kind.as_str(), "{kind:?}");
            let back: ErrorKind = serde_json::from_value(json).expect("reads back");
            assert_eq!(back, *kind);
        }
        assert_eq!(format!("[{:<8}]", ErrorKind::Vault), "[vault   ]");
        assert!(serde_json::from_str::<ErrorKind>("\"netwrok\"").is_err());
    }

    #[test]
    fn the_errors_kinds_are_distinct() {
        let kinds = [
            Error::Authority(String::new()).kind(),
            Error::Config(String::new()).kind(),
            Error::Cancelled.kind(),
            Error::Timeout(String::new()).kind(),
        ];
        let unique: std::collections::BTreeSet<_> = kinds.iter().collect();
        assert_eq!(unique.len(), kinds.len());
        assert_eq!(Error::Cancelled.kind().as_str(), "cancelled");
    }
}
