//! What a sign-in or refresh produced: the tokens as received and decoded, the validation report,
//! the refresh token's fate. Plain result types, so the journal (`history`) and the front ends
//! can use them without depending on the engine that makes them; and their one serde view
//! ([`SignInView`]), which the desktop sends over IPC and `tokenscope signin --json` prints.

use crate::exchange::{Exchange, ExchangeLog};
use crate::inspect::explain::{self, ClaimRow};
use crate::jose::jwt::{self, Decoded, TokenKind};
use crate::secret::Secret;
use crate::store::vault::VaultLocation;
use crate::validate::{Check, Report, Warning};
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
    /// An app-only token (client credentials grant): no user, no ID token.
    ClientCredentials,
    /// A token exchange (RFC 8693).
    TokenExchange,
    /// A JWT bearer grant (RFC 7523 §2.1).
    JwtBearer,
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
    /// The token response's other fields, decoded (B2C's `not_before`, `profile_info`...).
    pub response_fields: Vec<super::response_fields::ResponseField>,
    /// What went over the wire, masked.
    pub exchanges: ExchangeLog,
    /// How the browser sign-in's authorization request travelled (PAR, request object); none
    /// for other flows.
    pub request_form: Option<crate::oidc::request_form::RequestFormUsed>,
    /// What the token request was bound to (DPoP key, client certificate); none when neither.
    pub sender: Option<SenderConstraint>,
}

/// The sender constraint of a token request: the key its DPoP proofs were signed with and the
/// client certificate its TLS connection presented. What a bound access token's `cnf` names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SenderConstraint {
    /// DPoP (RFC 9449): the RFC 7638 thumbprint of the profile's key (`cnf.jkt`).
    pub dpop_jkt: Option<String>,
    /// Mutual TLS (RFC 8705): the client certificate's SHA-256 thumbprint (`cnf.x5t#S256`).
    pub mtls_thumbprint: Option<String>,
}

impl Outcome {
    /// True when the tokens are valid and the sign-in counts.
    pub fn passed(&self) -> bool {
        self.report.passed()
    }
}

/// One token, decoded and explained.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TokenPanel {
    /// The token as received (ID and access tokens only, never a refresh token).
    pub raw: String,
    /// JWS, JWE, unsigned or opaque.
    pub kind: TokenKind,
    /// The encoded parts, for colouring by part.
    pub parts: Vec<String>,
    /// Decoded header.
    pub header: serde_json::Value,
    /// Decoded payload (empty for JWE and opaque tokens).
    pub payload: serde_json::Value,
    /// Header parameters explained.
    pub header_rows: Vec<ClaimRow>,
    /// Claims explained.
    pub claim_rows: Vec<ClaimRow>,
    /// Signature length in bytes.
    pub signature_len: u32,
}

impl TokenPanel {
    /// A panel for a decoded token.
    pub fn new(raw: &str, decoded: &Decoded) -> Self {
        let now = chrono::Utc::now();
        let cleaned = jwt::clean_input(raw).unwrap_or_else(|_| raw.to_owned());
        Self {
            parts: cleaned.split('.').map(str::to_owned).collect(),
            raw: cleaned,
            kind: decoded.kind,
            header: serde_json::Value::Object(decoded.header.clone()),
            payload: serde_json::Value::Object(decoded.payload.clone()),
            header_rows: explain::header(&decoded.header, now),
            claim_rows: explain::decoded(decoded, now),
            signature_len: u32::try_from(decoded.signature_len).unwrap_or(u32::MAX),
        }
    }

    fn from_view(view: &TokenView) -> Option<Self> {
        let decoded = view.decoded.as_ref()?;
        Some(Self::new(view.raw.expose(), decoded))
    }
}

/// A finished sign-in or refresh.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SignInView {
    /// Sign-in or refresh.
    pub flow: Flow,
    /// Profile name.
    pub profile: String,
    /// The metadata's issuer.
    pub issuer: String,
    /// The exact redirect URI sent (sign-in only).
    pub redirect_uri: Option<String>,
    /// Every check passed.
    pub passed: bool,
    /// The ID token.
    pub id_token: Option<TokenPanel>,
    /// The access token (a JWT for an API, or opaque).
    pub access_token: Option<TokenPanel>,
    /// The validation report.
    pub checks: Vec<Check>,
    /// Odd but not fatal (an empty `scope`, an `auth_time` of 1970): shown with the checks.
    pub warnings: Vec<Warning>,
    /// What happened to the refresh token (never the token itself).
    pub refresh: RefreshTokenStatus,
    /// `token_type`.
    pub token_type: Option<String>,
    /// `expires_in` seconds.
    pub expires_in: Option<u32>,
    /// Granted scopes.
    pub scope: Option<String>,
    /// The token response's other fields, decoded (B2C's `not_before`, `id_token_expires_in`,
    /// `profile_info`...); never a token.
    pub token_response: Vec<super::response_fields::ResponseField>,
    /// What went over the wire (metadata, keys, the authorization URL, the token request),
    /// masked: no code, verifier, token or client secret.
    pub exchanges: Vec<Exchange>,
    /// How the browser sign-in's authorization request travelled (pushed, request object).
    pub request_form: Option<crate::oidc::request_form::RequestFormUsed>,
    /// What the token request was bound to: the DPoP key, the client certificate.
    pub sender: Option<SenderConstraint>,
}

impl From<&Outcome> for SignInView {
    fn from(o: &Outcome) -> Self {
        let access_token = o
            .access_token
            .as_ref()
            .map(|t| match TokenPanel::from_view(t) {
                Some(panel) => panel,
                // An opaque access token: shown as such.
                None => TokenPanel {
                    raw: t.raw.expose().to_owned(),
                    kind: TokenKind::Opaque,
                    parts: vec![t.raw.expose().to_owned()],
                    header: serde_json::json!({}),
                    payload: serde_json::json!({}),
                    header_rows: vec![],
                    claim_rows: vec![],
                    signature_len: 0,
                },
            });
        Self {
            flow: o.flow,
            profile: o.profile.clone(),
            issuer: o.issuer.clone(),
            redirect_uri: o.redirect_uri.clone(),
            passed: o.passed(),
            id_token: o.id_token.as_ref().and_then(TokenPanel::from_view),
            access_token,
            checks: o.report.checks.clone(),
            warnings: o.report.warnings.clone(),
            refresh: o.refresh_token.clone(),
            token_type: o.token_type.clone(),
            expires_in: o.expires_in.map(|e| u32::try_from(e).unwrap_or(u32::MAX)),
            scope: o.scope.clone(),
            token_response: o.response_fields.clone(),
            exchanges: o.exchanges.entries.clone(),
            request_form: o.request_form.clone(),
            sender: o.sender.clone(),
        }
    }
}
