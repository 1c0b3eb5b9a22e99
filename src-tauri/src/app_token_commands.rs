//! "App token (client credentials)": a confidential client's app-only access token, asked for
//! with the engine's own call, the one `tokenscope token --grant client-credentials` makes. Its
//! steps go out as `signin-progress` events like a sign-in's; the result is the same view, with an
//! access token and no ID token, and nothing is stored.

use crate::commands::{progress_to, Res};
use crate::state::AppState;
use tauri::{AppHandle, Runtime, State};
use tokenscope_core::engine::outcome::SignInView;

/// Gets an app-only token for the profile's client. `scope` (space-separated) replaces the
/// profile's scopes; blank or absent sends the profile's scopes without `openid` and
/// `offline_access`, as the command line does without `--scope`.
#[tauri::command]
pub async fn client_credentials<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
    scope: Option<String>,
) -> Res<SignInView> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    let scope = scope.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let outcome = engine
        .client_credentials(&profile, scope, Some(progress_to(&app)))
        .await?;
    Ok(SignInView::from(&outcome))
}
