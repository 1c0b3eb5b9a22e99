//! IPC commands of the provider's other endpoints under a sign-in result: which of revocation
//! and introspection the metadata advertises, revoking the stored refresh token (the engine
//! reads it from the vault: it never comes here) or the access token, introspecting either; and
//! saving the whole body of the last API call, which the view shows capped.

use crate::commands::Res;
use crate::state::AppState;
use std::path::Path;
use tauri::State;
use tokenscope_core::api::introspect::{IntrospectTarget, IntrospectToken, Introspection};
use tokenscope_core::api::revoke::{Revocation, RevokeToken};
use tokenscope_core::api::save::{save_body, SavedBody};
use tokenscope_core::engine::EndpointSupport;
use tokenscope_core::Error;

/// Which of revocation and introspection the profile's provider advertises (and why not).
#[tauri::command]
pub async fn provider_endpoints(state: State<'_, AppState>, name: String) -> Res<EndpointSupport> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    Ok(engine.provider_endpoints(&profile).await?)
}

/// Revokes the stored refresh token (removed from the vault once revoked) or the access token.
#[tauri::command]
pub async fn revoke_token(
    state: State<'_, AppState>,
    name: String,
    token: RevokeToken,
) -> Res<Revocation> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    Ok(engine.revoke(&profile, token).await?)
}

/// Asks the introspection endpoint about the profile's access or refresh token.
#[tauri::command]
pub async fn introspect_token(
    state: State<'_, AppState>,
    name: String,
    token: IntrospectToken,
) -> Res<Introspection> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    Ok(engine
        .introspect(&profile, &IntrospectTarget::Profile(token))
        .await?)
}

/// Writes the whole body of the profile's last API call (the token masked) to `path`; `name`
/// `None`: of the inspector's last call with a pasted token.
#[tauri::command]
pub fn save_api_body(
    state: State<'_, AppState>,
    name: Option<String>,
    path: String,
) -> Res<SavedBody> {
    let body = state.last_body(name.as_deref()).ok_or_else(|| {
        Error::Config(match &name {
            Some(name) => {
                format!("no API call of profile {name:?} in this session: call the API first")
            }
            None => "no API call with a pasted token in this session: call the API first".into(),
        })
    })?;
    Ok(save_body(Path::new(path.trim()), &body)?)
}
