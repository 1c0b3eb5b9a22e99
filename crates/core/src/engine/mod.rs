//! The engine: one object that signs in (metadata → loopback listener → browser → code →
//! tokens → validation → vault), refreshes (single-flight per profile, rotation, `invalid_grant`
//! means sign in again) and signs out. It caches each provider's metadata and keys for the
//! life of the process, so a second sign-in of a profile fetches nothing it already has.

use crate::clock::{Clock, SystemClock};
use crate::engine::browser::Browser;
use crate::engine::outcome::{Flow, Outcome, RefreshTokenStatus, TokenView};
use crate::error::{Error, Result};
use crate::http::{HttpClient, HttpLimits, ReqwestClient};
use crate::loopback::{Expected, LoopbackListener};
use crate::oidc::authority::Authority;
use crate::oidc::authorize::{self, AuthRequest};
use crate::oidc::metadata::ProviderMetadata;
use crate::oidc::sent::SentRequest;
use crate::oidc::token::{self, TokenResponse};
use crate::secret::Secret;
use crate::store::profile::{refresh_account, Profile, ProfileStore};
use crate::store::vault::{Vault, VaultLocation};
use crate::validate::{self, Expectations, Identity, JwksCache, Report};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use url::Url;

mod api;
pub mod browser;
pub mod client_credentials;
pub mod client_key;
pub mod device;
pub mod dpop;
mod endpoints;
pub mod history;
mod inspector;
mod lock;
mod logout;
mod mtls;
pub mod outcome;
pub mod profiles;
mod refresh;
mod request_form;
pub mod response_fields;
mod ropc;
mod secrets;
mod sender;
mod session;
pub mod support;
pub use endpoints::EndpointSupport;
pub mod token_grants;
mod wire;
pub use logout::{LogoutOptions, LogoutReport, RequestPreview};
pub use ropc::ROPC_WARNING;
pub use wire::{WireOf, NO_PROFILE};

/// A step of a sign-in or refresh, as it happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Progress {
    /// The provider's metadata is known.
    MetadataFetched {
        /// Where it came from.
        metadata_url: String,
        /// The issuer tokens must carry.
        issuer: String,
    },
    /// The browser was asked to open the authorization URL.
    BrowserOpened {
        /// The URL (no secrets: the PKCE verifier never leaves the engine).
        authorize_url: String,
    },
    /// The loopback listener waits for the redirect.
    WaitingForRedirect {
        /// The exact `redirect_uri` sent.
        redirect_uri: String,
    },
    /// The redirect came back with a code.
    CodeReceived,
    /// The token endpoint answered.
    TokensExchanged,
    /// The ID token was judged.
    Validated {
        /// All checks passed.
        passed: bool,
    },
}

/// A progress callback.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// Per-sign-in options.
#[derive(Clone)]
pub struct SignInOptions {
    /// Put the refresh token in the vault.
    pub store: bool,
    /// How long to wait for the redirect.
    pub timeout: Duration,
    /// Cancels the wait.
    pub cancel: CancellationToken,
    /// Progress reports.
    pub progress: Option<ProgressFn>,
    /// A clean session: `prompt=login` whatever the profile says, so the provider asks again
    /// instead of reusing its session cookie (pair it with a private-window browser command).
    pub clean: bool,
    /// `id_token_hint` for this sign-in only (never saved).
    pub id_token_hint: Option<Secret>,
    /// Open the browser; when false the caller shows `BrowserOpened`'s URL to the user instead.
    pub open_browser: bool,
}

impl Default for SignInOptions {
    fn default() -> Self {
        Self {
            store: true,
            timeout: Duration::from_secs(300),
            cancel: CancellationToken::new(),
            progress: None,
            clean: false,
            id_token_hint: None,
            open_browser: true,
        }
    }
}

/// A provider's metadata and its keys, cached per metadata URL.
struct Provider {
    metadata: ProviderMetadata,
    /// Shared by the metadata's mTLS-aliased copy (`mtls.rs`).
    keys: Arc<JwksCache>,
}

#[derive(Default)]
struct RefreshSlot {
    generation: AtomicU64,
    lock: tokio::sync::Mutex<Option<Outcome>>,
}

/// The engine.
pub struct Engine {
    http: Arc<dyn HttpClient>,
    clock: Arc<dyn Clock>,
    vault: Vault,
    /// Where refresh tokens go when the keyring refuses them (locked, no default collection).
    session: Vault,
    profiles: ProfileStore,
    skew: Duration,
    providers: tokio::sync::Mutex<HashMap<String, Arc<Provider>>>,
    refreshes: Mutex<HashMap<String, Arc<RefreshSlot>>>,
    /// This session's history per profile (`session.rs`).
    journal: crate::engine::history::Journal,
    /// The last ID token of each profile in this process, the default `id_token_hint` of the
    /// logout test (memory only).
    id_tokens: Mutex<HashMap<String, Secret>>,
    /// The client for keys named by a pasted token (`inspector.rs`): the guarded one on the
    /// system's resolver; tests give their own.
    discovery: crate::oidc::netguard::Discovery,
    /// The access and ID tokens of each profile's last sign-in or refresh, for API calls
    /// (memory only; `api.rs`).
    api_tokens: Mutex<HashMap<String, api::SessionTokens>>,
    /// Each profile's last exchange log of each kind, for an error's trace and a clear curl on
    /// request (memory only; `wire.rs`).
    exchanges: Mutex<HashMap<(String, WireOf), crate::exchange::ExchangeLog>>,
    /// The DPoP nonces servers gave, per server (memory only; `dpop.rs`).
    dpop_nonces: Arc<crate::oidc::dpop::Nonces>,
}

impl Engine {
    /// An engine on the given parts.
    pub fn new(
        http: Arc<dyn HttpClient>,
        clock: Arc<dyn Clock>,
        vault: Vault,
        profiles: ProfileStore,
    ) -> Self {
        Self {
            http,
            clock,
            vault,
            session: Vault::session_only("the keyring refused to store the token"),
            profiles,
            skew: validate::DEFAULT_SKEW,
            providers: tokio::sync::Mutex::new(HashMap::new()),
            refreshes: Mutex::new(HashMap::new()),
            journal: crate::engine::history::Journal::default(),
            id_tokens: Mutex::new(HashMap::new()),
            discovery: crate::oidc::netguard::system_discovery(),
            api_tokens: Mutex::new(HashMap::new()),
            exchanges: Mutex::new(HashMap::new()),
            dpop_nonces: Arc::default(),
        }
    }

    /// The production engine: reqwest, the system clock, the OS keyring (or a session-only
    /// vault when none is reachable), profiles in the user's config directory.
    pub async fn production() -> Result<Self> {
        let http = Arc::new(ReqwestClient::new(HttpLimits::default())?);
        let vault = tokio::task::spawn_blocking(|| Vault::open("tokenscope"))
            .await
            .map_err(|e| Error::Config(format!("keyring probe failed: {e}")))?;
        Ok(Self::new(
            http,
            Arc::new(SystemClock),
            vault,
            ProfileStore::default_location()?,
        ))
    }

    /// Sets the allowed clock skew.
    pub fn with_skew(mut self, skew: Duration) -> Self {
        self.skew = skew;
        self
    }

    /// The vault.
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The profile store.
    pub fn profiles(&self) -> &ProfileStore {
        &self.profiles
    }

    /// The HTTP client the engine fetches with, for other fetches of the same kind (the
    /// inspector's key discovery): same limits, no redirects.
    pub fn http(&self) -> Arc<dyn HttpClient> {
        self.http.clone()
    }

    /// The engine clock's current time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// How many times the keys of this authority were fetched (0 if never).
    pub async fn jwks_fetch_count(&self, authority: &str) -> usize {
        let Ok(a) = Authority::parse(authority) else {
            return 0;
        };
        let providers = self.providers.lock().await;
        providers
            .get(a.metadata_url.as_str())
            .map_or(0, |p| p.keys.fetch_count())
    }

    /// The provider's metadata, fetched once per process.
    pub async fn metadata(&self, authority: &str) -> Result<ProviderMetadata> {
        Ok(self
            .provider(&Authority::parse(authority)?)
            .await?
            .metadata
            .clone())
    }

    async fn provider(&self, authority: &Authority) -> Result<Arc<Provider>> {
        self.provider_via(
            authority,
            self.http.clone(),
            authority.metadata_url.to_string(),
        )
        .await
    }

    /// The provider's metadata and keys fetched with `http`, kept under `key`.
    async fn provider_via(
        &self,
        authority: &Authority,
        http: Arc<dyn HttpClient>,
        key: String,
    ) -> Result<Arc<Provider>> {
        let mut providers = self.providers.lock().await;
        if let Some(p) = providers.get(&key) {
            return Ok(p.clone());
        }
        let metadata = ProviderMetadata::fetch(http.as_ref(), authority).await?;
        let keys = Arc::new(JwksCache::new(http, metadata.jwks_uri.clone()));
        let provider = Arc::new(Provider { metadata, keys });
        providers.insert(key, provider.clone());
        Ok(provider)
    }

    /// Signs in with a profile: the full browser round trip, with what went over the wire.
    pub async fn sign_in(&self, profile: &Profile, options: &SignInOptions) -> Result<Outcome> {
        self.logged(
            &profile.name,
            WireOf::SignIn,
            self.sign_in_logged(profile, options),
        )
        .await
    }

    async fn sign_in_logged(&self, profile: &Profile, options: &SignInOptions) -> Result<Outcome> {
        let report = |p: Progress| {
            if let Some(f) = &options.progress {
                f(p)
            }
        };
        let authority = Authority::parse(&profile.authority)?;
        let browser = Browser::from_command(profile.browser_command.as_deref())?;
        let provider = self.provider_for(profile, &authority).await?;
        let metadata = &provider.metadata;
        report(Progress::MetadataFetched {
            metadata_url: authority.metadata_url.to_string(),
            issuer: metadata.issuer.clone(),
        });
        let listener = LoopbackListener::bind(&profile.redirect).await?;
        let redirect_uri = listener.redirect_uri();
        let params = sign_in_params(profile, options);
        let request: AuthRequest = authorize::build(
            metadata,
            &profile.client_id,
            &profile.scopes,
            &redirect_uri,
            &params,
        )?;
        let client_auth = self.client_auth(profile, metadata).await?;
        // Plain, as a request object, or pushed (PAR): the profile's request form.
        let shaped = self
            .shape_request(profile, &provider, &request, &client_auth)
            .await?;
        crate::exchange::browser(shaped.url.as_str());
        if options.open_browser {
            browser.open(&shaped.url)?;
        }
        report(Progress::BrowserOpened {
            authorize_url: shaped.url.to_string(),
        });
        report(Progress::WaitingForRedirect {
            redirect_uri: redirect_uri.clone(),
        });
        let expected = Expected {
            state: request.state.clone(),
            iss: metadata
                .authorization_response_iss_parameter_supported
                .then(|| metadata.issuer.clone()),
        };
        let callback = listener
            .wait(expected, options.timeout, options.cancel.clone())
            .await
            .map_err(|e| match e {
                // The browser never came back: often the provider's error page about an
                // unregistered redirect URI.
                Error::Timeout(message) => Error::Timeout(format!(
                    "{message}. If the browser shows an error page from the provider, the \
                     redirect URI {redirect_uri} is probably not registered. {}",
                    crate::b2c::errors::EXACT_REDIRECT_ADVICE
                )),
                Error::Provider(mut p) => {
                    if let Some(sent) = SentRequest::from_url(request.url.as_str()) {
                        crate::oidc::sent::explain_sent(&mut p, &sent);
                    }
                    crate::oidc::request_form::explain_refusal(Error::Provider(p), &shaped.used)
                }
                other => other,
            })?;
        report(Progress::CodeReceived);
        let http = self
            .http_for(profile, Some(&metadata.token_endpoint), false)
            .await?;
        let tokens = token::exchange_code(
            http.as_ref(),
            &metadata.token_endpoint,
            &profile.client_id,
            &client_auth,
            &callback.code,
            &redirect_uri,
            &request.pkce.verifier,
        )
        .await
        .map_err(|e| dpop::two_keys_refused(profile, e))?;
        report(Progress::TokensExchanged);
        let expect = Expectations {
            issuer: metadata.issuer.clone(),
            client_id: profile.client_id.clone(),
            trusted_audiences: Vec::new(),
            provider_algs: metadata.id_token_signing_alg_values_supported.clone(),
            nonce: Some(request.nonce.clone()),
            max_age: request.max_age,
            access_token: tokens.access_token.clone(),
            previous: None,
            skew: self.skew,
        };
        let mut outcome = self
            .judge(profile, &provider, &tokens, &expect, options.store)
            .await?;
        outcome.redirect_uri = Some(redirect_uri);
        outcome.request_form = Some(shaped.used);
        report(Progress::Validated {
            passed: outcome.passed(),
        });
        self.record_sign_in(profile, &outcome)?;
        Ok(outcome)
    }

    /// After a sign-in (any grant): keeps its ID token for logout and, when it counts, the
    /// identity, the time and whether the refresh token was stored, in the profile's state.
    fn record_sign_in(&self, profile: &Profile, outcome: &Outcome) -> Result<()> {
        self.remember_id_token(outcome);
        if outcome.passed() {
            let identity = identity_of(outcome);
            let now = self.clock.now();
            let rotated = outcome.refresh_token.stored;
            self.profiles.update_state(&profile.name, |s| {
                s.last_identity = identity;
                s.last_sign_in = Some(now);
                if rotated {
                    s.last_rotation = Some(now);
                }
            })?;
        }
        Ok(())
    }

    /// Validates the ID token of a token response and stores the refresh token when it counts.
    async fn judge(
        &self,
        profile: &Profile,
        provider: &Provider,
        tokens: &TokenResponse,
        expect: &Expectations,
        store: bool,
    ) -> Result<Outcome> {
        // The refresh lock while a new refresh token may be stored, so a refresh in another
        // process never deletes it.
        let _lock = if store {
            Some(
                lock::acquire(
                    self.profiles.dir(),
                    &profile.refresh_account(),
                    &profile.name,
                )
                .await?,
            )
        } else {
            None
        };
        let now = self.clock.now();
        let (decoded_id, mut report) = match &tokens.id_token {
            Some(id) => validate::validate_id_token(id.expose(), expect, now, &provider.keys).await,
            None => {
                let mut r = Report::default();
                r.checks.push(validate::Check::new(
                    validate::CheckId::IdToken,
                    false,
                    "the token response has no ID token: is `openid` in the scopes?",
                ));
                (None, r)
            }
        };
        if let Some(warning) = scope_warning(tokens.scope.as_deref()) {
            report.warn(validate::CheckId::Scope, warning);
        }
        self.dpop_checks(profile, tokens, &mut report).await;
        self.check_binding(profile, tokens.access_token.as_ref(), &mut report);
        let passed = report.passed();
        let location = self.vault.location();
        let refresh_token = match (&tokens.refresh_token, passed, store) {
            (None, _, _) => RefreshTokenStatus {
                received: false,
                stored: false,
                location,
                note: "no refresh token was issued (add offline_access to the scopes)".into(),
            },
            (Some(_), false, _) => RefreshTokenStatus {
                received: true,
                stored: false,
                location,
                note: "not stored: the ID token failed validation".into(),
            },
            (Some(_), true, false) => RefreshTokenStatus {
                received: true,
                stored: false,
                location,
                note: "not stored (--no-store)".into(),
            },
            (Some(rt), true, true) => {
                let bound = refresh::binding(profile, &provider.metadata);
                match self
                    .store_token(&refresh_account(&profile.name), rt, bound.as_ref())
                    .await
                {
                    Ok(location) => RefreshTokenStatus {
                        received: true,
                        stored: true,
                        note: match &location {
                            VaultLocation::Keyring => "stored in the OS keyring".into(),
                            VaultLocation::SessionOnly { reason } => {
                                format!("kept for this session only: {reason}")
                            }
                        },
                        location,
                    },
                    Err(e) => RefreshTokenStatus {
                        received: true,
                        stored: false,
                        location,
                        note: format!("could not be stored: {e}"),
                    },
                }
            }
        };
        Ok(Outcome {
            flow: if expect.nonce.is_some() {
                Flow::SignIn
            } else {
                Flow::Refresh
            },
            profile: profile.name.clone(),
            issuer: provider.metadata.issuer.clone(),
            redirect_uri: None,
            id_token: tokens.id_token.as_ref().map(|raw| TokenView {
                raw: raw.clone(),
                decoded: decoded_id,
            }),
            access_token: tokens.access_token.as_ref().map(TokenView::new),
            report,
            refresh_token,
            token_type: tokens.token_type.clone(),
            expires_in: tokens.expires_in,
            scope: tokens.scope.clone().filter(|s| !s.trim().is_empty()),
            refresh_token_expires_in: tokens.refresh_token_expires_in,
            response_fields: response_fields::decode(&tokens.fields, now),
            exchanges: Default::default(),
            request_form: None,
            sender: self.sender_used(profile).await,
        })
    }

    /// Stores a refresh token in the vault; when the keyring refuses it (locked, no default
    /// collection), keeps it in memory for this session rather than lose it.
    async fn store_token(
        &self,
        account: &str,
        token: &Secret,
        bound: Option<&crate::store::vault::Binding>,
    ) -> Result<VaultLocation, String> {
        let (vault, acct, t) = (self.vault.clone(), account.to_owned(), token.clone());
        let owned = bound.cloned();
        let stored =
            tokio::task::spawn_blocking(move || vault.store_bound(&acct, &t, owned.as_ref()))
                .await
                .map_err(|e| e.to_string())?;
        match stored {
            Ok(()) => {
                // A token kept in memory earlier is now older than the keyring's.
                let _ = self.session.delete(account);
                Ok(self.vault.location())
            }
            Err(e) if self.vault.location() == VaultLocation::Keyring => {
                self.session
                    .store_bound(account, token, bound)
                    .map_err(|e| e.to_string())?;
                Ok(VaultLocation::SessionOnly {
                    reason: format!("the keyring refused it ({e})"),
                })
            }
            Err(e) => Err(e.to_string()),
        }
    }

    /// The newest stored refresh token: the session copy first (it exists only when the keyring
    /// refused a newer one), then the vault.
    async fn load_token(&self, account: &str) -> Result<Option<crate::store::vault::StoredSecret>> {
        if let Some(t) = self.session.load(account)? {
            return Ok(Some(t));
        }
        let (vault, acct) = (self.vault.clone(), account.to_owned());
        Ok(tokio::task::spawn_blocking(move || vault.load(&acct))
            .await
            .map_err(|e| Error::Config(format!("keyring task failed: {e}")))??)
    }

    /// Deletes a refresh token everywhere; true when one existed.
    async fn delete_token(&self, account: &str) -> Result<bool> {
        let in_session = self.session.delete(account)?;
        let (vault, acct) = (self.vault.clone(), account.to_owned());
        let in_vault = tokio::task::spawn_blocking(move || vault.delete(&acct))
            .await
            .map_err(|e| Error::Config(format!("keyring task failed: {e}")))??;
        Ok(in_session || in_vault)
    }

    /// Whether a refresh token is stored for the profile, since when and where, without
    /// reading it out to the caller (the desktop UI never sees refresh tokens).
    pub async fn stored_refresh(&self, profile: &str) -> Result<Option<StoredRefresh>> {
        let account = refresh_account(profile);
        if let Some(t) = self.session.load(&account)? {
            return Ok(Some(StoredRefresh {
                stored_at: t.stored_at,
                location: VaultLocation::SessionOnly {
                    reason: "the keyring refused it".into(),
                },
            }));
        }
        let location = self.vault.location();
        Ok(self.load_token(&account).await?.map(|t| StoredRefresh {
            stored_at: t.stored_at,
            location,
        }))
    }

    /// Deletes the profile's refresh token. Returns whether one was stored, and the provider's
    /// logout URL to open when it has an `end_session_endpoint`.
    pub async fn sign_out(&self, profile: &Profile) -> Result<SignOut> {
        let deleted = self.delete_token(&profile.refresh_account()).await?;
        self.profiles
            .update_state(&profile.name, |s| s.last_rotation = None)?;
        let logout_url = match Authority::parse(&profile.authority) {
            Ok(a) => self.provider_for(profile, &a).await.ok().and_then(|p| {
                p.metadata.end_session_endpoint.clone().map(|mut url| {
                    url.query_pairs_mut()
                        .append_pair("client_id", &profile.client_id);
                    url
                })
            }),
            Err(_) => None,
        };
        Ok(SignOut {
            deleted,
            logout_url,
        })
    }
}

/// A stored refresh token, described without its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct StoredRefresh {
    /// When it was stored (the last rotation).
    pub stored_at: chrono::DateTime<chrono::Utc>,
    /// Where it is kept.
    pub location: VaultLocation,
}

/// The result of a sign-out.
#[derive(Debug, Clone)]
pub struct SignOut {
    /// A refresh token was stored and is now deleted.
    pub deleted: bool,
    /// The provider's logout URL, to open in the browser.
    pub logout_url: Option<Url>,
}

/// The profile's parameters with this sign-in's options applied.
fn sign_in_params(profile: &Profile, options: &SignInOptions) -> authorize::AuthParams {
    let mut params = profile.params.clone();
    if options.clean {
        params.prompt = Some("login".into());
    }
    if options.id_token_hint.is_some() {
        params.id_token_hint = options.id_token_hint.clone();
    }
    params
}

/// The warning an empty or absent `scope` in a token response deserves: odd, not fatal.
fn scope_warning(scope: Option<&str>) -> Option<&'static str> {
    match scope {
        None => Some(
            "the token response names no scope: RFC 6749 §5.1 allows that only when everything \
             asked for was granted, and the provider does not confirm it; the access token's \
             scp or scope claim says what it is good for",
        ),
        Some(s) if s.trim().is_empty() => Some(
            "the token response's scope is empty: the provider says it granted no scope at all, \
             yet it issued tokens; the access token's scp or scope claim says what it is good \
             for",
        ),
        Some(_) => None,
    }
}

fn identity_of(outcome: &Outcome) -> Option<Identity> {
    Identity::of(&outcome.id_token.as_ref()?.decoded.as_ref()?.payload)
}
