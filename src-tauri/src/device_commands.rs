//! "Sign in on another device" (RFC 8628): whether the profile's provider offers the device
//! flow, and the sign-in itself. While it runs, the engine's steps go out as `signin-progress`
//! events like a browser sign-in's, the user code (with its QR code, made by the engine) as one
//! `device-code` event, and each poll as a `device-poll` event with the interval waited (it
//! grows when the provider says `slow_down`). Cancelled with `cancel_sign_in`; the result is the
//! same view as a browser sign-in's.

use crate::commands::{progress_to, Res};
use crate::state::AppState;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use tauri::{AppHandle, Emitter, Runtime, State};
use tokenscope_core::engine::device::{DeviceCode, DeviceOptions, DeviceSupport};
use tokenscope_core::engine::outcome::SignInView;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// Event carrying the [`DeviceCode`] to show.
pub const DEVICE_CODE_EVENT: &str = "device-code";

/// Event carrying a [`DevicePoll`] before each poll of the token endpoint.
pub const DEVICE_POLL_EVENT: &str = "device-poll";

/// One poll of the token endpoint.
#[derive(Debug, Clone, Serialize, TS)]
pub struct DevicePoll {
    /// Seconds waited before this poll (the provider's interval, plus 5 s per `slow_down`).
    pub interval: u64,
}

/// Whether the profile's provider offers the device flow (its metadata names a
/// `device_authorization_endpoint`), and why not.
#[tauri::command]
pub async fn device_support(state: State<'_, AppState>, name: String) -> Res<DeviceSupport> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    Ok(engine.device_support(&profile).await?)
}

/// Signs in with the device flow: the user enters the code shown on another device; the tokens
/// are judged and the refresh token stored exactly as after a browser sign-in.
#[tauri::command]
pub async fn sign_in_device<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
) -> Res<SignInView> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    let cancel = CancellationToken::new();
    state.set_cancel(Some(cancel.clone()));
    let shows = app.clone();
    let polls = app.clone();
    let options = DeviceOptions {
        store: true,
        cancel,
        progress: Some(progress_to(&app)),
        show_code: Arc::new(move |code: &DeviceCode| {
            let _ = shows.emit(DEVICE_CODE_EVENT, code);
        }),
        on_poll: Some(Arc::new(move |waited: Duration| {
            let _ = polls.emit(
                DEVICE_POLL_EVENT,
                DevicePoll {
                    interval: waited.as_secs(),
                },
            );
        })),
    };
    let result = engine.sign_in_device(&profile, &options).await;
    state.set_cancel(None);
    let _ = engine.profiles().set_last_profile(Some(&name));
    Ok(SignInView::from(&result?))
}
