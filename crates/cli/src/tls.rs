//! A profile's client certificate on the command line (mutual TLS, RFC 8705): `--tls-cert`,
//! `--tls-key` and `--tls-ca` on `profiles add`, `profiles edit` and `signin`; the certificate in
//! `profiles show`. The profile keeps the paths; the key stays in its file.

use crate::output::t;
use crate::{emit, err_line, AuthMethodArg, Failure};
use clap::Args;
use serde_json::json;
use std::process::ExitCode;
use std::sync::Arc;
use tokenscope_core::engine::profiles::SaveMode;
use tokenscope_core::engine::Engine;
use tokenscope_core::oidc::mtls::{CertificateView, ClientCertificate};
use tokenscope_core::store::profile::Profile;
use tokenscope_core::Error;

/// The client certificate options.
#[derive(Args, Clone, Default)]
pub(crate) struct TlsArgs {
    /// Mutual TLS (RFC 8705): the client certificate file (PEM; the certificate first, then
    /// any intermediates), presented to the provider. The profile keeps the path.
    #[arg(long, value_name = "FILE")]
    pub tls_cert: Option<String>,
    /// The client certificate's private key file (PEM, unencrypted; keep it mode 600). The
    /// profile keeps the path, never the key.
    #[arg(long, value_name = "FILE")]
    pub tls_key: Option<String>,
    /// A CA certificate file (PEM) trusted besides the system's roots for the requests made with
    /// the client certificate (a company's or a test provider's CA).
    #[arg(long, value_name = "FILE")]
    pub tls_ca: Option<String>,
    /// Remove the client certificate from the profile.
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key", "tls_ca"])]
    pub no_tls_cert: bool,
}

impl TlsArgs {
    fn given(&self) -> bool {
        self.tls_cert.is_some()
            || self.tls_key.is_some()
            || self.tls_ca.is_some()
            || self.no_tls_cert
    }
}

/// Applies the options to a profile. The files named now are read and checked: a certificate
/// that cannot be used is an error and nothing is saved. Returns the warnings to show.
pub(crate) fn apply(
    args: &TlsArgs,
    profile: &mut Profile,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<String>, Error> {
    if !args.given() {
        return Ok(Vec::new());
    }
    if args.no_tls_cert {
        profile.client_certificate = None;
        return Ok(Vec::new());
    }
    let old = profile.client_certificate.clone().unwrap_or_default();
    let absolute = |p: &String| {
        std::path::absolute(p)
            .map(|a| a.to_string_lossy().into_owned())
            .unwrap_or_else(|_| p.clone())
    };
    let files = ClientCertificate {
        cert_file: args
            .tls_cert
            .as_ref()
            .map(absolute)
            .unwrap_or(old.cert_file),
        key_file: args.tls_key.as_ref().map(absolute).unwrap_or(old.key_file),
        ca_file: args.tls_ca.as_ref().map(absolute).or(old.ca_file),
    };
    if files.cert_file.is_empty() || files.key_file.is_empty() {
        return Err(Error::Config(
            "a client certificate needs both files: --tls-cert FILE --tls-key FILE".into(),
        ));
    }
    // Whether the files can be used is the engine's to judge when the profile is saved
    // (Engine::save_profile); here only the warnings, said after the save.
    let warnings = files.describe(now).warnings;
    profile.client_certificate = Some(files);
    Ok(warnings)
}

/// `profiles edit`: the client certificate and the client authentication of a saved profile.
#[derive(Args)]
pub(crate) struct EditArgs {
    /// Profile name.
    name: String,
    #[command(flatten)]
    tls: TlsArgs,
    /// Client authentication: auto (what the metadata announces for what is stored), a secret
    /// method, private-key-jwt, tls-client-auth or self-signed-tls-client-auth.
    #[arg(long, value_enum)]
    client_auth: Option<AuthMethodArg>,
}

pub(crate) async fn edit(engine: Arc<Engine>, args: EditArgs) -> Result<ExitCode, Failure> {
    let mut profile = engine.profiles().get(&args.name)?;
    if !args.tls.given() && args.client_auth.is_none() {
        return Err(Error::Config(
            "nothing to change: give --tls-cert/--tls-key/--tls-ca, --no-tls-cert or --client-auth"
                .into(),
        )
        .into());
    }
    let warnings = apply(&args.tls, &mut profile, engine.now())?;
    if let Some(m) = args.client_auth {
        profile.client_auth = m.into();
    }
    engine
        .save_profile(
            &profile,
            SaveMode::Edit {
                from: args.name.clone(),
            },
        )
        .await?;
    warn(&warnings);
    emit(&format!("Saved profile \"{}\".\n", t(&profile.name)))?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn warn(warnings: &[String]) {
    for w in warnings {
        err_line(&format!("warning: {}", t(w)));
    }
}

/// The client certificate as `profiles show` gives it in JSON: what reading the files finds
/// now (`null` without one).
pub(crate) fn status_json(p: &Profile, now: chrono::DateTime<chrono::Utc>) -> serde_json::Value {
    json!(p.client_certificate.as_ref().map(|c| c.describe(now)))
}

/// The client certificate's lines of `profiles show`.
pub(crate) fn show_lines(p: &Profile, now: chrono::DateTime<chrono::Utc>) -> String {
    let mut o = String::new();
    let mut line = |k: &str, v: &str| o.push_str(&format!("  {k:<15} {}\n", t(v)));
    let Some(v) = p.client_certificate.as_ref().map(|c| c.describe(now)) else {
        line("TLS cert", "none");
        return o;
    };
    certificate_lines(&mut line, &v);
    o
}

fn certificate_lines(line: &mut impl FnMut(&str, &str), v: &CertificateView) {
    line("TLS cert", &v.files.cert_file);
    line("TLS key", &v.files.key_file);
    if let Some(ca) = &v.files.ca_file {
        line("TLS CA", ca);
    }
    if let (Some(thumb), Some(until)) = (&v.thumbprint, &v.not_after) {
        line(
            "",
            &format!(
                "x5t#S256 {thumb}, valid until {until}{}",
                if v.self_signed == Some(true) {
                    ", self-signed"
                } else {
                    ""
                }
            ),
        );
    }
    if let Some(problem) = &v.problem {
        line("", &format!("NOT USABLE: {problem}"));
    }
    for w in &v.warnings {
        line("", &format!("warning: {w}"));
    }
}
