//! Tokenscope's desktop shell: a thin Tauri 2 layer on the engine (`tokenscope-core`). It holds
//! the engine in state, adapts engine calls as IPC commands (`commands`), shapes results for the
//! UI (`views`) and reports progress as events. Sign-in happens in the system browser, never in
//! this window (RFC 8252); the window loads only the app's own UI under a strict CSP.

pub mod b2c;
pub mod bench;
pub mod bindings;
pub mod commands;
pub mod flow_commands;
pub mod rendering;
pub mod request_commands;
pub mod state;
pub mod views;

/// The IPC command names (also read by `build.rs`).
pub mod command_names {
    include!("command_names.rs");
}

use state::AppState;
use tauri::{Builder, Runtime};
use tokenscope_core::engine::Engine;

/// The app's builder on any runtime (the real one, or `tauri::test::mock_builder()`), with the
/// commands registered and the engine's state managed.
pub fn app<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::list_profiles,
            commands::save_profile,
            commands::delete_profile,
            commands::preview_authority,
            commands::sign_in,
            commands::cancel_sign_in,
            commands::refresh,
            commands::sign_out,
            commands::inspect,
            commands::export_inspection,
            commands::diff_tokens,
            commands::set_last_profile,
            b2c::tenant_policies,
            b2c::add_policy,
            b2c::remove_policy,
            b2c::switch_policy,
            b2c::reset_password,
            b2c::session_history,
            b2c::support_bundle,
            request_commands::preview_request,
            request_commands::set_client_secret,
            request_commands::delete_client_secret,
            request_commands::logout_test,
            request_commands::scope_advice,
            flow_commands::read_test_file,
            flow_commands::run_test_file,
            flow_commands::test_case_sign_in,
            flow_commands::save_test_case,
        ])
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
