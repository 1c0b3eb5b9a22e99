//! The shell's state: the engine and the cancel handle of the sign-in in progress.

use std::sync::{Arc, Mutex};
use tokenscope_core::engine::Engine;
use tokio_util::sync::CancellationToken;

/// Managed by Tauri; shared by all commands.
pub struct AppState {
    engine: Arc<Engine>,
    cancel: Mutex<Option<CancellationToken>>,
}

impl AppState {
    /// State around an engine.
    pub fn new(engine: Engine) -> Self {
        Self {
            engine: Arc::new(engine),
            cancel: Mutex::new(None),
        }
    }

    /// The engine.
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.clone()
    }

    pub(crate) fn set_cancel(&self, token: Option<CancellationToken>) {
        if let Ok(mut slot) = self.cancel.lock() {
            *slot = token;
        }
    }

    /// Cancels the sign-in in progress; false when there is none.
    pub fn cancel(&self) -> bool {
        match self.cancel.lock().ok().and_then(|mut s| s.take()) {
            Some(token) => {
                token.cancel();
                true
            }
            None => false,
        }
    }
}
