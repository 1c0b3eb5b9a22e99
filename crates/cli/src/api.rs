//! `tokenscope call`: an API called with the profile's token (from a silent refresh), its
//! answer shown, and a 401/403 explained from its challenge and the token sent.

use crate::output::{outln, t, t_lines, Style};
use crate::{emit, err_line, trace, Failure};
use clap::{Args, ValueEnum};
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use tokenscope_core::api::userinfo::UserInfo;
use tokenscope_core::api::{self, ApiCall, CallInput, Header, TokenChoice, ID_TOKEN_WARNING};
use tokenscope_core::engine::Engine;
use tokenscope_core::engine::{WireOf, NO_PROFILE};
use tokenscope_core::inspect::diff::ChangeKind;
use tokenscope_core::Error;

/// Exit status when the API answered with an HTTP error (anything but 2xx).
pub const EXIT_HTTP_ERROR: u8 = 4;

#[derive(Clone, Copy, ValueEnum)]
pub enum TokenArg {
    Access,
    Id,
}

#[derive(Args)]
#[command(
    after_help = "The token comes from a silent refresh of the profile's stored refresh \
    token (`tokenscope signin --profile P` first when none is stored), or from --token-file \
    (a token someone pasted: `--token-file -` reads it from standard input, so it stays out of \
    the shell's history and the process list), and goes in `Authorization: Bearer`. Only https URLs (plain http only to this machine's loopback); \
    redirects are not followed (the token would go along).\n\n\
    On 401 or 403 the WWW-Authenticate challenge is compared with the token sent; each finding \
    has a code: insufficient_scope, audience_mismatch, expired, not_yet_valid, issuer_mismatch, \
    id_token_sent, no_token_accepted, token_not_seen, invalid_token (the API's own words), \
    invalid_request, api_error, dpop_required, dpop_proof, dpop_nonce.\n\n\
    With DPoP (--dpop, or `profiles dpop on`) each call carries a DPoP proof signed with the \
    profile's key (RFC 9449) and a DPoP-bound token goes in `Authorization: DPoP`; a \
    `use_dpop_nonce` answer is retried once with the API's nonce.\n\n\
    --json prints one object: request {method, url, headers (the token masked), body}, \
    response {status, reason, headers, body (the JSON value when the body is JSON, else its \
    text), body_bytes, body_truncated}, elapsed_ms, token, challenges, diagnosis [{code, \
    message}], curl.\n\n\
    Exit status: 0 for a 2xx answer, 4 for any other HTTP status, 1 when there is no answer \
    (network, timeout, a body over 1 MiB) or the input or profile is wrong."
)]
pub struct CallArgs {
    /// Profile whose token is sent.
    #[arg(long, required_unless_present = "token_file")]
    profile: Option<String>,
    /// Send the token in FILE instead of a profile's (`-`: read it from standard input): a
    /// token someone pasted. `Authorization:` and `Bearer` in front of it are taken off.
    #[arg(long, value_name = "FILE|-", conflicts_with = "profile")]
    token_file: Option<PathBuf>,
    /// The token to send: the access token (default) or the ID token (APIs should refuse it).
    #[arg(long, value_enum, default_value = "access")]
    token: TokenArg,
    /// HTTP method.
    #[arg(
        short = 'X',
        long = "request",
        value_name = "METHOD",
        default_value = "GET"
    )]
    method: String,
    /// The API's URL.
    url: String,
    /// A header `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// The body: text, or `@FILE`. Content-Type defaults to application/json for a JSON body.
    #[arg(long, value_name = "BODY|@FILE")]
    data: Option<String>,
    /// Print one JSON object (see below).
    #[arg(long)]
    json: bool,
    /// Print what went over the wire (each request and answer, secrets masked) to stderr;
    /// with --json, also as `exchanges`.
    #[arg(long)]
    trace: bool,
    /// Write the whole response body (up to 1 MiB, the token masked) to FILE.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Print the request as a curl command instead of sending it (the token as $TOKEN).
    #[arg(long)]
    curl: bool,
    /// With --curl: write the token in the clear.
    #[arg(long, requires = "curl")]
    show_token: bool,
    /// DPoP (RFC 9449) for this call: a proof signed with the profile's key (made on first
    /// use, kept in the OS keyring); on by default when the profile has DPoP on.
    #[arg(long, conflicts_with = "token_file")]
    dpop: bool,
}

/// Reads `--data`: the text itself or `@FILE` (at most 1 MiB).
fn body(data: Option<String>) -> Result<Option<String>, Error> {
    let Some(data) = data else {
        return Ok(None);
    };
    let Some(path) = data.strip_prefix('@') else {
        return Ok(Some(data));
    };
    let limit = api::call::MAX_REQUEST_BODY as u64;
    let file = std::fs::File::open(path)
        .map_err(|e| Error::Config(format!("--data @{path}: cannot read it: {e}")))?;
    let mut text = String::new();
    file.take(limit + 1)
        .read_to_string(&mut text)
        .map_err(|e| Error::Config(format!("--data @{path}: cannot read it as text: {e}")))?;
    Ok(Some(text))
}

/// Reads `--token-file`: the file, or standard input for `-` (at most 64 KiB and a line break).
fn given_token(path: &std::path::Path) -> Result<String, Error> {
    let limit = tokenscope_core::jose::jwt::MAX_INPUT as u64 + 2;
    let named = path.display();
    let read = |r: &mut dyn Read| {
        let mut text = String::new();
        r.take(limit + 1).read_to_string(&mut text).map(|_| text)
    };
    let text = if path.as_os_str() == "-" {
        read(&mut std::io::stdin().lock()).map_err(|e| {
            Error::Config(format!(
                "--token-file -: cannot read standard input as text: {e}"
            ))
        })?
    } else {
        let mut file = std::fs::File::open(path)
            .map_err(|e| Error::Config(format!("--token-file {named}: cannot read it: {e}")))?;
        read(&mut file).map_err(|e| {
            Error::Config(format!("--token-file {named}: cannot read it as text: {e}"))
        })?
    };
    Ok(text)
}

pub(crate) async fn call(engine: Arc<Engine>, args: CallArgs) -> Result<ExitCode, Failure> {
    let source = match (&args.token_file, &args.profile) {
        (Some(path), _) => Source::Given(given_token(path)?),
        (None, Some(name)) => {
            let mut profile = engine.profiles().get(name)?;
            profile.dpop |= args.dpop;
            Source::Profile(Box::new(profile))
        }
        (None, None) => {
            return Err(Error::Config("name a --profile or a --token-file".into()).into())
        }
    };
    let headers = args
        .headers
        .iter()
        .map(|h| Header::parse_line(h))
        .collect::<Result<Vec<_>, _>>()?;
    let input = CallInput {
        method: args.method.clone(),
        url: args.url.clone(),
        headers,
        body: body(args.data.clone())?,
        token: match args.token {
            TokenArg::Access => TokenChoice::Access,
            TokenArg::Id => TokenChoice::Id,
        },
    };
    if args.curl {
        let curl = match &source {
            Source::Profile(profile) => engine.api_curl(profile, &input, args.show_token).await?,
            Source::Given(text) => engine.api_curl_with_token(text, &input, args.show_token)?,
        };
        emit(&format!("{}\n", t(&curl)))?;
        return Ok(ExitCode::SUCCESS);
    }
    let err = Style::stderr();
    if input.token == TokenChoice::Id {
        err_line(&format!("{} {ID_TOKEN_WARNING}", err.yellow("warning:")));
    }
    let (call, logged_as) = match &source {
        Source::Profile(profile) => (
            engine.call_api(profile, &input).await,
            profile.name.as_str(),
        ),
        Source::Given(text) => (engine.call_api_with_token(text, &input).await, NO_PROFILE),
    };
    trace::show(&engine, logged_as, WireOf::Api, args.trace);
    let call = call?;
    if let Some(path) = &args.output {
        std::fs::write(path, &call.raw_body)
            .map_err(|e| Error::Config(format!("--output {}: {e}", path.display())))?;
    }
    let mut o = String::new();
    if args.json {
        let mut json = call.json();
        if args.trace {
            trace::add_to(&mut json, &call.exchanges);
        }
        outln!(o, "{json}");
    } else {
        show(&mut o, &Style::stdout(), &call, args.output.is_some());
    }
    emit(&o)?;
    Ok(if call.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_HTTP_ERROR)
    })
}

/// Where the token comes from.
enum Source {
    /// A profile's (held or refreshed).
    Profile(Box<tokenscope_core::store::profile::Profile>),
    /// The text of `--token-file`.
    Given(String),
}

/// The call for people: status line, headers, body, then the findings.
fn show(o: &mut String, s: &Style, call: &ApiCall, saved: bool) {
    let r = &call.response;
    let status = format!("{} {}", r.status, t(&r.reason));
    let status = if call.succeeded() {
        s.green(&status)
    } else {
        s.red(&status)
    };
    outln!(
        o,
        "{} {} → {status} in {} ms ({} sent)",
        s.bold(&t(&call.request.method)),
        t(&call.request.url),
        call.elapsed_ms,
        call.token.label()
    );
    outln!(o);
    for h in &r.headers {
        outln!(o, "{} {}", s.dim(&format!("{}:", t(&h.name))), t(&h.value));
    }
    if !r.body.is_empty() {
        outln!(o);
        outln!(o, "{}", t_lines(&r.body));
    }
    if r.body_truncated {
        outln!(
            o,
            "{}",
            s.dim(&format!(
                "… cut at {} of {} bytes{}",
                r.body.len(),
                r.body_bytes,
                if saved {
                    ""
                } else {
                    " (--output FILE saves it all)"
                }
            ))
        );
    }
    if !call.diagnosis.is_empty() {
        outln!(o);
        outln!(o, "{}", s.bold("Why:"));
        for f in &call.diagnosis {
            let code = serde_json::to_value(f.code)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            outln!(o, "  {} {}", s.yellow(&code), t(&f.message));
        }
    } else if matches!(r.status, 401 | 403) {
        outln!(o);
        outln!(
            o,
            "{}",
            s.dim("Why: neither the challenge nor the token shows a cause.")
        );
    }
}

#[derive(Args)]
#[command(
    after_help = "Calls the userinfo_endpoint of the profile's provider metadata with the \
    access token (from a silent refresh), explains each claim and compares them with the ID \
    token's: `sub` must be the same (OpenID Connect Core 5.3.2); claims about the token itself \
    (iss, aud, exp, nonce...) are not expected in userinfo. B2C user flows have no userinfo \
    endpoint; custom policies can add one.\n\n\
    --json prints one object: endpoint, status, elapsed_ms, claims [{name, value, description, \
    ...}], signed, same_subject, differences [{name, change (added: only in userinfo, removed: \
    only in the ID token, changed), old, new}], same, notes, diagnosis, body.\n\n\
    Exit status: 0 for a 2xx answer, 4 for an HTTP error, 1 when there is no answer or no \
    userinfo endpoint."
)]
pub struct UserinfoArgs {
    /// Profile whose access token is sent.
    #[arg(long)]
    profile: String,
    /// Print one JSON object (see below).
    #[arg(long)]
    json: bool,
    /// Print what went over the wire (each request and answer, secrets masked) to stderr;
    /// with --json, also as `exchanges`.
    #[arg(long)]
    trace: bool,
}

pub(crate) async fn userinfo(engine: Arc<Engine>, args: UserinfoArgs) -> Result<ExitCode, Failure> {
    let profile = engine.profiles().get(&args.profile)?;
    let info = engine.userinfo(&profile).await;
    trace::show(&engine, &profile.name, WireOf::Userinfo, args.trace);
    let info = info?;
    let mut o = String::new();
    if args.json {
        let mut json = serde_json::to_value(&info).unwrap_or_default();
        trace::keep_if(&mut json, args.trace);
        outln!(o, "{json}");
    } else {
        userinfo_text(&mut o, &Style::stdout(), &info);
    }
    emit(&o)?;
    Ok(if info.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_HTTP_ERROR)
    })
}

/// A JSON value as one line of text (strings without their quotes).
fn value_text(v: &Option<serde_json::Value>) -> String {
    v.as_ref()
        .map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

/// Userinfo for people: status, notes, claims, the comparison with the ID token, findings.
fn userinfo_text(o: &mut String, s: &Style, info: &UserInfo) {
    let status = format!("{} {}", info.status, api::call::reason(info.status));
    outln!(
        o,
        "{} {} → {} in {} ms",
        s.bold("userinfo"),
        t(&info.endpoint),
        if info.succeeded() {
            s.green(&status)
        } else {
            s.red(&status)
        },
        info.elapsed_ms
    );
    for n in &info.notes {
        outln!(o, "  {} {}", s.yellow("!"), t(n));
    }
    if !info.claims.is_empty() {
        outln!(o, "{}", s.bold("Claims"));
        crate::output::claims_table(o, s, &info.claims);
    }
    if info.succeeded() && info.same_subject.is_some() {
        outln!(o, "{}", s.bold("Compared with the ID token"));
        match info.same_subject {
            Some(true) => outln!(o, "  {} the same sub", s.green("✓")),
            _ => outln!(o, "  {} sub differs", s.red("✗")),
        }
        for c in &info.differences {
            let name = t(&c.name);
            let line = match c.change {
                ChangeKind::Added => format!(
                    "{} {name}  {}  (only in userinfo)",
                    s.green("+"),
                    t(&value_text(&c.new))
                ),
                ChangeKind::Removed => format!(
                    "{} {name}  {}  (only in the ID token)",
                    s.red("-"),
                    t(&value_text(&c.old))
                ),
                ChangeKind::Changed => format!(
                    "{} {name}  {} → {}  (ID token → userinfo)",
                    s.yellow("~"),
                    t(&value_text(&c.old)),
                    t(&value_text(&c.new))
                ),
            };
            outln!(o, "  {line}");
        }
        if !info.same.is_empty() {
            outln!(
                o,
                "  {} {}",
                s.dim("same in both:"),
                t(&info.same.join(", "))
            );
        }
    }
    if let Some(body) = &info.body {
        outln!(o);
        outln!(o, "{}", t_lines(body));
    }
    if !info.diagnosis.is_empty() {
        outln!(o);
        outln!(o, "{}", s.bold("Why:"));
        for f in &info.diagnosis {
            outln!(o, "  {}", t(&f.message));
        }
    }
}
