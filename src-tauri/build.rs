//! Declares the app's own commands so capabilities can grant them one by one.

include!("src/command_list.rs");

/// Every command name, from the one list in `src/command_list.rs`.
const COMMANDS: &[&str] = app_commands!(command_names);

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step");
}
