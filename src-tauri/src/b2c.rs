//! The B2C commands: a profile's tenant and its policies (picker, add, remove, switch), the
//! password-reset sign-in after AADB2C90118, this session's history and refresh token age, and
//! the support bundle. Thin adapters on the engine, like `commands`.

use crate::commands::{entries, progress_to};
use crate::state::AppState;
use crate::views::{IpcError, ProfileEntry};
use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tokenscope_core::b2c::errors::DESKTOP_REDIRECT_RULES;
use tokenscope_core::engine::history::{HistoryEntry, Purpose, RefreshAge};
use tokenscope_core::engine::outcome::SignInView;
use tokenscope_core::engine::SignInOptions;
use tokenscope_core::store::tenant::{TenantStore, TenantView};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

type Res<T> = Result<T, IpcError>;

/// A profile's history in this session and its refresh token's age.
#[derive(Debug, Clone, Serialize, TS)]
pub struct HistoryView {
    /// Sign-ins and refreshes (the latest the engine keeps), oldest first.
    pub entries: Vec<HistoryEntry>,
    /// Earlier sign-ins and refreshes of this session no longer kept.
    pub left_out: u32,
    /// The stored refresh token against B2C's default lifetimes (none stored: `None`).
    pub refresh_age: Option<RefreshAge>,
    /// How desktop apps register redirect URIs, for the redirect check after a sign-in that
    /// never came back (B2C shows AADB2C90006 in the browser and does not redirect).
    pub redirect_rules: Vec<String>,
}

fn tenants(state: &AppState) -> TenantStore {
    TenantStore::new(state.engine().profiles().clone())
}

/// The profile's tenant and its policies (an `authority` error when it is not on B2C).
#[tauri::command]
pub fn tenant_policies(state: State<'_, AppState>, name: String) -> Res<TenantView> {
    let profile = state.engine().profiles().get(&name)?;
    Ok(tenants(&state).view(&profile)?)
}

/// Adds a policy to the profile's tenant; `reset` makes it the password-reset policy.
#[tauri::command]
pub fn add_policy(
    state: State<'_, AppState>,
    name: String,
    policy: String,
    reset: bool,
) -> Res<TenantView> {
    let profile = state.engine().profiles().get(&name)?;
    Ok(tenants(&state).add_policy(&profile, &policy, reset)?)
}

/// Forgets a policy added to the profile's tenant.
#[tauri::command]
pub fn remove_policy(state: State<'_, AppState>, name: String, policy: String) -> Res<TenantView> {
    let profile = state.engine().profiles().get(&name)?;
    Ok(tenants(&state).remove_policy(&profile, &policy)?)
}

/// Switches the profile to another policy of its tenant and saves it.
#[tauri::command]
pub async fn switch_policy(
    state: State<'_, AppState>,
    name: String,
    policy: String,
) -> Res<Vec<ProfileEntry>> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    let switched = tenants(&state).switch(&profile, &policy)?;
    engine.profiles().save(&switched)?;
    entries(&state).await
}

/// Runs the tenant's password-reset policy for the profile, once (nothing is stored, the
/// profile is unchanged); the UI signs in again afterwards.
#[tauri::command]
pub async fn reset_password<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
    policy: String,
) -> Res<SignInView> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    let cancel = CancellationToken::new();
    state.set_cancel(Some(cancel.clone()));
    let options = SignInOptions {
        cancel,
        progress: Some(progress_to(&app)),
        ..SignInOptions::default()
    };
    let result = engine
        .sign_in_with_policy(&profile, &policy, Purpose::PasswordReset, &options)
        .await;
    state.set_cancel(None);
    Ok(SignInView::from(&result?))
}

/// This session's sign-ins and refreshes of the profile, and its refresh token's age.
#[tauri::command]
pub async fn session_history(state: State<'_, AppState>, name: String) -> Res<HistoryView> {
    let engine = state.engine();
    Ok(HistoryView {
        entries: engine.history(&name),
        left_out: engine.history_left_out(&name),
        refresh_age: engine.refresh_age(&name).await.unwrap_or(None),
        redirect_rules: DESKTOP_REDIRECT_RULES
            .iter()
            .map(|r| (*r).to_owned())
            .collect(),
    })
}

/// The support bundle of the profile's last sign-in or refresh, as text for a ticket.
#[tauri::command]
pub fn support_bundle(state: State<'_, AppState>, name: String) -> Res<String> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    Ok(engine
        .support_bundle(&profile, env!("CARGO_PKG_VERSION"))?
        .to_text())
}
