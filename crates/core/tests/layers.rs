//! The engine's rooms do not import each other in a circle. `src/` is read as text; every
//! `crate::a::b::…` path outside comments and test modules is an edge from the file it is in to the
//! module file it names. Two graphs must be acyclic:
//!
//! - the rooms: each top-level folder (`engine`, `oidc`, `validate`, …) is one node. The files at
//!   the root (`error`, `secret`, `clock`, `http`) are the vocabulary every room shares; `error`
//!   names the error types of three leaf modules (`jose::jwt`, `oidc::provider_error`,
//!   `store::vault`), so a file a root file imports is its own node, apart from its room;
//! - the modules: each file is one node (this is where `engine` ↔ `history` would show).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, relative to `src/`, with `/` separators.
fn files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("read src dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).expect("under src");
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The code of a file without comments and without its `#[cfg(test)] mod tests`.
fn code(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]")
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The module paths (`["oidc", "authority", "Authority"]`, …) named after `crate::`.
fn crate_paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue; // `tokenscope_core::`, `foo_crate::` or `x::crate::`, not ours
        }
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .unwrap_or(rest.len());
        let segments: Vec<String> = rest[..end]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        out.push(segments);
    }
    out
}

/// The file of the longest module prefix of `path`.
fn resolve(all: &BTreeSet<String>, path: &[String]) -> Option<String> {
    (1..=path.len()).rev().find_map(|n| {
        let joined = path[..n].join("/");
        [format!("{joined}.rs"), format!("{joined}/mod.rs")]
            .into_iter()
            .find(|f| all.contains(f))
    })
}

/// `file → files it imports`; test files, `testkit.rs` (test support) and `lib.rs` left out.
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let root = src();
    let mut list = Vec::new();
    files(&root, &root, &mut list);
    let all: BTreeSet<String> = list.iter().cloned().collect();
    let mut graph = BTreeMap::new();
    for file in &list {
        if file == "lib.rs" || file == "testkit.rs" || file.ends_with("/tests.rs") {
            continue;
        }
        let text = fs::read_to_string(root.join(file)).expect("read source");
        let targets = crate_paths(&code(&text))
            .iter()
            .filter_map(|p| resolve(&all, p))
            .filter(|t| t != file && t != "lib.rs" && t != "testkit.rs")
            .collect();
        graph.insert(file.clone(), targets);
    }
    graph
}

/// A cycle of `graph`, if there is one.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(2) => return None,
            Some(1) => {
                let at = stack.iter().position(|n| n == node).unwrap_or(0);
                let mut found = stack[at..].to_vec();
                found.push(node.to_owned());
                return Some(found);
            }
            _ => {}
        }
        state.insert(node.to_owned(), 1);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, state, stack) {
                return Some(found);
            }
        }
        stack.pop();
        state.insert(node.to_owned(), 2);
        None
    }
    let mut state = BTreeMap::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut state, &mut Vec::new()))
}

fn is_root(file: &str) -> bool {
    !file.contains('/')
}

/// The room graph: a file's node is its top-level folder, or the file itself when it is at the
/// root or a root file imports it.
fn rooms(files: &BTreeMap<String, BTreeSet<String>>) -> BTreeMap<String, BTreeSet<String>> {
    let apart: BTreeSet<&String> = files
        .iter()
        .filter(|(f, _)| is_root(f))
        .flat_map(|(_, targets)| targets)
        .filter(|t| !is_root(t))
        .collect();
    let node = |f: &String| -> String {
        if is_root(f) || apart.contains(f) {
            f.trim_end_matches(".rs").to_owned()
        } else {
            f.split('/').next().unwrap_or(f).to_owned()
        }
    };
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (file, targets) in files {
        let from = node(file);
        let entry = graph.entry(from.clone()).or_default();
        entry.extend(targets.iter().map(&node).filter(|t| *t != from));
    }
    graph
}

#[test]
fn the_rooms_of_the_engine_import_each_other_in_one_direction() {
    let graph = rooms(&imports());
    for room in [
        "b2c", "engine", "inspect", "jose", "loopback", "oidc", "store", "validate",
    ] {
        assert!(graph.contains_key(room), "room `{room}` missing: {graph:?}");
    }
    assert_eq!(cycle(&graph), None, "rooms in a circle; graph: {graph:#?}");
}

#[test]
fn each_room_opens_with_its_purpose() {
    let root = src();
    let rooms = fs::read_dir(&root)
        .expect("src")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir());
    for room in rooms {
        let text = fs::read_to_string(room.join("mod.rs")).unwrap_or_default();
        assert!(
            text.starts_with("//! "),
            "{}/mod.rs must open with a `//!` line saying what the room is for",
            room.display()
        );
    }
}

#[test]
fn no_module_of_the_engine_imports_itself_through_others() {
    let graph = imports();
    assert!(graph.len() > 40, "too few files read: {}", graph.len());
    assert_eq!(cycle(&graph), None, "modules in a circle");
}

#[test]
fn the_shared_root_files_import_only_leaves_of_the_rooms() {
    // `error` may name a room's error type only if that file does not need the root back.
    let graph = imports();
    for (file, targets) in graph.iter().filter(|(f, _)| is_root(f)) {
        for target in targets.iter().filter(|t| !is_root(t)) {
            let back: Vec<_> = graph[target].iter().filter(|t| is_root(t)).collect();
            assert!(
                back.iter().all(|b| *b == "secret.rs"),
                "{file} imports {target}, which imports {back:?}"
            );
        }
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(
        cycle(&g),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    if let Some(c) = g.get_mut("c") {
        c.clear();
    }
    assert_eq!(cycle(&g), None);
    assert_eq!(
        crate_paths("use crate::oidc::authority::Authority; x::crate::no; foo_crate::no"),
        vec![vec!["oidc", "authority", "Authority"]]
    );
}
