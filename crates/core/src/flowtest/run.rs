//! The runner: each case signs in with the engine's own sign-in (through the case's driver),
//! then its expectations are judged; `jobs` cases run at once, each with its own loopback
//! listener (a free port) and, for the b2c-pages driver, its own browser profile directory.
//!
//! Runs use an engine of their own: refresh tokens are kept in memory for the run only (never
//! in the OS keyring), profile state in a temporary directory removed at the end, so a test run
//! leaves nothing behind and never disturbs the user's saved sign-ins.

use super::expect::{self, Failure};
use super::file::{Case, CredentialRef, Driver, FileError, TestFile};
use crate::clock::SystemClock;
use crate::engine::outcome::Outcome;
use crate::engine::{Engine, Progress, SignInOptions, ROPC_WARNING};
use crate::error::{Error, Result};
use crate::exchange::{self, Exchange};
use crate::http::{HttpLimits, ReqwestClient};
use crate::oidc::authority::Authority;
use crate::oidc::redirect::RedirectConfig;
use crate::secret::Secret;
use crate::store::profile::{Profile, ProfileStore};
use crate::store::tenant;
use crate::store::vault::Vault;
use futures_util::StreamExt;
use serde::Serialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The Chromium the b2c-pages driver starts: `$TOKENSCOPE_CHROMIUM`, else Debian's.
pub fn default_chromium() -> PathBuf {
    std::env::var_os("TOKENSCOPE_CHROMIUM")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// Called as each case ends.
pub type CaseCallback = Arc<dyn Fn(&CaseReport) + Send + Sync>;

/// Given each case's sign-in (its name and the outcome) as the sign-in comes back, before the
/// expectations are judged: the desktop keeps it to show "the sign-in behind a case".
pub type OutcomeCallback = Arc<dyn Fn(&str, &Outcome) + Send + Sync>;

/// How a run goes.
#[derive(Clone)]
pub struct RunOptions {
    /// Cases run at once (at least 1).
    pub jobs: usize,
    /// Longest a case may take, sign-in and refresh included.
    pub timeout: Duration,
    /// Put the raw tokens in the reports (`--show-tokens`); off, no token appears anywhere.
    pub show_tokens: bool,
    /// Put each case's exchange log (what went over the wire, masked) in its report
    /// (`--trace`).
    pub trace: bool,
    /// The Chromium of the b2c-pages driver.
    pub chromium: PathBuf,
    /// Called as each case ends (in the order they end).
    pub on_case: Option<CaseCallback>,
    /// Called with each case's sign-in, when it returned tokens.
    pub on_outcome: Option<OutcomeCallback>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            jobs: 1,
            timeout: Duration::from_secs(120),
            show_tokens: false,
            trace: false,
            chromium: default_chromium(),
            on_case: None,
            on_outcome: None,
        }
    }
}

/// The raw tokens of a case, only with `show_tokens`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseTokens {
    /// The ID token.
    pub id_token: Option<String>,
    /// The access token.
    pub access_token: Option<String>,
}

/// What became of one case.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CaseReport {
    /// The case's name.
    pub name: String,
    /// The file it is in.
    pub file: String,
    /// Every expectation held.
    pub ok: bool,
    /// How long it took, sign-in and refresh included.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub duration_ms: u64,
    /// The expectations that did not hold.
    pub failures: Vec<Failure>,
    /// The driver used.
    pub driver: String,
    /// What the report must say besides (ROPC skips MFA and federation).
    pub warnings: Vec<String>,
    /// The raw tokens (`--show-tokens` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub tokens: Option<CaseTokens>,
    /// What went over the wire during the case (sign-in and refresh; the request that failed
    /// included), masked (`--trace` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub exchanges: Option<Vec<Exchange>>,
}

/// The cases of one file.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileReport {
    /// The file as given.
    pub file: String,
    /// Its cases, in file order.
    pub cases: Vec<CaseReport>,
    /// Wall-clock time of the whole file.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub duration_ms: u64,
}

impl FileReport {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.ok).count()
    }
    /// Cases that failed.
    pub fn failed(&self) -> usize {
        self.cases.len() - self.passed()
    }
}

/// A case ready to run: the profile it signs in with, resolved.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The case.
    pub case: Case,
    /// Its profile (named for this run only).
    pub profile: Profile,
}

/// Runs test files.
pub struct Runner {
    engine: Arc<Engine>,
    saved: ProfileStore,
    work: PathBuf,
}

impl Drop for Runner {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.work);
    }
}

impl Runner {
    /// A runner reading saved profiles from `saved`.
    pub fn new(saved: ProfileStore) -> Result<Self> {
        let work = std::env::temp_dir().join(format!(
            "tokenscope-test-{}",
            crate::oidc::pkce::random_token()
        ));
        std::fs::create_dir_all(&work)
            .map_err(|e| Error::Config(format!("cannot create {}: {e}", work.display())))?;
        let http = Arc::new(ReqwestClient::new(HttpLimits::default())?);
        let engine = Engine::new(
            http,
            Arc::new(SystemClock),
            Vault::session_only("test runs keep refresh tokens in memory only"),
            ProfileStore::new(work.join("state")),
        );
        Ok(Self {
            engine: Arc::new(engine),
            saved,
            work,
        })
    }

    /// The engine the cases sign in with.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Resolves every case's profile (a saved profile that does not exist, an authority that
    /// is not understood, a policy on a non-B2C authority): refused before anything runs.
    /// `only`, when not empty, keeps the cases of those names.
    pub fn prepare(&self, file: &TestFile, only: &[String]) -> Result<Vec<Prepared>, FileError> {
        let mut out = Vec::new();
        let mut problems = Vec::new();
        let stem = file
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (i, case) in file.cases.iter().enumerate() {
            if !only.is_empty() && !only.contains(&case.name) {
                continue;
            }
            match self.profile_for(case, &format!("test case {} of {stem}", i + 1)) {
                Ok(profile) => out.push(Prepared {
                    case: case.clone(),
                    profile,
                }),
                // A [defaults] problem (a missing saved profile) is told once, not per case.
                Err((line, _, message))
                    if problems
                        .iter()
                        .any(|p: &super::file::Problem| p.line == line && p.message == message) => {
                }
                Err((line, key, message)) => problems.push(super::file::Problem {
                    line,
                    key: format!(
                        "case[{}]{}{key}",
                        i + 1,
                        if key.is_empty() { "" } else { "." }
                    ),
                    message,
                }),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(FileError {
                path: file.path.clone(),
                problems,
            })
        }
    }

    fn profile_for(&self, case: &Case, name: &str) -> Result<Profile, (usize, String, String)> {
        let s = &case.settings;
        let mut p = match &s.profile {
            Some(saved) => self.saved.get(&saved.value).map_err(|e| {
                (
                    saved.line,
                    "profile".to_owned(),
                    format!("{e} (saved profiles: `tokenscope profiles`)"),
                )
            })?,
            None => Profile::new(
                name,
                s.authority.as_deref().unwrap_or_default(),
                s.client_id.as_deref().unwrap_or_default(),
            ),
        };
        let at = |key: &str, e: Error| (case.line, key.to_owned(), e.to_string());
        if let Some(a) = &s.authority {
            p.authority = a.clone();
        }
        if let Some(c) = &s.client_id {
            p.client_id = c.clone();
        }
        if let Some(scope) = &s.scope {
            p.scopes = scope.iter().filter(|x| *x != "openid").cloned().collect();
        }
        if let Some(uri) = &s.redirect_uri {
            p.redirect = RedirectConfig::parse(uri).map_err(|e| at("redirect_uri", e))?;
        }
        if let Some(b) = &s.browser {
            p.browser_command = Some(b.clone());
        }
        if let Some(policy) = &case.policy {
            p = tenant::switch_policy(&p, policy).map_err(|e| at("policy", e))?;
        }
        Authority::parse(&p.authority).map_err(|e| at("authority", e))?;
        if p.client_id.trim().is_empty() {
            return Err((
                case.line,
                "client_id".into(),
                "the client ID is empty".into(),
            ));
        }
        p.name = name.to_owned();
        Ok(p)
    }

    /// Runs the prepared cases of one file, `options.jobs` at a time.
    pub async fn run(&self, file: &str, cases: Vec<Prepared>, options: &RunOptions) -> FileReport {
        let started = Instant::now();
        let jobs = options.jobs.max(1);
        // A profile whose redirect URI names a port can listen there once at a time: its cases
        // take turns, whatever --jobs says (the others each get a free port of their own).
        let mut ports: HashMap<u16, Arc<tokio::sync::Mutex<()>>> = HashMap::new();
        for p in &cases {
            if p.profile.redirect.port != 0 {
                ports.entry(p.profile.redirect.port).or_default();
            }
        }
        let ports = &ports;
        let mut reports: Vec<(usize, CaseReport)> =
            futures_util::stream::iter(cases.into_iter().enumerate())
                .map(|(i, prepared)| async move {
                    let _turn = match ports.get(&prepared.profile.redirect.port) {
                        Some(lock) => Some(lock.lock().await),
                        None => None,
                    };
                    let report = self.run_case(file, i, &prepared, options).await;
                    if let Some(f) = &options.on_case {
                        f(&report);
                    }
                    (i, report)
                })
                .buffer_unordered(jobs)
                .collect()
                .await;
        reports.sort_by_key(|(i, _)| *i);
        FileReport {
            file: file.to_owned(),
            cases: reports.into_iter().map(|(_, r)| r).collect(),
            duration_ms: millis(started.elapsed()),
        }
    }

    async fn run_case(
        &self,
        file: &str,
        index: usize,
        p: &Prepared,
        options: &RunOptions,
    ) -> CaseReport {
        let started = Instant::now();
        let driver = p.case.settings.driver();
        let mut warnings = Vec::new();
        if driver == Driver::Ropc {
            warnings.push(ROPC_WARNING.to_owned());
        }
        let mut tokens = None;
        // The log is taken whatever happens, a timeout included: a failing case shows the
        // request it failed on.
        let (result, log) = exchange::record(tokio::time::timeout(
            options.timeout,
            self.case_failures(index, p, options, &mut tokens),
        ))
        .await;
        let failures = match result {
            Ok(f) => f,
            Err(_) => vec![Failure {
                expectation: "sign-in".into(),
                expected: format!(
                    "a result within {} s (--timeout)",
                    options.timeout.as_secs()
                ),
                actual: "timed out".into(),
            }],
        };
        CaseReport {
            name: p.case.name.clone(),
            file: file.to_owned(),
            ok: failures.is_empty(),
            duration_ms: millis(started.elapsed()),
            failures,
            driver: driver.name().to_owned(),
            warnings,
            tokens: if options.show_tokens { tokens } else { None },
            exchanges: options.trace.then_some(log.entries),
        }
    }

    async fn case_failures(
        &self,
        index: usize,
        p: &Prepared,
        options: &RunOptions,
        tokens: &mut Option<CaseTokens>,
    ) -> Vec<Failure> {
        let case = &p.case;
        let result = match self.sign_in(index, p, options).await {
            Ok(r) => r,
            Err(SignInFailure::Setup(message)) => {
                return vec![Failure {
                    expectation: "set-up".into(),
                    expected: "the case can start".into(),
                    actual: message,
                }]
            }
            Err(SignInFailure::Page(text)) => {
                let (expectation, expected) = match &case.expect.error {
                    Some(code) => ("error", code.clone()),
                    None => ("sign-in", "tokens that pass the expectations".to_owned()),
                };
                return vec![Failure {
                    expectation: expectation.into(),
                    expected,
                    actual: text,
                }];
            }
        };
        let outcome = match result {
            Ok(o) => o,
            Err(e) => return expect::judge_error(&case.expect, &e),
        };
        if let Some(f) = &options.on_outcome {
            f(&case.name, &outcome);
        }
        *tokens = Some(CaseTokens {
            id_token: outcome.id_token.as_ref().map(|t| t.raw.expose().to_owned()),
            access_token: outcome
                .access_token
                .as_ref()
                .map(|t| t.raw.expose().to_owned()),
        });
        let mut failures = expect::judge_outcome(&case.expect, &outcome);
        if case.expect.refresh {
            failures.extend(self.refresh_failures(&p.profile, &outcome).await);
        }
        failures
    }

    async fn refresh_failures(&self, profile: &Profile, first: &Outcome) -> Vec<Failure> {
        let failure = |expected: &str, actual: String| Failure {
            expectation: "refresh".into(),
            expected: expected.into(),
            actual,
        };
        if !first.refresh_token.received {
            return vec![failure(
                "a refresh that passes",
                "no refresh token came back (is offline_access in the scopes?)".into(),
            )];
        }
        if !first.refresh_token.stored {
            return vec![failure(
                "a refresh that passes",
                format!(
                    "the refresh token was not kept: {}",
                    first.refresh_token.note
                ),
            )];
        }
        let second = match self.engine.refresh(profile, None).await {
            Ok(o) => o,
            Err(e) => return vec![failure("a refresh that passes", e.to_string())],
        };
        let mut out = Vec::new();
        for check in second.report.failures() {
            out.push(Failure {
                expectation: format!("refresh.checks.{}", check.name),
                expected: "passes".into(),
                actual: check.detail.clone(),
            });
        }
        let sub = |o: &Outcome| {
            o.id_token
                .as_ref()
                .and_then(|t| t.decoded.as_ref())
                .and_then(|d| d.claim_str("sub"))
                .map(str::to_owned)
        };
        match (sub(first), sub(&second)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => out.push(Failure {
                expectation: "refresh.sub".into(),
                expected: a.unwrap_or_else(|| "the sign-in's sub".into()),
                actual: b.unwrap_or_else(|| "no sub (no ID token in the refresh)".into()),
            }),
        }
        out
    }

    async fn sign_in(
        &self,
        index: usize,
        p: &Prepared,
        options: &RunOptions,
    ) -> Result<Result<Outcome>, SignInFailure> {
        let case = &p.case;
        let driver = case.settings.driver();
        let mut sign_in = SignInOptions {
            store: true,
            timeout: options.timeout,
            open_browser: driver == Driver::Browser,
            ..Default::default()
        };
        match driver {
            Driver::Browser => Ok(self.engine.sign_in(&p.profile, &sign_in).await),
            Driver::Ropc => {
                let username = credential(case.settings.username.as_ref(), "username").await?;
                let password = credential(case.settings.password.as_ref(), "password").await?;
                Ok(self
                    .engine
                    .sign_in_password(&p.profile, &username, &password, true, None)
                    .await)
            }
            Driver::B2cPages => {
                let (username, password) = if case.action == super::file::Action::SignIn {
                    (
                        Some(credential(case.settings.username.as_ref(), "username").await?),
                        Some(credential(case.settings.password.as_ref(), "password").await?),
                    )
                } else {
                    (None, None)
                };
                // The engine says where it sends the browser, then where it waits: the
                // driver starts with both.
                let (tx, rx) = tokio::sync::oneshot::channel::<(String, String)>();
                let tx = Mutex::new(Some(tx));
                let url = Mutex::new(None::<String>);
                sign_in.progress = Some(Arc::new(move |progress: Progress| match progress {
                    Progress::BrowserOpened { authorize_url } => {
                        if let Ok(mut u) = url.lock() {
                            *u = Some(authorize_url);
                        }
                    }
                    Progress::WaitingForRedirect { redirect_uri } => {
                        let authorize = url.lock().ok().and_then(|mut u| u.take());
                        let sender = tx.lock().ok().and_then(|mut t| t.take());
                        if let (Some(authorize), Some(sender)) = (authorize, sender) {
                            let _ = sender.send((authorize, redirect_uri));
                        }
                    }
                    _ => {}
                }));
                let profile_dir = self.work.join(format!(
                    "chromium-{index}-{}",
                    crate::oidc::pkce::random_token()
                ));
                let drive = async {
                    let Ok((url, redirect_uri)) = rx.await else {
                        // The sign-in ended before it opened anything; its result says why.
                        return std::future::pending().await;
                    };
                    super::pages::drive(super::pages::PageRun {
                        chromium: &options.chromium,
                        profile_dir: &profile_dir,
                        url: &url,
                        redirect_uri: &redirect_uri,
                        action: case.action,
                        selectors: &case.selectors,
                        username: username.as_ref(),
                        password: password.as_ref(),
                        // A loaded CI machine starts Chromium slowly: the case's timeout,
                        // not a shorter one of the driver's, says how long is too long.
                        launch_timeout: options.timeout,
                    })
                    .await
                };
                let sign_in = self.engine.sign_in(&p.profile, &sign_in);
                let result = tokio::select! {
                    r = sign_in => Ok(r),
                    e = drive => Err(e),
                };
                // Chromium is gone (the driver was dropped); its profile with it.
                let _ = std::fs::remove_dir_all(&profile_dir);
                match result {
                    Ok(r) => Ok(r),
                    Err(super::pages::PageFailure::Page(text)) => Err(SignInFailure::Page(text)),
                    Err(super::pages::PageFailure::Setup(text)) => Err(SignInFailure::Setup(text)),
                }
            }
        }
    }
}

enum SignInFailure {
    /// The case could not start (a missing credential, no Chromium).
    Setup(String),
    /// The pages ended the sign-in (a page-level error, a page the driver cannot complete).
    Page(String),
}

/// The keyring account of a `keyring:NAME` credential (service `tokenscope`).
pub fn secret_account(name: &str) -> String {
    format!("test-secret:{name}")
}

/// Stores a `keyring:NAME` credential in the OS keyring (`tokenscope test-secret set`).
/// Refused when no keyring is reachable: a session-only copy would be gone before a test reads it.
pub fn store_secret(name: &str, value: &Secret) -> Result<()> {
    check_secret_name(name)?;
    let vault = Vault::open("tokenscope");
    if let crate::store::vault::VaultLocation::SessionOnly { reason } = vault.location() {
        return Err(Error::Config(format!(
            "no OS keyring to keep it in: {reason}"
        )));
    }
    Ok(vault.store(&secret_account(name), value)?)
}

/// Deletes a `keyring:NAME` credential; true when one was stored.
pub fn delete_secret(name: &str) -> Result<bool> {
    check_secret_name(name)?;
    Ok(Vault::open("tokenscope").delete(&secret_account(name))?)
}

fn check_secret_name(name: &str) -> Result<()> {
    if super::file::valid_credential_name(name) {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "{name:?} cannot name a test secret: 1-200 characters of letters, digits and _-.:@/"
        )))
    }
}

/// Reads a username or password from where the file says.
async fn credential(source: Option<&CredentialRef>, what: &str) -> Result<Secret, SignInFailure> {
    let Some(source) = source else {
        return Err(SignInFailure::Setup(format!("no {what} is given")));
    };
    match source {
        CredentialRef::Env(name) => match std::env::var(name) {
            Ok(v) if !v.is_empty() => Ok(Secret::new(v)),
            Ok(_) => Err(SignInFailure::Setup(format!(
                "the {what} comes from environment variable {name}, which is empty"
            ))),
            Err(_) => Err(SignInFailure::Setup(format!(
                "the {what} comes from environment variable {name}, which is not set"
            ))),
        },
        CredentialRef::Keyring(name) => {
            let account = name.clone();
            let loaded = tokio::task::spawn_blocking(move || {
                let vault = Vault::open("tokenscope");
                if vault.location() != crate::store::vault::VaultLocation::Keyring {
                    return Err("no OS keyring is reachable".to_owned());
                }
                vault
                    .load(&secret_account(&account))
                    .map_err(|e| e.to_string())
            })
            .await
            .map_err(|e| SignInFailure::Setup(format!("keyring task failed: {e}")))?;
            match loaded {
                Ok(Some(s)) => Ok(s.secret),
                Ok(None) => Err(SignInFailure::Setup(format!(
                    "the {what} comes from the OS keyring, which holds no test secret {name:?} \
                     (store it with `tokenscope test-secret set {name}`)"
                ))),
                Err(e) => Err(SignInFailure::Setup(format!(
                    "the {what} comes from the OS keyring (test secret {name:?}): {e}"
                ))),
            }
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Loads and prepares every file: all refusals of all files, or the files ready to run.
pub fn load_all(
    runner: &Runner,
    paths: &[PathBuf],
    only: &[String],
) -> Result<Vec<(TestFile, Vec<Prepared>)>, Vec<FileError>> {
    let mut ready = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        match super::file::load(path).and_then(|f| {
            let p = runner.prepare(&f, only)?;
            Ok((f, p))
        }) {
            Ok(x) => ready.push(x),
            Err(e) => errors.push(e),
        }
    }
    if !only.is_empty() {
        for name in only {
            let found = ready
                .iter()
                .any(|(f, _)| f.cases.iter().any(|c| &c.name == name));
            if !found && errors.is_empty() {
                errors.push(FileError::one(
                    Path::new(paths.first().map_or(Path::new(""), |p| p.as_path())),
                    0,
                    "",
                    format!("--only {name:?}: no case of that name in the files given"),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(ready)
    } else {
        Err(errors)
    }
}
