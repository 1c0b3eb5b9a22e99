use super::*;

const PATH_FORM: &str = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/v2.0/.well-known/openid-configuration";

#[test]
fn b2c_path_form_metadata_url_is_kept() {
    let a = Authority::parse(PATH_FORM).unwrap();
    assert_eq!(a.metadata_url.as_str(), PATH_FORM);
    assert_eq!(a.form, AuthorityForm::B2cPath);
    let b2c = a.b2c.unwrap();
    assert_eq!(b2c.tenant, "contoso.onmicrosoft.com");
    assert_eq!(b2c.policy, "B2C_1_susi");
}

#[test]
fn b2c_path_without_discovery_gets_it_appended() {
    for input in [
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi",
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/",
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/v2.0/",
    ] {
        let a = Authority::parse(input).unwrap();
        assert_eq!(a.metadata_url.as_str(), PATH_FORM, "{input}");
    }
}

#[test]
fn b2c_query_form() {
    let a = Authority::parse(
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration?p=B2C_1_susi",
    )
    .unwrap();
    assert_eq!(a.form, AuthorityForm::B2cQuery);
    assert_eq!(
        a.metadata_url.as_str(),
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration?p=B2C_1_susi"
    );
    assert_eq!(a.b2c.unwrap().policy, "B2C_1_susi");
}

#[test]
fn custom_domain_with_tenant_guid() {
    let a = Authority::parse(
        "https://login.contoso.com/8e6f2a1c-0000-4a4a-9d9d-1234567890ab/B2C_1A_signin/v2.0/.well-known/openid-configuration",
    )
    .unwrap();
    assert_eq!(a.form, AuthorityForm::B2cCustomDomain);
    let b2c = a.b2c.unwrap();
    assert_eq!(b2c.host, "login.contoso.com");
    assert_eq!(b2c.tenant, "8e6f2a1c-0000-4a4a-9d9d-1234567890ab");
    assert_eq!(b2c.policy, "B2C_1A_signin");
}

#[test]
fn msal_tfp_authority() {
    let a = Authority::parse("https://contoso.b2clogin.com/tfp/contoso.onmicrosoft.com/B2C_1_susi")
        .unwrap();
    assert_eq!(a.form, AuthorityForm::B2cMsal);
    assert_eq!(a.metadata_url.as_str(), PATH_FORM);
}

#[test]
fn tenant_and_policy_pair_builds_b2clogin_url() {
    for tenant in ["contoso", "contoso.onmicrosoft.com", "Contoso"] {
        let a = Authority::b2c(tenant, "B2C_1_susi").unwrap();
        assert_eq!(a.metadata_url.as_str(), PATH_FORM);
        assert_eq!(a.form, AuthorityForm::B2cTenantPolicy);
    }
    let a = Authority::parse("contoso/B2C_1_susi").unwrap();
    assert_eq!(a.metadata_url.as_str(), PATH_FORM);
}

#[test]
fn tenant_pair_rejects_guid_bad_names_and_non_policies() {
    let e = Authority::b2c("8e6f2a1c-0000-4a4a-9d9d-1234567890ab", "B2C_1_susi").unwrap_err();
    assert!(e.to_string().contains("custom domain"), "{e}");
    assert!(Authority::b2c("con toso", "B2C_1_susi").is_err());
    assert!(Authority::b2c("contoso", "signin").is_err());
    assert!(Authority::b2c("contoso", "B2C_1_").is_err());
    assert!(Authority::b2c("contoso", "B2C_1_a/../b").is_err());
}

#[test]
fn generic_issuer_gets_discovery_appended() {
    let a = Authority::parse("https://login.example.org/realms/test").unwrap();
    assert_eq!(a.form, AuthorityForm::Issuer);
    assert_eq!(
        a.metadata_url.as_str(),
        "https://login.example.org/realms/test/.well-known/openid-configuration"
    );
    let a = Authority::parse("https://idp.e2e.itsme.services/v2/").unwrap();
    assert_eq!(
        a.metadata_url.as_str(),
        "https://idp.e2e.itsme.services/v2/.well-known/openid-configuration"
    );
    let a = Authority::parse("https://idp.example/.well-known/openid-configuration").unwrap();
    assert_eq!(a.form, AuthorityForm::MetadataUrl);
}

#[test]
fn plain_http_only_for_loopback() {
    assert!(Authority::parse("http://login.example.org/").is_err());
    assert!(Authority::parse("ftp://login.example.org/").is_err());
    assert!(Authority::parse("http://127.0.0.1:8080/tenant/B2C_1_susi").is_ok());
    assert!(Authority::parse("http://localhost:8080/").is_ok());
    assert!(Authority::parse("http://[::1]:8080/").is_ok());
    // A host that merely starts with 127 is not loopback.
    assert!(Authority::parse("http://127.0.0.1.evil.example/").is_err());
}

#[test]
fn garbage_gives_clear_errors_not_panics() {
    for input in [
        "",
        "   ",
        "not a url",
        "https://",
        "https://contoso.b2clogin.com/",
        "://x",
    ] {
        let e = Authority::parse(input).unwrap_err();
        assert!(matches!(e, Error::Authority(_)), "{input}: {e:?}");
    }
}

#[test]
fn portal_run_user_flow_url_gives_tenant_policy_client_and_scopes() {
    let run = PortalRun::parse(
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?p=B2C_1_susi&client_id=11111111-2222-3333-4444-555555555555&nonce=defaultNonce&redirect_uri=https%3A%2F%2Fjwt.ms&scope=openid%20offline_access&response_type=id_token&prompt=login",
    )
    .unwrap();
    assert_eq!(run.authority.metadata_url.as_str(), PATH_FORM);
    let b2c = run.authority.b2c.as_ref().unwrap();
    assert_eq!(b2c.tenant, "contoso.onmicrosoft.com");
    assert_eq!(b2c.policy, "B2C_1_susi");
    assert_eq!(
        run.client_id.as_deref(),
        Some("11111111-2222-3333-4444-555555555555")
    );
    assert_eq!(run.scopes, vec!["openid", "offline_access"]);
    assert_eq!(run.redirect_uri.as_deref(), Some("https://jwt.ms"));
    assert_eq!(run.prompt.as_deref(), Some("login"));
    // The same URL works as an authority.
    let a = Authority::parse(&run.authority.input).unwrap();
    assert_eq!(a.metadata_url.as_str(), PATH_FORM);
}

#[test]
fn portal_url_in_path_form() {
    let run = PortalRun::parse(
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/authorize?client_id=abc&scope=openid",
    )
    .unwrap();
    assert_eq!(run.authority.metadata_url.as_str(), PATH_FORM);
    assert_eq!(run.client_id.as_deref(), Some("abc"));
    assert!(PortalRun::parse(
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?client_id=abc"
    )
    .is_err());
}
