//! The Tests view's commands through IPC on the mock runtime: a refused file comes back as one
//! `test_file` error naming every problem; a file's cases are listed; a run against the test
//! provider (tests/idp, ROPC: no browser) returns each case's report, and no token; the
//! sign-in behind a case is kept for the result view; a case saved from a sign-in runs.

use super::support::{invoke, profile_json, save_profile, window};
use serde_json::json;
use tokenscope_core::testkit::idp;

fn write(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tokenscope-flowtest-ipc-{}",
        tokenscope_core::oidc::pkce::random_token()
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
        assert!(
            message.contains(&format!("{p}:4: defaults.password:")),
            "{message}"
        );
        assert!(
            message.contains(&format!("{p}:7: case[1].driver: unknown driver")),
            "{message}"
        );
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
    assert_eq!(file["cases"][1]["line"], 12);
    let reports = invoke(
        &w,
        "run_test_file",
        json!({"path": p, "only": [], "jobs": 2}),
    )
    .unwrap();
    assert_eq!(reports[0]["ok"], true, "{reports}");
    assert_eq!(reports[1]["ok"], false, "{reports}");
    assert_eq!(
        reports[1]["failures"][0],
        json!({"expectation": "claims.tfp", "expected": "\"B2C_1_susi\"", "actual": "\"B2C_1_ROPC_Auth\""})
    );
    assert!(
        !reports.to_string().contains("eyJ"),
        "a token reached the UI: {reports}"
    );
    let one = invoke(
        &w,
        "run_test_file",
        json!({"path": p, "only": ["fails"], "jobs": 1}),
    )
    .unwrap();
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0]["name"], "fails");
}

#[test]
fn a_saved_case_runs_and_its_sign_in_opens_in_the_result_view() {
    std::env::set_var("FLOWTEST_IPC_USER", "tester");
    std::env::set_var("FLOWTEST_IPC_PASSWORD", "Tokenscope-Test-Passw0rd");
    let idp = idp::shared();
    let (_app, w) = window();
    let mut profile = profile_json(
        "ropc",
        &idp.metadata_url("B2C_1_ROPC_Auth"),
        &["offline_access"],
    );
    profile["client_id"] = json!(idp.client_id());
    save_profile(&w, &profile, None).unwrap();
    let path = write(
        "saved.tokenscope.toml",
        "# ours\n[defaults]\ndriver = \"ropc\"\nusername = \"env:FLOWTEST_IPC_USER\"\n\
         password = \"env:FLOWTEST_IPC_PASSWORD\"\n",
    );
    let p = path.to_str().unwrap();
    let draft = |name: &str| {
        json!({"name": name, "profile": "ropc", "refresh": true, "claims": [
            ["tfp", {"pick": "equals", "value": "B2C_1_ROPC_Auth"}],
            ["sub", {"pick": "present"}],
            ["extension_Nope", {"pick": "absent"}],
        ]})
    };
    let file = invoke(
        &w,
        "save_test_case",
        json!({"path": p, "draft": draft("saved")}),
    )
    .unwrap();
    assert_eq!(file["cases"][0]["name"], "saved");
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .starts_with("# ours\n"));
    // A taken name, or a profile that is not saved, writes nothing.
    let before = std::fs::read(&path).unwrap();
    let e = invoke(
        &w,
        "save_test_case",
        json!({"path": p, "draft": draft("saved")}),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "test_file", "{e}");
    let mut ghost = draft("ghost");
    ghost["profile"] = json!("nobody");
    let e = invoke(&w, "save_test_case", json!({"path": p, "draft": ghost})).unwrap_err();
    assert_eq!(e["kind"], "profile", "{e}");
    assert_eq!(std::fs::read(&path).unwrap(), before);

    let e = invoke(&w, "test_case_sign_in", json!({"path": p, "name": "saved"})).unwrap_err();
    assert!(
        e["message"].as_str().unwrap().contains("run it first"),
        "{e}"
    );
    let reports = invoke(
        &w,
        "run_test_file",
        json!({"path": p, "only": [], "jobs": 1}),
    )
    .unwrap();
    assert_eq!(reports[0]["ok"], true, "{reports}");
    let view = invoke(&w, "test_case_sign_in", json!({"path": p, "name": "saved"})).unwrap();
    assert_eq!(
        view["id_token"]["payload"]["tfp"], "B2C_1_ROPC_Auth",
        "{view}"
    );
}
