//! `tokenscope authority TEXT`: what a pasted authority is (B2C, Entra External ID or any
//! OpenID provider), its form, tenant and policy, and the metadata URL Tokenscope would fetch,
//! without fetching anything. The desktop's authority preview on the command line.

use crate::output::t;
use serde_json::json;
use std::fmt::Write as _;
use std::process::ExitCode;
use tokenscope_core::oidc::authority::{Authority, PortalRun};

/// Prints the preview; exit 1 when the text is not an authority.
pub fn run(text: &str, json: bool) -> ExitCode {
    let (authority, portal) = match PortalRun::parse(text) {
        Ok(run) => (run.authority.clone(), Some(run)),
        Err(_) => match Authority::parse(text) {
            Ok(a) => (a, None),
            Err(e) => return crate::fail(&e.to_string()),
        },
    };
    let kind = authority.kind();
    let note = authority.policy_note();
    if json {
        let value = json!({
            "kind": kind,
            "kind_label": kind.label(),
            "form": authority.form,
            "form_label": authority.form.label(),
            "metadata_url": authority.metadata_url.as_str(),
            "b2c": authority.b2c,
            "external_id": authority.external_id,
            "policy_note": note,
            "client_id": portal.as_ref().and_then(|p| p.client_id.clone()),
            "scopes": portal.as_ref().map(|p| p.scopes.clone()).unwrap_or_default(),
        });
        let text = serde_json::to_string_pretty(&value).unwrap_or_default();
        return finish(&format!("{text}\n"));
    }
    let mut o = String::new();
    let _ = writeln!(o, "provider  {}", kind.label());
    let form = match &portal {
        Some(_) => format!(
            "authorize URL copied from the portal ({})",
            authority.form.label()
        ),
        None => authority.form.label().to_owned(),
    };
    let _ = writeln!(o, "form      {}", t(&form));
    if let Some(b2c) = &authority.b2c {
        let _ = writeln!(o, "tenant    {}", t(&b2c.tenant));
        let _ = writeln!(o, "policy    {}", t(&b2c.policy));
        let _ = writeln!(o, "host      {}", t(&b2c.host));
    }
    if let Some(ext) = &authority.external_id {
        let _ = writeln!(o, "tenant    {}", t(&ext.tenant));
        let _ = writeln!(o, "policy    none in the URL");
        let _ = writeln!(o, "host      {}", t(&ext.host));
    }
    let _ = writeln!(o, "metadata  {}", t(authority.metadata_url.as_str()));
    if let Some(run) = &portal {
        if let Some(id) = &run.client_id {
            let _ = writeln!(o, "client    {}", t(id));
        }
        if !run.scopes.is_empty() {
            let _ = writeln!(o, "scopes    {}", t(&run.scopes.join(" ")));
        }
    }
    if let Some(note) = note {
        let _ = writeln!(o, "\n{note}");
    }
    finish(&o)
}

fn finish(text: &str) -> ExitCode {
    match crate::emit(text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => crate::fail(&crate::stdout_failed(&e)),
    }
}
