//! One refresh of a profile at a time across processes (the desktop app and the command line,
//! two terminals): an advisory lock on a file of the profile's, in `locks/` under the config
//! directory, held across loading, redeeming and storing the refresh token. The lock goes with
//! the file handle: a process that dies releases it.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a refresh waits for another process's refresh of the same profile. Each refresh is
/// bounded by the HTTP client's timeouts, far below this.
const WAIT: Duration = Duration::from_secs(120);
/// How often the lock is tried while another process holds it.
const POLL: Duration = Duration::from_millis(25);

/// A held lock; released when dropped.
pub(super) struct ProfileLock {
    _file: File,
}

/// The lock file of a vault account (the name is a hash: profile names are free text).
fn path(dir: &Path, account: &str) -> PathBuf {
    let digest = Sha256::digest(account.as_bytes());
    let name: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    dir.join("locks").join(format!("{name}.lock"))
}

fn open(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Takes the lock of `account` in `dir`, waiting while another process holds it.
pub(super) async fn acquire(dir: &Path, account: &str, profile: &str) -> Result<ProfileLock> {
    let path = path(dir, account);
    let fail = |e: std::io::Error| {
        Error::Profile(format!(
            "cannot lock {} for the refresh of profile {profile:?}: {e}",
            path.display()
        ))
    };
    let file = open(&path).map_err(fail)?;
    let started = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(ProfileLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => return Err(fail(e)),
        }
        if started.elapsed() > WAIT {
            return Err(Error::Timeout(format!(
                "another Tokenscope has been refreshing profile {profile:?} for over {} s \
                 (lock file {}); try again when it is done",
                WAIT.as_secs(),
                path.display()
            )));
        }
        tokio::time::sleep(POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_second_holder_waits_until_the_first_lets_go() {
        let dir = std::env::temp_dir().join(format!(
            "tokenscope-lock-{}",
            crate::oidc::pkce::random_token()
        ));
        let first = acquire(&dir, "refresh-token:p", "p").await.expect("first");
        let second = path(&dir, "refresh-token:p");
        let other = open(&second).expect("open");
        assert!(
            matches!(other.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
            "held by the first"
        );
        drop(first);
        assert!(other.try_lock().is_ok(), "released on drop");
        assert_ne!(second, path(&dir, "refresh-token:q"));
        std::fs::remove_dir_all(dir).ok();
    }
}
