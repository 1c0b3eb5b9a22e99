//! Human output: aligned tables, ANSI colour only on a terminal and never with `NO_COLOR`.

use chrono::{DateTime, Utc};
use serde_json::Value;
use std::io::IsTerminal;
use tokenscope_core::engine::{Flow, Outcome, Progress};
use tokenscope_core::explain::{self, ClaimRow};
use tokenscope_core::jwt::{Decoded, TokenKind};

/// Whether to colour, decided per stream.
#[derive(Clone, Copy)]
pub struct Style {
    colour: bool,
}

impl Style {
    fn for_terminal(is_tty: bool) -> Self {
        Self {
            colour: is_tty && std::env::var_os("NO_COLOR").is_none(),
        }
    }
    pub fn stdout() -> Self {
        Self::for_terminal(std::io::stdout().is_terminal())
    }
    pub fn stderr() -> Self {
        Self::for_terminal(std::io::stderr().is_terminal())
    }
    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    pub fn red(&self, t: &str) -> String {
        self.paint("31", t)
    }
    pub fn green(&self, t: &str) -> String {
        self.paint("32", t)
    }
    pub fn yellow(&self, t: &str) -> String {
        self.paint("33", t)
    }
    pub fn bold(&self, t: &str) -> String {
        self.paint("1", t)
    }
    pub fn dim(&self, t: &str) -> String {
        self.paint("2", t)
    }
}

pub fn progress(s: &Style, p: &Progress) {
    let line = match p {
        Progress::MetadataFetched { issuer, .. } => format!("metadata fetched (issuer {issuer})"),
        Progress::BrowserOpened { .. } => "browser opened".to_owned(),
        Progress::WaitingForRedirect { redirect_uri } => {
            format!("waiting for the redirect to {redirect_uri} (Ctrl+C cancels)")
        }
        Progress::CodeReceived => "code received".to_owned(),
        Progress::TokensExchanged => "tokens received".to_owned(),
        Progress::Validated { passed: true } => "validated: every check passed".to_owned(),
        Progress::Validated { passed: false } => "validated: some checks FAILED".to_owned(),
    };
    eprintln!("{} {line}", s.dim("→"));
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn claims_table(s: &Style, rows: &[ClaimRow]) {
    let width = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for r in rows {
        let mut value = value_text(&r.value);
        if value.chars().count() > 80 {
            value = format!("{}…", value.chars().take(79).collect::<String>());
        }
        let mut line = format!("  {:<width$}  {value}", r.name);
        if let (Some(t), Some(rel)) = (&r.time, &r.relative) {
            line.push_str(&format!("  {}", s.dim(&format!("= {t} ({rel})"))));
        }
        if let Some(f) = &r.flag {
            line.push_str(&format!("  {}", s.yellow(&format!("[{f}]"))));
        }
        println!("{line}");
        println!("  {:<width$}  {}", "", s.dim(&r.description));
    }
}

pub fn decoded(s: &Style, d: &Decoded, now: DateTime<Utc>) {
    let kind = match d.kind {
        TokenKind::Jws => "signed JWT (JWS)",
        TokenKind::Unsigned => "UNSIGNED JWT (alg none): anyone could have written it",
        TokenKind::Jwe => "encrypted JWT (JWE): the payload needs the recipient's key",
        TokenKind::Opaque => "opaque token: not a JWT, nothing to decode (e.g. a refresh token)",
    };
    println!("{} {kind}", s.bold("Kind"));
    if d.kind == TokenKind::Opaque {
        return;
    }
    println!("{}", s.bold("Header"));
    claims_table(s, &explain::header(&d.header, now));
    if !d.payload.is_empty() {
        println!("{}", s.bold("Claims"));
        claims_table(s, &explain::decoded(d, now));
    }
    if d.kind == TokenKind::Jws {
        println!(
            "{} {} bytes (not verified by decode)",
            s.bold("Signature"),
            d.signature_len
        );
    }
}

pub fn outcome(s: &Style, o: &Outcome) {
    let now = Utc::now();
    let done = match o.flow {
        Flow::SignIn => "Signed in",
        Flow::Refresh => "Refreshed",
    };
    let verdict = if o.passed() {
        s.green(&format!("{done}: every check passed"))
    } else {
        s.red("Tokens received, but validation FAILED: they do not count and nothing is stored")
    };
    println!("{}", s.bold(&verdict));
    println!("  profile       {}", o.profile);
    println!("  issuer        {}", o.issuer);
    if let Some(uri) = &o.redirect_uri {
        println!("  redirect_uri  {uri}");
    }
    println!("{}", s.bold("Checks"));
    let width = o
        .report
        .checks
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    for c in &o.report.checks {
        let mark = if c.ok { s.green("✔") } else { s.red("✘") };
        println!("  {mark} {:<width$}  {}", c.name, c.detail);
    }
    if let Some(d) = o.id_token.as_ref().and_then(|t| t.decoded.as_ref()) {
        println!("{}", s.bold("ID token claims"));
        claims_table(s, &explain::decoded(d, now));
    }
    match o.access_token.as_ref() {
        Some(t) => match &t.decoded {
            Some(d) if d.kind == TokenKind::Jws => {
                println!(
                    "{}",
                    s.bold("Access token (JWT, for the API; not validated here)")
                );
                claims_table(s, &explain::decoded(d, now));
            }
            _ => println!(
                "{} opaque, {} characters",
                s.bold("Access token"),
                t.raw.len()
            ),
        },
        None => println!("{} none", s.bold("Access token")),
    }
    println!("{} {}", s.bold("Refresh token"), o.refresh_token.note);
}
