//! The small JSON files in the config directory (`profiles.json`, `state.json`, `tenants.json`,
//! `app.json`), shared by every Tokenscope process at once (the desktop app, several command
//! lines). A change is read, made and written under an exclusive lock on a lock file beside the
//! file, so no process overwrites another's change; the new text goes to a temporary file of its
//! own, is synced to disk and renamed over the old one, so a reader or a crash never sees half a
//! file. Files are 0600 and the directory 0700 (Unix): profiles name tenants and users.

use crate::error::{Error, Result};
use serde::{de::DeserializeOwned, Serialize};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The file's value; the default when it does not exist yet. A file that does not parse is an
/// error that says Tokenscope will not overwrite it (so [`update_json`] leaves it alone).
pub(crate) fn read_json<T: Default + DeserializeOwned>(path: &Path) -> Result<T> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
            Error::Profile(format!(
                "{} is not valid ({e}); fix or move it, Tokenscope will not overwrite it",
                path.display()
            ))
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(Error::Profile(format!(
            "cannot read {}: {e}",
            path.display()
        ))),
    }
}

/// Reads the file, lets `change` change its value and writes it back, all under the file's lock:
/// changes from other processes in between are kept, not overwritten. What is written (if
/// anything) is `change`'s decision: see [`Change`].
pub(crate) fn update_json<T, R>(path: &Path, change: impl FnOnce(&mut T) -> Change<R>) -> Result<R>
where
    T: Default + Serialize + DeserializeOwned,
{
    let fail = |e: std::io::Error| Error::Profile(format!("cannot write {}: {e}", path.display()));
    let _lock = lock(path).map_err(fail)?;
    let mut value = read_json::<T>(path)?;
    match change(&mut value) {
        Change::Write(r) => {
            let mut text = serde_json::to_vec_pretty(&value)
                .map_err(|e| Error::Profile(format!("cannot serialize {}: {e}", path.display())))?;
            text.push(b'\n');
            write_atomic(path, &text).map_err(fail)?;
            Ok(r)
        }
        Change::Keep(r) => Ok(r),
    }
}

/// What [`update_json`]'s closure decided.
pub(crate) enum Change<R> {
    /// Write the changed value, then return this.
    Write(R),
    /// Nothing changed: write nothing, return this.
    Keep(R),
}

/// The held lock on `path` (released when dropped, or when the process ends).
struct Lock(#[allow(dead_code)] File);

/// An exclusive lock on `.<name>.lock` beside `path`, waiting for other holders.
fn lock(path: &Path) -> std::io::Result<Lock> {
    let dir = config_dir(path)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let file = private_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(format!(".{name}.lock")))?;
    file.lock()?;
    Ok(Lock(file))
}

/// Writes `bytes` as `path`: to a new temporary file of its own in the same directory (0600),
/// synced, renamed over `path`, then the directory synced so the rename survives a crash.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = config_dir(path)?;
    write_through_temp(&dir, path, bytes, private_options(), None)
}

/// Replaces a file the user owns (a test file) the same way, but leaves its directory as it
/// is and keeps the file's permissions (a new file gets the default ones).
pub fn replace_keeping_permissions(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let kept = std::fs::metadata(path).ok().map(|m| m.permissions());
    write_through_temp(&dir, path, bytes, OpenOptions::new(), kept)
}

/// The one way a file is replaced: `bytes` go to a new temporary file in `dir` (opened with
/// `options`, given `permissions` if any), synced, renamed over `path`; the temporary file is
/// removed when anything fails, so `path` is either the old file or the new one.
fn write_through_temp(
    dir: &Path,
    path: &Path,
    bytes: &[u8],
    mut options: OpenOptions,
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(
        ".{name}.{}.{}.tmp",
        std::process::id(),
        crate::oidc::pkce::random_token()
    ));
    let written = (|| {
        let mut file = options.write(true).create_new(true).open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Some(p) = permissions {
            std::fs::set_permissions(&tmp, p)?;
        }
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written?;
    sync_dir(dir);
    Ok(())
}

/// `path`'s directory, created 0700 when missing (and made 0700 when it is not).
fn config_dir(path: &Path) -> std::io::Result<PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(&dir)?;
        let meta = std::fs::metadata(&dir)?;
        if meta.permissions().mode() & 0o077 != 0 {
            // Best effort: a directory the user chose and does not own stays as it is.
            let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
        }
    }
    #[cfg(not(unix))]
    builder.create(&dir)?;
    Ok(dir)
}

/// Options that create files readable by their owner only (Unix).
fn private_options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

#[cfg(unix)]
fn sync_dir(dir: &Path) {
    // Best effort: the file itself is synced; some file systems refuse to sync a directory.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn temp_dir() -> PathBuf {
        std::env::temp_dir().join(format!(
            "tokenscope-cf-{}",
            crate::oidc::pkce::random_token()
        ))
    }

    /// Threads stand in for processes here (the lock is per open file, so it holds between
    /// threads too); tests/cli.rs races real processes.
    #[test]
    fn concurrent_updates_are_all_kept() {
        let dir = temp_dir().join("config");
        let path = dir.join("state.json");
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let path = path.clone();
                std::thread::spawn(move || {
                    update_json::<BTreeMap<String, u32>, ()>(&path, |m| {
                        m.insert(format!("k{i}"), i);
                        Change::Write(())
                    })
                    .unwrap();
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        let all: BTreeMap<String, u32> = read_json(&path).unwrap();
        assert_eq!(all.len(), 16);
        // No temporary file is left behind.
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&dir), 0o700);
        }
        std::fs::remove_dir_all(dir.parent().unwrap()).ok();
    }

    #[cfg(unix)]
    #[test]
    fn a_config_file_is_private_and_a_user_file_keeps_its_mode() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        let dir = temp_dir();
        let config = dir.join("config").join("state.json");
        write_atomic(&config, b"{}").expect("write");
        assert_eq!(mode(&config), 0o600);
        assert_eq!(mode(config.parent().expect("dir")), 0o700);

        let user = dir.join("suite.tokenscope.toml");
        std::fs::write(&user, "old").expect("seed");
        std::fs::set_permissions(&user, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        replace_keeping_permissions(&user, b"new").expect("replace");
        assert_eq!(std::fs::read_to_string(&user).expect("read"), "new");
        assert_eq!(mode(&user), 0o640);
        // Nothing is left behind in the folder: only the two files.
        let names: Vec<_> = std::fs::read_dir(&dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failed_replace_keeps_the_old_file_and_leaves_no_temporary() {
        let dir = temp_dir();
        std::fs::create_dir_all(&dir).expect("dir");
        // A directory where the file should be: the rename fails.
        let path = dir.join("taken");
        std::fs::create_dir(&path).expect("taken");
        std::fs::write(path.join("inside"), "kept").expect("seed");
        assert!(replace_keeping_permissions(&path, b"new").is_err());
        assert_eq!(
            std::fs::read_to_string(path.join("inside")).expect("kept"),
            "kept"
        );
        let names: Vec<_> = std::fs::read_dir(&dir)
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("taken")]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_kept_value_writes_nothing() {
        let dir = temp_dir();
        let path = dir.join("profiles.json");
        let r = update_json::<BTreeMap<String, u32>, bool>(&path, |m| {
            m.insert("x".into(), 1);
            Change::Keep(false)
        });
        assert!(!r.unwrap());
        assert!(!path.exists());
        std::fs::remove_dir_all(dir).ok();
    }
}
