//! The user-flow test file: the format of the issue parses to what it says, and every refusal
//! (unknown key, wrong type, literal secret, unknown driver or action, bad regex or duration)
//! names the file, the line and the key, before anything runs.

use std::path::Path;
use std::time::Duration;
use tokenscope_core::flowtest::file::{
    parse, Action, ClaimExpectation, CredentialRef, Driver, FileError,
};

const ISSUE_EXAMPLE: &str = r#"# contoso.tokenscope.toml
[defaults]
profile = "Contoso susi"          # a saved profile
driver = "b2c-pages"
username = "env:B2C_TEST_USER"
password = "env:B2C_TEST_PASSWORD"

[[case]]
name = "sign-in: itsme claims are mapped"
policy = "B2C_1_susi"
[case.expect]
checks = "all"
claims.tfp = "B2C_1_susi"
claims.email = { present = true }
claims.idp = { matches = "itsme" }
claims.extension_Role = { absent = true }
claims.emails = { contains = "tester@example.com" }
id_token_lifetime = "5m"
refresh = true

[[case]]
name = "forgot password reports AADB2C90118"
action = "forgot-password"
[case.expect]
error = "AADB2C90118"
"#;

fn refused(text: &str) -> FileError {
    parse(Path::new("flows/x.tokenscope.toml"), text).expect_err("the file must be refused")
}

/// The one problem of a refused file: (line, key, message); the message printed names the file.
fn one(text: &str) -> (usize, String, String) {
    let e = refused(text);
    assert_eq!(e.problems.len(), 1, "{e}");
    let shown = e.to_string();
    assert!(shown.starts_with("flows/x.tokenscope.toml:"), "{shown}");
    let p = &e.problems[0];
    (p.line, p.key.clone(), p.message.clone())
}

const HEAD: &str = "[defaults]\nauthority = \"https://login.example.org/t\"\nclient_id = \"c\"\n";

#[test]
fn the_issue_example_parses_to_what_it_says() {
    let f = parse(Path::new("contoso.tokenscope.toml"), ISSUE_EXAMPLE).unwrap();
    assert_eq!(f.cases.len(), 2);
    let c = &f.cases[0];
    assert_eq!(c.name, "sign-in: itsme claims are mapped");
    assert_eq!(c.line, 8);
    assert_eq!(c.policy.as_deref(), Some("B2C_1_susi"));
    assert_eq!(c.settings.profile.as_ref().unwrap().value, "Contoso susi");
    assert_eq!(c.settings.driver, Some(Driver::B2cPages));
    assert_eq!(
        c.settings.password,
        Some(CredentialRef::Env("B2C_TEST_PASSWORD".into()))
    );
    assert_eq!(c.action, Action::SignIn);
    assert!(c.expect.all_checks && c.expect.refresh);
    assert_eq!(c.expect.id_token_lifetime, Some(Duration::from_secs(300)));
    let claims: Vec<(&str, String)> = c
        .expect
        .claims
        .iter()
        .map(|(n, e)| {
            (
                n.as_str(),
                match e {
                    ClaimExpectation::Equals(v) => format!("= {v}"),
                    ClaimExpectation::Present(b) => format!("present {b}"),
                    ClaimExpectation::Matches(r) => format!("~ {}", r.as_str()),
                    ClaimExpectation::Contains(v) => format!("has {v}"),
                },
            )
        })
        .collect();
    assert_eq!(
        claims,
        [
            ("tfp", "= \"B2C_1_susi\"".to_owned()),
            ("email", "present true".into()),
            ("idp", "~ itsme".into()),
            ("extension_Role", "present false".into()),
            ("emails", "has \"tester@example.com\"".into()),
        ]
    );
    let forgot = &f.cases[1];
    assert_eq!(forgot.action, Action::ForgotPassword);
    assert_eq!(forgot.expect.error.as_deref(), Some("AADB2C90118"));
}

#[test]
fn unknown_keys_are_refused_with_line_and_key_at_every_level() {
    let cases = [
        (&format!("{HEAD}profil = \"x\"\n[[case]]\nname = \"a\"\n"), 4, "defaults.profil"),
        (
            &format!("{HEAD}[[case]]\nname = \"a\"\nexpected = {{}}\n"),
            6,
            "case[1].expected",
        ),
        (
            &format!("{HEAD}[[case]]\nname = \"a\"\n[case.expect]\nclaim.tfp = \"x\"\n"),
            7,
            "case[1].expect.claim",
        ),
        (
            &format!("{HEAD}[[case]]\nname = \"a\"\n[case.expect]\nclaims.email = {{ presnt = true }}\n"),
            7,
            "case[1].expect.claims.email.presnt",
        ),
        (
            &format!("{HEAD}[[case]]\nname = \"a\"\ndriver = \"b2c-pages\"\naction = \"cancel\"\n[case.selectors]\nsubmit = \"#go\"\n"),
            9,
            "case[1].selectors.submit",
        ),
        (&format!("{HEAD}[[case]]\nname = \"a\"\n[extra]\n"), 6, "extra"),
    ];
    for (text, line, key) in cases {
        let (l, k, m) = one(text);
        assert_eq!((l, k.as_str()), (line, key), "{text}");
        assert!(m.starts_with("unknown key (expected one of:"), "{m}");
    }
}

#[test]
fn wrong_types_are_refused_with_what_was_wanted_and_found() {
    let cases = [
        (
            format!("{HEAD}[[case]]\nname = 5\n"),
            5,
            "case[1].name",
            "must be a string, not an integer",
        ),
        (
            format!("{HEAD}[[case]]\nname = \"a\"\n[case.expect]\nrefresh = \"yes\"\n"),
            7,
            "case[1].expect.refresh",
            "must be true or false, not a string",
        ),
        (
            format!("{HEAD}[[case]]\nname = \"a\"\nexpect = \"all\"\n"),
            6,
            "case[1].expect",
            "must be a table, not a string",
        ),
        (
            format!("{HEAD}[[case]]\nname = \"a\"\n[case.expect]\nclaims.tfp = 2026-01-01\n"),
            7,
            "case[1].expect.claims.tfp",
            "must be a string, number, boolean or array, not a date-time",
        ),
        (
            "[defaults]\nscope = 3\n[[case]]\nname = \"a\"\n".to_owned(),
            2,
            "defaults.scope",
            "must be a string or an array of strings, not an integer",
        ),
        (
            format!("case = \"x\"\n{HEAD}"),
            1,
            "case",
            "must be an array of tables",
        ),
    ];
    for (text, line, key, message) in cases {
        let e = refused(&text);
        let p = e
            .problems
            .iter()
            .find(|p| p.key == key)
            .unwrap_or_else(|| panic!("no problem at {key}: {e}"));
        assert_eq!(p.line, line, "{e}");
        assert!(p.message.starts_with(message), "{}", p.message);
    }
}

#[test]
fn a_literal_username_or_password_is_refused_without_repeating_it() {
    for key in ["password", "username"] {
        let text = format!(
            "{HEAD}driver = \"ropc\"\nusername = \"env:U\"\npassword = \"env:P\"\n[[case]]\nname = \"a\"\n{key} = \"Hunter2-secret\"\n"
        );
        let e = refused(&text);
        let shown = e.to_string();
        assert_eq!(e.problems.len(), 1, "{shown}");
        assert_eq!(e.problems[0].line, 9);
        assert_eq!(e.problems[0].key, format!("case[1].{key}"));
        assert!(shown.contains("env:NAME"), "{shown}");
        assert!(
            !shown.contains("Hunter2"),
            "the literal secret is repeated: {shown}"
        );
    }
    // Prefix with nothing after it, or a prefix that is not one of the two.
    for value in ["env:", "keyring:", "file:/etc/pw", "ENV:X"] {
        let text = format!("[defaults]\npassword = \"{value}\"\n[[case]]\nname = \"a\"\n");
        let e = refused(&text);
        assert!(
            e.problems
                .iter()
                .any(|p| p.key == "defaults.password" && p.line == 2),
            "{value}: {e}"
        );
    }
    let ok = format!("{HEAD}username = \"keyring:b2c-user\"\npassword = \"env:B2C_PW\"\n[[case]]\nname = \"a\"\n");
    let f = parse(Path::new("x"), &ok).unwrap();
    assert_eq!(
        f.defaults.username,
        Some(CredentialRef::Keyring("b2c-user".into()))
    );
}

#[test]
fn unknown_drivers_and_actions_are_refused() {
    let (l, k, m) = one(&format!(
        "{HEAD}driver = \"selenium\"\n[[case]]\nname = \"a\"\n"
    ));
    assert_eq!((l, k.as_str()), (4, "defaults.driver"));
    assert!(
        m.contains("\"selenium\"") && m.contains("\"b2c-pages\""),
        "{m}"
    );
    let (l, k, m) = one(&format!(
        "{HEAD}driver = \"b2c-pages\"\nusername = \"env:U\"\npassword = \"env:P\"\n[[case]]\nname = \"a\"\naction = \"sign-up\"\n"
    ));
    assert_eq!((l, k.as_str()), (9, "case[1].action"));
    assert!(m.contains("unknown action \"sign-up\""), "{m}");
    // An action other than sign-in needs the page driver.
    let (l, k, m) = one(&format!(
        "{HEAD}[[case]]\nname = \"a\"\naction = \"forgot-password\"\n"
    ));
    assert_eq!((l, k.as_str()), (6, "case[1].action"));
    assert!(m.contains("needs driver \"b2c-pages\""), "{m}");
}

#[test]
fn bad_regexes_durations_and_error_codes_are_refused() {
    let (l, k, m) = one(&format!(
        "{HEAD}[[case]]\nname = \"a\"\n[case.expect]\nclaims.idp = {{ matches = \"(itsme\" }}\n"
    ));
    assert_eq!((l, k.as_str()), (7, "case[1].expect.claims.idp.matches"));
    assert!(m.starts_with("not a valid regular expression"), "{m}");
    for bad in ["\"5 minutes\"", "\"m5\"", "\"\"", "-3", "true"] {
        let e = refused(&format!(
            "{HEAD}[[case]]\nname = \"a\"\n[case.expect]\nid_token_lifetime = {bad}\n"
        ));
        assert!(
            e.problems
                .iter()
                .any(|p| p.key == "case[1].expect.id_token_lifetime" && p.line == 7),
            "{bad}: {e}"
        );
    }
    let (_, k, m) = one(&format!(
        "{HEAD}[[case]]\nname = \"a\"\n[case.expect]\nerror = \"forgot it\"\n"
    ));
    assert_eq!(k, "case[1].expect.error");
    assert!(m.contains("not an error code"), "{m}");
    let (_, k, m) = one(&format!(
        "{HEAD}[[case]]\nname = \"a\"\n[case.expect]\nerror = \"AADB2C90118\"\nrefresh = true\n"
    ));
    assert_eq!(k, "case[1].expect.error");
    assert!(m.contains("cannot also expect"), "{m}");
}

#[test]
fn a_file_without_cases_or_profile_or_names_is_refused() {
    let (l, _, m) = one(HEAD);
    assert_eq!(l, 1);
    assert!(m.contains("no [[case]]"), "{m}");
    let (l, k, m) = one("[[case]]\nname = \"a\"\n");
    assert_eq!((l, k.as_str()), (1, "case[1]"));
    assert!(m.contains("no profile"), "{m}");
    let (l, k, _) = one(&format!("{HEAD}[[case]]\npolicy = \"B2C_1_x\"\n"));
    assert_eq!((l, k.as_str()), (4, "case[1].name"));
    let (l, k, m) = one(&format!(
        "{HEAD}[[case]]\nname = \"a\"\n[[case]]\nname = \"a\"\n"
    ));
    assert_eq!((l, k.as_str()), (6, "case[2].name"));
    assert!(m.contains("already named"), "{m}");
    let e = refused(&format!(
        "{HEAD}driver = \"ropc\"\n[[case]]\nname = \"a\"\n"
    ));
    let keys: Vec<(usize, &str)> = e
        .problems
        .iter()
        .map(|p| (p.line, p.key.as_str()))
        .collect();
    assert_eq!(
        keys,
        [(5, "case[1].username"), (5, "case[1].password")],
        "{e}"
    );
    assert!(e.problems[0].message.contains("env:NAME"), "{e}");
}

#[test]
fn toml_syntax_errors_name_the_line() {
    let e = refused(&format!("{HEAD}[[case]]\nname = \"a\nx = 1\n"));
    assert_eq!(e.problems.len(), 1);
    assert_eq!(e.problems[0].line, 5, "{e}");
    assert!(e.problems[0].message.starts_with("not valid TOML"), "{e}");
}

#[test]
fn every_problem_of_a_file_is_reported_at_once_in_line_order() {
    let e = refused(&format!(
        "{HEAD}driver = \"x\"\n[[case]]\nname = \"a\"\npassword = \"pw\"\n[case.expect]\nchecks = \"most\"\n"
    ));
    let lines: Vec<usize> = e.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [4, 7, 9], "{e}");
}

#[test]
fn cases_override_defaults_and_selectors_and_scopes_are_read() {
    let f = parse(
        Path::new("x"),
        &format!(
            "{HEAD}scope = \"offline_access  api://x/read\"\ndriver = \"ropc\"\nusername = \"env:U\"\npassword = \"env:P\"\n\
             [[case]]\nname = \"a\"\n\
             [[case]]\nname = \"b\"\ndriver = \"b2c-pages\"\naction = \"cancel\"\nscope = [\"openid\", \"x\"]\n\
             [case.selectors]\ncancel = \"button.cancel\"\ncontinue = \"#go\"\n"
        ),
    )
    .unwrap();
    assert_eq!(f.cases[0].settings.driver(), Driver::Ropc);
    assert_eq!(
        f.cases[0].settings.scope.as_deref(),
        Some(&["offline_access".to_owned(), "api://x/read".to_owned()][..])
    );
    let b = &f.cases[1];
    assert_eq!(b.settings.driver(), Driver::B2cPages);
    assert_eq!(b.selectors.cancel, "button.cancel");
    assert_eq!(b.selectors.continue_button, "#go");
    assert_eq!(b.selectors.next, "#next");
    // Cancel expects B2C's user-cancelled code unless told otherwise.
    assert_eq!(b.expect.error.as_deref(), Some("AADB2C90091"));
    assert_eq!(b.settings.username, Some(CredentialRef::Env("U".into())));
}
