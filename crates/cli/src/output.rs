//! Human output: aligned tables, ANSI colour only on a terminal and never with `NO_COLOR`. Each
//! function writes its lines into a `String` that `main` writes to stdout at once (a closed or
//! full stdout is then one error, not a panic); every value that comes from outside goes through
//! `t` (control characters shown escaped, `tokenscope_core::terminal`).

use chrono::Utc;
use serde_json::Value;
use std::borrow::Cow;
use std::io::IsTerminal;
use tokenscope_core::engine::outcome::{Flow, Outcome};
use tokenscope_core::engine::Progress;
use tokenscope_core::inspect::diff::{ChangeKind, TokenDiff};
use tokenscope_core::inspect::explain::{self, ClaimRow};
use tokenscope_core::inspect::redact::{redact_inspection, redact_token};
use tokenscope_core::inspect::{InputForm, Inspection, TokenInspection};
use tokenscope_core::jose::jwt::TokenKind;
use tokenscope_core::terminal;

/// `println!` into a `String` (writing into a `String` cannot fail).
macro_rules! outln {
    ($o:expr) => {
        $o.push('\n')
    };
    ($o:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($o, $($arg)*);
    }};
}
pub(crate) use outln;

/// Text from outside (claims, headers, provider errors, URLs), safe for a terminal.
pub fn t(text: &str) -> Cow<'_, str> {
    terminal::escape(text)
}

/// As [`t`], keeping line breaks: a body of several lines (pretty-printed JSON, a page) read as
/// lines; every other control character is still escaped.
pub fn t_lines(text: &str) -> Cow<'_, str> {
    terminal::escape_keeping_lines(text)
}

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
        Progress::MetadataFetched { issuer, .. } => {
            format!("metadata fetched (issuer {})", t(issuer))
        }
        Progress::BrowserOpened { .. } => "browser opened".to_owned(),
        Progress::WaitingForRedirect { redirect_uri } => {
            format!(
                "waiting for the redirect to {} (Ctrl+C cancels)",
                t(redirect_uri)
            )
        }
        Progress::CodeReceived => "code received".to_owned(),
        Progress::TokensExchanged => "tokens received".to_owned(),
        Progress::Validated { passed: true } => "validated: every check passed".to_owned(),
        Progress::Validated { passed: false } => "validated: some checks FAILED".to_owned(),
    };
    crate::err_line(&format!("{} {line}", s.dim("→")));
}

fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn claims_table(o: &mut String, s: &Style, rows: &[ClaimRow]) {
    let names: Vec<Cow<str>> = rows.iter().map(|r| t(&r.name)).collect();
    let width = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for (r, name) in rows.iter().zip(&names) {
        // Escaped first, then cut: an escape is never cut in half into a control character.
        let mut value = t(&value_text(&r.value)).into_owned();
        if value.chars().count() > 80 {
            value = format!("{}…", value.chars().take(79).collect::<String>());
        }
        let mut line = format!("  {name:<width$}  {value}");
        if let (Some(time), Some(rel)) = (&r.time, &r.relative) {
            let local = r
                .local_time
                .as_ref()
                .map(|l| format!(", local {}", t(l)))
                .unwrap_or_default();
            line.push_str(&format!(
                "  {}",
                s.dim(&format!("= {} ({}){local}", t(time), t(rel)))
            ));
        }
        if let Some(f) = &r.flag {
            line.push_str(&format!("  {}", s.yellow(&format!("[{}]", t(f)))));
        }
        outln!(o, "{line}");
        outln!(o, "  {:<width$}  {}", "", s.dim(&t(&r.description)));
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
pub fn inspection(o: &mut String, s: &Style, i: &Inspection, redact: bool) {
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
        InputForm::Text => "text",
    };
    let found = if shown.form == InputForm::Text {
        " found in it"
    } else {
        ""
    };
    if shown.form != InputForm::Token || shown.tokens.len() != 1 {
        outln!(
            o,
            "{} {form}, {} token{}{found}",
            s.bold("Input"),
            shown.tokens.len(),
            if shown.tokens.len() == 1 { "" } else { "s" }
        );
    }
    if redact {
        outln!(
            o,
            "{} personal claims are masked; unknown claims are kept (check them)",
            s.yellow("Redacted:")
        );
    }
    if let Some(e) = &shown.provider_error {
        outln!(o, "{} {}", s.red("Provider error:"), t(&e.to_string()));
        // Support needs these two; one per line, to copy.
        for (name, value) in [
            ("correlation ID", &e.correlation_id),
            ("timestamp", &e.timestamp),
            ("error_uri", &e.uri),
        ] {
            if let Some(v) = value {
                outln!(o, "  {name:<15} {}", t(v));
            }
        }
    }
    if let Some(code) = &shown.authorization_code {
        outln!(
            o,
            "{} {} characters. {}",
            s.bold("Authorization code"),
            code.length,
            t(&code.explanation)
        );
    }
    if !shown.parameters.is_empty() {
        outln!(o, "{}", s.bold("Parameters"));
        let names: Vec<Cow<str>> = shown.parameters.iter().map(|p| t(&p.name)).collect();
        let width = names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            .min(30);
        for (p, name) in shown.parameters.iter().zip(&names) {
            outln!(o, "  {name:<width$}  {}", t(&p.value));
        }
    }
    let several = shown.tokens.len() > 1 || shown.form != InputForm::Token;
    for (tk, original) in shown.tokens.iter().zip(&i.tokens) {
        token(
            o,
            s,
            tk,
            if several {
                Some(tk.label.clone())
            } else {
                None
            },
        );
        if redact && original.error.is_none() && !original.effective().payload.is_empty() {
            let r = redact_token(original);
            outln!(
                o,
                "{} {}",
                s.bold("Redacted copy"),
                s.dim("(re-encoded, unsigned: NOT the original token and NOT verifiable)")
            );
            outln!(o, "  {}", t(&r.unsigned_token));
        }
    }
}

fn token(o: &mut String, s: &Style, tk: &TokenInspection, title: Option<String>) {
    if let Some(title) = &title {
        outln!(o, "{}", s.bold(&format!("── {} ──", t(title))));
    }
    outln!(o, "{} {}", s.bold("Kind"), kind_text(tk.kind));
    if let Some(role) = &tk.role {
        outln!(o, "{} {}", s.bold("Role"), t(&role.words()));
    }
    if let Some(e) = &tk.error {
        outln!(o, "  {}", s.red(&t(&e.to_string())));
        return;
    }
    for w in &tk.warnings {
        outln!(o, "  {} {}", s.yellow("!"), t(w));
    }
    if let Some(jwe) = &tk.jwe {
        let mut algs = Vec::new();
        for (name, value) in [
            ("alg", &jwe.alg),
            ("enc", &jwe.enc),
            ("kid", &jwe.kid),
            ("cty", &jwe.cty),
        ] {
            if let Some(v) = value {
                algs.push(format!("{name} {}", t(v)));
            }
        }
        outln!(o, "{} {}", s.bold("Encryption"), algs.join(", "));
        if jwe.decrypted {
            outln!(o, "  {}", t(&jwe.note));
        }
    }
    if !tk.header.is_empty() {
        outln!(o, "{}", s.bold("Header"));
        claims_table(o, s, &tk.header_rows);
    }
    if !tk.claim_rows.is_empty() {
        outln!(o, "{}", s.bold("Claims"));
        claims_table(o, s, &tk.claim_rows);
    }
    if tk.kind == Some(TokenKind::Jws) {
        let note = if tk.verification.is_some() {
            ""
        } else {
            " (not verified; --verify checks it)"
        };
        outln!(
            o,
            "{} {} bytes{note}",
            s.bold("Signature"),
            tk.signature_len
        );
    }
    if let Some(v) = &tk.verification {
        let verdict = if v.passed {
            s.green("passed")
        } else if v.summary.starts_with("not verified:") {
            // A token in a claim whose issuer's key was not given: said, not failed.
            s.bold(&t(&v.summary))
        } else {
            s.red("FAILED")
        };
        outln!(
            o,
            "{} {verdict} {}",
            s.bold("Verification"),
            s.dim(&format!(
                "(keys: {}, clock skew {} s)",
                t(&v.keys_from),
                v.skew_seconds
            ))
        );
        checks(o, s, &v.checks);
    }
    let prefix = title.unwrap_or_else(|| tk.label.clone());
    if let Some(inner) = &tk.inner {
        token(o, s, inner, Some(format!("{prefix} › decrypted")));
    }
    for n in &tk.nested {
        token(o, s, n, Some(format!("{prefix} › {}", n.label)));
    }
}

/// Validation checks, one a line with a mark.
fn checks(o: &mut String, s: &Style, checks: &[tokenscope_core::validate::Check]) {
    let width = checks
        .iter()
        .map(|c| c.name.as_str().len())
        .max()
        .unwrap_or(0);
    for c in checks {
        let mark = if c.ok { s.green("✔") } else { s.red("✘") };
        outln!(o, "  {mark} {:<width$}  {}", c.name, t(&c.detail));
    }
}

/// Two tokens compared.
pub fn diff(o: &mut String, s: &Style, d: &TokenDiff) {
    let (added, removed, changed) = d.counts();
    outln!(
        o,
        "{} A ({}) → B ({}): {changed} changed, {added} added, {removed} removed, {} unchanged",
        s.bold("Diff"),
        t(&d.a),
        t(&d.b),
        d.unchanged.len()
    );
    for n in &d.notes {
        outln!(o, "  {} {}", s.yellow("!"), t(n));
    }
    if d.is_empty() {
        outln!(o, "  the headers and claims are identical");
    }
    for (title, changes) in [("Header", &d.header), ("Claims", &d.claims)] {
        if changes.is_empty() {
            continue;
        }
        outln!(o, "{}", s.bold(title));
        let width = changes
            .iter()
            .map(|c| c.name.as_str().len())
            .max()
            .unwrap_or(0)
            .min(40);
        for c in changes {
            let text = |v: &Option<Value>| {
                v.as_ref()
                    .map(|v| t(&value_text(v)).into_owned())
                    .unwrap_or_default()
            };
            let name = t(&c.name);
            let line = match c.change {
                ChangeKind::Added => {
                    format!("{} {:<width$}  {}", s.green("+"), name, text(&c.new))
                }
                ChangeKind::Removed => {
                    format!("{} {:<width$}  {}", s.red("-"), name, text(&c.old))
                }
                ChangeKind::Changed => format!(
                    "{} {:<width$}  {} → {}",
                    s.yellow("~"),
                    name,
                    text(&c.old),
                    text(&c.new)
                ),
            };
            match &c.note {
                Some(note) => outln!(o, "  {line}  {}", s.dim(&format!("({})", t(note)))),
                None => outln!(o, "  {line}"),
            }
            outln!(o, "    {:<width$}  {}", "", s.dim(&t(&c.description)));
        }
    }
}

pub fn outcome(o: &mut String, s: &Style, oc: &Outcome) {
    let now = Utc::now();
    let done = match oc.flow {
        Flow::SignIn => "Signed in",
        Flow::Refresh => "Refreshed",
        Flow::ClientCredentials => "App-only access token (client credentials, no user)",
        Flow::TokenExchange => "Token exchanged (RFC 8693)",
        Flow::JwtBearer => "Access token for the assertion (JWT bearer grant)",
    };
    let verdict = if oc.passed() {
        s.green(&format!("{done}: every check passed"))
    } else {
        s.red("Tokens received, but validation FAILED: they do not count and nothing is stored")
    };
    outln!(o, "{}", s.bold(&verdict));
    outln!(o, "  profile       {}", t(&oc.profile));
    outln!(o, "  issuer        {}", t(&oc.issuer));
    if let Some(uri) = &oc.redirect_uri {
        outln!(o, "  redirect_uri  {}", t(uri));
    }
    if let Some(form) = oc
        .request_form
        .as_ref()
        .filter(|f| **f != Default::default())
    {
        outln!(o, "  request       {}", t(&form.summary()));
    }
    outln!(o, "{}", s.bold("Checks"));
    checks(o, s, &oc.report.checks);
    if !oc.report.warnings.is_empty() {
        outln!(
            o,
            "{}",
            s.bold("Warnings (odd, but the checks above decide)")
        );
        for w in &oc.report.warnings {
            outln!(o, "  {} {}  {}", s.yellow("!"), w.name, t(&w.detail));
        }
    }
    if let Some(d) = oc.id_token.as_ref().and_then(|t| t.decoded.as_ref()) {
        outln!(o, "{}", s.bold("ID token claims"));
        claims_table(o, s, &explain::decoded(d, now));
    }
    if oc.flow == Flow::ClientCredentials {
        outln!(
            o,
            "{} none: no user signs in with the client credentials grant",
            s.bold("ID token")
        );
    }
    let judged = matches!(
        oc.flow,
        Flow::ClientCredentials | Flow::TokenExchange | Flow::JwtBearer
    );
    match oc.access_token.as_ref() {
        Some(t) => match &t.decoded {
            Some(d) if d.kind == TokenKind::Jws => {
                outln!(
                    o,
                    "{}",
                    s.bold(if judged {
                        "Access token (JWT, validated above)"
                    } else {
                        "Access token (JWT, for the API; not validated here)"
                    })
                );
                claims_table(o, s, &explain::decoded(d, now));
            }
            _ => outln!(
                o,
                "{} opaque, {} characters",
                s.bold("Access token"),
                t.raw.len()
            ),
        },
        None => outln!(o, "{} none", s.bold("Access token")),
    }
    outln!(
        o,
        "{} {}",
        s.bold("Refresh token"),
        t(&oc.refresh_token.note)
    );
    if !oc.response_fields.is_empty() {
        outln!(o, "{}", s.bold("Token response"));
        let width = oc
            .response_fields
            .iter()
            .map(|f| t(&f.name).chars().count())
            .max()
            .unwrap_or(0)
            .min(30);
        for f in &oc.response_fields {
            let decoded = f
                .decoded
                .as_ref()
                .map(|d| format!("  {}", s.dim(&format!("= {}", t(d)))))
                .unwrap_or_default();
            outln!(
                o,
                "  {:<width$}  {}{decoded}",
                t(&f.name),
                t(&value_text(&f.value))
            );
            outln!(o, "  {:<width$}  {}", "", s.dim(&t(&f.meaning)));
            for c in &f.claims {
                outln!(
                    o,
                    "  {:<width$}    {} {}",
                    "",
                    t(&c.name),
                    t(&value_text(&c.value))
                );
            }
        }
    }
}
