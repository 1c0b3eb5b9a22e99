//! Entra External ID on the command line: `tokenscope authority` names the form and says there
//! is no policy; `signin` against the test provider's External ID tenant (its issuer with the
//! tenant ID as host, v2.0 claims); an AADSTS error explained.

mod common;

use common::run_text as run;
use tokenscope_core::testkit::idp::TestIdp;

fn signin(idp: &TestIdp, more: &[&str]) -> (bool, String, String) {
    common::signin_with_curl(&idp.external_id_authority(), &idp.client_id(), more)
}

#[test]
fn authority_names_the_external_id_form_and_says_there_is_no_policy() {
    let (ok, out, err) = run(&["authority", "https://contoso.ciamlogin.com/"]);
    assert!(ok, "{err}");
    assert!(
        out.starts_with("provider  Microsoft Entra External ID\n"),
        "{out}"
    );
    assert!(
        out.contains("form      Entra External ID (ciamlogin.com subdomain)\n"),
        "{out}"
    );
    assert!(out.contains("tenant    contoso.onmicrosoft.com\n"), "{out}");
    assert!(out.contains("policy    none in the URL\n"), "{out}");
    assert!(
        out.contains("metadata  https://contoso.ciamlogin.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration\n"),
        "{out}"
    );
    assert!(out.contains("names no policy in the URL"), "{out}");
    // The authorize URL copied from the portal, as JSON.
    let (ok, out, err) = run(&[
        "authority",
        "https://contoso.ciamlogin.com/5d2c8a1e-7b3f-4e9a-9c61-2f4b8d0e6a17/oauth2/v2.0/authorize?client_id=abc&scope=openid",
        "--json",
    ]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["kind"], "external_id");
    assert_eq!(v["form"], "external_id_tenant_id");
    assert_eq!(v["b2c"], serde_json::Value::Null);
    assert_eq!(v["client_id"], "abc");
    // A B2C authority still shows its policy; garbage is one error line.
    let (ok, out, _) = run(&["authority", "contoso/B2C_1_susi"]);
    assert!(ok && out.contains("policy    B2C_1_susi\n"), "{out}");
    let (ok, out, err) = run(&["authority", "https://contoso.ciamlogin.com/realms/x"]);
    assert!(!ok && out.is_empty());
    assert!(
        err.starts_with("error:") && err.contains("is not a tenant"),
        "{err}"
    );
}

#[test]
#[ignore = "needs tests/idp (node, npm ci --prefix tests/idp) and curl: run scripts/test.sh"]
fn signin_to_the_external_id_tenant_validates_its_tenant_id_issuer() {
    let idp = TestIdp::start();
    let (ok, out, err) = signin(&idp, &["--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["passed"], true, "{out}");
    let issuer = idp.external_id_issuer();
    let tid = idp.external_id_tenant_id();
    assert!(
        issuer.starts_with(&format!("http://{tid}.localhost:")),
        "{issuer}"
    );
    let payload = &v["id_token"]["payload"];
    assert_eq!(payload["iss"], issuer.as_str(), "{out}");
    assert_eq!(payload["tid"], tid.as_str());
    assert_eq!(payload["ver"], "2.0");
    assert_eq!(payload["tfp"], serde_json::Value::Null);
    assert_eq!(payload["preferred_username"], "tester@example.com");
    // The iss check explains the issuer, in text too.
    let (ok, out, err) = signin(&idp, &[]);
    assert!(ok, "{err}");
    assert!(
        out.contains("Entra External ID's issuer has the tenant ID"),
        "{out}"
    );
}

#[test]
#[ignore = "needs tests/idp (node, npm ci --prefix tests/idp) and curl: run scripts/test.sh"]
fn an_aadsts_sign_in_error_is_explained_with_its_correlation_id() {
    let idp = TestIdp::start();
    let (ok, out, err) = signin(&idp, &["--login-hint", "wrong-password@example.com"]);
    assert!(!ok && out.is_empty(), "{out}");
    let lines: Vec<&str> = err.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("error:"))
        .unwrap_or_else(|| panic!("no error line: {err}"));
    let line = lines[at];
    assert!(line.contains("access_denied (AADSTS50126)"), "{err}");
    assert!(line.contains("[Correlation ID "), "{err}");
    assert!(
        lines[at + 1].starts_with("  meaning:") && lines[at + 1].contains("password is wrong"),
        "{err}"
    );
    assert!(lines[at + 2].starts_with("  what to do:"), "{err}");
}
