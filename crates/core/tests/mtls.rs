//! Mutual-TLS client authentication and certificate-bound tokens (RFC 8705) against the test
//! provider's generic provider (`tests/idp`, `/oidc`, with its HTTPS listener and the
//! certificates it made at start with openssl): `tls_client_auth` and
//! `self_signed_tls_client_auth`, the `mtls_endpoint_aliases`, the `cnf` check; and the hostile
//! cases: a key of another certificate, an expired certificate, a handshake the provider refuses,
//! a token bound to another certificate.
//!
//! Ignored by a plain `cargo test` (they need node and `npm ci --prefix tests/idp`):
//! `cargo test -p tokenscope-core --test mtls -- --include-ignored`.

mod common;

use common::{engine_with, options, temp_dir};
use tokenscope_core::api::introspect::{IntrospectTarget, IntrospectToken};
use tokenscope_core::api::revoke::RevokeToken;
use tokenscope_core::engine::Engine;
use tokenscope_core::http::{HttpClient, HttpLimits, HttpRequest};
use tokenscope_core::oidc::mtls::{ClientCertificate, MtlsClient};
use tokenscope_core::oidc::request::ClientAuthMethod;
use tokenscope_core::store::profile::{Profile, ProfileStore};
use tokenscope_core::store::vault::Vault;
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};
use tokenscope_core::validate::CheckId;
use url::Url;

fn mtls(key: &str) -> String {
    idp().info["mtls"][key]
        .as_str()
        .unwrap_or_else(|| {
            panic!("the test provider's ready line has no mtls.{key}: is openssl installed?")
        })
        .to_owned()
}

/// The certificate files `which` (`client`, `self_signed`, `expired`) the provider made, with
/// its CA trusted.
fn files(which: &str) -> ClientCertificate {
    let f = |k: &str| {
        idp().info["mtls"][which][k]
            .as_str()
            .expect("certificate file")
            .to_owned()
    };
    ClientCertificate {
        cert_file: f("cert"),
        key_file: f("key"),
        ca_file: Some(mtls("ca")),
    }
}

fn profile(name: &str, client_id: &str, certificate: ClientCertificate) -> Profile {
    let mut p = Profile::new(name, &idp().generic_metadata_url(), client_id);
    p.scopes = vec!["offline_access".into()];
    p.browser_command = Some(CURL_BROWSER.into());
    p.client_certificate = Some(certificate);
    p
}

fn engine() -> Engine {
    engine_with(
        Vault::session_only("mtls tests"),
        ProfileStore::new(temp_dir("tokenscope-mtls")),
    )
}

/// The URLs an outcome's requests went to.
fn urls(o: &tokenscope_core::engine::outcome::Outcome) -> Vec<String> {
    o.exchanges.entries.iter().map(|e| e.url.clone()).collect()
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and openssl"]
async fn a_ca_issued_certificate_signs_in_refreshes_and_is_accepted_by_userinfo() {
    let engine = engine();
    let p = profile("mtls-ca", &mtls("client_id"), files("client"));
    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert!(o.passed(), "{:?}", o.report.failures().collect::<Vec<_>>());
    // The code went to the certificate's token endpoint (RFC 8705 §5), not the plain one.
    let base = mtls("base");
    assert!(
        urls(&o)
            .iter()
            .any(|u| u.starts_with(&format!("{base}/oidc/oauth2/v2.0/token"))),
        "{:?}",
        urls(&o)
    );
    // A refresh, authenticated by the certificate again.
    let r = engine.refresh(&p, None).await.unwrap();
    assert!(r.passed(), "{:?}", r.report.failures().collect::<Vec<_>>());
    // UserInfo takes the bound access token only with the same certificate (the provider checks
    // x5t#S256 against the connection's certificate).
    let u = engine.userinfo(&p).await.unwrap();
    assert_eq!(u.status, 200, "{u:?}");
    assert!(u.endpoint.starts_with(&base), "{}", u.endpoint);
    // Introspection and revocation authenticate with the certificate at their aliases.
    let i = engine
        .introspect(&p, &IntrospectTarget::Profile(IntrospectToken::Access))
        .await
        .unwrap();
    assert_eq!(i.active, Some(true), "{i:?}");
    assert!(i.endpoint.starts_with(&base), "{}", i.endpoint);
    let bound = i
        .claims
        .iter()
        .find(|c| c.name == "cnf")
        .map(|c| c.value.clone());
    let thumbprint = files("client").load(chrono::Utc::now()).unwrap().thumbprint;
    assert_eq!(bound, Some(serde_json::json!({ "x5t#S256": thumbprint })));
    let revoked = engine.revoke(&p, RevokeToken::Refresh).await.unwrap();
    assert!(revoked.revoked, "{revoked:?}");
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and openssl"]
async fn a_sign_in_and_its_refresh_check_that_the_access_token_is_bound_to_the_certificate() {
    let engine = engine();
    let mut p = profile("mtls-api", &mtls("client_id"), files("client"));
    // An API scope: the access token is a JWT, its cnf readable.
    p.scopes.push(idp().api_scope());
    for o in [
        engine.sign_in(&p, &options()).await.unwrap(),
        engine.refresh(&p, None).await.unwrap(),
    ] {
        assert!(o.passed(), "{:?}", o.report.failures().collect::<Vec<_>>());
        let check = o.report.get(CheckId::CnfX5t).expect("the cnf check");
        assert!(check.ok, "{}", check.detail);
        // The outcome names the certificate the request was bound to, and no DPoP key.
        let sender = o.sender.clone().expect("the sender constraint");
        let thumb = sender
            .mtls_thumbprint
            .expect("the certificate's thumbprint");
        assert!(check.detail.contains(&thumb), "{thumb}: {}", check.detail);
        assert_eq!(sender.dpop_jkt, None);
    }
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and openssl"]
async fn client_credentials_with_tls_client_auth_gets_a_token_bound_to_the_certificate() {
    let engine = engine();
    let p = profile("mtls-app", &mtls("client_id"), files("client"));
    // Chosen from the metadata: no secret or key is stored, the certificate is CA-issued.
    assert_eq!(p.client_auth, ClientAuthMethod::Auto);
    let o = engine
        .client_credentials(&p, Some(&idp().api_scope()), None)
        .await
        .unwrap();
    assert!(o.passed(), "{:?}", o.report.failures().collect::<Vec<_>>());
    let check = o.report.get(CheckId::CnfX5t).expect("the cnf check");
    assert!(check.ok, "{}", check.detail);
    assert!(
        check
            .detail
            .contains("bound to the client certificate presented"),
        "{}",
        check.detail
    );
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and openssl"]
async fn a_self_signed_certificate_registered_with_the_client_authenticates_it() {
    let engine = engine();
    let mut p = profile(
        "mtls-self",
        &mtls("self_signed_client_id"),
        files("self_signed"),
    );
    let o = engine.client_credentials(&p, Some(""), None).await.unwrap();
    assert!(o.access_token.is_some(), "{o:?}");
    // Named in the profile, the method is used as named; a method the provider does not
    // announce for it is the provider's refusal in words.
    p.client_auth = ClientAuthMethod::SelfSignedTlsClientAuth;
    engine.client_credentials(&p, Some(""), None).await.unwrap();
    // The CA-issued certificate is not the one registered for this client.
    p.client_certificate = Some(files("client"));
    let e = engine
        .client_credentials(&p, Some(""), None)
        .await
        .unwrap_err();
    let tokenscope_core::Error::Provider(refusal) = &e else {
        panic!("{e}")
    };
    assert_eq!(refusal.error, "invalid_client");
    let note = refusal
        .advice
        .as_ref()
        .and_then(|a| a.note.clone())
        .unwrap_or_default();
    assert!(
        note.contains("did not accept the client certificate")
            && note.contains("self_signed_tls_client_auth")
            && note.contains(&files("client").load(chrono::Utc::now()).unwrap().thumbprint),
        "{note}"
    );
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and openssl"]
async fn a_key_of_another_certificate_is_refused_before_anything_is_sent() {
    let engine = engine();
    let mut certificate = files("client");
    certificate.key_file = files("self_signed").key_file;
    let p = profile("mtls-wrong-key", &mtls("client_id"), certificate.clone());
    let e = engine
        .sign_in(&p, &options())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!(
            "the private key in {} does not belong to the certificate in {}",
            certificate.key_file, certificate.cert_file
        )),
        "{e}"
    );
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and openssl"]
async fn an_expired_certificate_says_when_it_expired() {
    let engine = engine();
    let p = profile("mtls-expired", &mtls("client_id"), files("expired"));
    let e = engine
        .client_credentials(&p, Some(&idp().api_scope()), None)
        .await
        .unwrap_err()
        .to_string();
    // openssl made it valid 2025-01-01 to 2025-01-02.
    assert!(
        e.contains("expired on 2025-01-02 00:00:00 UTC") && e.contains("days ago"),
        "{e}"
    );
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and openssl"]
async fn a_handshake_the_provider_refuses_is_said_in_words() {
    // The strict listener takes only certificates the test CA issued.
    let certificate = files("self_signed");
    let loaded = certificate.load(chrono::Utc::now()).unwrap();
    let client = MtlsClient::new(&loaded, &certificate, HttpLimits::default()).unwrap();
    let url = Url::parse(&format!("{}/health", mtls("strict_base"))).unwrap();
    let e = client
        .send(HttpRequest::get(url.clone()))
        .await
        .unwrap_err()
        .to_string();
    // Said outright (an alert) or, when the reset wins the race with the alert, as the likely
    // cause; either way the user reads that the certificate was refused and which file it is.
    assert!(
        (e.contains("the provider refused the TLS handshake with the client certificate in")
            || e.contains("most likely it refused that certificate"))
            && e.contains(&certificate.cert_file)
            && e.contains("Is the certificate one the provider trusts"),
        "{e}"
    );
    // The CA's certificate is let in.
    let good = files("client");
    let client = MtlsClient::new(
        &good.load(chrono::Utc::now()).unwrap(),
        &good,
        HttpLimits::default(),
    )
    .unwrap();
    let ok = client.send(HttpRequest::get(url)).await.unwrap();
    assert_eq!(ok.status, 200);
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and openssl"]
async fn a_token_bound_to_another_certificate_fails_the_cnf_check() {
    let engine = engine();
    let p = profile("mtls-bound", &mtls("client_id"), files("client"));
    let o = engine
        .client_credentials(&p, Some(&idp().api_scope()), None)
        .await
        .unwrap();
    let token = o.access_token.expect("an access token").raw;
    let other = files("self_signed")
        .load(chrono::Utc::now())
        .unwrap()
        .thumbprint;
    let check = tokenscope_core::validate::certificate_binding(token.expose(), Some(&other))
        .expect("a bound token is checked");
    assert!(!check.ok);
    assert!(
        check.detail.contains("bound to another certificate") && check.detail.contains(&other),
        "{}",
        check.detail
    );
}

/// The generic provider's metadata as its HTTPS listener serves it: that listener's TLS
/// certificate comes from the test CA, which the system does not trust; so do its endpoints
/// and `jwks_uri` in that document.
fn metadata_over_tls() -> String {
    format!("{}/oidc/.well-known/openid-configuration", mtls("base"))
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and openssl"]
async fn a_provider_whose_certificate_comes_from_the_profiles_ca_works_end_to_end() {
    let signed_in = engine();
    let mut p = profile("company-ca", &mtls("client_id"), files("client"));
    p.authority = metadata_over_tls();
    p.scopes.push(idp().api_scope());
    // The test browser trusts the CA too: the authorization endpoint is on that listener.
    p.browser_command = Some(format!("{CURL_BROWSER} --cacert {}", mtls("ca")));
    let o = signed_in.sign_in(&p, &options()).await.unwrap();
    assert!(o.passed(), "{:?}", o.report.failures().collect::<Vec<_>>());
    // The metadata and the keys came over TLS from the listener the CA vouches for, and the
    // ID token's signature was checked with those keys.
    let base = mtls("base");
    let step = |s: tokenscope_core::exchange::Step| {
        o.exchanges
            .entries
            .iter()
            .find(|e| e.step == s)
            .unwrap_or_else(|| panic!("no {s:?} request: {:?}", urls(&o)))
            .clone()
    };
    for s in [
        tokenscope_core::exchange::Step::Discovery,
        tokenscope_core::exchange::Step::Keys,
    ] {
        let e = step(s);
        assert!(e.url.starts_with(&base), "{s:?}: {}", e.url);
        assert_eq!(e.status, Some(200), "{s:?}");
    }
    assert!(o.report.get(CheckId::Signature).is_some_and(|c| c.ok));
    let r = signed_in.refresh(&p, None).await.unwrap();
    assert!(r.passed(), "{:?}", r.report.failures().collect::<Vec<_>>());

    // Without the CA file, the same provider is not trusted: nothing is fetched.
    let fresh = engine();
    let mut untrusted = p.clone();
    untrusted.client_certificate = Some(ClientCertificate {
        ca_file: None,
        ..files("client")
    });
    let e = fresh.sign_in(&untrusted, &options()).await.unwrap_err();
    let said = e.to_string();
    assert!(
        said.contains(&metadata_over_tls()) && said.contains("UnknownIssuer"),
        "{said}"
    );
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and openssl"]
async fn dpop_and_a_client_certificate_together_present_the_certificate_and_sign_proofs() {
    let engine = engine();
    // The client authenticates with the certificate (tls_client_auth) and its tokens are
    // DPoP-bound: oidc-provider binds a token to one key only.
    let mut p = profile("mtls-dpop", &mtls("dpop_client_id"), files("client"));
    p.scopes.push(idp().api_scope());
    p.dpop = true;
    for o in [
        engine.sign_in(&p, &options()).await.unwrap(),
        engine.refresh(&p, None).await.unwrap(),
        engine
            .client_credentials(&p, Some(&idp().api_scope()), None)
            .await
            .unwrap(),
    ] {
        assert!(o.passed(), "{:?}", o.report.failures().collect::<Vec<_>>());
        // The certificate authenticated the client at its alias (tls_client_auth: without
        // it the provider refuses the client), with a DPoP proof on the request.
        let token = o
            .exchanges
            .entries
            .iter()
            .rev()
            .find(|e| e.url.ends_with("/token") && e.status == Some(200))
            .unwrap_or_else(|| panic!("no token request: {:?}", urls(&o)));
        assert!(token.url.starts_with(&mtls("base")), "{}", token.url);
        assert!(
            token.request_headers.iter().any(|h| h.name == "DPoP"),
            "{:?}",
            token.request_headers
        );
        // Bound by cnf.jkt to the DPoP key (not by x5t#S256 to the certificate).
        let at = o.access_token.as_ref().expect("an access token");
        let cnf = tokenscope_core::jose::jwt::decode(at.raw.expose())
            .unwrap()
            .payload["cnf"]
            .clone();
        let jkt = engine
            .dpop_key("mtls-dpop")
            .await
            .unwrap()
            .unwrap()
            .thumbprint;
        assert_eq!(cnf, serde_json::json!({ "jkt": jkt }));
        assert_eq!(o.token_type.as_deref(), Some("DPoP"));
        for id in [CheckId::DpopTokenType, CheckId::DpopBinding] {
            let c = o.report.get(id).unwrap_or_else(|| panic!("no {id} check"));
            assert!(c.ok, "{id}: {}", c.detail);
        }
        assert!(o.report.get(CheckId::CnfX5t).is_none());
    }
    // Without the proofs this client gets no token; without the certificate it is not
    // authenticated.
    let mut no_dpop = p.clone();
    no_dpop.dpop = false;
    let e = engine
        .client_credentials(&no_dpop, Some(&idp().api_scope()), None)
        .await
        .unwrap_err();
    assert!(
        matches!(&e, tokenscope_core::Error::Provider(r) if r.error == "invalid_grant"),
        "{e}"
    );
    // A client registered for certificate-bound tokens cannot have DPoP-bound ones too: the
    // provider's refusal is explained, with what to change.
    let mut both = profile("mtls-both", &mtls("client_id"), files("client"));
    both.dpop = true;
    let e = engine
        .client_credentials(&both, Some(&idp().api_scope()), None)
        .await
        .unwrap_err();
    let tokenscope_core::Error::Provider(refusal) = &e else {
        panic!("{e}")
    };
    let note = refusal
        .advice
        .as_ref()
        .and_then(|a| a.note.clone())
        .unwrap_or_default();
    assert!(
        note.contains("binds a token to one key only")
            && note.contains("profiles dpop off mtls-both")
            && note.contains("(tls_client_certificate_bound_access_tokens)")
            // One sentence as a reader sees it, not the source's indentation.
            && !note.contains("  "),
        "{e}: {note}"
    );
    let mut no_certificate = p.clone();
    no_certificate.client_certificate = None;
    let e = engine
        .client_credentials(&no_certificate, Some(&idp().api_scope()), None)
        .await
        .unwrap_err();
    assert!(
        !matches!(&e, tokenscope_core::Error::Provider(r) if r.error != "invalid_client"),
        "{e}"
    );
}
