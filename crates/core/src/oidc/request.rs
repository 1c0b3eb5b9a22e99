//! The request builder's checks and advice: the `claims` parameter (JSON, validated), the
//! scopes (what each one is, and B2C's one-resource-per-request rule, AADB2C90146), and the
//! client authentication a confidential client uses at the token endpoint (chosen from what
//! the provider's metadata announces).

use crate::error::{Error, Result};
use crate::oidc::metadata::ProviderMetadata;
use crate::oidc::token::ClientAuth;
use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Largest `claims` parameter accepted (it travels in the URL).
pub const MAX_CLAIMS: usize = 4096;

/// Checks the `claims` request parameter (OpenID Connect Core §5.5) and returns it compact.
/// It must be a JSON object whose members `userinfo` and `id_token` (the only ones defined) are
/// objects of claim requests, each `null` or an object with `essential` (boolean), `value` or
/// `values` (an array).
pub fn check_claims(text: &str) -> Result<String> {
    let bad = |why: String| Error::Config(format!("the claims parameter {why}"));
    if text.len() > MAX_CLAIMS {
        return Err(bad(format!("is longer than {MAX_CLAIMS} bytes")));
    }
    let value: Value =
        serde_json::from_str(text.trim()).map_err(|e| bad(format!("is not valid JSON: {e}")))?;
    let Value::Object(top) = &value else {
        return Err(bad(
            "must be a JSON object such as {\"id_token\": {\"acr\": null}}".into(),
        ));
    };
    if top.is_empty() {
        return Err(bad("is an empty object: leave it blank instead".into()));
    }
    for (member, requests) in top {
        if member != "userinfo" && member != "id_token" {
            return Err(bad(format!(
                "has a member `{member}`: only `id_token` and `userinfo` are defined"
            )));
        }
        let Value::Object(requests) = requests else {
            return Err(bad(format!(
                "member `{member}` must be an object of claims"
            )));
        };
        for (claim, request) in requests {
            match request {
                Value::Null => {}
                Value::Object(r) => {
                    for (k, v) in r {
                        let ok = match k.as_str() {
                            "essential" => v.is_boolean(),
                            "values" => v.is_array(),
                            _ => true,
                        };
                        if !ok {
                            return Err(bad(format!(
                                "asks `{member}.{claim}.{k}` with the wrong type \
                                 (`essential` is a boolean, `values` an array)"
                            )));
                        }
                    }
                }
                _ => {
                    return Err(bad(format!(
                        "asks `{member}.{claim}` with {request}: use null or an object \
                         like {{\"essential\": true}}"
                    )))
                }
            }
        }
    }
    Ok(value.to_string())
}

/// What a scope is, as far as B2C cares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    /// `openid` (always sent).
    Openid,
    /// `offline_access`: asks for a refresh token.
    OfflineAccess,
    /// Another OpenID Connect scope (`profile`, `email`…), no access token resource.
    Oidc,
    /// The client ID: an access token for the app itself.
    ClientId,
    /// A scope of a web API (`https://tenant/api/read`, `api://id/read`).
    Api,
}

/// One scope explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScopeInfo {
    /// The scope as sent.
    pub scope: String,
    /// What it is.
    pub kind: ScopeKind,
    /// The resource an access token for it is for (API and client ID scopes).
    pub resource: Option<String>,
}

/// What the scopes of a request amount to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ScopeAdvice {
    /// Every scope sent, `openid` first.
    pub scopes: Vec<ScopeInfo>,
    /// Things that will go wrong or surprise.
    pub warnings: Vec<String>,
}

/// Explains the scopes a request will send (`openid` is added when missing) and warns when they
/// name more than one resource, which B2C refuses with AADB2C90146.
pub fn analyze_scopes(client_id: &str, scopes: &[String]) -> ScopeAdvice {
    let mut sent: Vec<&str> = scopes
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if !sent.contains(&"openid") {
        sent.insert(0, "openid");
    }
    let client_id = client_id.trim();
    let mut infos = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut duplicates = Vec::new();
    for s in sent {
        if !seen.insert(s) {
            duplicates.push(s.to_owned());
            continue;
        }
        let (kind, resource) = match s {
            "openid" => (ScopeKind::Openid, None),
            "offline_access" => (ScopeKind::OfflineAccess, None),
            "profile" | "email" | "address" | "phone" => (ScopeKind::Oidc, None),
            s if !client_id.is_empty() && s.eq_ignore_ascii_case(client_id) => {
                (ScopeKind::ClientId, Some(s.to_owned()))
            }
            s => (ScopeKind::Api, Some(resource_of(s))),
        };
        infos.push(ScopeInfo {
            scope: s.to_owned(),
            kind,
            resource,
        });
    }
    let mut resources: Vec<&str> = Vec::new();
    for r in infos.iter().filter_map(|i| i.resource.as_deref()) {
        if !resources.iter().any(|x| x.eq_ignore_ascii_case(r)) {
            resources.push(r);
        }
    }
    let mut warnings = Vec::new();
    if resources.len() > 1 {
        warnings.push(format!(
            "these scopes ask for access tokens for {} resources ({}); B2C issues an access \
             token for one resource per request and refuses this with AADB2C90146: keep the \
             scopes of one API (or the client ID) and get the others with a refresh",
            resources.len(),
            resources.join(", ")
        ));
    }
    if !duplicates.is_empty() {
        warnings.push(format!("repeated scope: {}", duplicates.join(", ")));
    }
    if !infos.iter().any(|i| i.kind == ScopeKind::OfflineAccess) {
        warnings.push("no offline_access: the provider will not issue a refresh token".into());
    }
    ScopeAdvice {
        scopes: infos,
        warnings,
    }
}

/// The resource of an API scope: everything before the last `/` of a URI scope
/// (`https://contoso.onmicrosoft.com/api/read` → `https://contoso.onmicrosoft.com/api`); a scope
/// without a path is its own resource.
pub(crate) fn resource_of(scope: &str) -> String {
    if let Some(rest) = scope.split_once("://").map(|(_, r)| r) {
        if let Some(i) = rest.rfind('/') {
            let cut = scope.len() - rest.len() + i;
            return scope[..cut].to_owned();
        }
    }
    scope.to_owned()
}

/// How a confidential client authenticates at the token endpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ClientAuthMethod {
    /// Chosen from the metadata: `client_secret_basic` when announced (or nothing is
    /// announced: the OAuth default), else `client_secret_post`.
    #[default]
    Auto,
    /// `client_secret_basic`: HTTP Basic with the client ID and secret.
    ClientSecretBasic,
    /// `client_secret_post`: the secret in the form body.
    ClientSecretPost,
    /// `client_secret_jwt`: an assertion signed (HS256) with the secret (RFC 7523).
    ClientSecretJwt,
    /// `private_key_jwt`: an assertion signed with the client's private key (RFC 7523).
    PrivateKeyJwt,
    /// `tls_client_auth`: the client certificate in the TLS handshake, issued by a CA the
    /// provider trusts (RFC 8705 §2.1).
    TlsClientAuth,
    /// `self_signed_tls_client_auth`: a self-signed client certificate registered with the
    /// client (RFC 8705 §2.2).
    SelfSignedTlsClientAuth,
}

impl ClientAuthMethod {
    /// The metadata name of a concrete method.
    pub fn name(self) -> &'static str {
        match self {
            ClientAuthMethod::Auto => "auto",
            ClientAuthMethod::ClientSecretBasic => "client_secret_basic",
            ClientAuthMethod::ClientSecretPost => "client_secret_post",
            ClientAuthMethod::ClientSecretJwt => "client_secret_jwt",
            ClientAuthMethod::PrivateKeyJwt => "private_key_jwt",
            ClientAuthMethod::TlsClientAuth => "tls_client_auth",
            ClientAuthMethod::SelfSignedTlsClientAuth => "self_signed_tls_client_auth",
        }
    }
}

/// The client authentication to use: none without a secret; with one, the profile's method,
/// or for `Auto` what the metadata announces. A chosen method the provider does not announce is
/// an error that says what it does announce.
pub fn client_auth(
    metadata: &ProviderMetadata,
    method: ClientAuthMethod,
    secret: Option<Secret>,
) -> Result<ClientAuth> {
    client_auth_with_key(metadata, method, secret, None)
}

/// [`client_auth`] with the client's private key too (`private_key_jwt`): a stored key is used
/// when the profile names `private_key_jwt`, or for `Auto` when the provider announces it (or
/// announces nothing) and no secret method is named; a method that needs what is not stored is
/// an error that says what to store.
pub fn client_auth_with_key(
    metadata: &ProviderMetadata,
    method: ClientAuthMethod,
    secret: Option<Secret>,
    key: Option<crate::oidc::client_assertion::ClientKey>,
) -> Result<ClientAuth> {
    client_auth_with_certificate(metadata, method, secret, key, None)
}

/// [`client_auth_with_key`] with the profile's client certificate too (RFC 8705), given as
/// whether it is self-signed: `tls_client_auth` or `self_signed_tls_client_auth` when the
/// profile names one, or for `Auto` when no secret or key is stored and the provider announces
/// one (the self-signed method for a self-signed certificate when both are announced). A
/// certificate with a secret or key stored is still presented in the handshake (it binds the
/// tokens); the secret or key authenticates the client.
pub fn client_auth_with_certificate(
    metadata: &ProviderMetadata,
    method: ClientAuthMethod,
    secret: Option<Secret>,
    key: Option<crate::oidc::client_assertion::ClientKey>,
    certificate_self_signed: Option<bool>,
) -> Result<ClientAuth> {
    let announced = &metadata.token_endpoint_auth_methods_supported;
    let has = |m: &str| announced.iter().any(|a| a == m);
    use ClientAuthMethod::{SelfSignedTlsClientAuth, TlsClientAuth};
    match (method, certificate_self_signed) {
        (TlsClientAuth | SelfSignedTlsClientAuth, None) => {
            return Err(Error::Config(format!(
                "the profile uses {} but names no client certificate: `tokenscope profiles \
                 edit <profile> --tls-cert cert.pem --tls-key key.pem`",
                method.name()
            )))
        }
        (TlsClientAuth | SelfSignedTlsClientAuth, Some(_)) => {
            if !announced.is_empty() && !has(method.name()) {
                return Err(Error::Metadata(format!(
                    "the profile uses {} but the provider announces only {}",
                    method.name(),
                    announced.join(", ")
                )));
            }
            return Ok(ClientAuth::Tls {
                self_signed: method == SelfSignedTlsClientAuth,
            });
        }
        (ClientAuthMethod::Auto, Some(self_signed)) if secret.is_none() && key.is_none() => {
            let tls = has(TlsClientAuth.name());
            let own = has(SelfSignedTlsClientAuth.name());
            return Ok(match (tls, own) {
                (_, true) if self_signed || !tls => ClientAuth::Tls { self_signed: true },
                (true, _) => ClientAuth::Tls { self_signed: false },
                // Announced neither: a public client whose certificate only binds its tokens;
                // nothing announced: RFC 8705's method for a CA-issued certificate.
                _ if announced.is_empty() => ClientAuth::Tls { self_signed },
                _ => ClientAuth::None,
            });
        }
        _ => {}
    }
    let refused = |m: ClientAuthMethod| {
        Error::Metadata(format!(
            "the profile uses {} but the provider announces only {}",
            m.name(),
            announced.join(", ")
        ))
    };
    match (method, key) {
        (ClientAuthMethod::PrivateKeyJwt, None) => {
            return Err(Error::Config(
                "the profile uses private_key_jwt but no private key is stored: \
                 `tokenscope profiles key set <profile> < key.pem`"
                    .into(),
            ))
        }
        (ClientAuthMethod::PrivateKeyJwt, Some(_))
            if !announced.is_empty() && !has("private_key_jwt") =>
        {
            return Err(refused(ClientAuthMethod::PrivateKeyJwt))
        }
        (ClientAuthMethod::PrivateKeyJwt, Some(k)) => {
            return Ok(ClientAuth::PrivateKeyJwt(std::sync::Arc::new(k)))
        }
        (ClientAuthMethod::Auto, Some(k)) if announced.is_empty() || has("private_key_jwt") => {
            return Ok(ClientAuth::PrivateKeyJwt(std::sync::Arc::new(k)))
        }
        _ => {}
    }
    let Some(secret) = secret else {
        if method == ClientAuthMethod::ClientSecretJwt {
            return Err(Error::Config(
                "the profile uses client_secret_jwt but no client secret is stored".into(),
            ));
        }
        return Ok(ClientAuth::None);
    };
    let concrete = match method {
        ClientAuthMethod::Auto if announced.is_empty() || has("client_secret_basic") => {
            ClientAuthMethod::ClientSecretBasic
        }
        ClientAuthMethod::Auto if has("client_secret_post") => ClientAuthMethod::ClientSecretPost,
        ClientAuthMethod::Auto if has("client_secret_jwt") => ClientAuthMethod::ClientSecretJwt,
        ClientAuthMethod::Auto => {
            return Err(Error::Metadata(format!(
                "a client secret is stored but the provider announces none of \
                 client_secret_basic, client_secret_post and client_secret_jwt (it announces {})",
                announced.join(", ")
            )))
        }
        m if announced.is_empty() || has(m.name()) => m,
        m => return Err(refused(m)),
    };
    Ok(match concrete {
        ClientAuthMethod::ClientSecretPost => ClientAuth::SecretPost(secret),
        ClientAuthMethod::ClientSecretJwt => ClientAuth::SecretJwt(secret),
        _ => ClientAuth::SecretBasic(secret),
    })
}

/// The URL as text with the value of the query parameter `name` shortened to its first 12
/// characters and its length (for showing a URL that carries a token).
pub fn mask_query(url: &url::Url, name: &str) -> String {
    let mut out = url.clone();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    if !pairs.iter().any(|(k, _)| k == name) {
        return url.to_string();
    }
    {
        let mut q = out.query_pairs_mut();
        q.clear();
        for (k, v) in &pairs {
            if k == name {
                let head: String = v.chars().take(12).collect();
                q.append_pair(k, &format!("{head}…({} chars)", v.chars().count()));
            } else {
                q.append_pair(k, v);
            }
        }
    }
    out.to_string()
}

/// Vault account of a profile's client secret.
pub fn client_secret_account(profile: &str) -> String {
    format!("client-secret:{profile}")
}

/// Vault account of a profile's private key (`private_key_jwt`).
pub fn client_key_account(profile: &str) -> String {
    format!("client-key:{profile}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_query_shortens_one_parameter() {
        let u = url::Url::parse(
            "https://x/logout?id_token_hint=eyJhbGciOiJSUzI1NiJ9.payload.sig&state=s",
        )
        .unwrap();
        let m = mask_query(&u, "id_token_hint");
        assert!(!m.contains("payload"), "{m}");
        assert!(m.contains("state=s"));
        assert!(m.contains("eyJhbGciOiJS"));
        let plain = url::Url::parse("https://x/logout?state=s").unwrap();
        assert_eq!(mask_query(&plain, "id_token_hint"), plain.as_str());
    }

    #[test]
    fn claims_are_checked_and_sent_compact() {
        let ok = check_claims(
            r#" { "id_token": { "acr": {"essential": true, "values": ["urn:x"]}, "email": null },
                  "userinfo": {} } "#,
        )
        .unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&ok).unwrap()["id_token"]["acr"]["essential"],
            true
        );
        assert!(!ok.contains('\n') && !ok.starts_with(' '));
        for (bad, says) in [
            ("{", "not valid JSON"),
            ("[1]", "must be a JSON object"),
            ("{}", "empty"),
            (r#"{"access_token": {}}"#, "only `id_token` and `userinfo`"),
            (r#"{"id_token": []}"#, "must be an object"),
            (r#"{"id_token": {"acr": "x"}}"#, "`id_token.acr`"),
            (
                r#"{"id_token": {"acr": {"essential": "yes"}}}"#,
                "wrong type",
            ),
            (r#"{"id_token": {"acr": {"values": "x"}}}"#, "wrong type"),
        ] {
            let e = check_claims(bad).unwrap_err().to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
        let long = format!(r#"{{"id_token": {{"{}": null}}}}"#, "a".repeat(MAX_CLAIMS));
        assert!(check_claims(&long).is_err());
    }

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn scopes_are_explained_and_two_resources_warn_of_aadb2c90146() {
        let a = analyze_scopes(
            "cid",
            &strings(&[
                "offline_access",
                "https://t.onmicrosoft.com/api/read",
                "https://t.onmicrosoft.com/api/write",
            ]),
        );
        let kinds: Vec<_> = a.scopes.iter().map(|s| s.kind.clone()).collect();
        assert_eq!(
            kinds,
            [
                ScopeKind::Openid,
                ScopeKind::OfflineAccess,
                ScopeKind::Api,
                ScopeKind::Api
            ]
        );
        assert_eq!(
            a.scopes[2].resource.as_deref(),
            Some("https://t.onmicrosoft.com/api")
        );
        assert!(a.warnings.is_empty(), "{:?}", a.warnings);

        let two = analyze_scopes(
            "cid",
            &strings(&[
                "offline_access",
                "cid",
                "https://t.onmicrosoft.com/api/read",
            ]),
        );
        assert_eq!(two.scopes[2].kind, ScopeKind::ClientId);
        assert_eq!(two.warnings.len(), 1, "{:?}", two.warnings);
        assert!(two.warnings[0].contains("AADB2C90146"));
        assert!(two.warnings[0].contains("https://t.onmicrosoft.com/api"));

        let apis = analyze_scopes(
            "cid",
            &strings(&["offline_access", "api://one/read", "api://two/read"]),
        );
        assert!(apis.warnings.iter().any(|w| w.contains("AADB2C90146")));

        let plain = analyze_scopes("cid", &strings(&["openid", "openid"]));
        assert!(plain.warnings.iter().any(|w| w.contains("repeated")));
        assert!(plain.warnings.iter().any(|w| w.contains("offline_access")));
        assert!(!plain.warnings.iter().any(|w| w.contains("AADB2C90146")));
    }

    fn metadata(methods: &[&str]) -> ProviderMetadata {
        serde_json::from_value(serde_json::json!({
            "issuer": "https://x/",
            "authorization_endpoint": "https://x/a",
            "token_endpoint": "https://x/t",
            "jwks_uri": "https://x/k",
            "token_endpoint_auth_methods_supported": methods,
        }))
        .unwrap()
    }

    #[test]
    fn client_auth_follows_the_metadata() {
        let s = || Some(Secret::new("s3cret"));
        use ClientAuthMethod::*;
        let m = metadata(&["client_secret_basic", "client_secret_post"]);
        assert!(matches!(client_auth(&m, Auto, None), Ok(ClientAuth::None)));
        assert!(matches!(
            client_auth(&m, Auto, s()),
            Ok(ClientAuth::SecretBasic(_))
        ));
        assert!(matches!(
            client_auth(&m, ClientSecretPost, s()),
            Ok(ClientAuth::SecretPost(_))
        ));
        let post_only = metadata(&["none", "client_secret_post"]);
        assert!(matches!(
            client_auth(&post_only, Auto, s()),
            Ok(ClientAuth::SecretPost(_))
        ));
        let e = client_auth(&post_only, ClientSecretBasic, s())
            .unwrap_err()
            .to_string();
        assert!(e.contains("announces only none, client_secret_post"), "{e}");
        assert!(!e.contains("s3cret"));
        let unannounced = metadata(&[]);
        assert!(matches!(
            client_auth(&unannounced, Auto, s()),
            Ok(ClientAuth::SecretBasic(_))
        ));
        assert!(client_auth(&metadata(&["private_key_jwt"]), Auto, s()).is_err());
        let e = client_auth(&metadata(&["private_key_jwt"]), PrivateKeyJwt, None)
            .unwrap_err()
            .to_string();
        // The command to run, as one line a reader can copy.
        assert!(
            e.contains(
                "no private key is stored: `tokenscope profiles key set <profile> < key.pem`"
            ),
            "{e}"
        );
        assert!(matches!(
            client_auth(&metadata(&["client_secret_jwt"]), Auto, s()),
            Ok(ClientAuth::SecretJwt(_))
        ));
        let key = || {
            Some(
                crate::oidc::client_assertion::ClientKey::parse(
                    &std::fs::read_to_string(crate::testkit::fixture_path("keys/rsa1.pem"))
                        .unwrap(),
                )
                .unwrap(),
            )
        };
        let all = metadata(&["client_secret_basic", "private_key_jwt"]);
        assert!(matches!(
            client_auth_with_key(&all, Auto, s(), key()),
            Ok(ClientAuth::PrivateKeyJwt(_))
        ));
        assert!(matches!(
            client_auth_with_key(&all, ClientSecretBasic, s(), key()),
            Ok(ClientAuth::SecretBasic(_))
        ));
        let e = client_auth_with_key(&all, PrivateKeyJwt, s(), None).unwrap_err();
        assert!(e.to_string().contains("profiles key set"), "{e}");
        let e = client_auth_with_key(&post_only, PrivateKeyJwt, None, key()).unwrap_err();
        assert!(e.to_string().contains("announces only"), "{e}");
    }

    #[test]
    fn a_client_certificate_picks_the_tls_method_the_provider_announces() {
        use ClientAuthMethod::*;
        let tls = |m: ClientAuthMethod| Ok::<_, ()>(m);
        let pick = |methods: &[&str], method, secret: Option<Secret>, cert| {
            match client_auth_with_certificate(&metadata(methods), method, secret, None, cert) {
                Ok(ClientAuth::Tls { self_signed }) => tls(if self_signed {
                    SelfSignedTlsClientAuth
                } else {
                    TlsClientAuth
                })
                .map(Some),
                Ok(ClientAuth::None) => Ok(None),
                Ok(_) => Err(()),
                Err(_) => Err(()),
            }
        };
        let both = ["tls_client_auth", "self_signed_tls_client_auth"];
        // Auto: CA-issued -> tls_client_auth, self-signed -> the self-signed method.
        assert_eq!(
            pick(&both, Auto, None, Some(false)),
            Ok(Some(TlsClientAuth))
        );
        assert_eq!(
            pick(&both, Auto, None, Some(true)),
            Ok(Some(SelfSignedTlsClientAuth))
        );
        assert_eq!(
            pick(&["self_signed_tls_client_auth"], Auto, None, Some(false)),
            Ok(Some(SelfSignedTlsClientAuth))
        );
        assert_eq!(pick(&[], Auto, None, Some(false)), Ok(Some(TlsClientAuth)));
        // Neither announced: a public client whose certificate only binds its tokens.
        assert_eq!(pick(&["none"], Auto, None, Some(false)), Ok(None));
        // No certificate: nothing changes.
        assert_eq!(pick(&both, Auto, None, None), Ok(None));
        // A stored secret still authenticates the client (the certificate binds the tokens).
        assert!(matches!(
            client_auth_with_certificate(
                &metadata(&["client_secret_basic", "tls_client_auth"]),
                Auto,
                Some(Secret::new("s")),
                None,
                Some(false)
            ),
            Ok(ClientAuth::SecretBasic(_))
        ));
        // Named: used as named; refused in words when not announced or without a certificate.
        assert_eq!(
            pick(&both, SelfSignedTlsClientAuth, None, Some(false)),
            Ok(Some(SelfSignedTlsClientAuth))
        );
        let e = client_auth_with_certificate(
            &metadata(&["tls_client_auth"]),
            SelfSignedTlsClientAuth,
            None,
            None,
            Some(true),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("announces only tls_client_auth"), "{e}");
        let e = client_auth_with_certificate(&metadata(&both), TlsClientAuth, None, None, None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("names no client certificate") && e.contains("--tls-cert"),
            "{e}"
        );
    }
}
