//! Declares the app's own commands so capabilities can grant them one by one.

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(
            tauri_build::AppManifest::new().commands(tokenscope_desktop_commands::ALL),
        ),
    )
    .expect("tauri build step");
}

/// The command names, shared with `src/commands.rs` (kept in one list).
mod tokenscope_desktop_commands {
    include!("src/command_names.rs");
}
