//! What crosses the IPC boundary, shaped for the UI. Built from the engine's results; the
//! refresh token is never part of any of these types.

use serde::{Deserialize, Serialize};
use tokenscope_core::engine::client_credentials::AppTokenOffer;
use tokenscope_core::engine::client_key::ClientKeyInfo;
use tokenscope_core::engine::{SignInOptions, StoredRefresh};
use tokenscope_core::error::ErrorKind;
use tokenscope_core::inspect::Inspection;
use tokenscope_core::jose::jwt;
use tokenscope_core::oidc::authority::{
    Authority, AuthorityForm, AuthorityKind, B2cPolicy, ExternalIdTenant,
};
use tokenscope_core::oidc::portal::PortalParams;
use tokenscope_core::oidc::provider_error::ProviderError;
use tokenscope_core::store::profile::Profile;
use tokenscope_core::store::vault::VaultLocation;
use tokenscope_core::{Error, Secret};
use ts_rs::TS;

/// A profile and the state of its refresh token.
#[derive(Debug, Clone, Serialize, TS)]
pub struct ProfileEntry {
    /// The settings.
    pub profile: Profile,
    /// The stored refresh token, described (never its value).
    pub refresh: Option<StoredRefresh>,
    /// A client secret is stored in the keyring (its value never crosses IPC).
    pub client_secret: bool,
    /// The private key stored for `private_key_jwt`, described (never the key).
    pub client_key: Option<ClientKeyInfo>,
    /// B2C, External ID or any OpenID provider, as the engine reads the authority: B2C
    /// profiles get the policy picker.
    pub kind: AuthorityKind,
    /// What to show instead of the policy picker (External ID: no policy in the URL).
    pub policy_note: Option<String>,
    /// The client credentials grant, offered (with the scope to start from) only to a profile
    /// with client authentication (the engine's rule); `None` for a public client.
    pub app_token: Option<AppTokenOffer>,
}

impl ProfileEntry {
    /// A profile with its refresh-token and secret state, and what its authority is.
    pub fn new(profile: Profile, refresh: Option<StoredRefresh>, client_secret: bool) -> Self {
        let authority = Authority::parse(&profile.authority).ok();
        ProfileEntry {
            kind: authority
                .as_ref()
                .map_or(AuthorityKind::Oidc, Authority::kind),
            policy_note: authority
                .as_ref()
                .and_then(Authority::policy_note)
                .map(str::to_owned),
            profile,
            refresh,
            client_secret,
            client_key: None,
            app_token: None,
        }
    }
}

/// Options of one sign-in (not saved with the profile). Its Debug output hides the hint (a token).
#[derive(Clone, Default, Deserialize, TS)]
pub struct SignInExtras {
    /// Clean session: `prompt=login`, whatever the profile says.
    #[serde(default)]
    pub clean: bool,
    /// `id_token_hint` for this sign-in.
    #[serde(default)]
    pub id_token_hint: Option<String>,
    /// Open no browser: the person copies the authorize URL (shown in the steps, with the port
    /// the listener really has) into a browser of their choice.
    #[serde(default)]
    pub no_browser: bool,
}

impl std::fmt::Debug for SignInExtras {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignInExtras")
            .field("clean", &self.clean)
            .field(
                "id_token_hint",
                &self.id_token_hint.as_ref().map(|_| "(hidden)"),
            )
            .field("no_browser", &self.no_browser)
            .finish()
    }
}

/// What the pasted authority turned out to be.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AuthorityPreview {
    /// The metadata URL Tokenscope will fetch.
    pub metadata_url: String,
    /// Which form was recognised.
    pub form: AuthorityForm,
    /// B2C, External ID or any OpenID provider.
    pub kind: AuthorityKind,
    /// B2C tenant and policy, when B2C.
    pub b2c: Option<B2cPolicy>,
    /// External ID tenant and host, when External ID.
    pub external_id: Option<ExternalIdTenant>,
    /// What to say instead of a policy (External ID: none in the URL, and why).
    pub policy_note: Option<String>,
    /// From a portal "Run user flow" URL: the client ID.
    pub client_id: Option<String>,
    /// From a portal "Run user flow" URL: the scopes.
    pub scopes: Vec<String>,
    /// From a portal URL: its redirect URI (a desktop app cannot use https://jwt.ms).
    pub portal_redirect_uri: Option<String>,
    /// From a portal URL: its `prompt` (the profile takes it).
    pub prompt: Option<String>,
    /// From a portal URL: the parameters taken into the profile and those left out, with why.
    pub portal: Option<PortalParams>,
}

/// The app's situation, for the status bar and start-up.
#[derive(Debug, Clone, Serialize, TS)]
pub struct AppInfo {
    /// App version.
    pub version: String,
    /// Where refresh tokens are kept.
    pub vault: VaultLocation,
    /// Where profiles are kept.
    pub config_dir: String,
    /// The profile used last.
    pub last_profile: Option<String>,
}

/// The result of a sign-out.
#[derive(Debug, Clone, Serialize, TS)]
pub struct SignOutView {
    /// A refresh token was stored and is now deleted.
    pub deleted: bool,
    /// The provider's logout page that was opened in the browser.
    pub logout_url: Option<String>,
    /// Why the logout page could not be opened, if it could not.
    pub logout_error: Option<String>,
}

/// What the inspector asks for besides the pasted text. Its Debug output hides the private key.
#[derive(Clone, Default, Deserialize, TS)]
#[serde(default)]
pub struct InspectorOptions {
    /// Check signatures and times: with `public_key` when given, else with the keys the
    /// issuer publishes (discovered from each token's `iss`; B2C's policy from `tfp`/`acr`).
    pub verify: bool,
    /// A pasted public key to verify with: JWK, JWKS, PEM public key or certificate.
    pub public_key: Option<String>,
    /// A pasted private key (JWK or PEM) that decrypts JWEs, here and offline.
    pub decryption_key: Option<String>,
    /// Mask personal claims (names, e-mails, phone, address, national numbers).
    pub redact: bool,
    /// The clock difference the time checks allow, in seconds (default 300).
    pub skew_seconds: Option<u32>,
}

impl std::fmt::Debug for InspectorOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InspectorOptions")
            .field("verify", &self.verify)
            .field("public_key", &self.public_key)
            .field(
                "decryption_key",
                &self.decryption_key.as_ref().map(|_| "(hidden)"),
            )
            .field("redact", &self.redact)
            .field("skew_seconds", &self.skew_seconds)
            .finish()
    }
}

/// The format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// The `tokenscope decode --json` document, pretty-printed.
    Json,
    /// Markdown for tickets and wikis.
    Markdown,
    /// The compact redacted claims list for a ticket (one line per claim, personal claims
    /// masked whatever the options say).
    Claims,
}

/// The engine's [`Inspection`] for the inspector view, plus the encoded text of each token
/// (the engine never serializes it, so exports leave it out) for colouring by part. The UI
/// has the text already: it was pasted there.
#[derive(Debug, Clone, Serialize, TS)]
pub struct InspectionView {
    /// Everything found in the input.
    #[serde(flatten)]
    pub inspection: Inspection,
    /// The encoded text of each of `tokens`, in the same order (empty when redacted).
    pub encoded: Vec<String>,
}

impl From<Inspection> for InspectionView {
    fn from(inspection: Inspection) -> Self {
        let encoded = inspection
            .tokens
            .iter()
            .map(|t| t.encoded.expose().to_owned())
            .collect();
        Self {
            inspection,
            encoded,
        }
    }
}

/// An error as the UI receives it: `kind` to react on, `message` to show, details to copy.
#[derive(Debug, Clone, Serialize, TS)]
pub struct IpcError {
    /// What kind of failure it is (the engine's [`ErrorKind`]).
    pub kind: ErrorKind,
    /// One sentence for people.
    pub message: String,
    /// The provider's error (code, description, B2C Correlation ID and Timestamp).
    pub provider: Option<Box<ProviderError>>,
    /// What the provider sent, when it did not parse.
    pub body: Option<String>,
}

impl IpcError {
    /// An error of `kind` worded by the shell (a pasted key that does not parse, which of two
    /// texts did not decode).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            provider: None,
            body: None,
        }
    }
}

impl From<Error> for IpcError {
    fn from(e: Error) -> Self {
        Self {
            kind: e.kind(),
            message: e.to_string(),
            provider: match &e {
                Error::Provider(p) => Some(p.clone()),
                _ => None,
            },
            body: e.raw_body().map(str::to_owned),
        }
    }
}

impl From<jwt::DecodeError> for IpcError {
    fn from(e: jwt::DecodeError) -> Self {
        Error::from(e).into()
    }
}

/// The sign-in options of one run, from what the UI sends.
pub fn sign_in_options(extras: Option<SignInExtras>, base: SignInOptions) -> SignInOptions {
    let extras = extras.unwrap_or_default();
    SignInOptions {
        clean: extras.clean,
        id_token_hint: extras
            .id_token_hint
            .filter(|h| !h.trim().is_empty())
            .map(Secret::new),
        open_browser: !extras.no_browser,
        ..base
    }
}
