//! The benchmark probe (`scripts/bench.sh`): off unless `TOKENSCOPE_BENCH_REPORT` names a file.
//! Then, and only then, a plugin injects `bench.js` into the window, which reports what the
//! benchmark measures in the real window (the first screen painted, the token view rendered, a
//! sign-in finished) as `tokenscope-bench` events; each event's JSON is appended to that file as
//! one line. The production window gets nothing of it: no script, no extra permission.
//!
//! `TOKENSCOPE_BENCH_SCENARIO` says what to do after the first screen:
//! - `startup` (or unset): nothing more;
//! - `render:<file>`: paste the token in `<file>` into the inspector and time its token view;
//! - `signin:<profile>`: sign in with the profile and report when the result is shown;
//! - `cycles:<profile>:<n>`: sign in and refresh `n` times in this one window, reporting a
//!   checkpoint (and waiting for the benchmark to read the memory) after the first, every tenth
//!   and the last cycle, with the number of elements in the document.
//!
//! The baseline window of the benchmark (bench/empty-window) includes this same file.

use std::io::Write;
use std::path::PathBuf;
use tauri::plugin::{Builder, TauriPlugin};
use tauri::{Listener, Manager, Runtime};

/// Names the file the reports go to; unset, the probe is off.
pub const REPORT_ENV: &str = "TOKENSCOPE_BENCH_REPORT";
/// What to do after the first screen (see the module docs).
pub const SCENARIO_ENV: &str = "TOKENSCOPE_BENCH_SCENARIO";
/// The event the injected script emits.
pub const EVENT: &str = "tokenscope-bench";

const SCRIPT: &str = include_str!("bench.js");

/// The probe plugin when `TOKENSCOPE_BENCH_REPORT` is set, else `None`.
pub fn plugin<R: Runtime>() -> Option<TauriPlugin<R>> {
    let report = PathBuf::from(std::env::var_os(REPORT_ENV)?);
    let scenario = match scenario(&std::env::var(SCENARIO_ENV).unwrap_or_default()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{SCENARIO_ENV}: {e}");
            std::process::exit(2);
        }
    };
    let script = format!("{SCRIPT}\nwindow.__tokenscopeBench({scenario});\n");
    Some(
        Builder::new("tokenscope-bench")
            .js_init_script(script)
            .setup(move |app, _| {
                // The window may emit this one event; granted here, never in capabilities/.
                app.add_capability(
                    r#"{"identifier":"tokenscope-bench","windows":["main"],
                        "permissions":["core:event:allow-emit"]}"#,
                )?;
                app.listen_any(EVENT, move |event| {
                    let line = format!("{}\n", event.payload());
                    let written = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(&report)
                        .and_then(|mut f| f.write_all(line.as_bytes()));
                    if let Err(e) = written {
                        eprintln!("{REPORT_ENV} {}: {e}", report.display());
                    }
                });
                Ok(())
            })
            .build(),
    )
}

/// The scenario as the JSON object the script takes.
fn scenario(text: &str) -> Result<String, String> {
    let value = match text.split_once(':') {
        None if text.is_empty() || text == "startup" => serde_json::json!({ "kind": "startup" }),
        Some(("render", file)) => {
            let token = std::fs::read_to_string(file).map_err(|e| format!("{file}: {e}"))?;
            serde_json::json!({ "kind": "render", "token": token.trim() })
        }
        Some(("signin", profile)) => serde_json::json!({ "kind": "signin", "profile": profile }),
        Some(("cycles", rest)) => {
            let (profile, n) = rest
                .rsplit_once(':')
                .and_then(|(p, n)| Some((p, n.parse::<u32>().ok().filter(|n| *n > 0)?)))
                .ok_or_else(|| format!("cycles:<profile>:<n> expected, got {text:?}"))?;
            serde_json::json!({ "kind": "cycles", "profile": profile, "n": n })
        }
        _ => return Err(format!("unknown scenario {text:?}")),
    };
    Ok(value.to_string())
}
