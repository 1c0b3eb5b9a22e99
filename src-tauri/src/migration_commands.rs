//! The B2C → External ID migration view's command: two ID tokens of the same user (the B2C
//! profile's and the External ID profile's latest sign-ins) compared with the claim diff, each
//! difference a migration is known to bring explained from core's table
//! (`inspect::migration`).

use crate::commands::{first_tokens, Res};
use crate::state::AppState;
use tauri::State;
use tokenscope_core::inspect::migration::{migration, Migration};

/// Compares the first token of `a` (e.g. the B2C sign-in's ID token) with the first of `b` (the
/// External ID one) and explains the differences.
#[tauri::command]
pub fn migration_compare(state: State<'_, AppState>, a: String, b: String) -> Res<Migration> {
    let (a, b) = first_tokens(&state, &a, &b)?;
    Ok(migration(&a, &b))
}
