//! Shell tests: the generated TypeScript is current, the capability grants exactly the app's
//! commands, and the commands answer through Tauri's IPC on the mock runtime.

use crate::{bindings, command_names};
use std::path::PathBuf;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn bindings_ts_is_generated_from_the_rust_types() {
    let path = repo().join(bindings::PATH);
    let want = bindings::render();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &want).expect("write bindings");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{} is out of date with the Rust types: run \
         `UPDATE_BINDINGS=1 cargo test -p tokenscope-desktop bindings`",
        bindings::PATH
    );
}

#[test]
fn the_window_is_granted_exactly_the_apps_commands() {
    let text = std::fs::read_to_string(repo().join("src-tauri/capabilities/main.json")).unwrap();
    let cap: serde_json::Value = serde_json::from_str(&text).unwrap();
    let granted: Vec<String> = cap["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p.as_str())
        .filter_map(|p| p.strip_prefix("allow-"))
        .map(str::to_owned)
        .collect();
    let mut want: Vec<String> = command_names::ALL
        .iter()
        .map(|c| c.replace('_', "-"))
        .collect();
    let mut got = granted.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
}

#[test]
fn the_csp_allows_no_remote_origin() {
    let text = std::fs::read_to_string(repo().join("src-tauri/tauri.conf.json")).unwrap();
    let conf: serde_json::Value = serde_json::from_str(&text).unwrap();
    let csp = conf["app"]["security"]["csp"].as_str().unwrap();
    assert!(csp.starts_with("default-src 'self'"), "{csp}");
    for directive in csp.split(';') {
        for source in directive.split_whitespace().skip(1) {
            let allowed = ["'self'", "'none'", "ipc:", "http://ipc.localhost", "data:"];
            assert!(
                allowed.contains(&source),
                "remote or unsafe source {source} in {csp}"
            );
        }
    }
}

mod api;
mod app_token_ipc;
mod b2c_ipc;
mod device_ipc;
mod discovery;
mod dpop_ipc;
mod endpoints_ipc;
mod flowtest_ipc;
mod ipc;
mod refresh_binding;
mod request;
mod support;
mod wire;

#[test]
fn debug_output_of_ipc_options_hides_tokens_and_private_keys() {
    use crate::views::{InspectorOptions, SignInExtras};
    let extras = SignInExtras {
        clean: true,
        id_token_hint: Some("eyJhbGciOiJSUzI1NiJ9.secret-hint.sig".into()),
        no_browser: false,
    };
    let shown = format!("{extras:?}");
    assert!(!shown.contains("secret-hint"), "{shown}");
    assert!(
        shown.contains("clean: true") && shown.contains("(hidden)"),
        "{shown}"
    );
    let options = InspectorOptions {
        decryption_key: Some("-----BEGIN PRIVATE KEY-----\nprivate-bits".into()),
        ..Default::default()
    };
    let shown = format!("{options:?}");
    assert!(!shown.contains("private-bits"), "{shown}");
    assert!(shown.contains("(hidden)"), "{shown}");
}

/// `crate::x` paths outside comments and test modules, per module file of the shell.
fn shell_imports() -> std::collections::BTreeMap<String, Vec<String>> {
    let src = repo().join("src-tauri/src");
    let mut graph = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(&src).expect("src-tauri/src") {
        let path = entry.expect("entry").path();
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_none_or(|e| e != "rs") || name == "tests" {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("source");
        let code: String = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or("")
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        let mut targets: Vec<String> = code
            .split("crate::")
            .skip(1)
            .filter_map(|rest| {
                let end = rest
                    .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))?;
                Some(rest[..end].to_owned())
            })
            .filter(|t| !t.is_empty() && t != name)
            .collect();
        targets.sort();
        targets.dedup();
        graph.insert(name.to_owned(), targets);
    }
    graph
}

#[test]
fn no_module_of_the_shell_imports_itself_through_others() {
    let graph = shell_imports();
    assert!(graph.len() > 8, "too few modules read: {graph:?}");
    // Depth-first: a module met again while still on the path closes a circle.
    fn visit<'a>(
        node: &'a str,
        graph: &'a std::collections::BTreeMap<String, Vec<String>>,
        path: &mut Vec<&'a str>,
        done: &mut std::collections::BTreeSet<&'a str>,
    ) {
        assert!(!path.contains(&node), "import circle: {path:?} -> {node}");
        if !done.insert(node) {
            return;
        }
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done);
        }
        path.pop();
    }
    let mut done = std::collections::BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done);
    }
}
