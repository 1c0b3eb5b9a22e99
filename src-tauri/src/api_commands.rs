//! IPC commands of the "Call API" panel. The engine makes the call with the profile's token (the
//! one this session holds, else one from a silent refresh): the webview sends what the user typed
//! and gets the answer with the token masked, never the token, unless it asks for a curl command
//! with the token in the clear.

use crate::commands::Res;
use crate::state::AppState;
use serde::Deserialize;
use tauri::State;
use tokenscope_core::api::userinfo::UserInfo;
use tokenscope_core::api::{ApiCall, CallInput, Header, TokenChoice};
use tokenscope_core::engine::WireOf;
use tokenscope_core::store::profile::RecentCall;

/// The request as the panel sends it: headers as the lines typed (`Name: value`), read by the
/// engine's rules.
#[derive(Deserialize, ts_rs::TS)]
pub struct ApiRequest {
    /// HTTP method.
    pub method: String,
    /// The API's URL.
    pub url: String,
    /// Header lines `Name: value`; blank lines are skipped.
    pub headers: Vec<String>,
    /// The body (none or empty: no body).
    pub body: Option<String>,
    /// The token to send.
    pub token: TokenChoice,
}

impl ApiRequest {
    fn input(self) -> Res<CallInput> {
        let headers = self
            .headers
            .iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| Header::parse_line(l))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(CallInput {
            method: self.method,
            url: self.url,
            headers,
            body: self.body.filter(|b| !b.is_empty()),
            token: self.token,
        })
    }
}

/// Calls the API with the profile's token and explains a refusal; remembered in the profile's
/// recent calls.
#[tauri::command]
pub async fn call_api(
    state: State<'_, AppState>,
    name: String,
    request: ApiRequest,
) -> Res<ApiCall> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    let input = request.input()?;
    let call = engine.call_api(&profile, &input).await?;
    state.set_last_body(Some(&name), call.raw_body.clone());
    Ok(call)
}

/// The request as a curl command: the token as `$TOKEN`, or in the clear when `reveal`.
#[tauri::command]
pub async fn api_curl(
    state: State<'_, AppState>,
    name: String,
    request: ApiRequest,
    reveal: bool,
) -> Res<String> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    let input = request.input()?;
    Ok(engine.api_curl(&profile, &input, reveal).await?)
}

/// Calls the API with a token the user pasted in the inspector (it came from the webview; no
/// profile's token is involved) and explains a refusal. Not remembered in any profile.
#[tauri::command]
pub async fn call_api_with_token(
    state: State<'_, AppState>,
    token: String,
    request: ApiRequest,
) -> Res<ApiCall> {
    let engine = state.engine();
    let input = request.input()?;
    let call = engine.call_api_with_token(&token, &input).await?;
    state.set_last_body(None, call.raw_body.clone());
    Ok(call)
}

/// A call with a pasted token as a curl command: the token as `$TOKEN`, or in the clear when
/// `reveal`.
#[tauri::command]
pub fn api_curl_with_token(
    state: State<'_, AppState>,
    token: String,
    request: ApiRequest,
    reveal: bool,
) -> Res<String> {
    let input = request.input()?;
    Ok(state.engine().api_curl_with_token(&token, &input, reveal)?)
}

/// The profile's recent calls, newest first.
#[tauri::command]
pub fn recent_calls(state: State<'_, AppState>, name: String) -> Res<Vec<RecentCall>> {
    Ok(state.engine().recent_calls(&name)?)
}

/// Request `index` of the profile's last log of `kind` ("What went over the wire": a sign-in
/// or refresh when not given, an API call, userinfo, revocation, introspection) as curl with
/// what it sent in the clear, except refresh tokens, which never reach the webview. `url`: the
/// entry's URL as shown, so a log replaced since answers an error, not another request.
#[tauri::command]
pub fn exchange_curl(
    state: State<'_, AppState>,
    name: String,
    kind: Option<WireOf>,
    index: usize,
    url: String,
) -> Res<String> {
    Ok(state
        .engine()
        .exchange_curl(&name, kind.unwrap_or_default(), index, &url)?)
}

/// The provider's userinfo claims, explained and compared with the ID token's.
#[tauri::command]
pub async fn userinfo(state: State<'_, AppState>, name: String) -> Res<UserInfo> {
    let engine = state.engine();
    let profile = engine.profiles().get(&name)?;
    Ok(engine.userinfo(&profile).await?)
}
