//! `tokenscope revoke` and `tokenscope introspect`: the provider's RFC 7009 and RFC 7662
//! endpoints, with the profile's client authentication. Tokens are never printed.

use crate::api::EXIT_HTTP_ERROR;
use crate::output::{outln, t, Style};
use crate::{emit, trace, Failure};
use clap::{Args, ValueEnum};
use std::process::ExitCode;
use std::sync::Arc;
use tokenscope_core::api::introspect::{IntrospectTarget, IntrospectToken, Introspection};
use tokenscope_core::api::revoke::{Revocation, RevokeToken};
use tokenscope_core::engine::{Engine, WireOf};
use tokenscope_core::Secret;

#[derive(Clone, Copy, ValueEnum)]
pub enum RevokeArg {
    Refresh,
    Access,
}

#[derive(Args)]
#[command(
    after_help = "Sends the token to the revocation_endpoint of the profile's provider metadata \
    (RFC 7009) with token_type_hint, authenticated as the profile's client: its client secret \
    (client_secret_basic or client_secret_post, as set) or, for a public client, its client_id. \
    B2C and Entra ID advertise no revocation endpoint: the command says so and sends nothing.\n\n\
    --token refresh (default): the refresh token stored in the OS keyring; once the provider \
    took it back, it is removed from the keyring. --token access: the profile's access token \
    (from a silent refresh); APIs that validate JWTs themselves keep accepting it until it \
    expires.\n\n\
    --json prints one object: endpoint, token, status, elapsed_ms, revoked, error {error, \
    description}, removed_from_vault, message. No token is ever printed.\n\n\
    Exit status: 0 revoked, 4 when the provider refused (an OAuth error), 1 when there is no \
    endpoint, no answer, or an answer that is not a revocation endpoint's (an HTML page...)."
)]
pub struct RevokeArgs {
    /// Profile whose token is revoked.
    #[arg(long)]
    profile: String,
    /// Which token.
    #[arg(long, value_enum, default_value = "refresh")]
    token: RevokeArg,
    /// Print one JSON object (see below).
    #[arg(long)]
    json: bool,
    /// Print what went over the wire (each request and answer, secrets masked) to stderr;
    /// with --json, also as `exchanges`.
    #[arg(long)]
    trace: bool,
}

pub(crate) async fn revoke(engine: Arc<Engine>, args: RevokeArgs) -> Result<ExitCode, Failure> {
    let profile = engine.profiles().get(&args.profile)?;
    let which = match args.token {
        RevokeArg::Refresh => RevokeToken::Refresh,
        RevokeArg::Access => RevokeToken::Access,
    };
    let r = engine.revoke(&profile, which).await;
    trace::show(&engine, &profile.name, WireOf::Revoke, args.trace);
    let r = r?;
    let mut o = String::new();
    if args.json {
        let mut json = serde_json::to_value(&r).unwrap_or_default();
        trace::keep_if(&mut json, args.trace);
        outln!(o, "{json}");
    } else {
        revoke_text(&mut o, &Style::stdout(), &r);
    }
    emit(&o)?;
    Ok(if r.revoked {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_HTTP_ERROR)
    })
}

fn status_line(s: &Style, ok: bool, status: u16) -> String {
    let text = format!("{status} {}", tokenscope_core::api::call::reason(status));
    if ok {
        s.green(&text)
    } else {
        s.red(&text)
    }
}

fn revoke_text(o: &mut String, s: &Style, r: &Revocation) {
    outln!(
        o,
        "{} {} {} → {} in {} ms",
        s.bold("revoke"),
        r.token.label(),
        t(&r.endpoint),
        status_line(s, r.revoked, r.status),
        r.elapsed_ms
    );
    let mark = if r.revoked {
        s.green("✓")
    } else {
        s.red("✗")
    };
    outln!(o, "  {mark} {}", t(&r.message));
}

#[derive(Args)]
#[command(
    after_help = "Asks the introspection_endpoint of the profile's provider metadata (RFC 7662) \
    about a token, authenticated as the profile's client (its client secret as set, or its \
    client_id for a public client), and explains the answer's members with the claim \
    catalogue: active, scope, client_id, sub, exp and iat as dates... B2C and Entra ID \
    advertise no introspection endpoint: the command says so and sends nothing.\n\n\
    --token access (default): the profile's access token (from a silent refresh); refresh: the \
    refresh token stored in the OS keyring; anything else is the token itself (text, @FILE or \
    - for stdin), sent without a hint.\n\n\
    --json prints one object: endpoint, token, status, elapsed_ms, active, claims [{name, \
    value, description, time...}], error {error, description}, notes. No token is ever \
    printed.\n\n\
    Exit status: 0 when the endpoint answered (active or not), 4 when it refused (an OAuth \
    error), 1 when there is no endpoint, no answer, or an answer that is not an introspection \
    response (HTML, not JSON, no `active`)."
)]
pub struct IntrospectArgs {
    /// Profile whose client asks.
    #[arg(long)]
    profile: String,
    /// access, refresh, or the token itself (text, @FILE, - for stdin).
    #[arg(long, value_name = "access|refresh|TOKEN", default_value = "access")]
    token: String,
    /// Print one JSON object (see below).
    #[arg(long)]
    json: bool,
    /// Print what went over the wire (each request and answer, secrets masked) to stderr;
    /// with --json, also as `exchanges`.
    #[arg(long)]
    trace: bool,
}

pub(crate) async fn introspect(
    engine: Arc<Engine>,
    args: IntrospectArgs,
) -> Result<ExitCode, Failure> {
    let profile = engine.profiles().get(&args.profile)?;
    let target = match args.token.as_str() {
        "access" => IntrospectTarget::Profile(IntrospectToken::Access),
        "refresh" => IntrospectTarget::Profile(IntrospectToken::Refresh),
        other => IntrospectTarget::Given(Secret::new(
            crate::read_input(Some(other.to_owned()))
                .map_err(tokenscope_core::Error::Config)?
                .trim(),
        )),
    };
    let i = engine.introspect(&profile, &target).await;
    trace::show(&engine, &profile.name, WireOf::Introspect, args.trace);
    let i = i?;
    let mut o = String::new();
    if args.json {
        let mut json = serde_json::to_value(&i).unwrap_or_default();
        trace::keep_if(&mut json, args.trace);
        outln!(o, "{json}");
    } else {
        introspect_text(&mut o, &Style::stdout(), &i);
    }
    emit(&o)?;
    Ok(if i.answered() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_HTTP_ERROR)
    })
}

fn introspect_text(o: &mut String, s: &Style, i: &Introspection) {
    outln!(
        o,
        "{} {} {} → {} in {} ms",
        s.bold("introspect"),
        t(&i.token),
        t(&i.endpoint),
        status_line(s, i.answered(), i.status),
        i.elapsed_ms
    );
    match i.active {
        Some(true) => outln!(o, "  {} active", s.green("✓")),
        Some(false) => outln!(o, "  {} not active", s.red("✗")),
        None => {}
    }
    if let Some(e) = &i.error {
        outln!(o, "  {} {}", s.red("refused:"), t(&e.to_string()));
    }
    for n in &i.notes {
        outln!(o, "  {} {}", s.dim("·"), t(n));
    }
    if !i.claims.is_empty() {
        outln!(o, "{}", s.bold("Claims"));
        crate::output::claims_table(o, s, &i.claims);
    }
}
