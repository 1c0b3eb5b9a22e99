//! The IPC commands: thin adapters from the UI to the engine. Each takes plain data, calls the
//! engine, and returns a view or an [`IpcError`]. Progress of a sign-in goes out as
//! `signin-progress` events.

use crate::state::AppState;
use crate::views::{
    AppInfo, AuthorityPreview, ExportFormat, InspectionView, InspectorOptions, IpcError,
    ProfileEntry, SignInExtras, SignOutView,
};
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Runtime, State};
use tokenscope_core::engine::browser::Browser;
use tokenscope_core::engine::client_credentials::AppTokenOffer;
use tokenscope_core::engine::outcome::SignInView;
use tokenscope_core::engine::profiles::SaveMode;
use tokenscope_core::engine::{Engine, Progress, SignInOptions};
use tokenscope_core::error::ErrorKind;
use tokenscope_core::inspect::diff::TokenDiff;
use tokenscope_core::inspect::make::{make, Made, MakeRequest};
use tokenscope_core::inspect::request::{InspectRequest, KeyText, RequestError};
use tokenscope_core::inspect::{self, export, redact, InspectOptions, Inspection, TokenInspection};
use tokenscope_core::oidc::authority::{Authority, PortalRun};
use tokenscope_core::oidc::netguard::NetworkPolicy;
use tokenscope_core::oidc::portal::portal_params;
use tokenscope_core::store::profile::Profile;
use tokenscope_core::validate::DEFAULT_SKEW;
use tokio_util::sync::CancellationToken;

/// Event carrying [`Progress`] during a sign-in or refresh.
pub const PROGRESS_EVENT: &str = "signin-progress";

pub(crate) type Res<T> = Result<T, IpcError>;

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Res<AppInfo> {
    let engine = state.engine();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        vault: engine.vault().location(),
        config_dir: engine.profiles().dir().display().to_string(),
        last_profile: engine.profiles().last_profile()?,
    })
}

#[tauri::command]
pub async fn list_profiles(state: State<'_, AppState>) -> Res<Vec<ProfileEntry>> {
    entries(&state).await
}

pub(crate) async fn entries(state: &AppState) -> Res<Vec<ProfileEntry>> {
    let engine = state.engine();
    let mut out = Vec::new();
    for profile in engine.profiles().list()? {
        // A keyring that cannot be read is not a reason to hide the profile.
        let refresh = engine.stored_refresh(&profile.name).await.unwrap_or(None);
        let client_secret = engine
            .has_client_secret(&profile.name)
            .await
            .unwrap_or(false);
        let client_key = engine.client_key_info(&profile.name).await.unwrap_or(None);
        let app_token = AppTokenOffer::of(&profile, client_secret, client_key.is_some());
        let mut entry = ProfileEntry::new(profile, refresh, client_secret);
        entry.client_key = client_key;
        entry.app_token = app_token;
        out.push(entry);
    }
    Ok(out)
}

/// Saves a profile with the engine's checks: a new one (`previous_name` none) never replaces
/// another of its name; an edit of `previous_name` may rename it (its refresh token does not
/// follow: sign in again).
#[tauri::command]
pub async fn save_profile(
    state: State<'_, AppState>,
    profile: Profile,
    previous_name: Option<String>,
) -> Res<Vec<ProfileEntry>> {
    let mode = match previous_name {
        None => SaveMode::New,
        Some(from) => SaveMode::Edit { from },
    };
    state.engine().save_profile(&profile, mode).await?;
    entries(&state).await
}

/// Deletes a profile and its refresh token.
#[tauri::command]
pub async fn delete_profile(state: State<'_, AppState>, name: String) -> Res<Vec<ProfileEntry>> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    let _ = engine.sign_out(&profile).await?;
    engine.delete_client_secret(&name).await?;
    engine.delete_client_key(&name).await?;
    engine.dpop_remove(&name).await?;
    engine.profiles().delete(&name)?;
    engine.forget_history(&name);
    if engine.profiles().last_profile()?.as_deref() == Some(name.as_str()) {
        engine.profiles().set_last_profile(None)?;
    }
    entries(&state).await
}

/// Says what a pasted authority is (and what a portal URL carries) without fetching anything.
#[tauri::command]
pub fn preview_authority(text: String) -> Res<AuthorityPreview> {
    if let Ok(run) = PortalRun::parse(&text) {
        return Ok(AuthorityPreview {
            metadata_url: run.authority.metadata_url.to_string(),
            form: run.authority.form,
            kind: run.authority.kind(),
            policy_note: run.authority.policy_note().map(str::to_owned),
            b2c: run.authority.b2c,
            external_id: run.authority.external_id,
            client_id: run.client_id,
            scopes: run.scopes,
            portal_redirect_uri: run.redirect_uri,
            prompt: run.prompt,
            portal: portal_params(&text),
        });
    }
    let a = Authority::parse(&text)?;
    Ok(AuthorityPreview {
        metadata_url: a.metadata_url.to_string(),
        form: a.form,
        kind: a.kind(),
        policy_note: a.policy_note().map(str::to_owned),
        b2c: a.b2c,
        external_id: a.external_id,
        client_id: None,
        scopes: Vec::new(),
        portal_redirect_uri: None,
        prompt: None,
        portal: None,
    })
}

pub(crate) fn progress_to<R: Runtime>(app: &AppHandle<R>) -> tokenscope_core::engine::ProgressFn {
    let app = app.clone();
    Arc::new(move |p: Progress| {
        let _ = app.emit(PROGRESS_EVENT, p);
    })
}

/// Signs in with a profile through the system browser (or its browser command).
#[tauri::command]
pub async fn sign_in<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
    options: Option<SignInExtras>,
) -> Res<SignInView> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    let cancel = CancellationToken::new();
    state.set_cancel(Some(cancel.clone()));
    let base = SignInOptions {
        cancel,
        progress: Some(progress_to(&app)),
        ..SignInOptions::default()
    };
    let options = crate::views::sign_in_options(options, base);
    let result = engine.sign_in_tracked(&profile, &options).await;
    state.set_cancel(None);
    let _ = engine.profiles().set_last_profile(Some(&name));
    Ok(SignInView::from(&result?))
}

/// Cancels the sign-in in progress, if any.
#[tauri::command]
pub fn cancel_sign_in(state: State<'_, AppState>) -> bool {
    state.cancel()
}

/// Redeems the stored refresh token (it rotates).
#[tauri::command]
pub async fn refresh<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
) -> Res<SignInView> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    let outcome = engine
        .refresh_tracked(&profile, Some(progress_to(&app)))
        .await?;
    Ok(SignInView::from(&outcome))
}

/// Deletes the refresh token and opens the provider's logout page, when it has one.
#[tauri::command]
pub async fn sign_out(state: State<'_, AppState>, name: String) -> Res<SignOutView> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    let out = engine.sign_out(&profile).await?;
    let mut view = SignOutView {
        deleted: out.deleted,
        logout_url: out.logout_url.as_ref().map(ToString::to_string),
        logout_error: None,
    };
    if let Some(url) = &out.logout_url {
        if let Err(e) =
            Browser::from_command(profile.browser_command.as_deref()).and_then(|b| b.open(url))
        {
            view.logout_error = Some(e.to_string());
        }
    }
    Ok(view)
}

/// What the pasted key text says, or `None` when the field is blank.
fn pasted(text: &Option<String>) -> Option<&str> {
    text.as_deref().filter(|t| !t.trim().is_empty())
}

/// Inspects `text` the way `tokenscope decode` does (the engine's [`InspectRequest`]), and
/// verifies when asked.
async fn inspection(engine: &Engine, text: &str, options: &InspectorOptions) -> Res<Inspection> {
    let request = InspectRequest {
        decryption_key: pasted(&options.decryption_key).map(|text| KeyText {
            text,
            origin: "the pasted decryption key",
        }),
        verify: options.verify,
        public_key: pasted(&options.public_key).map(|text| KeyText {
            text,
            origin: "the pasted key",
        }),
        skew: options
            .skew_seconds
            .map_or(DEFAULT_SKEW, |s| Duration::from_secs(s.into())),
        // Keys named by a pasted token: public addresses and loopback only.
        network: NetworkPolicy::PUBLIC,
    };
    let found = request.inspect(text, engine.now()).map_err(|e| match e {
        RequestError::DecryptionKey(_) => {
            IpcError::new(e.kind(), format!("the decryption key: {e}"))
        }
        RequestError::PublicKey(_) => IpcError::new(e.kind(), format!("the public key: {e}")),
        RequestError::Text(e) => IpcError::from(e),
    })?;
    // Keys named by the token come through the guarded client (names checked where they
    // resolve), not the engine's own.
    Ok(engine.verify_inspected(found).await?)
}

/// The inspector: everything in a pasted token, `Bearer …`, redirect URL or token response,
/// decoded and explained; with `verify`, signatures and times checked; with `redact`, personal
/// claims masked.
#[tauri::command]
pub async fn inspect(
    state: State<'_, AppState>,
    text: String,
    options: InspectorOptions,
) -> Res<InspectionView> {
    let found = inspection(&state.engine(), &text, &options).await?;
    Ok(InspectionView::from(if options.redact {
        redact::redact_inspection(&found)
    } else {
        found
    }))
}

/// The inspection as a JSON (the `decode --json` document) or Markdown text, or the redacted
/// claims list.
#[tauri::command]
pub async fn export_inspection(
    state: State<'_, AppState>,
    text: String,
    options: InspectorOptions,
    format: ExportFormat,
) -> Res<String> {
    let found = inspection(&state.engine(), &text, &options).await?;
    Ok(match format {
        ExportFormat::Json => {
            serde_json::to_string_pretty(&export::json(&found, options.redact)).unwrap_or_default()
        }
        ExportFormat::Markdown => export::markdown(&found, options.redact),
        ExportFormat::Claims => redact::claims_list(&found),
    })
}

/// Compares the first token that decodes in `a` with the first in `b`: claims (and header
/// parameters) added, removed and changed.
#[tauri::command]
pub fn diff_tokens(state: State<'_, AppState>, a: String, b: String) -> Res<TokenDiff> {
    let (a, b) = first_tokens(&state, &a, &b)?;
    Ok(inspect::diff::diff(&a, &b))
}

/// The first token that decodes in `a` and in `b`, or an error naming which text has none.
pub(crate) fn first_tokens(
    state: &AppState,
    a: &str,
    b: &str,
) -> Res<(TokenInspection, TokenInspection)> {
    let options = InspectOptions::at(state.engine().now());
    let failed = |name: &str, message: String| {
        IpcError::new(ErrorKind::Decode, format!("{name}: {message}"))
    };
    let first = |name: &str, text: &str| -> Res<TokenInspection> {
        let mut found = inspect::inspect(text, &options).map_err(|e| {
            let mut err = IpcError::from(e);
            err.message = format!("{name}: {}", err.message);
            err
        })?;
        if let Some(i) = found.tokens.iter().position(|t| t.error.is_none()) {
            return Ok(found.tokens.swap_remove(i));
        }
        Err(match found.first_error() {
            Some((label, e)) => failed(name, format!("{label}: {e}")),
            None => failed(
                name,
                "no token in it (an authorization code or a provider error is not a token)"
                    .to_owned(),
            ),
        })
    };
    Ok((first("A", a)?, first("B", b)?))
}

/// "Make a token": a signed test token (optionally encrypted for a recipient), or, with
/// `request.from`, a decoded token changed (exp, aud…) and signed again with the key given.
/// The rules are core's (`inspect::make`); a bad key or claim comes back as a `config` error.
#[tauri::command]
pub fn make_token(state: State<'_, AppState>, request: MakeRequest) -> Res<Made> {
    make(&request, state.engine().now()).map_err(|e| IpcError::new(ErrorKind::Config, e))
}

/// Remembers the selected profile for the next start.
#[tauri::command]
pub fn set_last_profile(state: State<'_, AppState>, name: Option<String>) -> Res<()> {
    Ok(state
        .engine()
        .profiles()
        .set_last_profile(name.as_deref())?)
}
