//! The window measures: start-up, the token view's rendering and memory, each in a real window
//! (under the display the caller gives, Xvfb in scripts/bench.sh). The window reports its own
//! timings through the probe (src-tauri/src/bench.rs); this side starts it, reads the reports,
//! reads the memory of its process tree from /proc, and ends it.

use crate::{auto_profile, opt, temp_dir, write_json, Res};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokenscope_core::store::profile::{Profile, ProfileStore};
use tokenscope_core::testkit::idp::TestIdp;

/// `window --app BIN --scenario S --runs N --out FILE [--idle SECONDS] [--cycles N]`.
/// Scenarios: `startup`, `idle`, `signin`, `render:<TOKEN FILE>`, and `cycles`: `--cycles N`
/// (default 100) sign-ins and refreshes in one window, the memory read after the 1st, the
/// 10th and the last.
pub fn run(args: &[String]) -> Res<()> {
    let app = opt(args, "--app").ok_or("--app BIN is missing")?;
    let scenario = opt(args, "--scenario").unwrap_or("startup");
    let runs: usize = opt(args, "--runs")
        .and_then(|r| r.parse().ok())
        .unwrap_or(10);
    let idle: u64 = opt(args, "--idle")
        .and_then(|r| r.parse().ok())
        .unwrap_or(10);
    let out = Path::new(opt(args, "--out").ok_or("--out FILE is missing")?);
    let cycles: u32 = opt(args, "--cycles")
        .and_then(|r| r.parse().ok())
        .unwrap_or(100);
    let idp = (scenario == "signin" || scenario == "cycles").then(TestIdp::start);

    // --append: add to the samples already in FILE (the caller alternates app and baseline).
    let mut samples = match std::fs::read_to_string(out) {
        Ok(text) if args.iter().any(|a| a == "--append") => serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["samples"].as_array().cloned())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    let first = samples.len();
    for run in first..first + runs {
        let sample = once(app, scenario, run, idle, cycles, idp.as_ref())?;
        eprintln!("[bench] {app} {scenario} #{run}: {sample}");
        samples.push(sample);
    }
    write_json(
        out,
        &json!({ "app": app, "scenario": scenario, "samples": samples }),
    )
}

fn epoch_ms(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
        * 1000.0
}

/// One process: started, measured, ended.
fn once(
    app: &str,
    scenario: &str,
    run: usize,
    idle: u64,
    cycles: u32,
    idp: Option<&TestIdp>,
) -> Res<Value> {
    let dir = temp_dir("window")?;
    let config = dir.join("config");
    let store = ProfileStore::new(&config);
    // A profile list as a user has one: a few profiles (none signed in, nothing stored).
    for (name, authority) in [
        (
            "contoso (B2C)",
            "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/v2.0/.well-known/openid-configuration",
        ),
        ("keycloak", "https://login.example.org/realms/test"),
    ] {
        store
            .save(&Profile::new(name, authority, "client"))
            .map_err(|e| e.to_string())?;
    }
    let probe_scenario = match (scenario, idp) {
        ("signin", Some(idp)) => {
            // Its own name per run: no refresh token of an earlier run is found at start-up.
            let name = format!("bench-{run}");
            store
                .save(&auto_profile(idp, &name))
                .map_err(|e| e.to_string())?;
            format!("signin:{name}")
        }
        ("cycles", Some(idp)) => {
            let name = format!("bench-cycles-{run}");
            store
                .save(&auto_profile(idp, &name))
                .map_err(|e| e.to_string())?;
            format!("cycles:{name}:{cycles}")
        }
        ("idle", _) => "startup".to_owned(),
        (s, _) => s.to_owned(),
    };
    let report = dir.join("report.jsonl");
    let stderr = std::fs::File::create(dir.join("stderr.log")).map_err(|e| e.to_string())?;
    let t0 = SystemTime::now();
    let mut child = Command::new(app)
        .env("TOKENSCOPE_BENCH_REPORT", &report)
        .env("TOKENSCOPE_BENCH_SCENARIO", &probe_scenario)
        .env("TOKENSCOPE_CONFIG_DIR", &config)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("{app}: {e}"))?;
    let limit = Duration::from_secs(120 + 4 * u64::from(cycles) * u64::from(scenario == "cycles"));
    let result = measure(&mut child, &report, t0, scenario, idle, limit);
    let tree = descendants(child.id());
    let _ = child.kill();
    let _ = child.wait();
    // The WebKit processes end with the app; wait for them, so the next run starts quiet.
    let deadline = Instant::now() + Duration::from_secs(10);
    while tree
        .iter()
        .any(|p| Path::new(&format!("/proc/{p}")).exists())
    {
        if Instant::now() > deadline {
            for p in &tree {
                let _ = Command::new("kill").args(["-9", &p.to_string()]).status();
            }
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let log = std::fs::read_to_string(dir.join("stderr.log")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    result.map_err(|e| format!("{app} ({scenario}, run {run}): {e}\n{log}"))
}

fn measure(
    child: &mut Child,
    report: &Path,
    t0: SystemTime,
    scenario: &str,
    idle: u64,
    limit: Duration,
) -> Res<Value> {
    let t0 = epoch_ms(t0);
    let deadline = Instant::now() + limit;
    let mut sample = json!({});
    let mut renders = Vec::new();
    let mut checkpoints = Vec::new();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            return Err(format!("the app exited ({status})"));
        }
        if Instant::now() > deadline {
            return Err(format!("no report within {} s", limit.as_secs()));
        }
        let text = std::fs::read_to_string(report).unwrap_or_default();
        let events: Vec<Value> = text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        if let Some(e) = events.iter().find(|e| e["kind"] == "error") {
            return Err(format!(
                "the probe failed: {}\nthe window showed: {}",
                e["message"], e["body"]
            ));
        }
        // A checkpoint of the cycles: the window waits `settle_ms`; the memory is read halfway.
        if let Some(c) = events
            .iter()
            .filter(|e| e["kind"] == "checkpoint")
            .nth(checkpoints.len())
        {
            let settle = c["settle_ms"].as_u64().unwrap_or(2000);
            std::thread::sleep(Duration::from_millis(settle / 2));
            checkpoints.push(json!({
                "cycle": c["cycle"],
                "dom_nodes": c["dom_nodes"],
                "memory": tree_memory(child.id()),
            }));
            continue;
        }
        if events.iter().any(|e| e["kind"] == "done") {
            for e in &events {
                match e["kind"].as_str() {
                    Some("first-screen") => {
                        let mark = e["mark_epoch_ms"].as_f64().unwrap_or(f64::NAN);
                        let painted = e["painted_epoch_ms"].as_f64().unwrap_or(f64::NAN);
                        sample["first_screen_mark_ms"] = json!(mark - t0);
                        sample["first_screen_painted_ms"] = json!(painted - t0);
                        // The first screen's forced style and layout, and when it was forced.
                        for (from, to) in [
                            ("layout_ms", "first_screen_layout_ms"),
                            ("layout_at_ms", "first_screen_layout_at_ms"),
                        ] {
                            if e[from].is_number() {
                                sample[to] = e[from].clone();
                            }
                        }
                        for key in ["marks", "resources"] {
                            if e[key].is_array() {
                                sample[key] = e[key].clone();
                            }
                        }
                        // The phases before the mark, from process start: the page's navigation
                        // start, its scripts run (DOMContentLoaded, relative to navigation).
                        if let Some(origin) = e["origin_epoch_ms"].as_f64() {
                            sample["navigation_start_ms"] = json!(origin - t0);
                            if let Some(dcl) = e["dom_content_loaded_ms"].as_f64() {
                                sample["dom_content_loaded_ms"] = json!(origin + dcl - t0);
                            }
                        }
                    }
                    Some("render") => renders.push(e.clone()),
                    Some("signed-in") => sample["signed_in"] = e["ok"].clone(),
                    _ => {}
                }
            }
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    if !renders.is_empty() {
        sample["renders"] = Value::Array(renders);
    }
    if !checkpoints.is_empty() {
        sample["checkpoints"] = Value::Array(checkpoints);
    }
    if scenario == "signin" && sample["signed_in"] != json!(true) {
        return Err("the sign-in ended on the error view".into());
    }
    if scenario == "signin" || scenario == "idle" {
        std::thread::sleep(Duration::from_secs(idle));
        sample["memory"] = tree_memory(child.id());
    }
    Ok(sample)
}

/// Every process under `root` (not `root` itself), from /proc/*/stat.
fn descendants(root: u32) -> Vec<u32> {
    let mut children: HashMap<u32, Vec<u32>> = HashMap::new();
    if let Ok(dir) = std::fs::read_dir("/proc") {
        for entry in dir.flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if let Some(ppid) = ppid {
                children.entry(ppid).or_default().push(pid);
            }
        }
    }
    let mut out = Vec::new();
    let mut todo = vec![root];
    while let Some(p) = todo.pop() {
        for &c in children.get(&p).map(Vec::as_slice).unwrap_or(&[]) {
            out.push(c);
            todo.push(c);
        }
    }
    out
}

/// PSS of the app and all its processes (kB), from smaps_rollup, with each process's share.
fn tree_memory(root: u32) -> Value {
    let mut procs = Vec::new();
    let mut total = 0u64;
    for pid in std::iter::once(root).chain(descendants(root)) {
        let Ok(rollup) = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")) else {
            continue;
        };
        let field = |name: &str| -> u64 {
            rollup
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .unwrap_or_default()
            .trim()
            .to_owned();
        let pss = field("Pss:");
        total += pss;
        procs.push(json!({
            "pid": pid,
            "name": comm,
            "pss_kb": pss,
            "pss_anon_kb": field("Pss_Anon:"),
            "pss_file_kb": field("Pss_File:"),
            "pss_shmem_kb": field("Pss_Shmem:"),
            "rss_kb": field("Rss:"),
        }));
    }
    json!({ "pss_kb": total, "processes": procs })
}
