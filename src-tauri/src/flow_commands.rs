//! The "Tests" view's commands: open a user-flow test file (its cases, or every refusal with
//! file, line and key), run all or some of its cases (each result sent as it ends), show the
//! sign-in behind a case, and save a sign-in as a new case ("Save as test case"). Thin
//! adapters on the engine's `flowtest` module; the saved profiles are the app's.

use crate::state::AppState;
use crate::views::IpcError;
use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::{AppHandle, Emitter, Runtime, State};
use tokenscope_core::engine::outcome::{Outcome, SignInView};
use tokenscope_core::error::ErrorKind;
use tokenscope_core::flowtest::draft::{append_case, CaseDraft};
use tokenscope_core::flowtest::run::{default_chromium, CaseCallback, OutcomeCallback};
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
    IpcError::new(ErrorKind::TestFile, e.to_string())
}

fn open(state: &AppState, path: &str) -> Res<(Runner, flowtest::TestFile)> {
    let runner = Runner::new(state.engine().profiles().clone())?;
    let file = flowtest::load(&PathBuf::from(path)).map_err(refused)?;
    Ok((runner, file))
}

fn view(path: String, file: &flowtest::TestFile) -> TestFileView {
    TestFileView {
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
    }
}

/// Reads a test file: its cases, or every problem (file, line, key) when it is refused.
#[tauri::command]
pub fn read_test_file(state: State<'_, AppState>, path: String) -> Res<TestFileView> {
    let (runner, file) = open(&state, &path)?;
    runner.prepare(&file, &[]).map_err(refused)?;
    Ok(view(path, &file))
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
    let kept = state.case_sign_ins();
    if let Ok(mut k) = kept.lock() {
        for c in &cases {
            k.remove(&(path.clone(), c.case.name.clone()));
        }
    }
    let file_key = path.clone();
    let on_outcome: OutcomeCallback = Arc::new(move |name: &str, o: &Outcome| {
        if let Ok(mut k) = kept.lock() {
            k.insert((file_key.clone(), name.to_owned()), SignInView::from(o));
        }
    });
    let emitter = app.clone();
    let on_case: CaseCallback = Arc::new(move |c: &CaseReport| {
        let _ = emitter.emit(CASE_EVENT, c);
    });
    let options = RunOptions {
        jobs: usize::from(jobs.unwrap_or(1).clamp(1, 16)),
        show_tokens: false,
        chromium: default_chromium(),
        on_case: Some(on_case),
        on_outcome: Some(on_outcome),
        ..RunOptions::default()
    };
    Ok(runner.run(&path, cases, &options).await.cases)
}

/// The sign-in behind a case of the latest run of `path`, for the result view.
#[tauri::command]
pub fn test_case_sign_in(
    state: State<'_, AppState>,
    path: String,
    name: String,
) -> Res<SignInView> {
    let kept = state.case_sign_ins();
    let found = kept
        .lock()
        .ok()
        .and_then(|k| k.get(&(path, name.clone())).cloned());
    found.ok_or_else(|| {
        IpcError::new(
            ErrorKind::TestFile,
            format!("no sign-in is kept for case {name:?}: run it first (a case that failed before its tokens came back has none)"),
        )
    })
}

/// Appends a case to the test file at `path` (created when missing); the profile must be a
/// saved one. Returns the file as it now reads.
#[tauri::command]
pub fn save_test_case(
    state: State<'_, AppState>,
    path: String,
    draft: CaseDraft,
) -> Res<TestFileView> {
    state.engine().profiles().get(&draft.profile)?;
    let file = append_case(&PathBuf::from(&path), &draft).map_err(refused)?;
    Ok(view(path, &file))
}
