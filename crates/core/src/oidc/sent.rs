//! What an authorization request sent, read back from the URL the browser opened, and what that
//! says about an error: the values each code concerns (`client_id`, `redirect_uri`, `scope`,
//! `prompt`, ...) and, for some, a note on what was sent ("This request sent prompt=none, which
//! needs an existing session ..."). Used for an error that came back to the redirect URI, and
//! for one the provider shows in the browser and never sends back (B2C's AADB2C90018 for an
//! unknown client ID): the likely codes, and the explanation of a code the person reads off the
//! page. The meanings come from the catalogue (`b2c_errors`).

use crate::b2c::errors::{self as b2c_errors, ErrorAdvice, SentValue};
use crate::oidc::provider_error::ProviderError;
use serde::Serialize;
use url::Url;

/// Help for a sign-in that never came back: the codes the provider's page likely shows, and
/// the explanation of what the person read off the page, both with the values sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BrowserErrorHelp {
    /// The likely codes, most likely first ([`likely_browser_errors`]).
    pub likely: Vec<ErrorAdvice>,
    /// What was read off the page, explained; `None` when nothing was given or the catalogue
    /// does not know it.
    pub explained: Option<ErrorAdvice>,
}

/// [`BrowserErrorHelp`] for the request sent as `authorize_url` and the text read off the page.
pub fn browser_error_help(authorize_url: &str, read: Option<&str>) -> BrowserErrorHelp {
    let sent = SentRequest::from_url(authorize_url);
    BrowserErrorHelp {
        likely: sent.as_ref().map(likely_browser_errors).unwrap_or_default(),
        explained: read.and_then(|r| explain_code(r, sent.as_ref())),
    }
}

/// An authorization request as it was sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentRequest {
    host: String,
    path: String,
    params: Vec<(String, String)>,
}

impl SentRequest {
    /// Reads the request from its URL; `None` when it is not a URL.
    pub fn from_url(url: &str) -> Option<Self> {
        let url = Url::parse(url.trim()).ok()?;
        Some(Self {
            host: url.host_str().unwrap_or("").to_ascii_lowercase(),
            path: url.path().to_owned(),
            params: url
                .query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        })
    }

    /// The value of a parameter, as sent.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Sent to Azure AD B2C (a b2clogin.com host, or a B2C policy in the path or `p=`).
    pub fn is_b2c(&self) -> bool {
        let policy = |s: &str| s.to_ascii_lowercase().contains("b2c_1");
        self.host.ends_with(".b2clogin.com")
            || policy(&self.path)
            || self.get("p").is_some_and(policy)
    }

    /// Sent to Microsoft Entra ID.
    fn is_entra(&self) -> bool {
        self.host == "login.microsoftonline.com"
    }
}

/// The parameters of the request a code concerns.
fn concerns(code: &str) -> &'static [&'static str] {
    match code.to_ascii_uppercase().as_str() {
        "AADB2C90008" | "AADB2C90011" | "AADB2C90018" | "AADB2C90068" | "AADSTS700016"
        | "INVALID_CLIENT" => &["client_id"],
        "UNAUTHORIZED_CLIENT" => &["client_id", "response_type"],
        "AADB2C90006" | "AADB2C90007" | "AADSTS50011" => &["redirect_uri"],
        "AADB2C90010" | "AADB2C90012" | "AADB2C90055" | "AADB2C90146" | "AADB2C90205"
        | "AADSTS65001" | "INVALID_SCOPE" => &["scope"],
        "CONSENT_REQUIRED" => &["prompt", "scope"],
        "AADB2C90043" | "AADB2C90077" | "LOGIN_REQUIRED" | "INTERACTION_REQUIRED" => {
            &["prompt", "max_age", "id_token_hint"]
        }
        "AADB2C90013" | "AADB2C90057" => &["response_type"],
        "AADB2C90014" => &["response_mode"],
        "INVALID_REQUEST" => &[
            "client_id",
            "redirect_uri",
            "response_type",
            "scope",
            "prompt",
            "code_challenge_method",
        ],
        _ => &[],
    }
}

/// What the request sent says about the code, when it says something.
fn note(code: &str, sent: &SentRequest) -> Option<String> {
    let code = code.to_ascii_lowercase();
    let prompt_none = sent
        .get("prompt")
        .is_some_and(|p| p.split(' ').any(|v| v == "none"));
    match code.as_str() {
        "login_required" | "interaction_required" | "consent_required" | "aadb2c90077"
            if prompt_none =>
        {
            Some(
                "This request sent prompt=none, which needs an existing session at the provider \
                 in this browser and lets it show no page: sign in once without prompt=none, or \
                 remove prompt=none from the profile."
                    .to_owned(),
            )
        }
        "login_required" => Some(match sent.get("max_age") {
            Some(age) => format!(
                "This request did not send prompt=none, but it sent max_age={age}: a session \
                 older than that needs a new sign-in."
            ),
            None => "This request did not send prompt=none: the provider ended the session or \
                     wants a new sign-in anyway; sign in again."
                .to_owned(),
        }),
        "consent_required" | "invalid_scope" | "aadb2c90205" | "aadb2c90146" => {
            let scopes: Vec<&str> = sent
                .get("scope")?
                .split(' ')
                .filter(|s| !s.is_empty())
                .collect();
            let apis: Vec<&str> = scopes
                .iter()
                .copied()
                .filter(|s| s.contains("://"))
                .collect();
            Some(match apis.len() {
                0 => format!(
                    "This request asked for {} only; no API scope was sent.",
                    scopes.join(" ")
                ),
                1 => format!("The API scope sent was {}.", apis[0]),
                n => format!("This request sent {n} API scopes: {}.", apis.join(", ")),
            })
        }
        "unauthorized_client" => sent.get("response_type").map(|t| {
            format!(
                "This request used response_type={t} (the authorization code flow with PKCE): \
                 the client must be allowed to use it."
            )
        }),
        _ => None,
    }
}

/// The advice with the values the request sent that it concerns, and the note.
pub fn with_sent(mut advice: ErrorAdvice, sent: &SentRequest) -> ErrorAdvice {
    advice.sent = concerns(&advice.code)
        .iter()
        .filter_map(|name| {
            sent.get(name).map(|value| SentValue {
                name: (*name).to_owned(),
                value: value.to_owned(),
            })
        })
        .collect();
    advice.note = note(&advice.code, sent);
    advice
}

/// Adds to a provider error's advice the values of the request that it concerns, as sent.
pub fn explain_sent(error: &mut ProviderError, sent: &SentRequest) {
    if let Some(a) = error.advice.take() {
        error.advice = Some(with_sent(a, sent));
    }
}

/// The codes a provider's page most likely shows when a sign-in never came back to the
/// redirect URI, most likely first, each with the values of the request it concerns.
pub fn likely_browser_errors(sent: &SentRequest) -> Vec<ErrorAdvice> {
    let mut codes: Vec<&str> = if sent.is_b2c() {
        vec![
            "AADB2C90018",
            "AADB2C90006",
            "AADSTS50011",
            "AADB2C90205",
            "AADB2C90146",
        ]
    } else if sent.is_entra() {
        vec!["AADSTS700016", "AADSTS50011", "AADSTS65001"]
    } else {
        vec!["invalid_client", "invalid_request", "invalid_scope"]
    };
    if sent
        .get("prompt")
        .is_some_and(|p| p.split(' ').any(|v| v == "none"))
    {
        codes.insert(
            0,
            if sent.is_b2c() {
                "AADB2C90077"
            } else {
                "login_required"
            },
        );
    }
    codes
        .into_iter()
        .filter_map(b2c_errors::lookup)
        .map(|a| with_sent(a, sent))
        .collect()
}

/// Explains what a person read off the provider's page: a code (`AADB2C90018`, `AADSTS50011`,
/// `login_required`) or the line it sits in ("AADB2C90018: The client ... "). The first word
/// of the text the catalogue knows is explained, with the values sent when the request is
/// known; `None` when no word is in the catalogue.
pub fn explain_code(text: &str, sent: Option<&SentRequest>) -> Option<ErrorAdvice> {
    let advice = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .take(64)
        .find_map(b2c_errors::lookup)?;
    Some(match sent {
        Some(s) => with_sent(advice, s),
        None => advice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const B2C: &str =
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/\
        authorize?response_type=code&client_id=11111111-2222-3333-4444-555555555555&\
        redirect_uri=http%3A%2F%2Flocalhost%3A53682&scope=openid+offline_access+\
        https%3A%2F%2Fcontoso.onmicrosoft.com%2Fapi%2Fread&prompt=none&state=s&nonce=n";

    fn sent() -> SentRequest {
        SentRequest::from_url(B2C).expect("a URL")
    }

    fn value<'a>(a: &'a ErrorAdvice, name: &str) -> Option<&'a str> {
        a.sent
            .iter()
            .find(|v| v.name == name)
            .map(|v| v.value.as_str())
    }

    #[test]
    fn likely_errors_of_a_b2c_request_carry_the_values_sent() {
        let likely = likely_browser_errors(&sent());
        let codes: Vec<&str> = likely.iter().map(|a| a.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "AADB2C90077",
                "AADB2C90018",
                "AADB2C90006",
                "AADSTS50011",
                "AADB2C90205",
                "AADB2C90146"
            ]
        );
        assert_eq!(
            value(&likely[1], "client_id"),
            Some("11111111-2222-3333-4444-555555555555")
        );
        assert_eq!(
            value(&likely[2], "redirect_uri"),
            Some("http://localhost:53682")
        );
        assert_eq!(
            value(&likely[4], "scope"),
            Some("openid offline_access https://contoso.onmicrosoft.com/api/read")
        );
    }

    #[test]
    fn a_code_read_off_the_page_is_explained_from_the_catalogue() {
        let a = explain_code(
            "AADB2C90018: The client id '1111' specified in the request is not registered",
            Some(&sent()),
        )
        .expect("known");
        assert_eq!(a.code, "AADB2C90018");
        assert!(a.meaning.contains("not registered"), "{}", a.meaning);
        assert_eq!(
            value(&a, "client_id"),
            Some("11111111-2222-3333-4444-555555555555")
        );
        assert_eq!(
            explain_code(" aadsts50011 ", None).map(|a| a.code),
            Some("AADSTS50011".into())
        );
        assert!(explain_code("Something went wrong", Some(&sent())).is_none());
    }

    #[test]
    fn standard_errors_say_what_the_request_sent() {
        let s = sent();
        let login = explain_code("login_required", Some(&s)).expect("known");
        assert!(
            login
                .note
                .as_deref()
                .is_some_and(|n| n.contains("sent prompt=none")),
            "{login:?}"
        );
        assert_eq!(value(&login, "prompt"), Some("none"));
        let plain = SentRequest::from_url("https://idp.example/authorize?client_id=c&max_age=60")
            .expect("a URL");
        let login = explain_code("login_required", Some(&plain)).expect("known");
        assert!(
            login
                .note
                .as_deref()
                .is_some_and(|n| n.contains("max_age=60")),
            "{login:?}"
        );
        let scope = explain_code("invalid_scope", Some(&s)).expect("known");
        assert_eq!(
            scope.note.as_deref(),
            Some("The API scope sent was https://contoso.onmicrosoft.com/api/read.")
        );
        for code in [
            "login_required",
            "interaction_required",
            "consent_required",
            "invalid_client",
            "invalid_scope",
            "invalid_request",
            "access_denied",
            "unauthorized_client",
            "temporarily_unavailable",
        ] {
            assert!(b2c_errors::lookup(code).is_some(), "{code} not catalogued");
        }
    }

    #[test]
    fn a_generic_provider_gets_the_oauth_codes() {
        let s = SentRequest::from_url("https://idp.example/authorize?client_id=c&scope=openid")
            .expect("a URL");
        let codes: Vec<String> = likely_browser_errors(&s)
            .into_iter()
            .map(|a| a.code)
            .collect();
        assert_eq!(
            codes,
            ["invalid_client", "invalid_request", "invalid_scope"]
        );
    }
}
