//! What a sign-in or refresh produced: the tokens as received and decoded, the validation report,
//! the refresh token's fate. Plain result types, so the journal (`history`) and the front ends
//! can use them without depending on the engine that makes them.

use crate::jose::jwt::{self, Decoded};
use crate::secret::Secret;
use crate::store::vault::VaultLocation;
use crate::validate::Report;
use serde::Serialize;

/// A received token: the raw text (secret) and what it decodes to.
#[derive(Debug, Clone)]
pub struct TokenView {
    /// The token as received.
    pub raw: Secret,
    /// The decoded form, when it is a JWT.
    pub decoded: Option<Decoded>,
}

impl TokenView {
    pub(crate) fn new(raw: &Secret) -> Self {
        Self {
            raw: raw.clone(),
            decoded: jwt::decode(raw.expose()).ok(),
        }
    }
}

/// What happened to the refresh token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshTokenStatus {
    /// The provider sent one.
    pub received: bool,
    /// It was put in the vault.
    pub stored: bool,
    /// Where the vault keeps it.
    pub location: VaultLocation,
    /// In words.
    pub note: String,
}

/// Which flow produced an [`Outcome`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Flow {
    /// A browser sign-in.
    SignIn,
    /// A refresh-token redemption.
    Refresh,
}

/// The result of a sign-in or refresh. The refresh token itself is never in here.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Sign-in or refresh.
    pub flow: Flow,
    /// Profile name.
    pub profile: String,
    /// The metadata's issuer.
    pub issuer: String,
    /// `redirect_uri` used (sign-in only).
    pub redirect_uri: Option<String>,
    /// The ID token.
    pub id_token: Option<TokenView>,
    /// The access token.
    pub access_token: Option<TokenView>,
    /// The validation report of the ID token.
    pub report: Report,
    /// The refresh token's fate.
    pub refresh_token: RefreshTokenStatus,
    /// `token_type`.
    pub token_type: Option<String>,
    /// `expires_in`.
    pub expires_in: Option<u64>,
    /// Granted `scope`.
    pub scope: Option<String>,
    /// B2C's `refresh_token_expires_in`, seconds, when sent.
    pub refresh_token_expires_in: Option<u64>,
}

impl Outcome {
    /// True when the tokens are valid and the sign-in counts.
    pub fn passed(&self) -> bool {
        self.report.passed()
    }
}
