//! B2C on the command line: `tokenscope errors` (the error catalogue) and `signin --policy`
//! (another policy of the authority's tenant).

mod common;

use common::run_text as run;
use tokenscope_core::testkit::idp::TestIdp;

/// `tokenscope signin` through `policy` of the test provider, curl as the browser, nothing stored.
fn signin_with_curl(idp: &TestIdp, policy: &str, more: &[&str]) -> (bool, String, String) {
    common::signin_with_curl(&idp.metadata_url(policy), &idp.client_id(), more)
}

#[test]
fn a_known_code_is_explained_with_what_to_do() {
    let (ok, out, err) = run(&["errors", "aadb2c90118"]);
    assert!(ok, "{err}");
    assert!(out.starts_with("AADB2C90118\n"), "{out}");
    assert!(out.contains("password-reset policy"), "{out}");
    let (ok, out, _) = run(&["errors", "AADB2C90006", "--json"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["action"], "check_redirect_uri");
}

#[test]
fn an_unknown_code_fails_with_one_line_and_the_list_has_them_all() {
    let (ok, out, err) = run(&["errors", "AADB2C00000"]);
    assert!(!ok);
    assert!(out.is_empty());
    assert!(err.contains("not in Tokenscope's catalogue"), "{err}");
    let (ok, out, _) = run(&["errors", "--json"]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    let n = v.as_array().map(Vec::len).unwrap_or(0);
    assert!(n >= 40, "{n}");
}

#[test]
fn signin_policy_must_be_a_policy_of_a_b2c_tenant() {
    let (ok, out, err) = run(&[
        "signin",
        "--authority",
        "contoso/B2C_1_susi",
        "--client-id",
        "c",
        "--policy",
        "edit",
        "--no-store",
    ]);
    assert!(!ok && out.is_empty());
    assert!(err.contains("not a B2C policy name"), "{err}");
    let (ok, _, err) = run(&[
        "signin",
        "--authority",
        "https://login.example.org/realms/x",
        "--client-id",
        "c",
        "--policy",
        "B2C_1_edit",
        "--no-store",
    ]);
    assert!(!ok);
    assert!(err.contains("not a B2C authority"), "{err}");
}

#[test]
#[ignore = "needs tests/idp (node, npm ci --prefix tests/idp) and curl: run scripts/test.sh"]
fn signin_policy_signs_in_through_the_other_policy_of_the_tenant() {
    let idp = TestIdp::start();
    let (ok, out, err) =
        signin_with_curl(&idp, "B2C_1_auto", &["--policy", "B2C_1_edit", "--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["id_token"]["payload"]["tfp"], "B2C_1_edit", "{out}");
}

#[test]
#[ignore = "needs tests/idp (node, npm ci --prefix tests/idp) and curl: run scripts/test.sh"]
fn a_catalogued_sign_in_error_prints_what_it_means_and_what_to_do() {
    let idp = TestIdp::start();
    let (ok, out, err) = signin_with_curl(&idp, "B2C_1_forgot", &[]);
    assert!(!ok && out.is_empty(), "{out}");
    let lines: Vec<&str> = err.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("error:"))
        .expect("an error line");
    assert!(lines[at].contains("AADB2C90118"), "{err}");
    assert!(lines[at + 1].starts_with("  meaning:"), "{err}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("  what to do:") && l.contains("password-reset policy")),
        "{err}"
    );
}

#[test]
#[ignore = "needs tests/idp (node, npm ci --prefix tests/idp) and curl: run scripts/test.sh"]
fn an_auth_time_of_0_is_shown_as_a_warning_under_the_checks_and_the_sign_in_counts() {
    let idp = TestIdp::start();
    let (ok, out, err) = signin_with_curl(&idp, "B2C_1_epoch", &[]);
    assert!(ok, "{err}");
    assert!(out.contains("every check passed"), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    let checks = lines.iter().position(|l| *l == "Checks").expect("checks");
    let warnings = lines
        .iter()
        .position(|l| *l == "Warnings (odd, but the checks above decide)")
        .unwrap_or_else(|| panic!("no warnings heading: {out}"));
    assert!(checks < warnings, "{out}");
    assert!(
        lines[warnings + 1].starts_with("  ! auth_time  auth_time is 0 (1970-01-01 00:00:00 UTC)"),
        "{out}"
    );
    let (ok, out, err) = signin_with_curl(&idp, "B2C_1_epoch", &["--json"]);
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["warnings"][0]["name"], "auth_time", "{out}");
    // The ordinary policy has nothing odd: no heading.
    let (ok, out, err) = signin_with_curl(&idp, "B2C_1_auto", &[]);
    assert!(ok, "{err}");
    assert!(!out.contains("Warnings"), "{out}");
}
