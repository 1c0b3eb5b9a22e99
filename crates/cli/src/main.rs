//! `tokenscope`: the command line on the Tokenscope engine. Signs in through the system browser
//! (or a given browser command), refreshes, signs out, and decodes tokens. Output is for people
//! (aligned, coloured on a terminal) or, with `--json`, one JSON object for scripts.
//!
//! What goes to stdout is written at once when the command is done, through [`emit`]: a closed
//! pipe (`tokenscope errors | head -1`) or a full disk (`>/dev/full`) ends the command with one
//! error line on stderr and exit status 1, never a panic. Every value that comes from outside is
//! shown on a terminal with its control characters escaped (`output::t`); `--json` is exact.

mod api;
mod authority;
mod dpop;
mod encode;
mod endpoints;
mod errors;
mod flowtest;
mod grants;
mod output;
mod request_form;
mod tls;
mod trace;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use output::t;
use serde_json::{json, Value};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tokenscope_core::engine::outcome::{Flow, Outcome, SignInView};
use tokenscope_core::engine::profiles::SaveMode;
use tokenscope_core::engine::WireOf;
use tokenscope_core::engine::{Engine, LogoutOptions, Progress, SignInOptions};
use tokenscope_core::inspect::keys::MAX_KEY_TEXT;
use tokenscope_core::inspect::request::{InspectRequest, KeyText, RequestError};
use tokenscope_core::inspect::{
    self, export, DecryptionKeys, InspectOptions, Inspection, TokenInspection,
};
use tokenscope_core::jose::jwt;
use tokenscope_core::oidc::authority::{Authority, PortalRun};
use tokenscope_core::oidc::netguard::{self, NetworkPolicy};
use tokenscope_core::oidc::redirect::{RedirectConfig, ResponseMode};
use tokenscope_core::oidc::request::ClientAuthMethod;
use tokenscope_core::store::profile::Profile;
use tokenscope_core::store::vault::VaultLocation;
use tokenscope_core::{Error, Secret};
use tokio_util::sync::CancellationToken;

/// Exit status when the sign-in completed but a validation check failed.
const EXIT_CHECKS_FAILED: u8 = 3;

#[derive(Parser)]
#[command(
    name = "tokenscope",
    version,
    about = "Sign in to Azure AD B2C or any OpenID Connect provider and see the tokens, explained and validated."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
#[command(defer = true)]
enum Command {
    /// Sign in through the browser (authorization code + PKCE, loopback redirect).
    Signin(Box<SigninArgs>),
    /// Get a token without a browser: `--grant client-credentials` (an app-only access token
    /// for the profile's confidential client), validated check by check.
    Token(grants::TokenArgs),
    /// Redeem the profile's stored refresh token (it rotates).
    Refresh {
        /// Profile name.
        #[arg(long)]
        profile: String,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Print what went over the wire (each request and answer, secrets masked) to stderr;
        /// with --json, also as `exchanges`.
        #[arg(long)]
        trace: bool,
        /// DPoP (RFC 9449) for this refresh, with the profile's key (on by default when the
        /// profile has DPoP on).
        #[arg(long)]
        dpop: bool,
    },
    /// Delete the profile's refresh token from the keyring.
    Signout {
        /// Profile name.
        #[arg(long)]
        profile: String,
    },
    /// Decode and explain tokens: a token, `Bearer <token>`, a redirect URL, or a JSON token
    /// response (every token in it). Exit 1 on malformed input, 3 when --verify fails.
    Decode(DecodeArgs),
    /// Make a signed test token (HS/RS/PS/ES256-512, EdDSA), optionally encrypted for a
    /// recipient (nested JWE), or change a decoded token (--from) and sign it again: expired,
    /// wrong aud, rogue key. Prints the compact token.
    Encode(Box<encode::EncodeArgs>),
    /// Compare two tokens: claims (and header parameters) added, removed and changed.
    #[command(
        after_help = "A and B are each a token (or any form `decode` accepts: Bearer, redirect \
                      URL, token response), `@FILE` to read it from a file, or `-` for stdin \
                      (one of the two). From a URL or token response the first token that \
                      decodes is compared (the id_token). Exit 0 whether or not they differ; \
                      `--json` says `identical`."
    )]
    Diff {
        /// The first token (text, @FILE or -).
        a: String,
        /// The second token (text, @FILE or -).
        b: String,
        /// Private key (JWK, JWKS or PEM, or a PBES2 password) to decrypt encrypted tokens
        /// before comparing.
        #[arg(long, value_name = "FILE")]
        decrypt_key: Option<PathBuf>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// What an authority is (B2C, Entra External ID or any OpenID provider), its form, tenant,
    /// policy and the metadata URL it leads to; nothing is fetched.
    Authority {
        /// Any authority form: issuer, metadata URL, B2C path/?p=/tfp/custom domain,
        /// `tenant/B2C_1_policy`, `https://<sub>.ciamlogin.com/[<tenant>]`, or an authorize URL
        /// copied from the portal.
        text: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// What an AADB2C/AADSTS error code means and what to do (all known codes without CODE).
    Errors {
        /// The code, e.g. AADB2C90118.
        code: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// RP-initiated logout test: open the provider's end_session_endpoint with id_token_hint,
    /// client_id, state and a loopback post_logout_redirect_uri, and report whether the provider
    /// came back and with which state. Exit 0 when it came back with the state sent, 3 when it
    /// did not (or with another state or an error), 1 on any other error.
    LogoutTest(LogoutTestArgs),
    /// Run user-flow test files: each case signs in through a user flow (a driver completes
    /// the pages) and checks what comes back. Exit 0 all passed, 1 a case failed, 2 a file is
    /// invalid.
    Test(flowtest::TestArgs),
    /// The OS keyring's test secrets: what `keyring:NAME` in a test file reads.
    TestSecret {
        #[command(subcommand)]
        action: flowtest::TestSecretAction,
    },
    /// Call an API with the profile's token and explain a 401/403 (exit 0 for 2xx, 4 for an
    /// HTTP error, 1 when there is no answer).
    Call(Box<api::CallArgs>),
    /// The provider's userinfo claims, explained and compared with the ID token's.
    Userinfo(api::UserinfoArgs),
    /// Revoke the stored refresh token or the access token at the provider's revocation
    /// endpoint (RFC 7009; B2C has none).
    Revoke(endpoints::RevokeArgs),
    /// Ask the provider's introspection endpoint about a token (RFC 7662; B2C has none).
    Introspect(endpoints::IntrospectArgs),
    /// List saved profiles, or add one.
    Profiles {
        #[command(subcommand)]
        action: Option<ProfilesAction>,
    },
}

#[derive(Subcommand)]
#[command(defer = true)]
enum ProfilesAction {
    /// Save a profile without signing in. A profile of the same name is kept unless --replace.
    Add {
        /// Profile name.
        name: String,
        /// Any authority form (see `signin --help`).
        #[arg(long)]
        authority: String,
        /// Application (client) ID.
        #[arg(long)]
        client_id: String,
        /// Scopes, space-separated.
        #[arg(long)]
        scope: Option<String>,
        /// Redirect URI on loopback.
        #[arg(long)]
        redirect_uri: Option<String>,
        /// Command that opens the browser.
        #[arg(long)]
        browser: Option<String>,
        /// Replace the profile of the same name (its refresh token and secret stay).
        #[arg(long)]
        replace: bool,
        /// Push the authorization request (RFC 9126): auto (when the provider requires it),
        /// always, never.
        #[arg(long, value_enum)]
        par: Option<request_form::ParArg>,
        /// Send the parameters as a request object (RFC 9101) signed with the client key or
        /// secret: off, signed, signed+encrypted (to the provider's enc key).
        #[arg(long, value_enum)]
        request_object: Option<request_form::JarArg>,
        #[command(flatten)]
        tls: tls::TlsArgs,
    },
    /// A profile's settings, and whether a client secret and key are stored (never them).
    Show {
        /// Profile name.
        name: String,
        /// Print the profile as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Change a saved profile's client certificate (mutual TLS) or client authentication.
    Edit(tls::EditArgs),
    /// A profile's client secret (confidential clients), kept in the OS keyring only.
    Secret {
        #[command(subcommand)]
        action: SecretAction,
    },
    /// A profile's private key for private_key_jwt (RFC 7523; Entra certificate credentials),
    /// kept in the OS keyring only.
    Key {
        #[command(subcommand)]
        action: KeyAction,
    },
    /// A profile's DPoP key (RFC 9449), kept in the OS keyring only: show its public JWK
    /// thumbprint, make a new one, delete it, or turn DPoP on or off for the profile.
    Dpop {
        #[command(subcommand)]
        action: dpop::DpopAction,
    },
}

#[derive(Subcommand)]
#[command(defer = true)]
pub(crate) enum KeyAction {
    /// Store (or replace) the key, a PEM read from stdin: an RSA or EC P-256 private key, with
    /// its certificate after it to send `x5t#S256` (Entra finds the certificate by it).
    Set {
        /// Profile name.
        name: String,
        /// How the client authenticates: auto (private_key_jwt when the provider announces it)
        /// or private-key-jwt.
        #[arg(long, value_enum)]
        method: Option<AuthMethodArg>,
    },
    /// Delete the stored key.
    Remove {
        /// Profile name.
        name: String,
    },
}

#[derive(Subcommand)]
#[command(defer = true)]
enum SecretAction {
    /// Store (or replace) the secret, read from stdin (never from the command line).
    Set {
        /// Profile name.
        name: String,
        /// How the secret is sent: auto (what the metadata announces), client-secret-basic or
        /// client-secret-post.
        #[arg(long, value_enum)]
        method: Option<AuthMethodArg>,
    },
    /// Delete the stored secret.
    Remove {
        /// Profile name.
        name: String,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum AuthMethodArg {
    Auto,
    ClientSecretBasic,
    ClientSecretPost,
    ClientSecretJwt,
    PrivateKeyJwt,
    TlsClientAuth,
    SelfSignedTlsClientAuth,
}

impl From<AuthMethodArg> for ClientAuthMethod {
    fn from(m: AuthMethodArg) -> Self {
        match m {
            AuthMethodArg::Auto => ClientAuthMethod::Auto,
            AuthMethodArg::ClientSecretBasic => ClientAuthMethod::ClientSecretBasic,
            AuthMethodArg::ClientSecretPost => ClientAuthMethod::ClientSecretPost,
            AuthMethodArg::ClientSecretJwt => ClientAuthMethod::ClientSecretJwt,
            AuthMethodArg::PrivateKeyJwt => ClientAuthMethod::PrivateKeyJwt,
            AuthMethodArg::TlsClientAuth => ClientAuthMethod::TlsClientAuth,
            AuthMethodArg::SelfSignedTlsClientAuth => ClientAuthMethod::SelfSignedTlsClientAuth,
        }
    }
}

#[derive(Args)]
struct LogoutTestArgs {
    /// Profile name.
    #[arg(long)]
    profile: String,
    /// `id_token_hint`: a token, `@FILE` or `-` (stdin). Default: none (a new process has no
    /// ID token of the profile).
    #[arg(long, value_name = "TOKEN")]
    id_token_hint: Option<String>,
    /// Seconds to wait for the provider to come back.
    #[arg(long, default_value_t = 120)]
    timeout: u64,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
#[command(
    after_help = "Input: the argument, `@FILE`, or stdin (`-` or no argument). Accepted: a \
    bare token; `Bearer <token>` or a whole `Authorization:` line; a redirect URL \
    (https://jwt.ms/#id_token=…, …#access_token=…&id_token=…, …?code=… which is explained, \
    …#error=… with B2C's code, correlation ID and timestamp); a JSON token response \
    ({\"id_token\":…,\"access_token\":…,\"refresh_token\":…}). Line breaks and spaces from \
    e-mails are ignored; at most 64 KiB.\n\n\
    Exit status: 0 decoded (and verified, with --verify); 1 malformed input or unusable key \
    file; 3 a verification failed (signature, issuer, or time checks).\n\n\
    Nested tokens: with --verify, the token inside a decrypted JWE (signed-then-encrypted, \
    cty JWT) is what is verified, and every token inside a claim (B2C's idp_access_token) is \
    verified on its own, with --key or its own issuer's keys; one the given key cannot check \
    says \"not verified: no key for issuer X\". Only the outer tokens decide the exit status. \
    `tokenscope encode` makes test tokens to decode.\n\n\
    --json prints one object: `form`; the primary token's `kind`, `header`, `payload`, \
    `signature_length`, `claims` (each with `name`, `value`, `description`, and for NumericDate \
    claims `time` in RFC 3339 UTC, `local_time` and `relative`); and `tokens`, every token found \
    with `warnings`, `jwe`, `inner`, `nested` and `verification`."
)]
struct DecodeArgs {
    /// The token, `Bearer <token>`, a redirect URL, a JSON token response, `@FILE`, or `-` for
    /// stdin.
    token: Option<String>,
    /// Print one JSON object (see below).
    #[arg(long)]
    json: bool,
    /// Print Markdown (for tickets and wikis).
    #[arg(long, conflicts_with = "json")]
    markdown: bool,
    /// Check signatures and times: with --key, or with keys discovered from the token's issuer
    /// (network; for B2C the policy's metadata named by `tfp`/`acr`).
    #[arg(long)]
    verify: bool,
    /// Let --verify fetch the issuer's keys from private (10/8, 172.16/12, 192.168/16, fc00::/7),
    /// link-local and cloud metadata-service addresses. Without it, keys named by a token's
    /// `iss` come only from public addresses (https) and this machine's loopback.
    #[arg(long)]
    allow_private_network: bool,
    /// Public key to verify with: a JWK, a JWKS, a PEM public key or certificate, or an `oct`
    /// JWK holding an HMAC secret. Implies --verify.
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
    /// Private key to decrypt encrypted tokens (JWE) with, locally: an RSA JWK/JWKS or PEM
    /// (PKCS#8 or PKCS#1) for RSA-OAEP/-256 and RSA1_5; an EC P-256/384/521 or X25519 JWK or PEM
    /// (PKCS#8, SEC1) for ECDH-ES and ECDH-ES+A128KW/A192KW/A256KW; an `oct` JWK for dir,
    /// A128KW/A192KW/A256KW and A128GCMKW/A192GCMKW/A256GCMKW; or a file holding only a
    /// password for PBES2-HS256+A128KW/HS384+A192KW/HS512+A256KW (p2c at most 100000).
    #[arg(long, value_name = "FILE")]
    decrypt_key: Option<PathBuf>,
    /// Mask personal claims (names, e-mails, phone, address, national numbers...) for sharing;
    /// also prints a re-encoded unsigned copy, marked as not verifiable.
    #[arg(long)]
    redact: bool,
    /// Clock skew allowed by --verify's time checks, in seconds.
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    skew: u64,
}

#[derive(Args)]
pub(crate) struct SigninArgs {
    /// Issuer, metadata URL (B2C path or ?p= form), custom domain, MSAL tfp authority,
    /// `tenant/B2C_1_policy`, or a portal "Run user flow" URL.
    #[arg(long)]
    authority: Option<String>,
    /// Another policy of the authority's B2C tenant (B2C_1_edit, B2C_1A_PasswordReset...): the
    /// authority keeps its form with this policy in it.
    #[arg(long, value_name = "POLICY")]
    policy: Option<String>,
    /// Application (client) ID.
    #[arg(long)]
    client_id: Option<String>,
    /// Scopes, space-separated (`openid` is always added).
    #[arg(long)]
    scope: Option<String>,
    /// Redirect URI on loopback: http://localhost (default), http://127.0.0.1:8400/callback...
    #[arg(long)]
    redirect_uri: Option<String>,
    /// Command that opens the URL (the URL is appended); default: the system browser.
    #[arg(long)]
    browser: Option<String>,
    /// Seconds to wait for the redirect.
    #[arg(long, default_value_t = 300)]
    timeout: u64,
    /// Profile to use and save (default: "default").
    #[arg(long)]
    profile: Option<String>,
    /// Do not store the refresh token (and do not save the profile).
    #[arg(long)]
    no_store: bool,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
    /// Print what went over the wire (each request and answer, secrets masked) to stderr;
    /// with --json, also as `exchanges`.
    #[arg(long)]
    trace: bool,
    /// `prompt` (login, none, consent, select_account, create).
    #[arg(long)]
    prompt: Option<String>,
    /// `login_hint`.
    #[arg(long)]
    login_hint: Option<String>,
    /// `domain_hint`.
    #[arg(long)]
    domain_hint: Option<String>,
    /// `ui_locales`.
    #[arg(long)]
    ui_locales: Option<String>,
    /// `max_age` in seconds.
    #[arg(long)]
    max_age: Option<u64>,
    /// `acr_values`.
    #[arg(long)]
    acr_values: Option<String>,
    /// Use `response_mode=form_post`.
    #[arg(long)]
    form_post: bool,
    /// Extra authorization parameter `name=value` (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// `claims` request parameter: a JSON object (checked), or `@FILE`.
    #[arg(long, value_name = "JSON")]
    claims: Option<String>,
    /// `id_token_hint` for this sign-in (not saved): a token, `@FILE` or `-` (stdin).
    #[arg(long, value_name = "TOKEN")]
    id_token_hint: Option<String>,
    /// Clean session: send `prompt=login` whatever the profile says (with `--browser` for a
    /// private window, repeated sign-up tests do not reuse the provider's session).
    #[arg(long)]
    clean: bool,
    /// Print the authorize URL (on stderr) instead of opening the browser; open it yourself.
    #[arg(long)]
    print_url: bool,
    /// Client authentication when a client secret is stored (`profiles secret set`).
    #[arg(long, value_enum)]
    client_auth: Option<AuthMethodArg>,
    /// Push the authorization request (RFC 9126): auto (when the provider requires it),
    /// always, never. Saved with the profile.
    #[arg(long, value_enum, conflicts_with = "device")]
    par: Option<request_form::ParArg>,
    /// Send the parameters as a request object (RFC 9101) signed with the client key
    /// (`profiles key set`) or HS256 with the client secret: off, signed, signed+encrypted (to
    /// the provider's enc key). Saved with the profile.
    #[arg(long, value_enum, conflicts_with = "device")]
    request_object: Option<request_form::JarArg>,
    #[command(flatten)]
    tls: tls::TlsArgs,
    /// Device flow (RFC 8628): show a user code and where to enter it (on any device), poll
    /// until the sign-in is completed there; no browser is opened and no redirect is used.
    #[arg(long, conflicts_with_all = ["browser", "print_url", "form_post", "redirect_uri"])]
    device: bool,
    /// DPoP (RFC 9449): sender-constrained tokens. Proofs signed with the profile's key (made on
    /// first use, kept in the OS keyring) on the token request, refreshes and calls; the report
    /// checks that the tokens are bound to it. Saved in the profile (`profiles dpop off`).
    #[arg(long)]
    dpop: bool,
}

fn main() -> ExitCode {
    cli()
}

fn cli() -> ExitCode {
    // As `Cli::parse()`, without freeing clap's command tree and matches value by value: the
    // process ends soon and its memory goes back with it.
    let mut command = Cli::command();
    let mut matches = command.get_matches_mut();
    let cli = Cli::from_arg_matches_mut(&mut matches)
        .unwrap_or_else(|e| e.format(&mut Cli::command()).exit());
    std::mem::forget(matches);
    std::mem::forget(command);
    // Decoding, comparing and the error catalogue are local: no runtime is started for them
    // (`decode` is timed as a whole process by scripts/bench.sh). `decode --verify` starts a
    // current-thread runtime for the key discovery; so do the flows with the engine, below.
    match cli.command {
        Command::Decode(args) => decode(args),
        Command::Encode(args) => encode::run(*args),
        Command::Diff {
            a,
            b,
            decrypt_key,
            json,
        } => diff(&a, &b, decrypt_key.as_deref(), json),
        Command::Errors { code, json } => errors::run(code.as_deref(), json),
        Command::Authority { text, json } => authority::run(&text, json),
        command => {
            // One thread: the flows wait on the network, the browser and the keyring (whose
            // blocking calls go to tokio's blocking pool). Tokio's multi-thread scheduler was
            // the only user of libm (`pow`, its task-time averages): without it the process
            // loads one library less at every start, `decode` included.
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => return fail(&format!("cannot start: {e}")),
            };
            // Boxed: the engine's future (every flow's state) lives on the heap, not in main's
            // stack frame, which `decode` and `--version` would otherwise touch page by page.
            runtime.block_on(Box::pin(run(command)))
        }
    }
}

/// The commands that run the engine.
async fn run(command: Command) -> ExitCode {
    match command {
        Command::Decode(_)
        | Command::Encode(_)
        | Command::Diff { .. }
        | Command::Errors { .. }
        | Command::Authority { .. } => fail("this command runs without the engine"),
        Command::Signin(args) => with_engine(|engine| signin(engine, *args)).await,
        Command::Refresh {
            profile,
            json,
            trace,
            dpop,
        } => with_engine(|engine| refresh(engine, profile, json, trace, dpop)).await,
        Command::Signout { profile } => with_engine(|engine| signout(engine, profile)).await,
        Command::Token(args) => with_engine(|engine| grants::token(engine, args)).await,
        Command::Profiles { action: None } => {
            with_engine(|engine| async move {
                let profiles = engine.profiles().list()?;
                let mut o = String::new();
                if profiles.is_empty() {
                    o = format!(
                        "No profiles yet in {}.\n",
                        t(&engine.profiles().dir().display().to_string())
                    );
                }
                for p in profiles {
                    o.push_str(&format!(
                        "{}\t{}\t{}\n",
                        t(&p.name),
                        t(&p.authority),
                        t(&p.client_id)
                    ));
                }
                emit(&o)?;
                Ok(ExitCode::SUCCESS)
            })
            .await
        }
        Command::Profiles {
            action: Some(ProfilesAction::Secret { action }),
        } => with_engine(|engine| secret(engine, action)).await,
        Command::Profiles {
            action: Some(ProfilesAction::Key { action }),
        } => with_engine(|engine| grants::key(engine, action)).await,
        Command::Profiles {
            action: Some(ProfilesAction::Show { name, json }),
        } => with_engine(|engine| request_form::show(engine, name, json)).await,
        Command::Profiles {
            action: Some(ProfilesAction::Dpop { action }),
        } => with_engine(|engine| dpop::dpop(engine, action)).await,
        Command::Profiles {
            action: Some(ProfilesAction::Edit(args)),
        } => with_engine(|engine| tls::edit(engine, args)).await,
        Command::Profiles { action: Some(add) } => {
            with_engine(|engine| add_profile(engine, add)).await
        }
        Command::LogoutTest(args) => with_engine(|engine| logout_test(engine, args)).await,
        Command::Test(args) => flowtest::test(args).await,
        Command::TestSecret { action } => flowtest::test_secret(action).await,
        Command::Call(args) => with_engine(|engine| api::call(engine, *args)).await,
        Command::Userinfo(args) => with_engine(|engine| api::userinfo(engine, args)).await,
        Command::Revoke(args) => with_engine(|engine| endpoints::revoke(engine, args)).await,
        Command::Introspect(args) => {
            with_engine(|engine| endpoints::introspect(engine, args)).await
        }
    }
}

async fn secret(engine: Arc<Engine>, action: SecretAction) -> Result<ExitCode, Failure> {
    match action {
        SecretAction::Set { name, method } => {
            let mut profile = engine.profiles().get(&name)?;
            let mut text = String::new();
            std::io::Read::take(std::io::stdin(), 16 * 1024)
                .read_to_string(&mut text)
                .map_err(|e| Error::Config(format!("cannot read the secret from stdin: {e}")))?;
            let location = engine.set_client_secret(&name, &Secret::new(text)).await?;
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
            emit(&format!(
                "Stored the client secret of \"{}\" in {}.\n",
                t(&name),
                t(&place)
            ))?;
        }
        SecretAction::Remove { name } => {
            if engine.delete_client_secret(&name).await? {
                emit(&format!("Deleted the client secret of \"{}\".\n", t(&name)))?;
            } else {
                emit(&format!(
                    "No client secret was stored for \"{}\".\n",
                    t(&name)
                ))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A token given as text, `@FILE` or `-`.
fn token_arg(arg: &str) -> Result<Secret, Error> {
    read_input(Some(arg.to_owned()))
        .map(|t| Secret::new(t.trim()))
        .map_err(Error::Config)
}

async fn logout_test(engine: Arc<Engine>, args: LogoutTestArgs) -> Result<ExitCode, Failure> {
    let profile = engine.profiles().get(&args.profile)?;
    let cancel = CancellationToken::new();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let options = LogoutOptions {
        id_token_hint: args.id_token_hint.as_deref().map(token_arg).transpose()?,
        timeout: Duration::from_secs(args.timeout),
        cancel,
        open_browser: true,
    };
    let report = engine.logout_test(&profile, &options).await?;
    if args.json {
        emit(&format!(
            "{}\n",
            serde_json::to_value(&report).unwrap_or_default()
        ))?;
    } else {
        let came_back = match &report.returned {
            Some(r) => format!(
                "yes, by {} with state {}",
                t(&r.method.to_string()),
                t(r.state.as_deref().unwrap_or("(none)"))
            ),
            None => "no".to_owned(),
        };
        emit(&format!(
            "logout URL: {}\npost_logout_redirect_uri: {}\nstate sent: {}\ncame back: {came_back}\n{}\n",
            t(&report.logout_url.to_string()),
            t(&report.post_logout_redirect_uri.to_string()),
            t(&report.state_sent),
            t(&report.summary)
        ))?;
    }
    Ok(if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_CHECKS_FAILED)
    })
}

async fn add_profile(engine: Arc<Engine>, action: ProfilesAction) -> Result<ExitCode, Failure> {
    let ProfilesAction::Add {
        name,
        authority,
        client_id,
        scope,
        redirect_uri,
        browser,
        replace,
        par,
        request_object,
        tls,
    } = action
    else {
        return Err(Error::Config("not an add".into()).into());
    };
    let mut p = Profile::new(&name, &authority, &client_id);
    p.scopes = scope
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if let Some(uri) = redirect_uri {
        p.redirect = RedirectConfig::parse(&uri)?;
    }
    p.browser_command = browser;
    request_form::apply(&mut p.request_form, par, request_object);
    let warnings = tls::apply(&tls, &mut p, engine.now())?;
    let mode = if replace {
        SaveMode::Replace
    } else {
        SaveMode::New
    };
    engine.save_profile(&p, mode).await.map_err(|e| match e {
        Error::Profile(m) if !replace => Error::Profile(format!("{m} (--replace replaces it)")),
        e => e,
    })?;
    tls::warn(&warnings);
    emit(&format!(
        "Saved profile \"{}\" in {}.\n",
        t(&name),
        t(&engine.profiles().dir().display().to_string())
    ))?;
    Ok(ExitCode::SUCCESS)
}

async fn with_engine<F, Fut>(f: F) -> ExitCode
where
    F: FnOnce(Arc<Engine>) -> Fut,
    Fut: std::future::Future<Output = Result<ExitCode, Failure>>,
{
    let engine = match Engine::production().await {
        Ok(e) => Arc::new(e),
        Err(e) => return fail(&e.to_string()),
    };
    match f(engine).await {
        Ok(code) => code,
        Err(Failure::Stdout(e)) => fail(&stdout_failed(&e)),
        Err(Failure::Engine(e)) => {
            let code = fail(&one_line(&e));
            if let Error::Provider(p) = &e {
                for line in p.advice.iter().flat_map(errors::advice_lines) {
                    err_line(&t(&line));
                }
            }
            code
        }
    }
}

/// Why a command that runs the engine failed.
enum Failure {
    /// The engine's error (with the provider's advice when there is some).
    Engine(Error),
    /// Stdout did not take the output (a closed pipe, a full disk).
    Stdout(std::io::Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Engine(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Failure::Stdout(e)
    }
}

/// Writes a command's output to stdout at once, flushed. An error (a reader that went away, a
/// full disk) is the caller's to report as one line: never a panic as with `println!`.
pub(crate) fn emit(text: &str) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// The error line for a stdout that did not take the output.
fn stdout_failed(e: &std::io::Error) -> String {
    format!("cannot write to stdout: {e}")
}

/// [`emit`] for the commands whose errors are text.
pub(crate) fn emit_text(text: &str) -> Result<(), String> {
    emit(text).map_err(|e| stdout_failed(&e))
}

/// One line on stderr. A stderr that cannot take it (closed, full) has nowhere to be reported.
pub(crate) fn err_line(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn one_line(e: &Error) -> String {
    let text = e.to_string().replace(['\r', '\n'], " ");
    match e.raw_body().filter(|b| !b.trim().is_empty()) {
        Some(body) => {
            let body: String = body.chars().take(200).collect();
            format!("{text} — body: {}", body.replace(['\r', '\n'], " "))
        }
        None => text,
    }
}

/// The command's one error line (control characters escaped), exit status 1.
pub(crate) fn fail(message: &str) -> ExitCode {
    let style = output::Style::stderr();
    err_line(&format!("{} {}", style.red("error:"), t(message)));
    ExitCode::FAILURE
}

fn build_profile(engine: &Engine, args: &SigninArgs) -> Result<Profile, Error> {
    let name = args.profile.clone().unwrap_or_else(|| "default".to_owned());
    // A named profile that exists supplies the settings; flags override them.
    let saved = match &args.profile {
        Some(n) => engine.profiles().list()?.into_iter().find(|p| &p.name == n),
        None => None,
    };
    let authority_text = args
        .authority
        .clone()
        .or_else(|| saved.as_ref().map(|p| p.authority.clone()))
        .ok_or_else(|| Error::Config("--authority is required (or a saved --profile)".into()))?;
    let portal = PortalRun::parse(&authority_text).ok();
    let authority = match &portal {
        Some(run) => run.authority.metadata_url.to_string(),
        None => {
            Authority::parse(&authority_text)?;
            authority_text
        }
    };
    let authority = match &args.policy {
        Some(policy) => tokenscope_core::store::tenant::with_policy(&authority, policy)?,
        None => authority,
    };
    let client_id = args
        .client_id
        .clone()
        .or_else(|| portal.as_ref().and_then(|r| r.client_id.clone()))
        .or_else(|| saved.as_ref().map(|p| p.client_id.clone()))
        .ok_or_else(|| Error::Config("--client-id is required".into()))?;
    let mut profile = saved.unwrap_or_else(|| Profile::new(&name, &authority, &client_id));
    profile.authority = authority;
    profile.client_id = client_id;
    if let Some(scope) = &args.scope {
        profile.scopes = scope.split_whitespace().map(str::to_owned).collect();
    } else if let Some(run) = &portal {
        if profile.scopes.is_empty() {
            profile.scopes = run.scopes.clone();
        }
    }
    if let Some(uri) = &args.redirect_uri {
        profile.redirect = RedirectConfig::parse(uri)?;
    }
    if args.browser.is_some() {
        profile.browser_command = args.browser.clone();
    }
    if let Some(m) = args.client_auth {
        profile.client_auth = m.into();
    }
    request_form::apply(&mut profile.request_form, args.par, args.request_object);
    profile.dpop |= args.dpop;
    tls::warn(&tls::apply(&args.tls, &mut profile, engine.now())?);
    let p = &mut profile.params;
    let set = |slot: &mut Option<String>, v: &Option<String>| {
        if v.is_some() {
            slot.clone_from(v);
        }
    };
    set(&mut p.prompt, &args.prompt);
    set(&mut p.login_hint, &args.login_hint);
    set(&mut p.domain_hint, &args.domain_hint);
    set(&mut p.ui_locales, &args.ui_locales);
    set(&mut p.acr_values, &args.acr_values);
    if args.max_age.is_some() {
        p.max_age = args.max_age;
    }
    if args.form_post {
        p.response_mode = ResponseMode::FormPost;
    }
    if let Some(claims) = &args.claims {
        let text = if claims.starts_with('@') {
            read_input(Some(claims.clone())).map_err(Error::Config)?
        } else {
            claims.clone()
        };
        p.claims = Some(tokenscope_core::oidc::request::check_claims(&text)?);
    }

    if !args.params.is_empty() {
        p.extra = args
            .params
            .iter()
            .map(|kv| {
                kv.split_once('=')
                    .map(|(k, v)| (k.to_owned(), v.to_owned()))
                    .ok_or_else(|| Error::Config(format!("--param `{kv}` is not NAME=VALUE")))
            })
            .collect::<Result<_, _>>()?;
    }
    Ok(profile)
}

async fn signin(engine: Arc<Engine>, args: SigninArgs) -> Result<ExitCode, Failure> {
    let profile = build_profile(&engine, &args)?;
    if !args.no_store {
        // `--profile NAME` with flags is an edit of that profile: the flags override its settings.
        engine.save_profile(&profile, SaveMode::Replace).await?;
    }
    let cancel = CancellationToken::new();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let mut progress = progress_printer(args.json);
    if args.print_url {
        // The URL goes to stderr whatever the output format: stdout may hold JSON.
        let inner = progress.take();
        progress = Some(Arc::new(move |p: Progress| {
            if let Progress::BrowserOpened { authorize_url } = &p {
                err_line(&format!(
                    "Open this URL in a browser to sign in:\n{}",
                    t(authorize_url)
                ));
            } else if let Some(f) = &inner {
                f(p);
            }
        }));
    }
    if args.device {
        return grants::device_signin(engine, &profile, &args, cancel, progress).await;
    }
    let options = SignInOptions {
        store: !args.no_store,
        timeout: Duration::from_secs(args.timeout),
        cancel,
        progress,
        clean: args.clean,
        id_token_hint: args.id_token_hint.as_deref().map(token_arg).transpose()?,
        open_browser: !args.print_url,
    };
    let outcome = engine.sign_in(&profile, &options).await;
    trace::show(&engine, &profile.name, WireOf::SignIn, args.trace);
    finish(&outcome?, args.json, args.trace)
}

async fn refresh(
    engine: Arc<Engine>,
    name: String,
    json: bool,
    trace: bool,
    dpop: bool,
) -> Result<ExitCode, Failure> {
    let mut profile = engine.profiles().get(&name)?;
    profile.dpop |= dpop;
    let progress = progress_printer(json);
    let outcome = engine.refresh(&profile, progress).await;
    trace::show(&engine, &profile.name, WireOf::SignIn, trace);
    finish(&outcome?, json, trace)
}

/// Progress lines on stderr for people; nothing with `--json`.
fn progress_printer(json: bool) -> Option<tokenscope_core::engine::ProgressFn> {
    let style = output::Style::stderr();
    (!json).then(|| {
        Arc::new(move |p: Progress| output::progress(&style, &p))
            as tokenscope_core::engine::ProgressFn
    })
}

fn finish(outcome: &Outcome, json: bool, trace: bool) -> Result<ExitCode, Failure> {
    if json {
        emit(&format!("{}\n", outcome_json(outcome, trace)))?;
    } else {
        let mut o = String::new();
        output::outcome(&mut o, &output::Style::stdout(), outcome);
        emit(&o)?;
    }
    if outcome.passed() {
        Ok(ExitCode::SUCCESS)
    } else {
        let failed: Vec<&str> = outcome.report.failures().map(|c| c.name.as_str()).collect();
        let verdict = match outcome.flow {
            Flow::SignIn => "the sign-in does not count",
            Flow::Refresh => "the refresh does not count; sign in again",
            Flow::ClientCredentials | Flow::TokenExchange | Flow::JwtBearer => {
                "the token does not count"
            }
        };
        err_line(&format!(
            "{} the tokens failed validation ({}); {verdict}",
            output::Style::stderr().red("error:"),
            t(&failed.join(", "))
        ));
        Ok(ExitCode::from(EXIT_CHECKS_FAILED))
    }
}

/// The `--json` contract of `signin` and `refresh`: the engine's view of an outcome, the same the
/// desktop shows; its `exchanges` only with `--trace`.
fn outcome_json(o: &Outcome, trace: bool) -> Value {
    let mut v = serde_json::to_value(SignInView::from(o)).unwrap_or(Value::Null);
    trace::keep_if(&mut v, trace);
    v
}

async fn signout(engine: Arc<Engine>, name: String) -> Result<ExitCode, Failure> {
    let profile = engine.profiles().get(&name)?;
    let out = engine.sign_out(&profile).await?;
    let mut o = if out.deleted {
        format!("Deleted the refresh token of \"{}\".\n", t(&name))
    } else {
        format!("No refresh token was stored for \"{}\".\n", t(&name))
    };
    if let Some(url) = out.logout_url {
        o.push_str(&format!(
            "To end the provider's browser session too, open: {}\n",
            t(url.as_str())
        ));
    }
    emit(&o)?;
    Ok(ExitCode::SUCCESS)
}

/// Reads a token argument: text, `@FILE`, or `-` (stdin; also when absent and stdin is piped).
pub(crate) fn read_input(arg: Option<String>) -> Result<String, String> {
    let limit = (jwt::MAX_INPUT + 1) as u64;
    match arg {
        None if std::io::stdin().is_terminal() => {
            Err("give a token as an argument, or pipe one on stdin".into())
        }
        None => read_stdin(limit),
        Some(text) if text == "-" => read_stdin(limit),
        // The argument itself: moved, not copied.
        Some(text) => match text.strip_prefix('@') {
            Some(path) => read_file(Path::new(path), limit),
            None => Ok(text),
        },
    }
}

/// Stdin's text, at most `limit` bytes read (the decoders refuse what is longer).
fn read_stdin(limit: u64) -> Result<String, String> {
    let mut buf = String::new();
    // Read at most one byte past the limit so a huge input is refused, not buffered.
    std::io::stdin()
        .take(limit)
        .read_to_string(&mut buf)
        .map_err(|e| format!("cannot read stdin: {e}"))?;
    Ok(buf)
}

/// A file's text, at most `limit` bytes read (the decoders refuse what is longer).
pub(crate) fn read_file(path: &Path, limit: u64) -> Result<String, String> {
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut buf = String::new();
    file.take(limit)
        .read_to_string(&mut buf)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(buf)
}

fn decryption_keys(path: Option<&Path>) -> Result<Option<DecryptionKeys>, String> {
    let Some(path) = path else {
        return Ok(None);
    };
    let text = read_file(path, MAX_KEY_TEXT as u64 + 1)?;
    DecryptionKeys::parse(&text, format!("--decrypt-key {}", path.display()))
        .map(Some)
        .map_err(|e| format!("--decrypt-key {}: {e}", path.display()))
}

fn decode(args: DecodeArgs) -> ExitCode {
    match decode_inner(args) {
        Ok(code) => code,
        Err(message) => fail(&message.replace(['\r', '\n'], " ")),
    }
}

fn decode_inner(args: DecodeArgs) -> Result<ExitCode, String> {
    let input = read_input(args.token)?;
    let now = chrono::Utc::now();
    let key_file = |path: &Path| read_file(path, MAX_KEY_TEXT as u64 + 1);
    let decrypt_text = args.decrypt_key.as_deref().map(key_file).transpose()?;
    let public_text = args.key.as_deref().map(key_file).transpose()?;
    let (decrypt_origin, public_origin) = (
        args.decrypt_key
            .as_ref()
            .map(|p| format!("--decrypt-key {}", p.display())),
        args.key.as_ref().map(|p| format!("--key {}", p.display())),
    );
    fn key<'a>(text: &'a Option<String>, origin: &'a Option<String>) -> Option<KeyText<'a>> {
        Some(KeyText {
            text: text.as_deref()?,
            origin: origin.as_deref()?,
        })
    }
    let request = InspectRequest {
        decryption_key: key(&decrypt_text, &decrypt_origin),
        // A key given is a key to verify with.
        verify: args.verify || args.key.is_some(),
        public_key: key(&public_text, &public_origin),
        skew: Duration::from_secs(args.skew),
        network: NetworkPolicy {
            allow_private: args.allow_private_network,
        },
    };
    let inspected = request.inspect(&input, now).map_err(|e| match e {
        RequestError::DecryptionKey(e) => format!("{}: {e}", decrypt_origin.unwrap_or_default()),
        RequestError::PublicKey(e) => format!("{}: {e}", public_origin.unwrap_or_default()),
        RequestError::Text(e) => e.to_string(),
    })?;
    let verified = inspected.verifies();
    let inspection = if verified {
        // Only verifying needs a runtime (key discovery goes over the network). Discovered keys
        // come through the client that checks where each name resolves (given keys fetch
        // nothing).
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start: {e}"))?;
        runtime
            .block_on(inspected.verify_through(&netguard::system_discovery()))
            .map_err(|e| e.to_string())?
    } else {
        inspected.inspection
    };
    if args.json {
        write_json_line(&inspection, args.redact)?;
    } else if args.markdown {
        // The document's own lines kept; every value's control characters escaped.
        let md = export::markdown(&inspection, args.redact);
        emit_text(&tokenscope_core::terminal::escape_keeping_lines(&md))?;
    } else {
        let mut o = String::new();
        output::inspection(&mut o, &output::Style::stdout(), &inspection, args.redact);
        emit_text(&o)?;
    }
    let status = decode_status(&inspection, verified);
    // The process ends here: its memory goes back with it, without freeing the inspection's
    // trees value by value first.
    std::mem::forget(inspection);
    status
}

/// Writes the JSON export and a newline to stdout through one 64 KiB buffer, serialised
/// straight from the inspection (no `Value` tree). Unbuffered, the document went out a kilobyte
/// at a time (about 190 writes for a 60 KiB token, scripts/bench.sh).
fn write_json_line(inspection: &Inspection, redact: bool) -> Result<(), String> {
    let written = match stdout_file() {
        Some(file) => write_json_to(file, inspection, redact),
        None => write_json_to(std::io::stdout().lock(), inspection, redact),
    };
    written.map_err(|e| format!("cannot write to stdout: {e}"))
}

fn write_json_to(
    out: impl std::io::Write,
    inspection: &Inspection,
    redact: bool,
) -> Result<(), String> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    export::write_json(&mut out, inspection, redact)
        .map_err(|e| e.to_string())
        .and_then(|()| out.write_all(b"\n").map_err(|e| e.to_string()))
        .and_then(|()| out.flush().map_err(|e| e.to_string()))
}

/// Stdout as a file of its own (a duplicate descriptor), for the JSON document: Rust's stdout is
/// line-buffered and looks through every 64 KiB piece for a line break first; the document has
/// one, at its end. Nothing else was written to stdout before.
#[cfg(unix)]
fn stdout_file() -> Option<std::fs::File> {
    use std::os::fd::AsFd;
    let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
    Some(std::fs::File::from(fd))
}

#[cfg(not(unix))]
fn stdout_file() -> Option<std::fs::File> {
    None
}

/// 1 when a token among several did not decode, 3 when a verification failed.
fn decode_status(inspection: &Inspection, verified: bool) -> Result<ExitCode, String> {
    if let Some((label, e)) = inspection.first_error() {
        return Err(format!("{label}: {e}"));
    }
    if verified {
        let failed: Vec<String> = inspection
            .tokens
            .iter()
            .filter_map(|t| {
                let v = t.verification.as_ref()?;
                (!v.passed).then(|| {
                    let names: Vec<&str> = v
                        .checks
                        .iter()
                        .filter(|c| !c.ok)
                        .map(|c| c.name.as_str())
                        .collect();
                    format!("{} ({})", t.label, names.join(", "))
                })
            })
            .collect();
        if !failed.is_empty() {
            err_line(&format!(
                "{} verification failed: {}",
                output::Style::stderr().red("error:"),
                t(&failed.join("; "))
            ));
            return Ok(ExitCode::from(EXIT_CHECKS_FAILED));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The token a diff compares: the first that decodes.
fn pick<'a>(name: &str, i: &'a Inspection) -> Result<&'a TokenInspection, String> {
    i.tokens
        .iter()
        .find(|t| t.error.is_none())
        .ok_or_else(|| match i.first_error() {
            Some((label, e)) => format!("{name}: {label}: {e}"),
            None => format!("{name}: no token in it"),
        })
}

fn diff(a: &str, b: &str, decrypt_key: Option<&Path>, json: bool) -> ExitCode {
    if a == "-" && b == "-" {
        return fail("only one of A and B can be read from stdin");
    }
    let run = || -> Result<(), String> {
        let options = InspectOptions {
            now: chrono::Utc::now(),
            decryption_keys: decryption_keys(decrypt_key)?,
        };
        let load = |name: &str, arg: &str| -> Result<Inspection, String> {
            let text = read_input(Some(arg.to_owned())).map_err(|e| format!("{name}: {e}"))?;
            inspect::inspect(&text, &options).map_err(|e| format!("{name}: {e}"))
        };
        let (ia, ib) = (load("A", a)?, load("B", b)?);
        let d = inspect::diff::diff(pick("A", &ia)?, pick("B", &ib)?);
        if json {
            let mut v = serde_json::to_value(&d).map_err(|e| e.to_string())?;
            v["identical"] = json!(d.is_empty());
            emit_text(&format!("{v}\n"))?;
        } else {
            let mut o = String::new();
            output::diff(&mut o, &output::Style::stdout(), &d);
            emit_text(&o)?;
        }
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(&message.replace(['\r', '\n'], " ")),
    }
}

#[cfg(test)]
mod tests {
    /// Subcommands are built only when used (`defer`): every one of them still builds, with
    /// clap's own consistency checks.
    #[test]
    fn every_subcommand_definition_is_consistent() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
