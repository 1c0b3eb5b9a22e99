//! Entra's rule for app-only tokens: a client credentials request names its API as
//! `<resource>/.default` (every application permission granted to the app on that API); any other
//! scope is refused with AADSTS1002012. Azure AD B2C, Entra External ID and Entra ID itself
//! follow it. Other providers take their own scopes.

use super::authority::{Authority, AuthorityKind};
use super::request::{analyze_scopes, resource_of, ScopeKind};

/// The Microsoft sign-in hosts whose authorities are Entra (workforce and national clouds).
const ENTRA_HOSTS: &[&str] = &[
    "login.microsoftonline.com",
    "login.microsoft.com",
    "login.microsoftonline.us",
    "login.partner.microsoftonline.cn",
    "login.chinacloudapi.cn",
    "sts.windows.net",
];

/// Whether the authority is Entra's: Azure AD B2C, Entra External ID, or Entra ID.
pub fn is_entra(authority: &Authority) -> bool {
    if authority.kind() != AuthorityKind::Oidc {
        return true;
    }
    authority
        .metadata_url
        .host_str()
        .is_some_and(|h| ENTRA_HOSTS.iter().any(|e| h.eq_ignore_ascii_case(e)))
}

/// The scope to send instead, with `/.default`: the resource of the scope (`api://x/read` →
/// `api://x/.default`, a client ID → `<client ID>/.default`).
pub fn default_scope_of(scope: &str) -> String {
    format!("{}/.default", resource_of(scope).trim_end_matches('/'))
}

/// What to say about the scopes of a client credentials request to an Entra authority: a scope
/// without `/.default` (or none at all) is refused, and the fix. `None` when they are right or
/// the provider is not Entra's.
pub fn default_scope_warning(authority: &Authority, scopes: &[String]) -> Option<String> {
    if !is_entra(authority) {
        return None;
    }
    let wrong: Vec<&String> = scopes
        .iter()
        .filter(|s| !s.ends_with("/.default"))
        .collect();
    if scopes.is_empty() {
        return Some(
            "no scope: Entra (B2C, External ID, Entra ID) issues an app-only token only for a \
             scope `<resource>/.default` (AADSTS1002012 otherwise); give the API's, e.g. \
             --scope api://<API client ID>/.default"
                .into(),
        );
    }
    if wrong.is_empty() {
        return None;
    }
    let mut fixed: Vec<String> = Vec::new();
    for s in scopes {
        let f = if s.ends_with("/.default") {
            s.clone()
        } else {
            default_scope_of(s)
        };
        if !fixed.contains(&f) {
            fixed.push(f);
        }
    }
    Some(format!(
        "{} {} no `/.default`: Entra (B2C, External ID, Entra ID) issues an app-only token only \
         for `<resource>/.default`, every application permission granted on that API, and \
         refuses other scopes with AADSTS1002012; use --scope \"{}\"",
        wrong
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", "),
        if wrong.len() == 1 { "has" } else { "have" },
        fixed.join(" ")
    ))
}

/// The scope to start a client credentials request from, for a profile whose sign-in asks for
/// `scopes`: with Entra, `<resource>/.default` of each API they name (`api://x/read` →
/// `api://x/.default`); otherwise, or when they name no API, empty, and the request then sends
/// the profile's own scopes without `openid` and `offline_access`.
pub fn suggested_scope(authority: &Authority, client_id: &str, scopes: &[String]) -> String {
    if !is_entra(authority) {
        return String::new();
    }
    let mut out: Vec<String> = Vec::new();
    for info in analyze_scopes(client_id, scopes).scopes {
        if info.kind != ScopeKind::Api {
            continue;
        }
        let s = default_scope_of(&info.scope);
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn entra_scopes_without_default_get_the_fix() {
        let b2c = Authority::parse("contoso/B2C_1_susi").unwrap();
        let w = default_scope_warning(
            &b2c,
            &strings(&["https://contoso.onmicrosoft.com/api/read"]),
        )
        .unwrap();
        assert!(w.contains("AADSTS1002012"), "{w}");
        assert!(
            w.contains("--scope \"https://contoso.onmicrosoft.com/api/.default\""),
            "{w}"
        );
        let ciam = Authority::parse("https://contoso.ciamlogin.com/").unwrap();
        let w = default_scope_warning(
            &ciam,
            &strings(&["api://6255378e/read", "api://6255378e/write"]),
        )
        .unwrap();
        assert!(w.contains("--scope \"api://6255378e/.default\""), "{w}");
        assert!(w.contains("have no"), "{w}");
        let entra = Authority::parse(
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
        )
        .unwrap();
        let w = default_scope_warning(&entra, &strings(&["11111111-2222-3333-4444-555555555555"]))
            .unwrap();
        assert!(
            w.contains("--scope \"11111111-2222-3333-4444-555555555555/.default\""),
            "{w}"
        );
        assert!(default_scope_warning(&entra, &[])
            .unwrap()
            .contains("no scope"));
        assert_eq!(
            default_scope_warning(&ciam, &strings(&["api://x/.default"])),
            None
        );
        // Other providers take their own scopes.
        let other = Authority::parse("https://login.example.org/realms/test").unwrap();
        assert_eq!(default_scope_warning(&other, &strings(&["read"])), None);
    }

    #[test]
    fn the_suggested_app_scope_is_the_default_of_the_api_the_profile_names() {
        let b2c = Authority::parse("contoso/B2C_1_susi").unwrap();
        let profile = strings(&[
            "openid",
            "offline_access",
            "https://contoso.onmicrosoft.com/api/read",
            "https://contoso.onmicrosoft.com/api/write",
        ]);
        assert_eq!(
            suggested_scope(&b2c, "app-id", &profile),
            "https://contoso.onmicrosoft.com/api/.default"
        );
        let ciam = Authority::parse("https://contoso.ciamlogin.com/").unwrap();
        assert_eq!(
            suggested_scope(
                &ciam,
                "app-id",
                &strings(&["api://a/read", "api://b/.default"])
            ),
            "api://a/.default api://b/.default"
        );
        // No API named (the OpenID scopes, the client ID itself): nothing to suggest.
        assert_eq!(
            suggested_scope(&b2c, "app-id", &strings(&["openid", "email", "app-id"])),
            ""
        );
        // Other providers take the profile's own scopes (the request's default).
        let other = Authority::parse("https://login.example.org/realms/test").unwrap();
        assert_eq!(
            suggested_scope(&other, "app-id", &strings(&["api://a/read"])),
            ""
        );
    }
}
