//! An empty Tauri 2 window: the baseline the app's start-up and memory are compared with. Its
//! page shows a one-item list and sets the same first-screen mark as the app's UI; the same
//! probe as the app's (src-tauri/src/bench.rs) reports it.

#[path = "../../../src-tauri/src/bench.rs"]
mod bench;

fn main() {
    let mut builder = tauri::Builder::default();
    if let Some(probe) = bench::plugin() {
        builder = builder.plugin(probe);
    }
    if let Err(e) = builder.run(tauri::generate_context!()) {
        eprintln!("the empty window stopped: {e}");
        std::process::exit(1);
    }
}
