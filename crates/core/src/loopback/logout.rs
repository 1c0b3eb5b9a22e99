//! The listener's second job: waiting for the provider to come back to the
//! `post_logout_redirect_uri` after RP-initiated logout. Same rules as the sign-in (loopback
//! only, `Host` checked, stray paths answered and ignored); what came back is reported rather
//! than judged, because the point is to see what the provider does. A return with the `state`
//! sent ends the wait at once; one with another `state` (or none) is remembered and the wait goes
//! on, so a stray request cannot end the test but a provider that drops `state` is still seen.

use super::{host_allowed, read_request, respond, Event, LoopbackListener, Serving, IDLE};
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

/// What the provider sent back to the post-logout redirect URI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LogoutReturn {
    /// The `state` it carried, if any.
    pub state: Option<String>,
    /// It is the `state` that was sent.
    pub state_matches: bool,
    /// `error` and `error_description`, when the provider reported one.
    pub error: Option<String>,
    /// GET or POST.
    pub method: String,
}

struct LogoutCtx {
    state: String,
    path: String,
    port: u16,
}

impl LoopbackListener {
    /// Waits for the provider to return after logout. `Ok(None)` when nothing came back within
    /// `timeout`; a return with a different `state` is reported when no matching one follows.
    pub async fn wait_logout(
        self,
        state: &str,
        timeout: Duration,
        cancel: CancellationToken,
    ) -> Result<Option<LogoutReturn>> {
        let ctx = Arc::new(LogoutCtx {
            state: state.to_owned(),
            path: self.config.path.clone(),
            port: self.port,
        });
        let mut serving = Serving::new(&self.listeners, timeout, cancel, move |stream| {
            let ctx = ctx.clone();
            async move { handle(stream, &ctx).await }
        })?;
        let mut other: Option<LogoutReturn> = None;
        loop {
            match serving.next().await {
                Event::Cancelled => return Err(Error::Cancelled),
                Event::Deadline => return Ok(other),
                Event::Message(back) if back.state_matches => return Ok(Some(back)),
                Event::Message(back) => other = Some(back),
            }
        }
    }
}

/// Serves one connection: one request, one answer, close. `Some` for a return to the redirect
/// URI, whatever its `state`.
async fn handle(mut stream: TcpStream, ctx: &LogoutCtx) -> Option<LogoutReturn> {
    let Ok(Ok(request)) = tokio::time::timeout(IDLE, read_request(&mut stream)).await else {
        return None;
    };
    if !host_allowed(request.host.as_deref(), ctx.port) {
        let _ = respond(
            &mut stream,
            400,
            "Wrong host",
            "This address only answers requests for this machine.",
        )
        .await;
        return None;
    }
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((request.target.as_str(), ""));
    if path != ctx.path {
        let _ = respond(&mut stream, 404, "Not found", "Nothing here.").await;
        return None;
    }
    let params: HashMap<String, String> = match request.method.as_str() {
        "GET" => url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
        "POST" => url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect(),
        _ => {
            let _ = respond(&mut stream, 405, "Not allowed", "Only GET and POST.").await;
            return None;
        }
    };
    let state = params.get("state").cloned();
    let state_matches = state.as_deref() == Some(ctx.state.as_str());
    let error = params
        .get("error")
        .map(|e| match params.get("error_description") {
            Some(d) => format!("{e}: {d}"),
            None => e.clone(),
        });
    let text = if state_matches {
        "The provider came back after signing out. You can close this tab and return to \
         Tokenscope."
    } else {
        "The provider came back after signing out, but not with the state Tokenscope \
         sent. Tokenscope reports what it received."
    };
    let _ = respond(&mut stream, 200, "Signed out", text).await;
    Some(LogoutReturn {
        state,
        state_matches,
        error,
        method: request.method.clone(),
    })
}
