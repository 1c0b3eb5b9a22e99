//! Beyond the token: calling an API with it and explaining a refusal. [`call`] prepares and
//! sends the request through the engine's HTTP client (the token masked wherever the answer
//! repeats it), [`challenge`] reads `WWW-Authenticate`, [`diagnose`] compares the challenge with
//! the token sent, and [`curl`] writes the request as a command line with the token masked
//! unless asked for.

pub mod call;
pub mod challenge;
pub mod curl;
pub mod diagnose;
pub mod introspect;
pub mod revoke;
pub mod save;
pub mod userinfo;

pub use call::{prepare, send, ApiCall, ApiResponse, CallInput, Header, PreparedCall, SentRequest};
pub use challenge::{BearerChallenge, Challenge};
pub use diagnose::{diagnose, Finding, FindingCode, Hints, SentToken};

use serde::{Deserialize, Serialize};

/// Which of the profile's tokens goes in `Authorization: Bearer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TokenChoice {
    /// The access token (what APIs take).
    #[default]
    Access,
    /// The ID token (APIs should refuse it; for tests of exactly that).
    Id,
}

impl TokenChoice {
    /// "access token" / "ID token".
    pub fn label(self) -> &'static str {
        match self {
            TokenChoice::Access => "access token",
            TokenChoice::Id => "ID token",
        }
    }
}

/// Said wherever the ID token is about to be sent.
pub const ID_TOKEN_WARNING: &str = "Sending the ID token: it tells the app who signed in and \
    is meant for the app (its aud is the client ID). APIs should accept only access tokens; \
    one that takes an ID token has a bug worth reporting.";
