//! The shell's state: the engine, the cancel handle of the sign-in in progress, and the
//! sign-ins behind the Tests view's latest run.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use tokenscope_core::engine::outcome::SignInView;
use tokenscope_core::engine::Engine;
use tokio_util::sync::CancellationToken;

/// Managed by Tauri; shared by all commands.
pub struct AppState {
    engine: Arc<OnceLock<Arc<Engine>>>,
    cancel: Mutex<Option<CancellationToken>>,
    /// The sign-in behind each case of the latest runs, by (test file, case name).
    case_sign_ins: Arc<Mutex<HashMap<(String, String), SignInView>>>,
    /// The whole body of each profile's last API call (the view shows it capped), for saving.
    last_bodies: Mutex<HashMap<Option<String>, Vec<u8>>>,
}

/// Hands the engine to the state it was promised to (`AppState::starting`).
pub struct EngineSlot(Arc<OnceLock<Arc<Engine>>>);

impl EngineSlot {
    /// Makes the engine available to the commands, which wait for it until then.
    pub fn fill(self, engine: Engine) {
        // The slot is filled once: `starting` hands out one slot per state.
        let _ = self.0.set(Arc::new(engine));
    }
}

impl AppState {
    /// State around an engine.
    pub fn new(engine: Engine) -> Self {
        let (state, slot) = Self::starting();
        slot.fill(engine);
        state
    }

    /// State whose engine is still being built (on another thread, while the window starts):
    /// `engine()` waits until the slot is filled.
    pub fn starting() -> (Self, EngineSlot) {
        let engine = Arc::new(OnceLock::new());
        let state = Self {
            engine: engine.clone(),
            cancel: Mutex::new(None),
            case_sign_ins: Arc::default(),
            last_bodies: Mutex::default(),
        };
        (state, EngineSlot(engine))
    }

    /// The engine; waits for it while it is being built, which only a command sent in the
    /// first few milliseconds of the app's life could see (the page loads later).
    pub fn engine(&self) -> Arc<Engine> {
        self.engine.wait().clone()
    }

    pub(crate) fn set_cancel(&self, token: Option<CancellationToken>) {
        if let Ok(mut slot) = self.cancel.lock() {
            *slot = token;
        }
    }

    /// The sign-ins behind the cases run in the Tests view (shared with a run in progress).
    pub(crate) fn case_sign_ins(&self) -> Arc<Mutex<HashMap<(String, String), SignInView>>> {
        self.case_sign_ins.clone()
    }

    /// Keeps the whole body of the profile's last API call.
    /// `profile` `None`: the inspector's call with a pasted token.
    pub(crate) fn set_last_body(&self, profile: Option<&str>, body: Vec<u8>) {
        if let Ok(mut map) = self.last_bodies.lock() {
            map.insert(profile.map(str::to_owned), body);
        }
    }

    /// The whole body of the profile's last API call in this session.
    pub(crate) fn last_body(&self, profile: Option<&str>) -> Option<Vec<u8>> {
        self.last_bodies
            .lock()
            .ok()?
            .get(&profile.map(str::to_owned))
            .cloned()
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
