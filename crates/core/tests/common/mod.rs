//! Shared by the engine's tests against the real test provider (`tests/idp`): engines on the real
//! keyring or on a session-only vault, the sign-in options they use, what the keyring holds and
//! the pass assertion. Each test binary uses its own subset of these.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use tokenscope_core::clock::SystemClock;
use tokenscope_core::engine::outcome::Outcome;
use tokenscope_core::engine::{Engine, SignInOptions};
use tokenscope_core::http::{HttpLimits, ReqwestClient};
use tokenscope_core::store::profile::ProfileStore;
use tokenscope_core::store::vault::{Vault, VaultLocation};

/// Fails unless run through `scripts/with-keyring.sh`, which provides the keyring.
pub fn require_harness() {
    assert!(
        std::env::var_os("TOKENSCOPE_KEYRING").is_some(),
        "TOKENSCOPE_KEYRING is not set: run through scripts/with-keyring.sh (scripts/test.sh does)"
    );
}

/// A directory of its own under the system temp dir (not created yet), named `prefix-<random>`.
pub fn temp_dir(prefix: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "{prefix}-{}",
        tokenscope_core::oidc::pkce::random_token()
    ))
}

/// An engine over real HTTP and the system clock, with this vault and profile store.
pub fn engine_with(vault: Vault, profiles: ProfileStore) -> Engine {
    Engine::new(
        Arc::new(ReqwestClient::new(HttpLimits::default()).unwrap()),
        Arc::new(SystemClock),
        vault,
        profiles,
    )
}

/// An engine whose vault is the real keyring under `service` (asserted: not the session-only
/// fallback), with its profiles in `dir`.
pub fn keyring_engine(service: &str, dir: &std::path::Path) -> Engine {
    let vault = Vault::open(service);
    assert_eq!(
        vault.location(),
        VaultLocation::Keyring,
        "the harness keyring was not used"
    );
    engine_with(vault, ProfileStore::new(dir))
}

/// Sign-in options with a minute to finish.
pub fn options() -> SignInOptions {
    SignInOptions {
        timeout: Duration::from_secs(60),
        ..Default::default()
    }
}

/// `secret-tool lookup service <service> username <account>` finds something.
pub fn keyring_has(service: &str, account: &str) -> bool {
    Command::new("secret-tool")
        .args(["lookup", "service", service, "username", account])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("secret-tool (libsecret-tools) is needed")
        .success()
}

pub fn assert_passed(o: &Outcome) {
    let failed: Vec<_> = o.report.failures().collect();
    assert!(o.passed(), "checks failed: {failed:#?}");
}
