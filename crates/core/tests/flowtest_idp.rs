//! User-flow tests against the real test provider (tests/idp): each driver (b2c-pages on the
//! B2C-shaped pages with Debian's Chromium, ropc, the browser command) with a good sign-in, a
//! wrong password, the forgot-password link and cancel; expectations that fail say what was
//! expected and what came back; several cases at once each get their own port and profile.

use std::path::Path;
use std::time::{Duration, Instant};
use tokenscope_core::flowtest::{self, CaseReport, RunOptions, Runner};
use tokenscope_core::store::profile::ProfileStore;
use tokenscope_core::testkit::idp::{self, browser_command, TestIdp, CURL_BROWSER};

/// The password the test provider's pages and ROPC policy accept (tests/idp/config.mjs).
const TEST_PASSWORD: &str = "Tokenscope-Test-Passw0rd";

fn idp() -> &'static TestIdp {
    // The variables the files name (env:FLOWTEST_USER, …); the same for every test.
    std::env::set_var("FLOWTEST_USER", "tester");
    std::env::set_var("FLOWTEST_PASSWORD", TEST_PASSWORD);
    std::env::set_var("FLOWTEST_WRONG_PASSWORD", "not-the-password");
    idp::shared()
}

/// A file's `[defaults]`: the provider's B2C_1_susi policy (cases switch policy), the client.
fn head(idp: &TestIdp, driver: &str) -> String {
    format!(
        "[defaults]\nauthority = \"{}\"\nclient_id = \"{}\"\nscope = \"offline_access\"\n\
         driver = \"{driver}\"\nusername = \"env:FLOWTEST_USER\"\npassword = \"env:FLOWTEST_PASSWORD\"\n",
        idp.metadata_url("B2C_1_susi"),
        idp.client_id()
    )
}

/// Runs a file's text and returns its case reports.
async fn run(text: &str, jobs: usize) -> Vec<CaseReport> {
    run_with(text, jobs, RunOptions::default()).await
}

async fn run_with(text: &str, jobs: usize, base: RunOptions) -> Vec<CaseReport> {
    let file =
        flowtest::parse(Path::new("t.tokenscope.toml"), text).unwrap_or_else(|e| panic!("{e}"));
    let dir = std::env::temp_dir().join(format!(
        "flowtest-{}",
        tokenscope_core::oidc::pkce::random_token()
    ));
    let runner = Runner::new(ProfileStore::new(&dir)).unwrap();
    let cases = runner.prepare(&file, &[]).unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        jobs,
        timeout: Duration::from_secs(60),
        ..base
    };
    let report = runner.run("t.tokenscope.toml", cases, &options).await;
    let _ = std::fs::remove_dir_all(dir);
    report.cases
}

fn assert_ok(c: &CaseReport) {
    assert!(c.ok, "{} failed: {:#?}", c.name, c.failures);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn b2c_pages_signs_in_through_the_b2c_shaped_pages_and_refreshes() {
    let idp = idp();
    let text = format!(
        "{}[[case]]\nname = \"pages\"\npolicy = \"B2C_1_pages\"\n[case.expect]\n\
         claims.tfp = \"B2C_1_pages\"\nclaims.sub = \"{}\"\nclaims.emails = {{ contains = \"tester@example.com\" }}\n\
         claims.idp = {{ matches = \"^local$\" }}\nclaims.extension_Role = {{ absent = true }}\n\
         id_token_lifetime = \"1h\"\nrefresh_token_lifetime = \"14d\"\nrefresh = true\n",
        head(idp, "b2c-pages"),
        idp.info["test_user"]["oid"].as_str().unwrap()
    );
    let cases = run(&text, 1).await;
    assert_ok(&cases[0]);
    assert_eq!(cases[0].driver, "b2c-pages");
    // No token anywhere in the report without --show-tokens.
    let json = serde_json::to_string(&cases).unwrap();
    assert!(cases[0].tokens.is_none() && !json.contains("eyJ"), "{json}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_fails_the_case_with_the_page_level_error_not_a_timeout() {
    let idp = idp();
    let text = format!(
        "{}[[case]]\nname = \"wrong\"\npolicy = \"B2C_1_pages\"\npassword = \"env:FLOWTEST_WRONG_PASSWORD\"\n",
        head(idp, "b2c-pages")
    );
    let started = Instant::now();
    let cases = run(&text, 1).await;
    let c = &cases[0];
    assert!(!c.ok);
    assert_eq!(c.failures.len(), 1, "{:#?}", c.failures);
    assert_eq!(c.failures[0].expectation, "sign-in");
    assert_eq!(
        c.failures[0].actual,
        "the page said: Invalid username or password."
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}: waited for a timeout",
        started.elapsed()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forgot_password_and_cancel_pass_on_their_codes_and_fail_on_others() {
    let idp = idp();
    let text = format!(
        "{}[[case]]\nname = \"forgot\"\npolicy = \"B2C_1_pages\"\naction = \"forgot-password\"\n\
         [case.expect]\nerror = \"AADB2C90118\"\n\
         [[case]]\nname = \"cancel\"\npolicy = \"B2C_1_pages\"\naction = \"cancel\"\n\
         [[case]]\nname = \"forgot, expecting cancel\"\npolicy = \"B2C_1_pages\"\naction = \"forgot-password\"\n\
         [case.expect]\nerror = \"AADB2C90091\"\n\
         [[case]]\nname = \"forgot, expecting tokens\"\npolicy = \"B2C_1_pages\"\naction = \"forgot-password\"\n",
        head(idp, "b2c-pages")
    );
    let cases = run(&text, 2).await;
    assert_ok(&cases[0]);
    assert_ok(&cases[1]);
    let f = &cases[2].failures;
    assert!(!cases[2].ok);
    assert_eq!(
        (f[0].expectation.as_str(), f[0].expected.as_str()),
        ("error", "AADB2C90091")
    );
    assert!(f[0].actual.contains("AADB2C90118"), "{}", f[0].actual);
    let f = &cases[3].failures;
    assert_eq!(f[0].expectation, "sign-in");
    assert!(f[0].actual.contains("AADB2C90118"), "{}", f[0].actual);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ropc_signs_in_without_pages_refreshes_and_warns() {
    let idp = idp();
    let text = format!(
        "{}[[case]]\nname = \"ropc\"\npolicy = \"B2C_1_ROPC_Auth\"\n[case.expect]\n\
         claims.tfp = \"B2C_1_ROPC_Auth\"\naccess_token_lifetime = \"1h\"\nrefresh = true\n\
         [[case]]\nname = \"ropc wrong password\"\npolicy = \"B2C_1_ROPC_Auth\"\npassword = \"env:FLOWTEST_WRONG_PASSWORD\"\n\
         [[case]]\nname = \"ropc wrong password, expected\"\npolicy = \"B2C_1_ROPC_Auth\"\npassword = \"env:FLOWTEST_WRONG_PASSWORD\"\n\
         [case.expect]\nerror = \"AADB2C90225\"\n",
        head(idp, "ropc")
    );
    let cases = run(&text, 1).await;
    assert_ok(&cases[0]);
    assert!(
        cases[0].warnings[0].contains("skips MFA"),
        "{:?}",
        cases[0].warnings
    );
    let c = &cases[1];
    assert!(!c.ok);
    assert!(
        c.failures[0].actual.contains("AADB2C90225"),
        "{:#?}",
        c.failures
    );
    assert!(!c.failures[0].actual.contains("not-the-password"));
    assert_ok(&cases[2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browser_driver_runs_the_profiles_browser_command() {
    let idp = idp();
    let text = format!(
        "{}[[case]]\nname = \"dev pages\"\nbrowser = \"{}\"\n[case.expect]\nclaims.tfp = \"B2C_1_susi\"\nrefresh = true\n\
         [[case]]\nname = \"cancelled\"\nbrowser = \"{}\"\n[case.expect]\nerror = \"AADB2C90091\"\n\
         [[case]]\nname = \"no page\"\npolicy = \"B2C_1_auto\"\nbrowser = \"{CURL_BROWSER}\"\n",
        head(idp, "browser"),
        browser_command("").replace('"', "\\\""),
        browser_command("--cancel").replace('"', "\\\""),
    );
    let cases = run(&text, 1).await;
    for c in &cases {
        assert_ok(c);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_expectations_say_what_was_expected_and_what_came_back() {
    let idp = idp();
    let text = format!(
        "{}[[case]]\nname = \"wrong expectations\"\npolicy = \"B2C_1_auto\"\n[case.expect]\n\
         claims.tfp = \"B2C_1_other\"\nclaims.idp = {{ matches = \"itsme\" }}\nclaims.email = {{ present = true }}\n\
         claims.name = {{ absent = true }}\nclaims.emails = {{ contains = \"x@example.com\" }}\n\
         id_token_lifetime = \"5m\"\nerror_free = 1\n",
        head(idp, "browser").replace(
            "driver = \"browser\"",
            &format!("driver = \"browser\"\nbrowser = \"{CURL_BROWSER}\"")
        )
    );
    // An unknown key is refused: the same file without it runs.
    assert!(flowtest::parse(Path::new("x"), &text).is_err());
    let cases = run(&text.replace("error_free = 1\n", ""), 1).await;
    let got: Vec<(String, String, String)> = cases[0]
        .failures
        .iter()
        .map(|f| (f.expectation.clone(), f.expected.clone(), f.actual.clone()))
        .collect();
    let s = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
    assert_eq!(
        got,
        [
            s("claims.tfp", "\"B2C_1_other\"", "\"B2C_1_auto\""),
            s("claims.idp", "matches /itsme/", "\"local\""),
            s("claims.email", "present", "absent"),
            s("claims.name", "absent", "present: \"Test User\""),
            s(
                "claims.emails",
                "contains \"x@example.com\"",
                "[\"tester@example.com\"]"
            ),
            s("id_token_lifetime", "5m", "1h (3600 s)"),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cases_run_at_once_each_on_its_own_port_and_browser_profile() {
    let idp = idp();
    let mut text = head(idp, "b2c-pages");
    for i in 0..4 {
        text.push_str(&format!(
            "[[case]]\nname = \"pages {i}\"\npolicy = \"B2C_1_pages\"\n[case.expect]\nrefresh = true\n"
        ));
    }
    let cases = run(&text, 4).await;
    assert_eq!(cases.len(), 4);
    for (i, c) in cases.iter().enumerate() {
        assert_eq!(c.name, format!("pages {i}"), "reports are in file order");
        assert_ok(c);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_secret_variable_fails_the_case_and_names_the_variable() {
    let idp = idp();
    let text = head(idp, "ropc").replace("env:FLOWTEST_PASSWORD", "env:FLOWTEST_UNSET_VARIABLE")
        + "[[case]]\nname = \"a\"\npolicy = \"B2C_1_ROPC_Auth\"\n";
    let cases = run(&text, 1).await;
    assert!(!cases[0].ok);
    assert!(
        cases[0].failures[0]
            .actual
            .contains("FLOWTEST_UNSET_VARIABLE, which is not set"),
        "{:#?}",
        cases[0].failures
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_is_not_b2c_ends_the_case_with_its_text_and_no_chromium_is_said() {
    let idp = idp();
    // The provider refuses the redirect URI on an error page (AADB2C90006), with no div#api.
    let text = format!(
        "{}[[case]]\nname = \"bad redirect\"\npolicy = \"B2C_1_pages\"\nredirect_uri = \"http://localhost/not-registered\"\n",
        head(idp, "b2c-pages")
    );
    let started = Instant::now();
    let cases = run(&text, 1).await;
    let actual = &cases[0].failures[0].actual;
    assert!(
        actual.starts_with("the sign-in stopped on a page that is not a B2C page")
            && actual.contains("AADB2C90006"),
        "{actual}"
    );
    assert!(
        !actual.contains("state="),
        "the URL's query is shown: {actual}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );

    let text = format!(
        "{}[[case]]\nname = \"no chromium\"\npolicy = \"B2C_1_pages\"\n",
        head(idp, "b2c-pages")
    );
    let options = RunOptions {
        chromium: "/nonexistent/chromium".into(),
        ..Default::default()
    };
    let cases = run_with(&text, 1, options).await;
    let f = &cases[0].failures[0];
    assert_eq!(f.expectation, "set-up");
    assert!(
        f.actual.contains("/nonexistent/chromium does not exist"),
        "{}",
        f.actual
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cases_on_a_fixed_redirect_port_take_turns_whatever_jobs_says() {
    let idp = idp();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut text = format!(
        "{}redirect_uri = \"http://127.0.0.1:{port}/callback\"\nbrowser = \"{CURL_BROWSER}\"\n",
        head(idp, "browser")
    );
    for i in 0..3 {
        text.push_str(&format!(
            "[[case]]\nname = \"fixed {i}\"\npolicy = \"B2C_1_auto\"\n"
        ));
    }
    let cases = run(&text, 3).await;
    for c in &cases {
        assert_ok(c);
    }
}
