//! The Azure portal's "Run user flow" URL taken apart for a profile: the parameters that become
//! the profile's settings (client ID, scopes, prompt, hints), those left out and why
//! (`redirect_uri=https://jwt.ms`, `nonce=defaultNonce`, `response_type=id_token`, ...), and
//! the policy's metadata URL, which is what a profile keeps as its authority.

use crate::oidc::authority::PortalRun;
use serde::Serialize;
use url::Url;

/// One parameter of the portal URL, with what becomes of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PortalParam {
    /// The parameter's name.
    pub name: String,
    /// Its value in the URL.
    pub value: String,
    /// Where it goes in the profile, or why it is left out.
    pub why: String,
}

/// The parameters of a portal URL: taken into the profile, and left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PortalParams {
    /// Taken into the profile (client ID, scopes, prompt, hints, the policy).
    pub taken: Vec<PortalParam>,
    /// Left out, each with why.
    pub discarded: Vec<PortalParam>,
}

/// Where a taken parameter goes, or `None` when it is left out.
fn taken(name: &str) -> Option<&'static str> {
    Some(match name {
        "client_id" => "the profile's Client ID",
        "scope" => "the profile's scopes (openid is always sent)",
        "prompt" => "the profile's prompt",
        "login_hint" => "the profile's login hint",
        "domain_hint" => "the profile's domain hint",
        "ui_locales" => "the profile's UI locales",
        "p" => "the policy: it is in the metadata URL saved as the authority",
        _ => return None,
    })
}

/// Why a parameter is left out.
fn discarded(name: &str) -> &'static str {
    match name {
        "redirect_uri" => {
            "a desktop app receives the code on http://localhost: register that as a Mobile and \
             desktop applications redirect URI"
        }
        "nonce" => "Tokenscope sends a fresh random nonce with each sign-in (defaultNonce is the portal's placeholder)",
        "response_type" => "Tokenscope uses the authorization code flow with PKCE (response_type=code)",
        "response_mode" => "set by the profile's Response mode (query or form_post)",
        "state" => "Tokenscope sends a fresh state with each sign-in",
        "code_challenge" | "code_challenge_method" => {
            "Tokenscope makes a new PKCE challenge for each sign-in"
        }
        _ => {
            "not a parameter Tokenscope takes from the URL: add it under Extra parameters if the \
             policy needs it"
        }
    }
}

/// The parameters of a portal "Run user flow" URL; `None` when the text is not one.
pub fn portal_params(text: &str) -> Option<PortalParams> {
    PortalRun::parse(text).ok()?;
    let url = Url::parse(text.trim()).ok()?;
    let mut out = PortalParams::default();
    for (name, value) in url.query_pairs() {
        let name = name.to_ascii_lowercase();
        let value = value.into_owned();
        if value.is_empty() {
            continue;
        }
        let (list, why) = match taken(&name) {
            Some(why) => (&mut out.taken, why),
            None => (&mut out.discarded, discarded(&name)),
        };
        if list.iter().any(|p| p.name == name) {
            continue;
        }
        list.push(PortalParam {
            name,
            value,
            why: why.to_owned(),
        });
    }
    Some(out)
}

/// What a profile keeps as its authority: for a portal URL, its policy's metadata URL (the
/// URL's other parameters belong elsewhere or nowhere); anything else as it is.
pub fn stored_authority(text: &str) -> String {
    match PortalRun::parse(text) {
        Ok(run) => run.authority.metadata_url.to_string(),
        Err(_) => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORTAL: &str =
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize\
        ?p=B2C_1_susi&client_id=11111111-2222-3333-4444-555555555555&nonce=defaultNonce\
        &redirect_uri=https%3A%2F%2Fjwt.ms&scope=openid&response_type=id_token&prompt=login";

    #[test]
    fn a_portal_url_lists_what_is_taken_and_what_is_left_out_with_why() {
        let p = portal_params(PORTAL).expect("a portal URL");
        let names = |l: &[PortalParam]| l.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(&p.taken), ["p", "client_id", "scope", "prompt"]);
        assert_eq!(
            names(&p.discarded),
            ["nonce", "redirect_uri", "response_type"]
        );
        assert_eq!(p.taken[3].value, "login");
        assert!(
            p.discarded[1].why.contains("http://localhost"),
            "{:?}",
            p.discarded[1]
        );
        assert!(portal_params("https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/v2.0/.well-known/openid-configuration").is_none());
    }

    #[test]
    fn a_portal_url_is_stored_as_its_policys_metadata_url() {
        assert_eq!(
            stored_authority(PORTAL),
            "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/v2.0/.well-known/openid-configuration"
        );
        assert_eq!(stored_authority("contoso/B2C_1_susi"), "contoso/B2C_1_susi");
    }
}
