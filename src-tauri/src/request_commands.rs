//! IPC commands of the request builder: the authorize URL preview, the client secret of a
//! confidential client (it comes in once, on save, and never goes back out: the UI only learns
//! whether one is stored), and the logout test.

use crate::commands::{entries, Res};
use crate::state::AppState;
use crate::views::{sign_in_options, ProfileEntry, SignInExtras};
use std::time::Duration;
use tauri::State;
use tokenscope_core::engine::{LogoutOptions, LogoutReport, RequestPreview, SignInOptions};
use tokenscope_core::oidc::request::{analyze_scopes, ScopeAdvice};
use tokenscope_core::oidc::sent::{self, BrowserErrorHelp};
use tokenscope_core::Secret;
use tokio_util::sync::CancellationToken;

/// The authorize URL a sign-in with these options would open, with the scopes explained.
#[tauri::command]
pub async fn preview_request(
    state: State<'_, AppState>,
    name: String,
    options: Option<SignInExtras>,
) -> Res<RequestPreview> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    Ok(engine
        .preview(
            &profile,
            &sign_in_options(options, SignInOptions::default()),
        )
        .await?)
}

/// What the scopes typed in the profile form amount to (nothing is fetched): each scope
/// explained, and a warning when they name two resources (B2C's AADB2C90146).
#[tauri::command]
pub fn scope_advice(client_id: String, scopes: Vec<String>) -> ScopeAdvice {
    analyze_scopes(&client_id, &scopes)
}

/// A sign-in that never came back: the codes the provider's page likely shows for the request
/// that was sent (its authorize URL, from the progress events), and what the code the person
/// read off the page means. The explanations come from core's catalogue.
#[tauri::command]
pub fn browser_error_help(authorize_url: String, read: Option<String>) -> BrowserErrorHelp {
    sent::browser_error_help(&authorize_url, read.as_deref())
}

/// Stores (or replaces) the profile's client secret in the keyring.
#[tauri::command]
pub async fn set_client_secret(
    state: State<'_, AppState>,
    name: String,
    secret: String,
) -> Res<Vec<ProfileEntry>> {
    let engine = state.engine();
    engine.profiles().get(&name)?;
    engine
        .set_client_secret(&name, &Secret::new(secret))
        .await?;
    entries(&state).await
}

/// Deletes the profile's client secret.
#[tauri::command]
pub async fn delete_client_secret(
    state: State<'_, AppState>,
    name: String,
) -> Res<Vec<ProfileEntry>> {
    let engine = state.engine();
    engine.delete_client_secret(&name).await?;
    entries(&state).await
}

/// Stores (or replaces) the profile's private key for `private_key_jwt` in the keyring: a PEM
/// private key (with its certificate for `x5t#S256`) or a private JWK. It never comes back: the
/// profile list describes it (algorithm, thumbprint, `x5t#S256`).
#[tauri::command]
pub async fn set_client_key(
    state: State<'_, AppState>,
    name: String,
    key: String,
) -> Res<Vec<ProfileEntry>> {
    let engine = state.engine();
    engine.profiles().get(&name)?;
    engine.set_client_key_text(&name, &Secret::new(key)).await?;
    entries(&state).await
}

/// Deletes the profile's private key.
#[tauri::command]
pub async fn delete_client_key(state: State<'_, AppState>, name: String) -> Res<Vec<ProfileEntry>> {
    let engine = state.engine();
    engine.delete_client_key(&name).await?;
    entries(&state).await
}

/// RP-initiated logout with `id_token_hint` (given, or the last ID token of this session) and a
/// loopback `post_logout_redirect_uri`; reports whether the provider came back, and with which
/// `state`. Cancelled by `cancel_sign_in`.
#[tauri::command]
pub async fn logout_test(
    state: State<'_, AppState>,
    name: String,
    id_token_hint: Option<String>,
) -> Res<LogoutReport> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    let cancel = CancellationToken::new();
    state.set_cancel(Some(cancel.clone()));
    let options = LogoutOptions {
        id_token_hint: id_token_hint
            .filter(|h| !h.trim().is_empty())
            .map(Secret::new),
        timeout: Duration::from_secs(120),
        cancel,
        open_browser: true,
    };
    let result = engine.logout_test(&profile, &options).await;
    state.set_cancel(None);
    Ok(result?)
}

/// The client certificate files as the engine reads them now (thumbprint, expiry, self-signed,
/// what is wrong, warnings): for the profile form's "Check the files". Paths only come and go;
/// the key's contents never leave its file.
#[tauri::command]
pub fn describe_client_certificate(
    state: State<'_, AppState>,
    files: tokenscope_core::oidc::mtls::ClientCertificate,
) -> tokenscope_core::oidc::mtls::CertificateView {
    files.describe(state.engine().now())
}
