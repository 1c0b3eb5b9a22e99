//! Where a provider's metadata lives. Turns what a person pastes (an issuer, a metadata URL in
//! B2C's path or `?p=` form, a custom domain, an MSAL `tfp` authority, a tenant and policy, an
//! Entra External ID `ciamlogin.com` authority, or the portal's authorize URL) into the metadata
//! URL to fetch, and says which product it is (B2C, External ID or any OpenID provider). Neither
//! B2C's nor External ID's issuer is its discovery base, so the metadata is always fetched from
//! here and its `issuer` used as is.

use crate::error::{Error, Result};
use serde::Serialize;
use url::Url;

const WELL_KNOWN: &str = ".well-known/openid-configuration";

/// The shape the authority was given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AuthorityForm {
    /// An issuer URL; discovery is appended.
    Issuer,
    /// A full metadata URL of a non-B2C provider.
    MetadataUrl,
    /// B2C on b2clogin.com, path form (`/<tenant>/<policy>/v2.0/...`).
    B2cPath,
    /// B2C query form (`/<tenant>/v2.0/...?p=<policy>`).
    B2cQuery,
    /// B2C on a custom domain.
    B2cCustomDomain,
    /// MSAL authority (`/tfp/<tenant>/<policy>`).
    B2cMsal,
    /// Built from a tenant and policy pair.
    B2cTenantPolicy,
    /// Entra External ID by its subdomain alone (`https://<sub>.ciamlogin.com/`).
    ExternalIdSubdomain,
    /// Entra External ID with the tenant's domain (`…ciamlogin.com/<sub>.onmicrosoft.com`).
    ExternalIdDomain,
    /// Entra External ID with the tenant ID (`…ciamlogin.com/<tenant-id>/v2.0`, MSAL samples).
    ExternalIdTenantId,
    /// Entra External ID on a custom URL domain (`https://login.contoso.com/<tenant-id>/v2.0/…`).
    ExternalIdCustomDomain,
}

impl AuthorityForm {
    /// The form in words, as the previews show it.
    pub fn label(self) -> &'static str {
        match self {
            AuthorityForm::Issuer => "OpenID issuer",
            AuthorityForm::MetadataUrl => "OpenID metadata URL",
            AuthorityForm::B2cPath => "B2C metadata URL (path form)",
            AuthorityForm::B2cQuery => "B2C metadata URL (?p= form)",
            AuthorityForm::B2cCustomDomain => "B2C custom domain",
            AuthorityForm::B2cMsal => "MSAL authority (tfp)",
            AuthorityForm::B2cTenantPolicy => "B2C tenant and policy",
            AuthorityForm::ExternalIdSubdomain => "Entra External ID (ciamlogin.com subdomain)",
            AuthorityForm::ExternalIdDomain => "Entra External ID (tenant domain)",
            AuthorityForm::ExternalIdTenantId => "Entra External ID (tenant ID)",
            AuthorityForm::ExternalIdCustomDomain => "Entra External ID (custom URL domain)",
        }
    }
}

/// Which kind of provider an authority points at: what decides whether a profile has B2C
/// policies to pick from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum AuthorityKind {
    /// Azure AD B2C: a user flow or custom policy is named in the URL.
    B2c,
    /// Microsoft Entra External ID: no policy in the URL (one user flow per app).
    ExternalId,
    /// Any other OpenID provider.
    Oidc,
}

impl AuthorityKind {
    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            AuthorityKind::B2c => "Azure AD B2C",
            AuthorityKind::ExternalId => "Microsoft Entra External ID",
            AuthorityKind::Oidc => "OpenID provider",
        }
    }
}

/// What the desktop and the CLI say instead of a policy picker for an External ID authority.
pub const EXTERNAL_ID_NO_POLICY: &str = "Entra External ID names no policy in the URL: the user \
    flow is the one linked to this application (one per app) in the Entra admin center. To test \
    another user flow, link it to the app or use an app registration that has it.";

/// The Entra External ID tenant an authority points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ExternalIdTenant {
    /// Host (`contoso.ciamlogin.com` or a custom URL domain).
    pub host: String,
    /// Tenant as written or derived (`contoso.onmicrosoft.com` or the tenant ID).
    pub tenant: String,
}

/// The B2C tenant and user flow an authority points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct B2cPolicy {
    /// Host (`contoso.b2clogin.com` or a custom domain).
    pub host: String,
    /// Tenant as written in the URL (`contoso.onmicrosoft.com` or a GUID).
    pub tenant: String,
    /// Policy (user flow or custom policy) name as written.
    pub policy: String,
}

/// An understood authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Authority {
    /// What the user gave.
    pub input: String,
    /// The metadata document to fetch.
    pub metadata_url: Url,
    /// Which form the input had.
    pub form: AuthorityForm,
    /// Tenant and policy, for B2C forms.
    pub b2c: Option<B2cPolicy>,
    /// Tenant, for Entra External ID forms.
    pub external_id: Option<ExternalIdTenant>,
}

/// What a portal "Run user flow" URL holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PortalRun {
    /// The authority of the user flow.
    pub authority: Authority,
    /// `client_id` parameter.
    pub client_id: Option<String>,
    /// `scope` parameter, split.
    pub scopes: Vec<String>,
    /// `redirect_uri` parameter (often `https://jwt.ms`, which a desktop app cannot use).
    pub redirect_uri: Option<String>,
    /// `prompt` parameter.
    pub prompt: Option<String>,
}

impl Authority {
    /// B2C, External ID or any OpenID provider.
    pub fn kind(&self) -> AuthorityKind {
        if self.b2c.is_some() {
            AuthorityKind::B2c
        } else if self.external_id.is_some() {
            AuthorityKind::ExternalId
        } else {
            AuthorityKind::Oidc
        }
    }

    /// What to say instead of a policy picker: for External ID, that the URL names no policy.
    pub fn policy_note(&self) -> Option<&'static str> {
        (self.kind() == AuthorityKind::ExternalId).then_some(EXTERNAL_ID_NO_POLICY)
    }

    /// Parses any accepted authority form.
    pub fn parse(input: &str) -> Result<Authority> {
        let text = input.trim();
        if text.is_empty() {
            return Err(Error::Authority("the authority is empty".into()));
        }
        if !text.contains("://") {
            // `contoso/B2C_1_susi` or `contoso.onmicrosoft.com/B2C_1_susi`
            if let Some((tenant, policy)) = text.split_once('/') {
                return Authority::b2c(tenant, policy).map(|a| Authority {
                    input: text.to_owned(),
                    ..a
                });
            }
            return Err(Error::Authority(format!(
                "`{text}` is not a URL; give an issuer or metadata URL (https://…), \
                 or a B2C tenant and policy as `contoso/B2C_1_susi`"
            )));
        }
        let url = Url::parse(text)
            .map_err(|e| Error::Authority(format!("`{text}` is not a valid URL: {e}")))?;
        check_transport(&url)?;
        let host = url
            .host_str()
            .ok_or_else(|| Error::Authority(format!("`{text}` has no host")))?
            .to_owned();
        let origin = origin_of(&url);
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();

        if is_authorize_path(&segments) {
            return PortalRun::parse(text).map(|run| run.authority);
        }
        if external_id::is_ciamlogin(&host) {
            return external_id::parse_ciamlogin(text, &url, &host, &segments);
        }
        let query_policy = url
            .query_pairs()
            .find(|(k, _)| k.eq_ignore_ascii_case("p"))
            .map(|(_, v)| v.into_owned());
        let b2c_host = host.to_ascii_lowercase().ends_with(".b2clogin.com");

        // MSAL: /tfp/<tenant>/<policy>
        if segments.len() >= 3 && segments[0].eq_ignore_ascii_case("tfp") && is_policy(segments[2])
        {
            let (tenant, policy) = (segments[1], segments[2]);
            return Ok(Authority {
                input: text.to_owned(),
                metadata_url: join(&origin, &[tenant, policy, "v2.0", WELL_KNOWN])?,
                form: AuthorityForm::B2cMsal,
                b2c: Some(B2cPolicy {
                    host,
                    tenant: tenant.to_owned(),
                    policy: policy.to_owned(),
                }),
                external_id: None,
            });
        }
        // Path form: …/<tenant>/<policy>[/v2.0[/.well-known/openid-configuration]]
        if let Some(i) = segments.iter().position(|s| is_policy(s)) {
            if i == 0 {
                return Err(Error::Authority(format!(
                    "`{text}` names the policy `{}` but no tenant before it",
                    segments[0]
                )));
            }
            let prefix = &segments[..=i];
            let mut parts: Vec<&str> = prefix.to_vec();
            parts.extend(["v2.0", WELL_KNOWN]);
            return Ok(Authority {
                input: text.to_owned(),
                metadata_url: join(&origin, &parts)?,
                form: if b2c_host {
                    AuthorityForm::B2cPath
                } else {
                    AuthorityForm::B2cCustomDomain
                },
                b2c: Some(B2cPolicy {
                    host,
                    tenant: segments[i - 1].to_owned(),
                    policy: segments[i].to_owned(),
                }),
                external_id: None,
            });
        }
        // Query form: /<tenant>/v2.0/.well-known/openid-configuration?p=<policy>
        if let Some(policy) = query_policy.filter(|p| is_policy(p)) {
            let tenant = segments.first().ok_or_else(|| {
                Error::Authority(format!(
                    "`{text}` has a policy (?p=) but no tenant in its path"
                ))
            })?;
            let mut metadata_url = join(&origin, &[tenant, "v2.0", WELL_KNOWN])?;
            metadata_url.query_pairs_mut().append_pair("p", &policy);
            return Ok(Authority {
                input: text.to_owned(),
                metadata_url,
                form: AuthorityForm::B2cQuery,
                b2c: Some(B2cPolicy {
                    host,
                    tenant: (*tenant).to_owned(),
                    policy,
                }),
                external_id: None,
            });
        }
        if b2c_host {
            return Err(Error::Authority(format!(
                "`{text}` is a B2C address without a policy: add the user flow, e.g. \
                 https://{host}/<tenant>.onmicrosoft.com/B2C_1_susi/v2.0/"
            )));
        }
        if let Some(a) = external_id::parse_custom_domain(text, &url, &host, &segments)? {
            return Ok(a);
        }
        // Generic OpenID provider.
        if url.path().ends_with(WELL_KNOWN) {
            return Ok(Authority {
                input: text.to_owned(),
                metadata_url: url,
                form: AuthorityForm::MetadataUrl,
                b2c: None,
                external_id: None,
            });
        }
        let mut metadata_url = url.clone();
        let path = url.path().trim_end_matches('/');
        metadata_url.set_path(&format!("{path}/{WELL_KNOWN}"));
        Ok(Authority {
            input: text.to_owned(),
            metadata_url,
            form: AuthorityForm::Issuer,
            b2c: None,
            external_id: None,
        })
    }

    /// Builds the b2clogin.com authority of a tenant (`contoso` or `contoso.onmicrosoft.com`) and
    /// a policy.
    pub fn b2c(tenant: &str, policy: &str) -> Result<Authority> {
        let tenant = tenant.trim();
        let policy = policy.trim().trim_matches('/');
        if !is_policy(policy) {
            return Err(Error::Authority(format!(
                "`{policy}` is not a B2C policy name (user flows start with B2C_1_, custom \
                 policies with B2C_1A_)"
            )));
        }
        let name = tenant
            .strip_suffix(".onmicrosoft.com")
            .unwrap_or(tenant)
            .to_ascii_lowercase();
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(Error::Authority(format!(
                "`{tenant}` is not a B2C tenant name (like `contoso` or contoso.onmicrosoft.com)"
            )));
        }
        if is_guid(&name) {
            return Err(Error::Authority(format!(
                "a tenant GUID ({name}) cannot name a b2clogin.com host: give the tenant name \
                 (contoso) or paste the metadata URL of your custom domain"
            )));
        }
        let host = format!("{name}.b2clogin.com");
        let domain = format!("{name}.onmicrosoft.com");
        let origin = Url::parse(&format!("https://{host}/"))
            .map_err(|e| Error::Authority(format!("cannot build the B2C URL: {e}")))?;
        Ok(Authority {
            input: format!("{domain}/{policy}"),
            metadata_url: join(&origin, &[&domain, policy, "v2.0", WELL_KNOWN])?,
            form: AuthorityForm::B2cTenantPolicy,
            b2c: Some(B2cPolicy {
                host,
                tenant: domain,
                policy: policy.to_owned(),
            }),
            external_id: None,
        })
    }
}

impl PortalRun {
    /// Parses the portal's "Run user flow" URL (query form `…/oauth2/v2.0/authorize?p=…` or
    /// path form `…/<policy>/oauth2/v2.0/authorize?…`), or an External ID authorize URL
    /// (`https://<sub>.ciamlogin.com/<tenant>/oauth2/v2.0/authorize?client_id=…`).
    pub fn parse(input: &str) -> Result<PortalRun> {
        let text = input.trim();
        let url = Url::parse(text)
            .map_err(|e| Error::Authority(format!("`{text}` is not a valid URL: {e}")))?;
        check_transport(&url)?;
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        if !is_authorize_path(&segments) {
            return Err(Error::Authority(format!(
                "`{text}` is not a \"Run user flow\" URL (no /oauth2/v2.0/authorize)"
            )));
        }
        let param = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.into_owned())
                .filter(|v| !v.is_empty())
        };
        let host = url.host_str().unwrap_or_default().to_owned();
        let origin = origin_of(&url);
        let oauth = segments
            .iter()
            .position(|s| s.eq_ignore_ascii_case("oauth2"))
            .unwrap_or(0);
        let before = &segments[..oauth];
        let (tenant, policy) = match (before, param("p")) {
            ([.., tenant, policy], _) if is_policy(policy) => {
                ((*tenant).to_owned(), (*policy).to_owned())
            }
            ([.., tenant], Some(p)) if is_policy(&p) => ((*tenant).to_owned(), p),
            _ if external_id::is_ciamlogin(&host) || external_id::is_tenant_path(&host, before) => {
                let authority = external_id::from_authorize(text, &origin, &host, before)?;
                return Ok(PortalRun {
                    authority,
                    client_id: param("client_id"),
                    scopes: param("scope")
                        .map(|s| s.split_whitespace().map(str::to_owned).collect())
                        .unwrap_or_default(),
                    redirect_uri: param("redirect_uri"),
                    prompt: param("prompt"),
                });
            }
            _ => {
                return Err(Error::Authority(format!(
                    "`{text}` does not name a tenant and a policy (B2C_1_…)"
                )))
            }
        };
        let metadata_url = join(&origin, &[&tenant, &policy, "v2.0", WELL_KNOWN])?;
        let form = if host.to_ascii_lowercase().ends_with(".b2clogin.com") {
            AuthorityForm::B2cPath
        } else {
            AuthorityForm::B2cCustomDomain
        };
        Ok(PortalRun {
            authority: Authority {
                input: text.to_owned(),
                metadata_url,
                form,
                b2c: Some(B2cPolicy {
                    host,
                    tenant,
                    policy,
                }),
                external_id: None,
            },
            client_id: param("client_id"),
            scopes: param("scope")
                .map(|s| s.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
            redirect_uri: param("redirect_uri"),
            prompt: param("prompt"),
        })
    }
}

/// `B2C_1_…` user flows and `B2C_1A_…` custom policies (case-insensitive).
pub fn is_policy(segment: &str) -> bool {
    segment.len() > 6 && segment[..6].eq_ignore_ascii_case("b2c_1_") && valid_policy_chars(segment)
        || segment.len() > 7
            && segment[..7].eq_ignore_ascii_case("b2c_1a_")
            && valid_policy_chars(segment)
}

fn valid_policy_chars(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
}

fn is_authorize_path(segments: &[&str]) -> bool {
    segments
        .windows(3)
        .any(|w| w[0].eq_ignore_ascii_case("oauth2") && w[2].eq_ignore_ascii_case("authorize"))
}

/// Whether `s` is a GUID in its 8-4-4-4-12 hex form (a B2C or Entra tenant ID).
pub fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Whether a host is a loopback name or address (`localhost`, 127.0.0.0/8, `::1`).
pub fn is_loopback_host(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// https everywhere; plain http only to this machine.
pub fn check_transport(url: &Url) -> Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_host(url) => Ok(()),
        "http" => Err(Error::Authority(format!(
            "{url} uses plain http; only https is allowed (http only for this machine's loopback)"
        ))),
        other => Err(Error::Authority(format!(
            "{url} uses `{other}:`; only https URLs are accepted"
        ))),
    }
}

fn origin_of(url: &Url) -> Url {
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    origin
}

fn join(origin: &Url, parts: &[&str]) -> Result<Url> {
    let mut url = origin.clone();
    url.set_query(None);
    {
        let mut segs = url
            .path_segments_mut()
            .map_err(|_| Error::Authority(format!("{origin} cannot have a path")))?;
        segs.clear();
        for part in parts {
            for p in part.split('/') {
                segs.push(p);
            }
        }
    }
    Ok(url)
}

mod external_id;

#[cfg(test)]
mod tests;
