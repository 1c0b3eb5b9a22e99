//! The loopback listener under a flood of idle connections, in a process limited to 256 file
//! descriptors (`prlimit --nofile=256`, as a user's shell may be): 300 connections that never
//! send a byte must neither make it spin on failed `accept` calls (EMFILE) nor keep the real
//! redirect waiting. The listener runs in a child process (this test binary again, running the
//! ignored `flood_server` test under `prlimit`), so the limit and the CPU time are its own.
//! `scripts/listener-flood.sh` runs it and prints the figures.

#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokenscope_core::loopback::{Expected, LoopbackListener};
use tokenscope_core::oidc::redirect::RedirectConfig;
use tokio_util::sync::CancellationToken;

const CHILD: &str = "TOKENSCOPE_FLOOD_SERVER";
const IDLE_CONNECTIONS: usize = 300;
const STATE: &str = "s-flood";

/// The server half: the real listener, on one thread as in the command line, until the
/// redirect comes. Run only by the test below (it sets the variable).
#[test]
#[ignore = "the server half of a_flood_of_idle_connections_..., run by it under prlimit"]
fn flood_server() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = RedirectConfig::parse("http://127.0.0.1").unwrap();
        let listener = LoopbackListener::bind(&config).await.unwrap();
        println!("PORT {}", listener.port());
        let expected = Expected {
            state: STATE.into(),
            iss: None,
        };
        let got = listener
            .wait(expected, Duration::from_secs(60), CancellationToken::new())
            .await;
        println!("RESULT {}", if got.is_ok() { "code" } else { "error" });
    });
}

/// The child's CPU time so far (user + system), from /proc (USER_HZ is 100 on Linux).
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may hold spaces) start at the state, field 3.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

#[test]
fn a_flood_of_idle_connections_neither_spins_nor_delays_the_redirect() {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new("prlimit")
        .arg("--nofile=256:256")
        .arg("--")
        .arg(&exe)
        .args(["flood_server", "--exact", "--ignored", "--nocapture"])
        .env(CHILD, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("prlimit (util-linux) runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let port: u16 = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("PORT ").map(|p| p.parse().unwrap()))
        .expect("the server says its port");

    // 300 connections that send nothing (more than the server may hold open).
    let idle: Vec<TcpStream> = (0..IDLE_CONNECTIONS)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let window = Duration::from_secs(2);
    let before = cpu_time(child.id());
    std::thread::sleep(window);
    let used = cpu_time(child.id()) - before;
    let cpu = used.as_secs_f64() / window.as_secs_f64() * 100.0;

    // The real redirect, while the idle connections are still held.
    let started = Instant::now();
    let mut real = TcpStream::connect(("127.0.0.1", port)).unwrap();
    real.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        real,
        "GET /?code=c-flood&state={STATE} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    let _ = real.read_to_string(&mut answer);
    let latency = started.elapsed();
    let result = lines
        .map_while(Result::ok)
        .find(|l| l.starts_with("RESULT "));
    drop(idle);
    let _ = child.kill();
    let _ = child.wait();

    eprintln!(
        "listener flood: {IDLE_CONNECTIONS} idle connections, nofile 256: CPU {cpu:.1}% over \
         {} s, real redirect answered in {} ms",
        window.as_secs(),
        latency.as_millis()
    );
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "the real redirect was not answered: {answer:?} after {latency:?}"
    );
    assert_eq!(result.as_deref(), Some("RESULT code"));
    assert!(
        latency < Duration::from_secs(2),
        "the real redirect took {latency:?}"
    );
    assert!(cpu < 10.0, "the listener used {cpu:.1}% CPU while flooded");
}
