//! Microsoft Entra External ID authorities: `https://<sub>.ciamlogin.com/`, with the tenant's
//! domain or ID after it, a custom URL domain serving `/<tenant-id>/v2.0/…`, and the authorize
//! URL copied from the admin center. No policy is named in any of them (a user flow is linked to
//! the application), and the metadata always sits at `/<tenant>/v2.0/.well-known/…`.

use super::{is_guid, is_policy, join, Authority, AuthorityForm, ExternalIdTenant, WELL_KNOWN};
use crate::error::{Error, Result};
use url::Url;

/// `<sub>.ciamlogin.com` (External ID's own host).
pub(super) fn is_ciamlogin(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host.strip_suffix(".ciamlogin.com")
        .is_some_and(|sub| !sub.is_empty() && !sub.contains('.'))
}

/// Entra ID's workforce and national-cloud sign-in hosts: `/<tenant-id>/v2.0` there is Entra ID,
/// not External ID.
fn is_entra_workforce(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    [
        "microsoftonline.com",
        "microsoftonline.us",
        "microsoftonline.cn",
        "chinacloudapi.cn",
        "windows.net",
        "login.microsoft.com",
        "b2clogin.com",
    ]
    .iter()
    .any(|d| host == *d || host.ends_with(&format!(".{d}")))
}

/// A tenant as External ID writes it in a path: its ID or its `<name>.onmicrosoft.com` domain.
fn is_tenant(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    is_guid(&lower)
        || lower.strip_suffix(".onmicrosoft.com").is_some_and(|name| {
            !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// An authorize URL on a custom URL domain: exactly one tenant before `/oauth2/v2.0/authorize`
/// (not on B2C's or Entra ID's own hosts).
pub(super) fn is_tenant_path(host: &str, before: &[&str]) -> bool {
    !is_entra_workforce(host) && matches!(before, [tenant] if is_tenant(tenant))
}

/// What follows the tenant: nothing, `v2.0`, or `v2.0/.well-known/openid-configuration`.
enum Rest {
    Bare,
    Metadata,
    Other,
}

fn rest_of(rest: &[&str]) -> Rest {
    match rest {
        [] | ["v2.0"] => Rest::Bare,
        ["v2.0", ".well-known", "openid-configuration"] => Rest::Metadata,
        _ => Rest::Other,
    }
}

fn build(
    input: &str,
    metadata_url: Url,
    form: AuthorityForm,
    host: &str,
    tenant: &str,
) -> Authority {
    Authority {
        input: input.to_owned(),
        metadata_url,
        form,
        b2c: None,
        external_id: Some(ExternalIdTenant {
            host: host.to_owned(),
            tenant: tenant.to_owned(),
        }),
    }
}

fn origin(url: &Url) -> Url {
    super::origin_of(url)
}

/// An authority on `<sub>.ciamlogin.com`.
pub(super) fn parse_ciamlogin(
    text: &str,
    url: &Url,
    host: &str,
    segments: &[&str],
) -> Result<Authority> {
    let origin = origin(url);
    if let Some(policy) = segments.iter().find(|s| is_policy(s)) {
        return Err(Error::Authority(format!(
            "`{text}` names the B2C policy `{policy}` on an Entra External ID host: External ID \
             has no policies in the URL (the user flow is linked to the app); give \
             https://{host}/ or https://{host}/<tenant ID>/v2.0"
        )));
    }
    let Some((first, rest)) = segments.split_first() else {
        // https://<sub>.ciamlogin.com/ → the tenant is <sub>.onmicrosoft.com (as MSAL does).
        let sub = host
            .split('.')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let tenant = format!("{sub}.onmicrosoft.com");
        let metadata_url = join(&origin, &[&tenant, "v2.0", WELL_KNOWN])?;
        return Ok(build(
            text,
            metadata_url,
            AuthorityForm::ExternalIdSubdomain,
            host,
            &tenant,
        ));
    };
    if !is_tenant(first) {
        return Err(Error::Authority(format!(
            "`{text}` is an Entra External ID address, but `{first}` is not a tenant: give \
             https://{host}/, https://{host}/<name>.onmicrosoft.com or \
             https://{host}/<tenant ID>/v2.0"
        )));
    }
    let form = if is_guid(&first.to_ascii_lowercase()) {
        AuthorityForm::ExternalIdTenantId
    } else {
        AuthorityForm::ExternalIdDomain
    };
    let metadata_url = match rest_of(rest) {
        Rest::Metadata => url.clone(),
        Rest::Bare => join(&origin, &[first, "v2.0", WELL_KNOWN])?,
        Rest::Other => {
            return Err(Error::Authority(format!(
                "`{text}` is an Entra External ID address with an unknown path after the tenant: \
                 give https://{host}/{first}/v2.0 or its .well-known/openid-configuration"
            )))
        }
    };
    Ok(build(text, metadata_url, form, host, first))
}

/// A custom URL domain serving an External ID tenant: `https://<domain>/<tenant>/v2.0`, or its
/// metadata URL (kept as given). `None` when the URL is not of that shape.
pub(super) fn parse_custom_domain(
    text: &str,
    url: &Url,
    host: &str,
    segments: &[&str],
) -> Result<Option<Authority>> {
    if is_entra_workforce(host) {
        return Ok(None);
    }
    let Some((first, rest)) = segments.split_first() else {
        return Ok(None);
    };
    if !is_tenant(first) || rest.is_empty() {
        return Ok(None);
    }
    let metadata_url = match rest_of(rest) {
        Rest::Metadata => url.clone(),
        Rest::Bare => join(&origin(url), &[first, "v2.0", WELL_KNOWN])?,
        Rest::Other => return Ok(None),
    };
    Ok(Some(build(
        text,
        metadata_url,
        AuthorityForm::ExternalIdCustomDomain,
        host,
        first,
    )))
}

/// The authority of an External ID authorize URL (`…/<tenant>/oauth2/v2.0/authorize?…`).
pub(super) fn from_authorize(
    text: &str,
    origin: &Url,
    host: &str,
    before: &[&str],
) -> Result<Authority> {
    let [tenant] = before else {
        return Err(Error::Authority(format!(
            "`{text}` does not name the tenant before /oauth2/v2.0/authorize (External ID: \
             https://<sub>.ciamlogin.com/<tenant ID>/oauth2/v2.0/authorize?…)"
        )));
    };
    if !is_tenant(tenant) {
        return Err(Error::Authority(format!(
            "`{text}`: `{tenant}` is not a tenant ID or <name>.onmicrosoft.com domain"
        )));
    }
    let form = match (is_ciamlogin(host), is_guid(&tenant.to_ascii_lowercase())) {
        (false, _) => AuthorityForm::ExternalIdCustomDomain,
        (true, true) => AuthorityForm::ExternalIdTenantId,
        (true, false) => AuthorityForm::ExternalIdDomain,
    };
    let metadata_url = join(origin, &[tenant, "v2.0", WELL_KNOWN])?;
    Ok(build(text, metadata_url, form, host, tenant))
}
