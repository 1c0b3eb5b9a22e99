//! The vault against a real Secret Service (gnome-keyring in a private D-Bus session).
//!
//! These tests are ignored by a plain `cargo test`; run them with
//!
//! ```text
//! scripts/with-keyring.sh cargo test -p tokenscope-core --test vault_keyring -- --include-ignored
//! ```
//!
//! `secret-tool` (libsecret-tools) is used as an independent witness that items really are
//! in the Secret Service and not in memory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokenscope_core::secret::Secret;
use tokenscope_core::store::vault::{Vault, VaultError, VaultLocation};

const SERVICE: &str = "tokenscope-test";

/// Every test starts here: refuse to run outside the harness.
fn require_keyring() {
    if std::env::var_os("TOKENSCOPE_KEYRING").is_none() {
        panic!(
            "TOKENSCOPE_KEYRING is not set: run through scripts/with-keyring.sh \
             (scripts/with-keyring.sh cargo test -p tokenscope-core --test vault_keyring -- \
             --include-ignored)"
        );
    }
}

/// An account name no other test (or earlier run) uses.
fn account(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{test}-{}-{nanos}", std::process::id())
}

fn open() -> Vault {
    let vault = Vault::open(SERVICE);
    assert_eq!(
        vault.location(),
        VaultLocation::Keyring,
        "the harness keyring was not used"
    );
    vault
}

/// `secret-tool lookup service tokenscope-test username <user>`: `Some(secret)` if the Secret
/// Service has the item, `None` if lookup exits non-zero.
fn lookup(user: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", SERVICE, "username", user])
        .stdin(Stdio::null())
        .output()
        .expect("secret-tool (libsecret-tools) is needed");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-keyring.sh"]
fn open_reports_the_keyring_location() {
    require_keyring();
    let vault = Vault::open(SERVICE);
    assert_eq!(vault.location(), VaultLocation::Keyring);
    let json = serde_json::to_string(&vault.location()).expect("json");
    assert_eq!(json, r#"{"kind":"keyring"}"#);
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-keyring.sh"]
fn store_puts_the_envelope_in_the_secret_service() {
    require_keyring();
    let vault = open();
    let acct = account("store");
    assert_eq!(lookup(&acct), None);
    vault
        .store(&acct, &Secret::new("rt-in-secret-service"))
        .expect("store");

    let raw = lookup(&acct).expect("secret-tool finds the item");
    let envelope: serde_json::Value = serde_json::from_str(&raw).expect("a JSON envelope");
    assert_eq!(envelope["v"], 1);
    assert_eq!(envelope["value"], "rt-in-secret-service");
    let stored_at = envelope["stored_at"].as_i64().expect("unix seconds");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs() as i64;
    assert!(
        (now - stored_at).abs() <= 5,
        "stored_at {stored_at}, now {now}"
    );

    // A second, independent vault (as after a restart) reads it back.
    let again = Vault::open(SERVICE);
    let got = again.load(&acct).expect("load").expect("present");
    assert_eq!(got.secret.expose(), "rt-in-secret-service");
    assert_eq!(got.stored_at.timestamp(), stored_at);
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-keyring.sh"]
fn load_roundtrip_and_absent() {
    require_keyring();
    let vault = open();
    let acct = account("roundtrip");
    assert!(vault.load(&acct).expect("load absent").is_none());
    let value = "eyJraWQiOiJjcGltY29yZV8wOTI1MjAxNSIsInZlciI6IjEuMCIsInppcCI6IkRlZmxhdGUifQ.é€😀";
    vault.store(&acct, &Secret::new(value)).expect("store");
    let got = vault.load(&acct).expect("load").expect("present");
    assert_eq!(got.secret.expose(), value);
    assert!(!format!("{got:?}").contains("eyJ"), "Debug must redact");
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-keyring.sh"]
fn overwrite_rotates_the_value_and_moves_stored_at() {
    require_keyring();
    let vault = open();
    let acct = account("rotate");
    vault
        .store(&acct, &Secret::new("first-refresh-token"))
        .expect("store");
    let first = vault.load(&acct).expect("load").expect("present");
    std::thread::sleep(Duration::from_millis(1100));
    vault
        .store(&acct, &Secret::new("second-refresh-token"))
        .expect("store again");
    let second = vault.load(&acct).expect("load").expect("present");
    assert_eq!(second.secret.expose(), "second-refresh-token");
    assert!(
        second.stored_at > first.stored_at,
        "{first:?} then {second:?}"
    );
    let raw = lookup(&acct).expect("present in the Secret Service");
    assert!(raw.contains("second-refresh-token") && !raw.contains("first-refresh-token"));
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-keyring.sh"]
fn long_value_is_chunked_and_reassembled() {
    require_keyring();
    let vault = open();
    let acct = account("chunked");
    let long: String = (0..5000)
        .map(|i| char::from(b'A' + (i % 26) as u8))
        .collect();
    vault
        .store(&acct, &Secret::new(long.clone()))
        .expect("store");

    let marker: serde_json::Value =
        serde_json::from_str(&lookup(&acct).expect("marker present")).expect("marker JSON");
    assert_eq!(marker["v"], 1);
    let chunks = marker["chunks"].as_u64().expect("chunk count");
    assert!(
        chunks >= 5,
        "5000 chars need at least 5 chunks, got {chunks}"
    );
    assert!(marker.get("value").is_none());
    for i in 1..=chunks {
        let piece = lookup(&format!("{acct}#{i}")).unwrap_or_else(|| panic!("chunk #{i}"));
        assert!(piece.len() <= 1200, "chunk #{i} is {} bytes", piece.len());
    }
    assert!(lookup(&format!("{acct}#2")).is_some());
    assert_eq!(lookup(&format!("{acct}#{}", chunks + 1)), None);

    let got = vault.load(&acct).expect("load").expect("present");
    assert_eq!(got.secret.expose(), long);

    // A shorter value replaces it and leaves no chunk behind.
    vault
        .store(&acct, &Secret::new("short-again"))
        .expect("store short");
    assert_eq!(
        vault
            .load(&acct)
            .expect("load")
            .expect("present")
            .secret
            .expose(),
        "short-again"
    );
    for i in 1..=chunks {
        assert_eq!(
            lookup(&format!("{acct}#{i}")),
            None,
            "chunk #{i} left behind"
        );
    }
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-keyring.sh"]
fn delete_removes_every_chunk() {
    require_keyring();
    let vault = open();
    let acct = account("delete");
    vault
        .store(&acct, &Secret::new("d".repeat(5000)))
        .expect("store");
    assert!(lookup(&format!("{acct}#1")).is_some());
    assert!(vault.delete(&acct).expect("delete"));
    assert_eq!(lookup(&acct), None);
    for i in 1..=6 {
        assert_eq!(
            lookup(&format!("{acct}#{i}")),
            None,
            "chunk #{i} left behind"
        );
    }
    assert!(vault.load(&acct).expect("load").is_none());
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-keyring.sh"]
fn delete_of_absent_returns_false() {
    require_keyring();
    let vault = open();
    let acct = account("absent");
    assert!(!vault.delete(&acct).expect("delete absent"));
    vault.store(&acct, &Secret::new("x")).expect("store");
    assert!(vault.delete(&acct).expect("delete"));
    assert!(!vault.delete(&acct).expect("delete twice"));
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-keyring.sh"]
fn foreign_item_is_corrupt_and_delete_clears_it() {
    require_keyring();
    let vault = open();
    let acct = account("foreign");
    let mut child = Command::new("secret-tool")
        .args([
            "store",
            "--label=foreign",
            "service",
            SERVICE,
            "username",
            &acct,
        ])
        .stdin(Stdio::piped())
        .spawn()
        .expect("secret-tool store");
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(b"not-a-tokenscope-envelope")
            .expect("write");
    }
    assert!(child.wait().expect("wait").success());
    match vault.load(&acct) {
        Err(VaultError::Corrupt(msg)) => {
            assert!(!msg.contains("not-a-tokenscope-envelope"), "{msg}")
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert!(vault.delete(&acct).expect("delete"));
    assert_eq!(lookup(&acct), None);
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-keyring.sh"]
fn clones_work_from_several_threads() {
    require_keyring();
    let vault = open();
    let base = account("threads");
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let vault = vault.clone();
            let acct = format!("{base}-{t}");
            std::thread::spawn(move || {
                let value = format!("{t}").repeat(1500 + t * 500);
                vault
                    .store(&acct, &Secret::new(value.clone()))
                    .expect("store");
                let got = vault.load(&acct).expect("load").expect("present");
                assert_eq!(got.secret.expose(), value);
                assert!(vault.delete(&acct).expect("delete"));
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("thread");
    }
}

// --- Fallback: no Secret Service -------------------------------------------------------
//
// The keyring crate starts its store once per process, so each case runs this test binary
// again as a child process whose only test is `fallback_child_reports_location`.

const CHILD_FLAG: &str = "TOKENSCOPE_VAULT_CHILD";
const LOCATION_PREFIX: &str = "VAULT_LOCATION=";

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-keyring.sh"]
fn fallback_child_reports_location() {
    require_keyring();
    if std::env::var_os(CHILD_FLAG).is_none() {
        return; // only meaningful as a child of the test below
    }
    let vault = Vault::open(SERVICE);
    // The session-only vault still works, in memory.
    vault
        .store("child", &Secret::new("v".repeat(3000)))
        .expect("store");
    let got = vault.load("child").expect("load").expect("present");
    assert_eq!(got.secret.len(), 3000);
    assert!(vault.delete("child").expect("delete"));
    let json = serde_json::to_string(&vault.location()).expect("json");
    println!("{LOCATION_PREFIX}{json}");
}

fn child_location(mut command: Command) -> VaultLocation {
    let exe = std::env::current_exe().expect("test binary path");
    let Output {
        status,
        stdout,
        stderr,
    } = command
        .arg(exe)
        .args([
            "--exact",
            "fallback_child_reports_location",
            "--include-ignored",
        ])
        .args(["--nocapture", "--test-threads=1"])
        .env(CHILD_FLAG, "1")
        .stdin(Stdio::null())
        .output()
        .expect("start the child test process");
    let stdout = String::from_utf8_lossy(&stdout);
    assert!(
        status.success(),
        "child failed: {status}\n{stdout}\n{}",
        String::from_utf8_lossy(&stderr)
    );
    let line = stdout
        .lines()
        .find_map(|l| l.split_once(LOCATION_PREFIX).map(|(_, json)| json))
        .unwrap_or_else(|| panic!("no location printed by the child:\n{stdout}"));
    serde_json::from_str(line).expect("location JSON")
}

/// A session bus that knows no services at all, so org.freedesktop.secrets cannot be
/// auto-started (the system config would start gnome-keyring on demand).
fn bare_bus_config(dir: &Path) -> PathBuf {
    let config = dir.join("session.conf");
    let text = format!(
        r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
        dir.display()
    );
    std::fs::write(&config, text).expect("write bus config");
    config
}

#[test]
#[ignore = "needs a Secret Service: run through scripts/with-keyring.sh"]
fn without_a_secret_service_open_falls_back_to_session_only() {
    require_keyring();

    // 1. A D-Bus session without any Secret Service.
    let dir = std::env::temp_dir().join(account("tokenscope-bare-bus"));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = bare_bus_config(&dir);
    let mut command = Command::new("dbus-run-session");
    command
        .arg(format!("--config-file={}", config.display()))
        .arg("--");
    let location = child_location(command);
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("no Secret Service: {location:?}");
    let VaultLocation::SessionOnly { reason } = location else {
        panic!("expected SessionOnly without a Secret Service, got {location:?}");
    };
    assert!(reason.contains("Secret Service"), "{reason}");
    assert!(reason.contains("org.freedesktop.secrets"), "{reason}");
    assert!(reason.contains("for this session only"), "{reason}");

    // 2. No session bus at all.
    let mut command = Command::new("env");
    command.arg("DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent");
    let location = child_location(command);
    eprintln!("no session bus: {location:?}");
    let VaultLocation::SessionOnly { reason } = location else {
        panic!("expected SessionOnly without a session bus, got {location:?}");
    };
    assert!(reason.contains("D-Bus session bus"), "{reason}");
    assert!(reason.contains("for this session only"), "{reason}");
}
