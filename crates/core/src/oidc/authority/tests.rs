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

// ---- Entra External ID (ciamlogin.com) ----

const CIAM_TID: &str = "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";

fn ciam_metadata(tenant: &str) -> String {
    format!("https://contoso.ciamlogin.com/{tenant}/v2.0/.well-known/openid-configuration")
}

#[test]
fn external_id_subdomain_alone_uses_the_onmicrosoft_tenant() {
    for input in [
        "https://contoso.ciamlogin.com/",
        "https://contoso.ciamlogin.com",
        "https://Contoso.ciamlogin.com/",
    ] {
        let a = Authority::parse(input).unwrap();
        assert_eq!(a.form, AuthorityForm::ExternalIdSubdomain, "{input}");
        assert_eq!(
            a.metadata_url.as_str(),
            ciam_metadata("contoso.onmicrosoft.com"),
            "{input}"
        );
        assert_eq!(a.kind(), AuthorityKind::ExternalId);
        assert_eq!(a.b2c, None);
        let t = a.external_id.as_ref().unwrap();
        assert_eq!(t.tenant, "contoso.onmicrosoft.com");
        assert_eq!(t.host, "contoso.ciamlogin.com");
        assert!(a.policy_note().unwrap().contains("no policy in the URL"));
    }
}

#[test]
fn external_id_with_the_tenant_domain() {
    for input in [
        "https://contoso.ciamlogin.com/contoso.onmicrosoft.com",
        "https://contoso.ciamlogin.com/contoso.onmicrosoft.com/",
        "https://contoso.ciamlogin.com/contoso.onmicrosoft.com/v2.0",
        "https://contoso.ciamlogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration",
    ] {
        let a = Authority::parse(input).unwrap();
        assert_eq!(a.form, AuthorityForm::ExternalIdDomain, "{input}");
        assert_eq!(
            a.metadata_url.as_str(),
            ciam_metadata("contoso.onmicrosoft.com"),
            "{input}"
        );
    }
}

#[test]
fn external_id_with_the_tenant_id_as_msal_samples_write_it() {
    for input in [
        format!("https://contoso.ciamlogin.com/{CIAM_TID}/v2.0"),
        format!("https://contoso.ciamlogin.com/{CIAM_TID}"),
        format!("https://contoso.ciamlogin.com/{CIAM_TID}/v2.0/"),
        ciam_metadata(CIAM_TID),
    ] {
        let a = Authority::parse(&input).unwrap();
        assert_eq!(a.form, AuthorityForm::ExternalIdTenantId, "{input}");
        assert_eq!(a.metadata_url.as_str(), ciam_metadata(CIAM_TID), "{input}");
        assert_eq!(a.external_id.unwrap().tenant, CIAM_TID);
    }
}

#[test]
fn external_id_custom_url_domain_metadata_is_kept_as_given() {
    let url = format!("https://login.contoso.com/{CIAM_TID}/v2.0/.well-known/openid-configuration");
    let a = Authority::parse(&url).unwrap();
    assert_eq!(a.form, AuthorityForm::ExternalIdCustomDomain);
    assert_eq!(a.metadata_url.as_str(), url);
    assert_eq!(a.kind(), AuthorityKind::ExternalId);
    let t = a.external_id.unwrap();
    assert_eq!(
        (t.host.as_str(), t.tenant.as_str()),
        ("login.contoso.com", CIAM_TID)
    );
    // The authority form of the same domain gets the same metadata URL.
    let a = Authority::parse(&format!("https://login.contoso.com/{CIAM_TID}/v2.0")).unwrap();
    assert_eq!(a.metadata_url.as_str(), url);
    // Entra ID's own hosts and B2C's are not External ID custom domains.
    let entra = format!("https://login.microsoftonline.com/{CIAM_TID}/v2.0");
    assert_eq!(
        Authority::parse(&entra).unwrap().kind(),
        AuthorityKind::Oidc
    );
    // Other providers keep their generic forms.
    let a = Authority::parse("https://login.example.org/realms/test").unwrap();
    assert_eq!(a.kind(), AuthorityKind::Oidc);
    assert_eq!(a.policy_note(), None);
}

#[test]
fn external_id_authorize_url_copied_from_the_portal() {
    let run = PortalRun::parse(&format!(
        "https://contoso.ciamlogin.com/{CIAM_TID}/oauth2/v2.0/authorize?client_id=abc&nonce=x&redirect_uri=https%3A%2F%2Fjwt.ms&scope=openid%20offline_access&response_type=id_token&prompt=login"
    ))
    .unwrap();
    assert_eq!(run.authority.form, AuthorityForm::ExternalIdTenantId);
    assert_eq!(run.authority.metadata_url.as_str(), ciam_metadata(CIAM_TID));
    assert_eq!(run.authority.kind(), AuthorityKind::ExternalId);
    assert_eq!(run.client_id.as_deref(), Some("abc"));
    assert_eq!(run.scopes, vec!["openid", "offline_access"]);
    assert_eq!(run.redirect_uri.as_deref(), Some("https://jwt.ms"));
    // As an authority, the same URL.
    let a = Authority::parse(&run.authority.input).unwrap();
    assert_eq!(a.metadata_url.as_str(), ciam_metadata(CIAM_TID));
    // On a custom URL domain.
    let run = PortalRun::parse(&format!(
        "https://login.contoso.com/{CIAM_TID}/oauth2/v2.0/authorize?client_id=abc"
    ))
    .unwrap();
    assert_eq!(run.authority.form, AuthorityForm::ExternalIdCustomDomain);
    // A B2C authorize URL without a policy stays an error.
    assert!(PortalRun::parse(
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?client_id=abc"
    )
    .is_err());
}

#[test]
fn external_id_addresses_that_make_no_sense_get_clear_errors() {
    for (input, says) in [
        (
            "https://contoso.ciamlogin.com/contoso.onmicrosoft.com/B2C_1_susi/v2.0/",
            "no policies in the URL",
        ),
        ("https://contoso.ciamlogin.com/realms/x", "is not a tenant"),
        (
            "https://contoso.ciamlogin.com/contoso.onmicrosoft.com/oauth2/other",
            "unknown path",
        ),
        (
            "https://contoso.ciamlogin.com/oauth2/v2.0/authorize?client_id=abc",
            "does not name the tenant",
        ),
    ] {
        let e = Authority::parse(input).unwrap_err();
        assert!(matches!(e, Error::Authority(_)), "{input}: {e:?}");
        assert!(e.to_string().contains(says), "{input}: {e}");
    }
}

#[test]
fn b2c_forms_are_b2c_and_every_form_has_a_label() {
    assert_eq!(
        Authority::parse(PATH_FORM).unwrap().kind(),
        AuthorityKind::B2c
    );
    assert_eq!(
        AuthorityForm::ExternalIdTenantId.label(),
        "Entra External ID (tenant ID)"
    );
    assert_eq!(
        AuthorityKind::ExternalId.label(),
        "Microsoft Entra External ID"
    );
}
