//! The profile's request form on the command line: `--par` and `--request-object` for
//! `profiles add` and `signin` (which edits a saved `--profile`), and `profiles show`.

use crate::output::t;
use crate::{emit, Failure};
use std::process::ExitCode;
use std::sync::Arc;
use tokenscope_core::engine::Engine;
use tokenscope_core::oidc::request_form::{JarMode, ParMode, RequestForm};
use tokenscope_core::store::profile::Profile;

/// `--par`: when the authorization request is pushed (RFC 9126).
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum ParArg {
    /// When the provider's metadata requires it.
    Auto,
    /// Always (the provider must have a PAR endpoint).
    Always,
    /// Never.
    Never,
}

/// `--request-object`: the parameters as a signed (and encrypted) JWT (RFC 9101).
#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum JarArg {
    /// Plain parameters.
    Off,
    /// Signed with the client key (`profiles key set`), or HS256 with the client secret.
    Signed,
    /// Signed, then encrypted to the provider's `enc` key (itsme).
    #[value(name = "signed+encrypted")]
    SignedEncrypted,
}

/// Sets the flags given on the profile's form.
pub(crate) fn apply(form: &mut RequestForm, par: Option<ParArg>, jar: Option<JarArg>) {
    if let Some(p) = par {
        form.par = match p {
            ParArg::Auto => ParMode::Auto,
            ParArg::Always => ParMode::Always,
            ParArg::Never => ParMode::Never,
        };
    }
    if let Some(j) = jar {
        form.jar = match j {
            JarArg::Off => JarMode::Off,
            JarArg::Signed => JarMode::Signed,
            JarArg::SignedEncrypted => JarMode::SignedEncrypted,
        };
    }
}

/// `profiles show NAME`: the profile's settings (its file's JSON with `--json`), and whether a
/// client secret and key are stored (never them).
pub(crate) async fn show(
    engine: Arc<Engine>,
    name: String,
    json: bool,
) -> Result<ExitCode, Failure> {
    let p: Profile = engine.profiles().get(&name)?;
    let secret = engine.has_client_secret(&name).await.unwrap_or(false);
    let key = engine.has_client_key(&name).await.unwrap_or(false);
    if json {
        let mut v = serde_json::to_value(&p).unwrap_or_default();
        if let serde_json::Value::Object(m) = &mut v {
            m.insert("client_secret_stored".into(), secret.into());
            m.insert("client_key_stored".into(), key.into());
            m.insert(
                "client_certificate_status".into(),
                crate::tls::status_json(&p, engine.now()),
            );
        }
        emit(&format!("{v}\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let yes = |b: bool| if b { "stored in the keyring" } else { "none" };
    let mut o = String::new();
    let mut line = |k: &str, v: &str| o.push_str(&format!("  {k:<15} {}\n", t(v)));
    line("name", &p.name);
    line("authority", &p.authority);
    line("client_id", &p.client_id);
    line("scopes", &p.scopes.join(" "));
    line(
        "browser",
        p.browser_command.as_deref().unwrap_or("the system browser"),
    );
    line("client auth", p.client_auth.name());
    line("client secret", yes(secret));
    line("client key", yes(key));
    line("PAR", p.request_form.par.name());
    line("request object", p.request_form.jar.name());
    o.push_str(&crate::tls::show_lines(&p, engine.now()));
    emit(&o)?;
    Ok(ExitCode::SUCCESS)
}
