//! Human output: aligned tables, ANSI colour only on a terminal and never with `NO_COLOR`.

use chrono::Utc;
use serde_json::Value;
use std::io::IsTerminal;
use tokenscope_core::engine::outcome::{Flow, Outcome};
use tokenscope_core::engine::Progress;
use tokenscope_core::inspect::diff::{ChangeKind, TokenDiff};
use tokenscope_core::inspect::explain::{self, ClaimRow};
use tokenscope_core::inspect::redact::{redact_inspection, redact_token};
use tokenscope_core::inspect::{InputForm, Inspection, TokenInspection};
use tokenscope_core::jose::jwt::TokenKind;

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
            let local = r
                .local_time
                .as_ref()
                .map(|l| format!(", local {l}"))
                .unwrap_or_default();
            line.push_str(&format!("  {}", s.dim(&format!("= {t} ({rel}){local}"))));
        }
        if let Some(f) = &r.flag {
            line.push_str(&format!("  {}", s.yellow(&format!("[{f}]"))));
        }
        println!("{line}");
        println!("  {:<width$}  {}", "", s.dim(&r.description));
    }
}

fn kind_text(kind: Option<TokenKind>) -> &'static str {
    match kind {
        Some(TokenKind::Jws) => "signed JWT (JWS)",
        Some(TokenKind::Unsigned) => "UNSIGNED JWT (alg none): anyone could have written it",
        Some(TokenKind::Jwe) => "encrypted JWT (JWE)",
        Some(TokenKind::Opaque) => "opaque token: not a JWT, nothing to decode",
        None => "does not decode",
    }
}

/// Everything the inspector found: provider error, code, parameters, then each token.
pub fn inspection(s: &Style, i: &Inspection, redact: bool) {
    let shown = if redact {
        redact_inspection(i)
    } else {
        i.clone()
    };
    let form = match shown.form {
        InputForm::Token => "a token",
        InputForm::Bearer => "a Bearer token",
        InputForm::RedirectUrl => "a redirect URL",
        InputForm::TokenResponse => "a token response (JSON)",
    };
    if shown.form != InputForm::Token || shown.tokens.len() != 1 {
        println!(
            "{} {form}, {} token{}",
            s.bold("Input"),
            shown.tokens.len(),
            if shown.tokens.len() == 1 { "" } else { "s" }
        );
    }
    if redact {
        println!(
            "{} personal claims are masked; unknown claims are kept (check them)",
            s.yellow("Redacted:")
        );
    }
    if let Some(e) = &shown.provider_error {
        println!("{} {e}", s.red("Provider error:"));
        // Support needs these two; one per line, to copy.
        for (name, value) in [
            ("correlation ID", &e.correlation_id),
            ("timestamp", &e.timestamp),
            ("error_uri", &e.uri),
        ] {
            if let Some(v) = value {
                println!("  {name:<15} {v}");
            }
        }
    }
    if let Some(code) = &shown.authorization_code {
        println!(
            "{} {} characters. {}",
            s.bold("Authorization code"),
            code.length,
            code.explanation
        );
    }
    if !shown.parameters.is_empty() {
        println!("{}", s.bold("Parameters"));
        let width = shown
            .parameters
            .iter()
            .map(|p| p.name.chars().count())
            .max()
            .unwrap_or(0)
            .min(30);
        for p in &shown.parameters {
            println!("  {:<width$}  {}", p.name, p.value);
        }
    }
    let several = shown.tokens.len() > 1 || shown.form != InputForm::Token;
    for (t, original) in shown.tokens.iter().zip(&i.tokens) {
        token(s, t, if several { Some(t.label.clone()) } else { None });
        if redact && original.error.is_none() && !original.effective().payload.is_empty() {
            let r = redact_token(original);
            println!(
                "{} {}",
                s.bold("Redacted copy"),
                s.dim("(re-encoded, unsigned: NOT the original token and NOT verifiable)")
            );
            println!("  {}", r.unsigned_token);
        }
    }
}

fn token(s: &Style, t: &TokenInspection, title: Option<String>) {
    if let Some(title) = &title {
        println!("{}", s.bold(&format!("── {title} ──")));
    }
    println!("{} {}", s.bold("Kind"), kind_text(t.kind));
    if let Some(e) = &t.error {
        println!("  {}", s.red(&e.to_string()));
        return;
    }
    for w in &t.warnings {
        println!("  {} {w}", s.yellow("!"));
    }
    if let Some(jwe) = &t.jwe {
        let mut algs = Vec::new();
        for (name, value) in [
            ("alg", &jwe.alg),
            ("enc", &jwe.enc),
            ("kid", &jwe.kid),
            ("cty", &jwe.cty),
        ] {
            if let Some(v) = value {
                algs.push(format!("{name} {v}"));
            }
        }
        println!("{} {}", s.bold("Encryption"), algs.join(", "));
        if jwe.decrypted {
            println!("  {}", jwe.note);
        }
    }
    if !t.header.is_empty() {
        println!("{}", s.bold("Header"));
        claims_table(s, &t.header_rows);
    }
    if !t.claim_rows.is_empty() {
        println!("{}", s.bold("Claims"));
        claims_table(s, &t.claim_rows);
    }
    if t.kind == Some(TokenKind::Jws) {
        let note = if t.verification.is_some() {
            ""
        } else {
            " (not verified; --verify checks it)"
        };
        println!("{} {} bytes{note}", s.bold("Signature"), t.signature_len);
    }
    if let Some(v) = &t.verification {
        let verdict = if v.passed {
            s.green("passed")
        } else {
            s.red("FAILED")
        };
        println!(
            "{} {verdict} {}",
            s.bold("Verification"),
            s.dim(&format!(
                "(keys: {}, clock skew {} s)",
                v.keys_from, v.skew_seconds
            ))
        );
        let width = v.checks.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for c in &v.checks {
            let mark = if c.ok { s.green("✔") } else { s.red("✘") };
            println!("  {mark} {:<width$}  {}", c.name, c.detail);
        }
    }
    let prefix = title.unwrap_or_else(|| t.label.clone());
    if let Some(inner) = &t.inner {
        token(s, inner, Some(format!("{prefix} › decrypted")));
    }
    for n in &t.nested {
        token(s, n, Some(format!("{prefix} › {}", n.label)));
    }
}

/// Two tokens compared.
pub fn diff(s: &Style, d: &TokenDiff) {
    let (added, removed, changed) = d.counts();
    println!(
        "{} A ({}) → B ({}): {changed} changed, {added} added, {removed} removed, {} unchanged",
        s.bold("Diff"),
        d.a,
        d.b,
        d.unchanged.len()
    );
    for n in &d.notes {
        println!("  {} {n}", s.yellow("!"));
    }
    if d.is_empty() {
        println!("  the headers and claims are identical");
    }
    for (title, changes) in [("Header", &d.header), ("Claims", &d.claims)] {
        if changes.is_empty() {
            continue;
        }
        println!("{}", s.bold(title));
        let width = changes
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(0)
            .min(40);
        for c in changes {
            let text = |v: &Option<Value>| v.as_ref().map(value_text).unwrap_or_default();
            let line = match c.change {
                ChangeKind::Added => {
                    format!("{} {:<width$}  {}", s.green("+"), c.name, text(&c.new))
                }
                ChangeKind::Removed => {
                    format!("{} {:<width$}  {}", s.red("-"), c.name, text(&c.old))
                }
                ChangeKind::Changed => format!(
                    "{} {:<width$}  {} → {}",
                    s.yellow("~"),
                    c.name,
                    text(&c.old),
                    text(&c.new)
                ),
            };
            match &c.note {
                Some(note) => println!("  {line}  {}", s.dim(&format!("({note})"))),
                None => println!("  {line}"),
            }
            println!("    {:<width$}  {}", "", s.dim(&c.description));
        }
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
