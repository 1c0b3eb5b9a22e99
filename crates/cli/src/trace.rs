//! `--trace`: what went over the wire during the command (the engine's exchange log, masked),
//! as a timeline on stderr, and as `exchanges` in `--json`. The engine records every
//! operation's log itself (the result carries it; a failure's stays with the engine): the
//! command line only shows it.

use crate::err_line;
use crate::output::{t, Style};
use serde_json::Value;
use tokenscope_core::engine::{Engine, WireOf};
use tokenscope_core::exchange::{Exchange, ExchangeLog};

/// With `--trace`, the log of the profile's operation of this kind that just ended (failed or
/// not) on stderr.
pub fn show(engine: &Engine, profile: &str, kind: WireOf, trace: bool) {
    if trace {
        print(&engine.last_exchanges(profile, kind));
    }
}

/// Characters of a body a timeline shows.
pub const TRACE_BODY: usize = 2000;

/// The timeline on stderr, one block per exchange, terminal-escaped.
pub fn print(log: &ExchangeLog) {
    let style = Style::stderr();
    err_line(&style.bold("What went over the wire (secrets masked):"));
    if log.entries.is_empty() {
        err_line("  nothing (the provider's metadata and keys were already known)");
    }
    for line in log.timeline(TRACE_BODY).lines() {
        err_line(&t(line));
    }
}

/// `json` with `exchanges` set to the log (an object only).
pub fn add_to(json: &mut Value, log: &[Exchange]) {
    if let Value::Object(map) = json {
        map.insert(
            "exchanges".into(),
            serde_json::to_value(log).unwrap_or(Value::Null),
        );
    }
}

/// `json` without `exchanges` unless `trace` (the `--json` contracts carry them only then).
pub fn keep_if(json: &mut Value, trace: bool) {
    if !trace {
        if let Value::Object(map) = json {
            map.remove("exchanges");
        }
    }
}
