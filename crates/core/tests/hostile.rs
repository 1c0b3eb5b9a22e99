//! The hostile-provider suite: the real engine, end to end, against a hand-made OpenID provider
//! on 127.0.0.1 that misbehaves one way per test, with curl as the browser.
//!
//! Run with `cargo test -p tokenscope-core --test hostile`.

#[path = "hostile/util.rs"]
mod util;
// The ID-token cases of section 2, shared with the openidconnect oracle (tests/oracle.rs).
#[path = "hostile/cases.rs"]
mod cases;

use cases::{subject_cases, validation_cases, Case};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokenscope_core::engine::outcome::Outcome;
use tokenscope_core::engine::{Progress, SignInOptions};
use tokenscope_core::error::{Error, ErrorKind};
use tokenscope_core::oidc::provider_error::ErrorOrigin;
use tokenscope_core::oidc::redirect::RedirectConfig;
use tokenscope_core::store::vault::VaultLocation;
use tokenscope_core::testkit;
use tokenscope_core::validate::CheckId;
use util::*;

/// Faults must end well within this (the engine's HTTP limits are 2 s / 4 s here).
const PROMPT: Duration = Duration::from_secs(10);

fn expect_err(result: tokenscope_core::Result<Outcome>, what: &str) -> Error {
    match result {
        Ok(outcome) => panic!(
            "{what}: expected an error, got an outcome: {:#?}",
            outcome.report
        ),
        Err(e) => e,
    }
}

fn remove(claims: &mut serde_json::Value, name: &str) {
    claims.as_object_mut().unwrap().remove(name);
}

/// Runs every item at once and fails with all the items that went wrong, not just the first.
async fn run_in_parallel<T, F, Fut>(what: &str, items: Vec<T>, run: F)
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
{
    let count = items.len();
    // A few at a time: each case's provider signs its tokens on the same two threads, and a
    // loaded machine must not turn 20 concurrent signatures into token-endpoint timeouts.
    let slots = Arc::new(tokio::sync::Semaphore::new(4));
    let tasks: Vec<_> = items
        .into_iter()
        .map(|i| {
            let slots = slots.clone();
            let case = run(i);
            tokio::spawn(async move {
                let _slot = slots.acquire_owned().await.expect("semaphore open");
                case.await
            })
        })
        .collect();
    let mut failures = Vec::new();
    for task in tasks {
        if let Err(e) = task.await.expect("test task") {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} {what} went wrong:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

// The sections, one file each under hostile/.
#[path = "hostile/dpop.rs"]
mod dpop;
#[path = "hostile/endpoint_faults.rs"]
mod endpoint_faults;
#[path = "hostile/happy_path.rs"]
mod happy_path;
#[path = "hostile/loopback.rs"]
mod loopback;
#[path = "hostile/par.rs"]
mod par;
#[path = "hostile/refresh.rs"]
mod refresh;
#[path = "hostile/secrets.rs"]
mod secrets;
#[path = "hostile/validation.rs"]
mod validation;
#[path = "hostile/warnings.rs"]
mod warnings;
