//! `tokenscope profiles dpop`: a profile's DPoP key (RFC 9449), kept in the OS keyring only.
//! Shows its public JWK and thumbprint (what a bound token's `cnf.jkt` names), makes a new one,
//! deletes it, and turns DPoP on or off for the profile. The private key is never shown.

use crate::output::t;
use crate::{emit, Failure};
use clap::Subcommand;
use serde_json::json;
use std::process::ExitCode;
use std::sync::Arc;
use tokenscope_core::engine::dpop::DpopKeyInfo;
use tokenscope_core::engine::Engine;
use tokenscope_core::store::vault::VaultLocation;

#[derive(Subcommand)]
#[command(defer = true)]
pub(crate) enum DpopAction {
    /// Whether the profile uses DPoP, and its key's thumbprint and public JWK.
    Show {
        /// Profile name.
        name: String,
        /// Print one JSON object: {profile, dpop, key: {thumbprint, jwk, location, created} | null}.
        #[arg(long)]
        json: bool,
    },
    /// Make a new key (the tokens bound to the old one stop working: sign in again).
    Rotate {
        /// Profile name.
        name: String,
    },
    /// Delete the key (a new one is made at the next sign-in with DPoP).
    Remove {
        /// Profile name.
        name: String,
    },
    /// Use DPoP for the profile's sign-ins, refreshes and calls.
    On {
        /// Profile name.
        name: String,
    },
    /// Stop using DPoP for the profile (the key stays until `remove`).
    Off {
        /// Profile name.
        name: String,
    },
}

fn place(location: &VaultLocation) -> String {
    match location {
        VaultLocation::Keyring => "the OS keyring".to_owned(),
        VaultLocation::SessionOnly { reason } => {
            format!("memory only, for this run ({reason}): it is NOT kept")
        }
    }
}

fn key_lines(key: &DpopKeyInfo) -> String {
    format!(
        "Thumbprint (cnf.jkt): {}\nPublic JWK:           {}\nKept in:              {}\n\
         Made:                 {}\n",
        t(&key.thumbprint),
        t(&key.jwk.to_string()),
        t(&place(&key.location)),
        key.created.format("%Y-%m-%d %H:%M:%S UTC")
    )
}

pub(crate) async fn dpop(engine: Arc<Engine>, action: DpopAction) -> Result<ExitCode, Failure> {
    let on = matches!(action, DpopAction::On { .. });
    match action {
        DpopAction::Show { name, json } => {
            let profile = engine.profiles().get(&name)?;
            let key = engine.dpop_key(&name).await?;
            if json {
                emit(&format!(
                    "{}\n",
                    json!({"profile": name, "dpop": profile.dpop, "key": key})
                ))?;
                return Ok(ExitCode::SUCCESS);
            }
            let mut o = format!(
                "DPoP for \"{}\": {}\n",
                t(&name),
                if profile.dpop { "on" } else { "off" }
            );
            match &key {
                Some(k) => o.push_str(&key_lines(k)),
                None => o.push_str(
                    "No DPoP key yet: one is made at the first sign-in, refresh or call with \
                     DPoP.\n",
                ),
            }
            emit(&o)?;
        }
        DpopAction::Rotate { name } => {
            let key = engine.dpop_rotate(&name).await?;
            emit(&format!(
                "Made a new DPoP key for \"{}\"; tokens bound to the old key are refused \
                 with it: sign in again.\n{}",
                t(&name),
                key_lines(&key)
            ))?;
        }
        DpopAction::Remove { name } => {
            let text = if engine.dpop_remove(&name).await? {
                format!("Deleted the DPoP key of \"{}\".\n", t(&name))
            } else {
                format!("No DPoP key was stored for \"{}\".\n", t(&name))
            };
            emit(&text)?;
        }
        DpopAction::On { name } | DpopAction::Off { name } => {
            let mut profile = engine.profiles().get(&name)?;
            profile.dpop = on;
            engine.profiles().save(&profile)?;
            emit(&format!(
                "DPoP is {} for \"{}\".\n",
                if on { "on" } else { "off" },
                t(&name)
            ))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
