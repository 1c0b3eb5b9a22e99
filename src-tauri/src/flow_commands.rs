//! The "Tests" view's commands: open a user-flow test file (its cases, or every refusal with
//! file, line and key) and run all or some of its cases, each result sent as it ends. Thin
//! adapters on the engine's `flowtest` module; the saved profiles are the app's.

use crate::state::AppState;
use crate::views::IpcError;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Runtime, State};
use tokenscope_core::flowtest::run::{default_chromium, CaseCallback};
use tokenscope_core::flowtest::{self, CaseReport, RunOptions, Runner};
use ts_rs::TS;

type Res<T> = Result<T, IpcError>;

/// The event each case's report is sent with as the case ends.
pub const CASE_EVENT: &str = "flowtest-case";

/// A case as the file describes it.
#[derive(Debug, Clone, Serialize, TS)]
pub struct CaseSummary {
    /// Its name.
    pub name: String,
    /// The driver.
    pub driver: String,
    /// The b2c-pages action.
    pub action: String,
    /// Another policy of the profile's tenant, when the case names one.
    pub policy: Option<String>,
    /// The line of its `[[case]]`.
    pub line: usize,
}

/// An opened test file.
#[derive(Debug, Clone, Serialize, TS)]
pub struct TestFileView {
    /// The path as given.
    pub path: String,
    /// Its cases, in file order.
    pub cases: Vec<CaseSummary>,
}

fn refused(e: flowtest::FileError) -> IpcError {
    IpcError::new("test_file", e.to_string())
}

fn open(state: &AppState, path: &str) -> Res<(Runner, flowtest::TestFile)> {
    let runner = Runner::new(state.engine().profiles().clone())?;
    let file = flowtest::load(&PathBuf::from(path)).map_err(refused)?;
    Ok((runner, file))
}

/// Reads a test file: its cases, or every problem (file, line, key) when it is refused.
#[tauri::command]
pub fn read_test_file(state: State<'_, AppState>, path: String) -> Res<TestFileView> {
    let (runner, file) = open(&state, &path)?;
    runner.prepare(&file, &[]).map_err(refused)?;
    Ok(TestFileView {
        path,
        cases: file
            .cases
            .iter()
            .map(|c| CaseSummary {
                name: c.name.clone(),
                driver: c.settings.driver().name().to_owned(),
                action: c.action.name().to_owned(),
                policy: c.policy.clone(),
                line: c.line,
            })
            .collect(),
    })
}

/// Runs the file's cases (those named in `only`, or all), `jobs` at a time; each report is
/// also sent as [`CASE_EVENT`] when its case ends. Tokens never cross to the UI.
#[tauri::command]
pub async fn run_test_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    path: String,
    only: Vec<String>,
    jobs: Option<u16>,
) -> Res<Vec<CaseReport>> {
    let (runner, file) = open(&state, &path)?;
    let cases = runner.prepare(&file, &only).map_err(refused)?;
    let emitter = app.clone();
    let on_case: CaseCallback = Arc::new(move |c: &CaseReport| {
        let _ = emitter.emit(CASE_EVENT, c);
    });
    let options = RunOptions {
        jobs: usize::from(jobs.unwrap_or(1).clamp(1, 16)),
        show_tokens: false,
        chromium: default_chromium(),
        on_case: Some(on_case),
        ..RunOptions::default()
    };
    Ok(runner.run(&path, cases, &options).await.cases)
}
