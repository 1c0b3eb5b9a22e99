//! The authorization request: code flow with PKCE S256, a fresh `state` and `nonce` per attempt,
//! and the optional parameters B2C and itsme tests need. The URL handed to the browser is always
//! the provider's `authorization_endpoint` (already checked for https or loopback http) plus
//! these parameters; nothing else from metadata reaches the browser.

use crate::error::{Error, Result};
use crate::oidc::authority::check_transport;
use crate::oidc::metadata::ProviderMetadata;
use crate::oidc::pkce::{random_token, Pkce};
use crate::oidc::redirect::ResponseMode;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use url::Url;

/// Optional parameters of an authorization request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(default)]
pub struct AuthParams {
    /// `prompt` (login, none, consent, select_account, create).
    pub prompt: Option<String>,
    /// `login_hint`.
    pub login_hint: Option<String>,
    /// `domain_hint` (B2C: skip to an upstream provider).
    pub domain_hint: Option<String>,
    /// `ui_locales`.
    pub ui_locales: Option<String>,
    /// `max_age` in seconds.
    pub max_age: Option<u64>,
    /// `acr_values`.
    pub acr_values: Option<String>,
    /// Response mode; `query` by default.
    pub response_mode: ResponseMode,
    /// Free extra parameters, sent as given.
    pub extra: Vec<(String, String)>,
    /// `claims` (OpenID Connect Core §5.5): a JSON object, checked before sending.
    pub claims: Option<String>,
    /// `id_token_hint`, given per sign-in: a token, so never saved with the profile.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub id_token_hint: Option<Secret>,
}

/// Parameters the engine sets itself; extra parameters may not override them.
const RESERVED: [&str; 9] = [
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "response_mode",
];

/// One attempt's secrets and the URL for the browser.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    /// The full authorize URL.
    pub url: Url,
    /// `state` sent.
    pub state: String,
    /// `nonce` sent.
    pub nonce: String,
    /// PKCE pair (the verifier is secret).
    pub pkce: Pkce,
    /// `redirect_uri` sent.
    pub redirect_uri: String,
    /// `max_age` sent, for the `auth_time` check.
    pub max_age: Option<u64>,
}

/// Checks the prompt value against the ones OpenID Connect and B2C define.
pub fn check_prompt(prompt: &str) -> Result<()> {
    const KNOWN: [&str; 5] = ["login", "none", "consent", "select_account", "create"];
    if prompt.split_whitespace().all(|p| KNOWN.contains(&p)) && !prompt.trim().is_empty() {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "prompt `{prompt}` is not one of {}",
            KNOWN.join(", ")
        )))
    }
}

/// Builds the authorization request for one attempt.
pub fn build(
    metadata: &ProviderMetadata,
    client_id: &str,
    scopes: &[String],
    redirect_uri: &str,
    params: &AuthParams,
) -> Result<AuthRequest> {
    if client_id.trim().is_empty() {
        return Err(Error::Config("the client ID is empty".into()));
    }
    let endpoint = metadata.authorization_endpoint.clone();
    check_transport(&endpoint).map_err(|_| {
        Error::Metadata(format!(
            "authorization_endpoint {endpoint} is not https (nor http on loopback)"
        ))
    })?;
    if let Some(p) = &params.prompt {
        check_prompt(p)?;
    }
    let claims = match params.claims.as_deref().filter(|c| !c.trim().is_empty()) {
        Some(c) => Some(crate::oidc::request::check_claims(c)?),
        None => None,
    };
    let id_token_hint = params
        .id_token_hint
        .as_ref()
        .map(|h| h.expose().trim())
        .filter(|h| !h.is_empty());
    if let Some(hint) = id_token_hint {
        if hint.split('.').count() != 3 && hint.split('.').count() != 5 {
            return Err(Error::Config(
                "the id_token_hint is not a JWT (it needs 3 or 5 dot-separated parts)".into(),
            ));
        }
    }
    for (k, _) in &params.extra {
        if RESERVED.contains(&k.as_str()) {
            return Err(Error::Config(format!(
                "extra parameter `{k}` would replace one Tokenscope sets itself"
            )));
        }
        if k.trim().is_empty() {
            return Err(Error::Config("an extra parameter has an empty name".into()));
        }
    }
    let mut scope: Vec<&str> = scopes.iter().map(String::as_str).collect();
    if !scope.contains(&"openid") {
        scope.insert(0, "openid");
    }
    let state = random_token();
    let nonce = random_token();
    let pkce = Pkce::new();
    let mut url = endpoint;
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("client_id", client_id.trim())
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", &scope.join(" "))
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &pkce.challenge)
            .append_pair("code_challenge_method", pkce.method());
        if params.response_mode == ResponseMode::FormPost {
            q.append_pair("response_mode", "form_post");
        }
        let optional = [
            ("prompt", params.prompt.clone()),
            ("login_hint", params.login_hint.clone()),
            ("domain_hint", params.domain_hint.clone()),
            ("ui_locales", params.ui_locales.clone()),
            ("max_age", params.max_age.map(|m| m.to_string())),
            ("acr_values", params.acr_values.clone()),
            ("claims", claims),
            ("id_token_hint", id_token_hint.map(str::to_owned)),
        ];
        for (name, value) in optional {
            if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
                q.append_pair(name, v.trim());
            }
        }
        for (k, v) in &params.extra {
            q.append_pair(k, v);
        }
    }
    Ok(AuthRequest {
        url,
        state,
        nonce,
        pkce,
        redirect_uri: redirect_uri.to_owned(),
        max_age: params.max_age,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(auth: &str) -> ProviderMetadata {
        serde_json::from_value(serde_json::json!({
            "issuer": "https://x/",
            "authorization_endpoint": auth,
            "token_endpoint": "https://x/token",
            "jwks_uri": "https://x/keys"
        }))
        .unwrap()
    }

    fn query(url: &Url) -> std::collections::HashMap<String, String> {
        url.query_pairs().into_owned().collect()
    }

    #[test]
    fn builds_code_pkce_request_with_fresh_state_and_nonce() {
        let m = metadata(
            "https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_susi/oauth2/v2.0/authorize",
        );
        let params = AuthParams {
            prompt: Some("login".into()),
            login_hint: Some("a@b.c".into()),
            max_age: Some(600),
            extra: vec![("foo".into(), "bar baz".into())],
            ..Default::default()
        };
        let scopes = vec!["offline_access".to_owned()];
        let a = build(&m, "cid", &scopes, "http://localhost:5000", &params).unwrap();
        let b = build(&m, "cid", &scopes, "http://localhost:5000", &params).unwrap();
        let q = query(&a.url);
        assert_eq!(
            a.url.path(),
            "/contoso.onmicrosoft.com/b2c_1_susi/oauth2/v2.0/authorize"
        );
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "cid");
        assert_eq!(q["scope"], "openid offline_access");
        assert_eq!(q["redirect_uri"], "http://localhost:5000");
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["code_challenge"], a.pkce.challenge);
        assert_eq!(q["state"], a.state);
        assert_eq!(q["nonce"], a.nonce);
        assert_eq!(q["prompt"], "login");
        assert_eq!(q["login_hint"], "a@b.c");
        assert_eq!(q["max_age"], "600");
        assert_eq!(q["foo"], "bar baz");
        assert!(!q.contains_key("code_verifier"));
        assert!(!a.url.as_str().contains(a.pkce.verifier.expose()));
        assert_ne!(a.state, b.state);
        assert_ne!(a.nonce, b.nonce);
        assert_ne!(a.pkce.challenge, b.pkce.challenge);
    }

    #[test]
    fn only_https_or_loopback_endpoints_reach_the_browser() {
        for bad in [
            "http://evil.example/authorize",
            "file:///etc/passwd",
            "javascript:alert(1)",
        ] {
            if let Ok(m) = serde_json::from_value::<ProviderMetadata>(serde_json::json!({
                "issuer": "https://x/", "authorization_endpoint": bad,
                "token_endpoint": "https://x/t", "jwks_uri": "https://x/k"}))
            {
                assert!(
                    build(&m, "c", &[], "http://localhost:1", &AuthParams::default()).is_err(),
                    "{bad}"
                );
                assert!(m.check().is_err(), "{bad}");
            }
        }
        let m = metadata("http://127.0.0.1:4000/authorize");
        assert!(build(&m, "c", &[], "http://localhost:1", &AuthParams::default()).is_ok());
    }

    #[test]
    fn bad_parameters_are_refused() {
        let m = metadata("https://x/authorize");
        let p = AuthParams {
            prompt: Some("always".into()),
            ..Default::default()
        };
        assert!(build(&m, "c", &[], "http://localhost:1", &p).is_err());
        let p = AuthParams {
            extra: vec![("state".into(), "mine".into())],
            ..Default::default()
        };
        assert!(build(&m, "c", &[], "http://localhost:1", &p).is_err());
        assert!(build(&m, " ", &[], "http://localhost:1", &AuthParams::default()).is_err());
    }

    #[test]
    fn claims_and_id_token_hint_are_sent_when_valid() {
        let m = metadata("https://x/authorize");
        let p = AuthParams {
            claims: Some(r#"{ "id_token": { "acr": { "essential": true } } }"#.into()),
            id_token_hint: Some(Secret::new("a.b.c")),
            ..Default::default()
        };
        let q = query(&build(&m, "c", &[], "http://localhost:1", &p).unwrap().url);
        assert_eq!(q["claims"], r#"{"id_token":{"acr":{"essential":true}}}"#);
        assert_eq!(q["id_token_hint"], "a.b.c");
        let p = AuthParams {
            claims: Some("{not json".into()),
            ..Default::default()
        };
        let e = build(&m, "c", &[], "http://localhost:1", &p).unwrap_err();
        assert!(e.to_string().contains("claims parameter"), "{e}");
        let p = AuthParams {
            id_token_hint: Some(Secret::new("opaque")),
            ..Default::default()
        };
        let e = build(&m, "c", &[], "http://localhost:1", &p).unwrap_err();
        assert!(e.to_string().contains("not a JWT"), "{e}");
        // A blank claims field sends nothing.
        let p = AuthParams {
            claims: Some("  ".into()),
            ..Default::default()
        };
        let q = query(&build(&m, "c", &[], "http://localhost:1", &p).unwrap().url);
        assert!(!q.contains_key("claims"));
        // The hint is never saved with the profile.
        let p = AuthParams {
            id_token_hint: Some(Secret::new("a.b.c")),
            ..Default::default()
        };
        assert!(!serde_json::to_string(&p).unwrap().contains("a.b.c"));
    }
}
