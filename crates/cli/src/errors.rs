//! `tokenscope errors [CODE]`: the B2C / Entra error catalogue on the command line.

use crate::output::t;
use serde_json::json;
use std::fmt::Write as _;
use std::process::ExitCode;
use tokenscope_core::b2c;
use tokenscope_core::b2c::errors::ErrorAdvice;

/// Prints one code's entry, or every entry; exit 1 when the code is not in the catalogue or
/// stdout does not take the output.
pub fn run(code: Option<&str>, json: bool) -> ExitCode {
    let entries: Vec<ErrorAdvice> = match code {
        Some(code) => match b2c::errors::lookup(code) {
            Some(e) => vec![e],
            None => {
                return crate::fail(&format!(
                    "{} is not in Tokenscope's catalogue; `tokenscope errors` lists the codes it \
                     knows",
                    code.trim()
                ));
            }
        },
        None => b2c::errors::all(),
    };
    if json {
        let value = if code.is_some() {
            json!(entries[0])
        } else {
            json!(entries)
        };
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        return finish(&format!("{text}\n"));
    }
    let mut o = String::new();
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            o.push('\n');
        }
        let _ = writeln!(o, "{}", t(&e.code));
        let _ = writeln!(o, "  meaning     {}", t(&e.meaning));
        let _ = writeln!(o, "  what to do  {}", t(&e.advice));
    }
    finish(&o)
}

fn finish(text: &str) -> ExitCode {
    match crate::emit(text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => crate::fail(&crate::stdout_failed(&e)),
    }
}

/// The catalogue's lines for a provider error on stderr (after the one-line error).
pub fn advice_lines(advice: &ErrorAdvice) -> Vec<String> {
    let mut lines = vec![
        format!("  meaning:    {}", advice.meaning),
        format!("  what to do: {}", advice.advice),
    ];
    // What the request sent says about it (a scope without /.default, prompt=none...).
    if let Some(note) = &advice.note {
        lines.push(format!("  this request: {note}"));
    }
    lines
}
