//! A profile's DPoP key (RFC 9449) for the profile form: what the engine says of it (thumbprint,
//! public JWK, when it was made, where it is kept), a new one, or none. Each command only adapts
//! the engine's own call, the one `tokenscope profiles dpop show|rotate|remove` makes; the
//! private key stays in the keyring and never crosses IPC.

use crate::commands::Res;
use crate::state::AppState;
use tauri::State;
use tokenscope_core::engine::dpop::DpopKeyInfo;

/// The profile's DPoP key (public half), or `null` when none is made yet.
#[tauri::command]
pub async fn dpop_key(state: State<'_, AppState>, name: String) -> Res<Option<DpopKeyInfo>> {
    Ok(state.engine().dpop_key(&name).await?)
}

/// A new DPoP key for the profile, replacing the old one: tokens bound to the old key (the
/// access token, and a refresh token issued with DPoP) stop working; sign in again.
#[tauri::command]
pub async fn rotate_dpop_key(state: State<'_, AppState>, name: String) -> Res<DpopKeyInfo> {
    Ok(state.engine().dpop_rotate(&name).await?)
}

/// Deletes the profile's DPoP key (a new one is made at the next sign-in with DPoP); true when
/// there was one.
#[tauri::command]
pub async fn remove_dpop_key(state: State<'_, AppState>, name: String) -> Res<bool> {
    Ok(state.engine().dpop_remove(&name).await?)
}
