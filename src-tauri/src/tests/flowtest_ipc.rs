//! The Tests view's commands through IPC on the mock runtime: a refused file comes back as one
//! `test_file` error naming every problem; a file's cases are listed; a run against the test
//! provider (tests/idp, ROPC: no browser) returns each case's report, and no token.

use super::support::{invoke, window};
use serde_json::json;
use tokenscope_core::testkit::idp;

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tokenscope-flowtest-ipc-{}",
        tokenscope_core::pkce::random_token()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn a_refused_file_names_every_problem_and_runs_nothing() {
    let (_app, w) = window();
    let path = write(
        "bad.tokenscope.toml",
        "[defaults]\nauthority = \"contoso/B2C_1_susi\"\nclient_id = \"c\"\npassword = \"hunter2\"\n[[case]]\nname = \"a\"\ndriver = \"selenium\"\n",
    );
    let p = path.to_str().unwrap();
    for (cmd, args) in [
        ("read_test_file", json!({"path": p})),
        ("run_test_file", json!({"path": p, "only": [], "jobs": 1})),
    ] {
        let e = invoke(&w, cmd, args).unwrap_err();
        assert_eq!(e["kind"], "test_file", "{e}");
        let message = e["message"].as_str().unwrap();
        assert!(message.contains(&format!("{p}:4: defaults.password:")), "{message}");
        assert!(message.contains(&format!("{p}:7: case[1].driver: unknown driver")), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }
}

#[test]
fn a_file_is_listed_and_run_case_by_case_without_tokens() {
    std::env::set_var("FLOWTEST_IPC_USER", "tester");
    std::env::set_var("FLOWTEST_IPC_PASSWORD", "Tokenscope-Test-Passw0rd");
    let idp = idp::shared();
    let (_app, w) = window();
    let path = write(
        "ropc.tokenscope.toml",
        &format!(
            "[defaults]\nauthority = \"{}\"\nclient_id = \"{}\"\ndriver = \"ropc\"\n\
             username = \"env:FLOWTEST_IPC_USER\"\npassword = \"env:FLOWTEST_IPC_PASSWORD\"\n\
             [[case]]\nname = \"passes\"\n[case.expect]\nclaims.tfp = \"B2C_1_ROPC_Auth\"\nrefresh = true\n\
             [[case]]\nname = \"fails\"\n[case.expect]\nclaims.tfp = \"B2C_1_susi\"\n",
            idp.metadata_url("B2C_1_ROPC_Auth"),
            idp.client_id()
        ),
    );
    let p = path.to_str().unwrap();
    let file = invoke(&w, "read_test_file", json!({"path": p})).unwrap();
    assert_eq!(file["cases"][0]["name"], "passes");
    assert_eq!(file["cases"][0]["driver"], "ropc");
    assert_eq!(file["cases"][1]["line"], 13);
    let reports = invoke(&w, "run_test_file", json!({"path": p, "only": [], "jobs": 2})).unwrap();
    assert_eq!(reports[0]["ok"], true, "{reports}");
    assert_eq!(reports[1]["ok"], false, "{reports}");
    assert_eq!(
        reports[1]["failures"][0],
        json!({"expectation": "claims.tfp", "expected": "\"B2C_1_susi\"", "actual": "\"B2C_1_ROPC_Auth\""})
    );
    assert!(!reports.to_string().contains("eyJ"), "a token reached the UI: {reports}");
    let one = invoke(&w, "run_test_file", json!({"path": p, "only": ["fails"], "jobs": 1})).unwrap();
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0]["name"], "fails");
}
