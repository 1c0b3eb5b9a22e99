//! Tokenscope's desktop shell: a thin Tauri 2 layer on the engine (`tokenscope-core`). It holds
//! the engine in state, adapts engine calls as IPC commands (`commands`), shapes results for the
//! UI (`views`) and reports progress as events. Sign-in happens in the system browser, never in
//! this window (RFC 8252); the window loads only the app's own UI under a strict CSP.

pub mod api_commands;
pub mod app_token_commands;
pub mod b2c;
pub mod bench;
pub mod bindings;
pub mod commands;
pub mod device_commands;
pub mod dpop_commands;
pub mod endpoint_commands;
pub mod flow_commands;
pub mod migration_commands;
pub mod rendering;
pub mod request_commands;
pub mod state;
pub mod views;

include!("command_list.rs");

/// The handlers of a list of `module::command` paths.
macro_rules! command_handlers {
    ($($module:ident :: $command:ident),* $(,)?) => {
        tauri::generate_handler![$($module::$command),*]
    };
}

/// The IPC command names, from the list the handlers are registered from (`command_list.rs`,
/// also read by `build.rs`).
pub mod command_names {
    /// Every IPC command the desktop shell exposes; `build.rs` declares them, capabilities grant
    /// them, `bindings.rs` writes them for the UI.
    pub const ALL: &[&str] = app_commands!(command_names);
}

use state::AppState;
use tauri::{Builder, Runtime};
use tokenscope_core::engine::Engine;

/// The app's builder on any runtime (the real one, or `tauri::test::mock_builder()`), with the
/// commands registered and the engine's state managed.
pub fn app<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder
        .manage(state)
        .invoke_handler(app_commands!(command_handlers))
}

/// Starts the desktop app.
pub fn run() {
    // The engine (HTTP client, keyring probe over D-Bus, profile store) is built on a thread of
    // its own while GTK and the web view start, not before them: it took 15-30 ms of the main
    // thread before the window, and the page asks for it hundreds of milliseconds later.
    let (state, slot) = AppState::starting();
    let spawned = std::thread::Builder::new()
        .name("engine".into())
        .spawn(
            move || match tauri::async_runtime::block_on(Engine::production()) {
                Ok(engine) => slot.fill(engine),
                Err(e) => {
                    eprintln!("Tokenscope cannot start: {e}");
                    std::process::exit(1);
                }
            },
        );
    if let Err(e) = spawned {
        eprintln!("Tokenscope cannot start: no thread for the engine: {e}");
        std::process::exit(1);
    }
    let mut builder = app(tauri::Builder::default(), state)
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .setup(|app| {
            use tauri::Manager;
            if let Some(window) = app.get_webview_window("main") {
                rendering::apply(&window)?;
            }
            Ok(())
        });
    if let Some(probe) = bench::plugin() {
        builder = builder.plugin(probe);
    }
    let result = builder.run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Tokenscope stopped: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests;
