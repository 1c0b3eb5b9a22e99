//! `tokenscope token`: tokens without a browser. `--grant client-credentials` asks for an
//! app-only access token with the profile's client secret (RFC 6749 §4.4) and validates it
//! check by check, like a sign-in's tokens.

use crate::{finish, progress_printer, Failure};
use clap::{Args, ValueEnum};
use std::process::ExitCode;
use std::sync::Arc;
use tokenscope_core::engine::Engine;

/// Which grant to use.
#[derive(Clone, Copy, ValueEnum)]
pub enum GrantArg {
    /// An app-only access token for the client itself, with its stored secret (no user, no ID
    /// token).
    ClientCredentials,
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
    /// Print one JSON object (as `signin --json`, with `flow` "client_credentials").
    #[arg(long)]
    json: bool,
}

pub(crate) async fn token(engine: Arc<Engine>, args: TokenArgs) -> Result<ExitCode, Failure> {
    let profile = engine.profiles().get(&args.profile)?;
    let progress = progress_printer(args.json);
    let outcome = match args.grant {
        GrantArg::ClientCredentials => {
            engine
                .client_credentials(&profile, args.scope.as_deref(), progress)
                .await?
        }
    };
    finish(&outcome, args.json)
}
