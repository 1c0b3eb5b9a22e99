//! `tokenscope test`: runs user-flow test files (the engine's `flowtest` module) and reports
//! one line per case, the failed expectations, `--json` and JUnit XML.

use crate::output::{t, Style};
use crate::{emit_text, err_line};
use clap::{Args, Subcommand};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokenscope_core::flowtest::report;
use tokenscope_core::flowtest::run::{self, default_chromium, CaseCallback};
use tokenscope_core::flowtest::{CaseReport, RunOptions, Runner};
use tokenscope_core::store::profile::ProfileStore;
use tokenscope_core::Secret;

/// Exit status when a file is invalid (nothing ran).
const EXIT_INVALID: u8 = 2;

#[derive(Args)]
#[command(
    after_help = "Each FILE is a TOML test file (see the README, \"Testing a user flow in CI\"). \
    Every file is checked before anything runs: an unknown key, a value of the wrong type, a \
    literal username or password (write env:NAME or keyring:NAME), an unknown driver or action \
    is refused with the file, line and key.\n\n\
    Exit status: 0 every case passed; 1 a case failed (or the run could not start); 2 a file is \
    invalid (nothing ran).\n\n\
    --json prints {\"passed\", \"failed\", \"cases\": [{\"name\", \"file\", \"ok\", \
    \"duration_ms\", \"failures\": [{\"expectation\", \"expected\", \"actual\"}], \"driver\", \
    \"warnings\"}]}. Tokens appear nowhere unless --show-tokens.\n\n\
    --trace prints what went over the wire in each case (each request and answer, codes, \
    verifiers, tokens, passwords and client secrets masked) under the case, adds it to a failed \
    case's <system-out> in the JUnit XML, and to each case as \"exchanges\" in --json."
)]
pub struct TestArgs {
    /// Test files (`*.tokenscope.toml`).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Run only the case of this name (repeatable).
    #[arg(long, value_name = "NAME")]
    only: Vec<String>,
    /// Cases run at once (each on its own listener port and browser profile).
    #[arg(long, default_value_t = 1, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    jobs: u16,
    /// Print one JSON object instead of lines.
    #[arg(long)]
    json: bool,
    /// Write JUnit XML (GitLab, Jenkins, Azure DevOps) to this file.
    #[arg(long, value_name = "OUT.xml")]
    junit: Option<PathBuf>,
    /// Seconds a case may take (sign-in and refresh).
    #[arg(long, default_value_t = 120, value_name = "S", value_parser = clap::value_parser!(u64).range(1..=86_400))]
    timeout: u64,
    /// Show the ID and access tokens of each case (off: no token is printed anywhere).
    #[arg(long)]
    show_tokens: bool,
    /// Show what went over the wire in each case (secrets masked); also in the JUnit XML of a
    /// failed case, and as `exchanges` with --json.
    #[arg(long)]
    trace: bool,
}

/// Runs the files.
pub async fn test(args: TestArgs) -> ExitCode {
    let err = Style::stderr();
    let saved = match ProfileStore::default_location() {
        Ok(s) => s,
        Err(e) => return crate::fail(&e.to_string()),
    };
    let runner = match Runner::new(saved) {
        Ok(r) => r,
        Err(e) => return crate::fail(&e.to_string()),
    };
    let files = match run::load_all(&runner, &args.files, &args.only) {
        Ok(f) => f,
        Err(errors) => {
            for e in errors {
                err_line(&format!("{} {}", err.red("invalid:"), t(&e.to_string())));
            }
            err_line("Nothing ran: fix the file(s) above.");
            return ExitCode::from(EXIT_INVALID);
        }
    };
    let out = Style::stdout();
    let show_tokens = args.show_tokens;
    let live = !args.json;
    let options = RunOptions {
        jobs: usize::from(args.jobs),
        timeout: Duration::from_secs(args.timeout),
        show_tokens,
        trace: args.trace,
        chromium: default_chromium(),
        on_case: live.then(|| {
            Arc::new(move |c: &CaseReport| print_case(&out, c, show_tokens)) as CaseCallback
        }),
        on_outcome: None,
    };
    let started = std::time::Instant::now();
    let mut reports = Vec::new();
    for (file, cases) in files {
        let name = file.path.display().to_string();
        if live {
            if let Err(e) = emit_text(&format!("{}\n", out.bold(&t(&name)))) {
                return crate::fail(&e);
            }
        }
        reports.push(runner.run(&name, cases, &options).await);
    }
    let passed: usize = reports.iter().map(|r| r.passed()).sum();
    let failed: usize = reports.iter().map(|r| r.failed()).sum();
    if let Some(path) = &args.junit {
        let xml = report::junit(&reports, chrono::Utc::now());
        if let Err(e) = std::fs::write(path, xml) {
            return crate::fail(&format!("cannot write {}: {e}", path.display()));
        }
    }
    let written = if args.json {
        emit_text(&format!("{}\n", report::json(&reports)))
    } else {
        let failed_text = format!("{failed} failed");
        let failed_text = if failed == 0 {
            out.green(&failed_text)
        } else {
            out.red(&failed_text)
        };
        emit_text(&format!(
            "{} case(s): {passed} passed, {failed_text} ({:.1} s)\n",
            passed + failed,
            started.elapsed().as_secs_f64()
        ))
    };
    if let Err(e) = written {
        return crate::fail(&e);
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// One case's lines, written as it ends. A stdout that fails here fails the summary line too,
/// which reports it (one error line, exit 1).
fn print_case(s: &Style, c: &CaseReport, show_tokens: bool) {
    use std::fmt::Write as _;
    let mark = if c.ok { s.green("PASS") } else { s.red("FAIL") };
    let mut o = String::new();
    let _ = writeln!(
        o,
        "  {mark}  {}  {}",
        t(&c.name),
        s.dim(&format!(
            "({:.2} s, {})",
            c.duration_ms as f64 / 1000.0,
            c.driver
        ))
    );
    for line in report::failure_lines(c) {
        let _ = writeln!(o, "        {}", t(&line));
    }
    for w in &c.warnings {
        let _ = writeln!(o, "        {} {}", s.yellow("note:"), t(w));
    }
    if let Some(trace) = report::trace(c) {
        for line in trace.lines() {
            let _ = writeln!(o, "        {}", t(line));
        }
    }
    if show_tokens {
        if let Some(tokens) = &c.tokens {
            if let Some(id) = &tokens.id_token {
                let _ = writeln!(o, "        id_token: {}", t(id));
            }
            if let Some(at) = &tokens.access_token {
                let _ = writeln!(o, "        access_token: {}", t(at));
            }
        }
    }
    let _ = emit_text(&o);
}

#[derive(Subcommand)]
pub enum TestSecretAction {
    /// Store (or replace) a test secret, read from stdin (never from the command line); a test
    /// file reads it as `keyring:NAME`.
    Set {
        /// The name after `keyring:`.
        name: String,
    },
    /// Delete a test secret.
    Remove {
        /// The name after `keyring:`.
        name: String,
    },
}

/// `tokenscope test-secret set|remove NAME`.
pub async fn test_secret(action: TestSecretAction) -> ExitCode {
    let result = match action {
        TestSecretAction::Set { name } => {
            let mut text = String::new();
            if let Err(e) = std::io::stdin().take(16 * 1024).read_to_string(&mut text) {
                return crate::fail(&format!("cannot read the secret from stdin: {e}"));
            }
            // A trailing newline from `echo` or a file is not part of the secret.
            let value = text.strip_suffix('\n').unwrap_or(&text);
            let value = value.strip_suffix('\r').unwrap_or(value);
            if value.is_empty() {
                return crate::fail("stdin was empty: nothing to store");
            }
            let secret = Secret::new(value);
            tokio::task::spawn_blocking(move || run::store_secret(&name, &secret).map(|()| name))
                .await
                .map(|r| {
                    r.map(|name| {
                        format!(
                            "Stored the test secret {name:?} in the OS keyring (keyring:{name})."
                        )
                    })
                })
        }
        TestSecretAction::Remove { name } => {
            tokio::task::spawn_blocking(move || {
                run::delete_secret(&name).map(|deleted| {
                    if deleted {
                        format!("Deleted the test secret {name:?}.")
                    } else {
                        format!("No test secret {name:?} was stored.")
                    }
                })
            })
            .await
        }
    };
    match result {
        Ok(Ok(message)) => match emit_text(&format!("{}\n", t(&message))) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => crate::fail(&e),
        },
        Ok(Err(e)) => crate::fail(&e.to_string()),
        Err(e) => crate::fail(&format!("keyring task failed: {e}")),
    }
}
