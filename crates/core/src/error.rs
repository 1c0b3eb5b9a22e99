//! The engine's one error type. Failure layers stay apart: the provider said no, the network
//! failed, a response did not parse (raw body kept for display), the user's input was wrong.

use crate::oidc::provider_error::ProviderError;
use crate::store::vault::VaultError;

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
    /// A stable, machine-readable name of the error's kind (for `--json` and the UI).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Authority(_) => "authority",
            Error::Config(_) => "config",
            Error::Network { .. } => "network",
            Error::HttpStatus { .. } => "http_status",
            Error::InvalidResponse { .. } => "invalid_response",
            Error::Metadata(_) => "metadata",
            Error::Provider(_) => "provider",
            Error::SignInRequired(_) => "sign_in_required",
            Error::Listener(_) => "listener",
            Error::RedirectRefused(_) => "redirect_refused",
            Error::Timeout(_) => "timeout",
            Error::Cancelled => "cancelled",
            Error::Browser(_) => "browser",
            Error::Vault(_) => "vault",
            Error::Profile(_) => "profile",
            Error::Decode(_) => "decode",
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
