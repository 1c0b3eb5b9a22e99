//! `tokenscope errors [CODE]`: the B2C / Entra error catalogue on the command line.

use serde_json::json;
use std::process::ExitCode;
use tokenscope_core::b2c;
use tokenscope_core::b2c::errors::ErrorAdvice;

/// Prints one code's entry, or every entry; exit 1 when the code is not in the catalogue.
pub fn run(code: Option<&str>, json: bool) -> ExitCode {
    let entries: Vec<ErrorAdvice> = match code {
        Some(code) => match b2c::errors::lookup(code) {
            Some(e) => vec![e],
            None => {
                eprintln!(
                    "error: {} is not in Tokenscope's catalogue; `tokenscope errors` lists the \
                     codes it knows",
                    code.trim()
                );
                return ExitCode::FAILURE;
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
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        );
        return ExitCode::SUCCESS;
    }
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            println!();
        }
        println!("{}", e.code);
        println!("  meaning     {}", e.meaning);
        println!("  what to do  {}", e.advice);
    }
    ExitCode::SUCCESS
}

/// The catalogue's lines for a provider error on stderr (after the one-line error).
pub fn advice_lines(advice: &ErrorAdvice) -> [String; 2] {
    [
        format!("  meaning:    {}", advice.meaning),
        format!("  what to do: {}", advice.advice),
    ]
}
