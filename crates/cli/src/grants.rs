//! `tokenscope token`: tokens without a browser. `--grant client-credentials` asks for an
//! app-only access token with the profile's client secret (RFC 6749 §4.4) and validates it
//! check by check, like a sign-in's tokens.

use crate::output::t;
use crate::{emit, err_line, finish, progress_printer, trace, Failure, KeyAction, SigninArgs};
use clap::{Args, ValueEnum};
use std::io::Read;
use std::process::ExitCode;
use std::sync::Arc;
use tokenscope_core::engine::device::{DeviceCode, DeviceOptions};
use tokenscope_core::engine::token_grants::{TokenGrant, ACCESS_TOKEN_TYPE};
use tokenscope_core::engine::{Engine, ProgressFn, WireOf};
use tokenscope_core::store::profile::Profile;
use tokenscope_core::store::vault::VaultLocation;
use tokenscope_core::{Error, Secret};
use tokio_util::sync::CancellationToken;

/// Which grant to use.
#[derive(Clone, Copy, ValueEnum)]
pub enum GrantArg {
    /// An app-only access token for the client itself, with its stored secret (no user, no ID
    /// token).
    ClientCredentials,
    /// RFC 8693 token exchange: --subject-token for a token for --audience/--resource.
    TokenExchange,
    /// RFC 7523 §2.1: --assertion (a signed JWT) for an access token.
    JwtBearer,
}

#[derive(Args)]
#[command(
    after_help = "The profile needs a client secret: `tokenscope profiles secret set NAME < \
    secret.txt`. With Entra (B2C, External ID, Entra ID) the scope is the API's \
    `<resource>/.default` (e.g. api://<API client ID>/.default); another scope is warned about \
    with the fix. Exit status: 0 every check passed, 3 a check failed, 1 an error (the \
    provider's refusal explained)."
)]
pub struct TokenArgs {
    /// Profile name (its authority, client ID and stored client secret).
    #[arg(long)]
    profile: String,
    /// The grant.
    #[arg(long, value_enum)]
    grant: GrantArg,
    /// Scopes, space-separated (default: the profile's, without openid and offline_access).
    #[arg(long)]
    scope: Option<String>,
    /// Print one JSON object (as `signin --json`, with `flow` "client_credentials",
    /// "token_exchange" or "jwt_bearer").
    #[arg(long)]
    json: bool,
    /// token-exchange: the subject token (text, @FILE or - for stdin).
    #[arg(long, value_name = "TOKEN")]
    subject_token: Option<String>,
    /// token-exchange: its type (default urn:ietf:params:oauth:token-type:access_token).
    #[arg(long, value_name = "URN")]
    subject_token_type: Option<String>,
    /// token-exchange: an actor token (text, @FILE or -), for delegation.
    #[arg(long, value_name = "TOKEN")]
    actor_token: Option<String>,
    /// token-exchange: the actor token's type (default: an access token).
    #[arg(long, value_name = "URN")]
    actor_token_type: Option<String>,
    /// token-exchange: `requested_token_type`.
    #[arg(long, value_name = "URN")]
    requested_token_type: Option<String>,
    /// token-exchange: `audience`.
    #[arg(long)]
    audience: Option<String>,
    /// token-exchange: `resource`.
    #[arg(long)]
    resource: Option<String>,
    /// jwt-bearer: the assertion (text, @FILE or -).
    #[arg(long, value_name = "JWT")]
    assertion: Option<String>,
    /// Print what went over the wire (each request and answer, secrets masked) to stderr;
    /// with --json, also as `exchanges`.
    #[arg(long)]
    trace: bool,
    /// Send DPoP proofs (RFC 9449) with the profile's key for this run, as `profiles dpop on`
    /// does every time: the token comes back bound to the key, and the report checks that.
    #[arg(long)]
    dpop: bool,
}

pub(crate) async fn token(engine: Arc<Engine>, args: TokenArgs) -> Result<ExitCode, Failure> {
    let mut profile = engine.profiles().get(&args.profile)?;
    profile.dpop |= args.dpop;
    let progress = progress_printer(args.json);
    let need = |v: &Option<String>, flag: &str| {
        v.as_deref()
            .map(crate::token_arg)
            .transpose()?
            .ok_or_else(|| Error::Config(format!("--grant needs {flag}")))
    };
    let outcome = match args.grant {
        GrantArg::ClientCredentials => {
            engine
                .client_credentials(&profile, args.scope.as_deref(), progress)
                .await
        }
        GrantArg::TokenExchange => {
            let access = || ACCESS_TOKEN_TYPE.to_owned();
            let grant = TokenGrant::Exchange {
                subject_token: need(&args.subject_token, "--subject-token")?,
                subject_token_type: args.subject_token_type.clone().unwrap_or_else(access),
                actor_token: match &args.actor_token {
                    Some(t) => Some((
                        crate::token_arg(t)?,
                        args.actor_token_type.clone().unwrap_or_else(access),
                    )),
                    None => None,
                },
                requested_token_type: args.requested_token_type.clone(),
                audience: args.audience.clone(),
                resource: args.resource.clone(),
                scope: args.scope.clone(),
            };
            engine.token_grant(&profile, &grant, progress).await
        }
        GrantArg::JwtBearer => {
            let grant = TokenGrant::JwtBearer {
                assertion: need(&args.assertion, "--assertion")?,
                scope: args.scope.clone(),
            };
            engine.token_grant(&profile, &grant, progress).await
        }
    };
    trace::show(&engine, &profile.name, WireOf::SignIn, args.trace);
    finish(&outcome?, args.json, args.trace)
}

/// `signin --device`: the user code and where to enter it go to stderr (stdout may hold JSON),
/// then the engine polls; the tokens are judged and stored like a browser sign-in's.
pub(crate) async fn device_signin(
    engine: Arc<Engine>,
    profile: &Profile,
    args: &SigninArgs,
    cancel: CancellationToken,
    progress: Option<ProgressFn>,
) -> Result<ExitCode, Failure> {
    let show_code = Arc::new(|c: &DeviceCode| {
        let mut lines = vec![format!(
            "To sign in, open {} and enter the code {}",
            t(&c.verification_uri),
            t(&c.user_code)
        )];
        if let Some(complete) = &c.verification_uri_complete {
            lines.push(format!("  or open: {}", t(complete)));
        }
        // The engine's QR code of that URI, for a phone: half blocks, two rows per line.
        if let Some(qr) = &c.qr {
            lines.push(format!(
                "  or scan (a phone's camera):\n{}",
                qr.terminal().trim_end()
            ));
        }
        lines.push(format!(
            "The code expires in {} s; checking every {} s (Ctrl+C cancels).",
            c.expires_in, c.interval
        ));
        err_line(&lines.join("\n"));
    });
    let options = DeviceOptions {
        store: !args.no_store,
        cancel,
        progress,
        show_code,
        on_poll: None,
    };
    let outcome = engine.sign_in_device(profile, &options).await;
    trace::show(&engine, &profile.name, WireOf::SignIn, args.trace);
    finish(&outcome?, args.json, args.trace)
}

/// `profiles key set|remove`: the private key for `private_key_jwt`, from stdin into the
/// keyring (never on the command line, never in a file of Tokenscope's).
pub(crate) async fn key(engine: Arc<Engine>, action: KeyAction) -> Result<ExitCode, Failure> {
    match action {
        KeyAction::Set { name, method } => {
            let mut profile = engine.profiles().get(&name)?;
            let mut text = String::new();
            std::io::stdin()
                .take(64 * 1024)
                .read_to_string(&mut text)
                .map_err(|e| Error::Config(format!("cannot read the key from stdin: {e}")))?;
            let (location, info) = engine
                .set_client_key_text(&name, &Secret::new(text))
                .await?;
            if let Some(m) = method {
                profile.client_auth = m.into();
                engine.profiles().save(&profile)?;
            }
            let place = match location {
                VaultLocation::Keyring => "the OS keyring".to_owned(),
                VaultLocation::SessionOnly { reason } => {
                    format!("memory only, for this run ({reason}): it is NOT kept")
                }
            };
            let cert = info
                .x5t_s256
                .map(|x| format!("; certificate x5t#S256 {x}"))
                .unwrap_or_default();
            emit(&format!(
                "Stored the private key of \"{}\" in {}.\n{} key, thumbprint {}{}.\n",
                t(&name),
                t(&place),
                info.alg,
                info.thumbprint,
                t(&cert)
            ))?;
        }
        KeyAction::Remove { name } => {
            let text = if engine.delete_client_key(&name).await? {
                format!("Deleted the private key of \"{}\".\n", t(&name))
            } else {
                format!("No private key was stored for \"{}\".\n", t(&name))
            };
            emit(&text)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
