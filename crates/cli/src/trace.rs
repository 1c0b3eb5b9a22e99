//! `--trace`: what went over the wire during the command (the engine's exchange log, masked),
//! as a timeline on stderr, and as `exchanges` in `--json`.

use crate::err_line;
use crate::output::{t, Style};
use serde_json::Value;
use tokenscope_core::exchange::ExchangeLog;

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
pub fn add_to(json: &mut Value, log: &ExchangeLog) {
    if let Value::Object(map) = json {
        map.insert(
            "exchanges".into(),
            serde_json::to_value(log).unwrap_or(Value::Null),
        );
    }
}
