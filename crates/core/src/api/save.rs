//! Saving the whole body of an API call (the views show it capped) to a file the user names.
//! A new file only: an existing one is never overwritten, so nothing is lost by a slip.

use crate::error::{Error, Result};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// Where a body was saved.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SavedBody {
    /// The file written.
    pub path: String,
    /// Bytes written.
    pub bytes: usize,
}

/// Writes `body` to a new file at `path` (absolute; its folder must exist).
pub fn save_body(path: &Path, body: &[u8]) -> Result<SavedBody> {
    let shown = path.display().to_string();
    if shown.trim().is_empty() {
        return Err(Error::Config(
            "no file named: type the path to save the body to".into(),
        ));
    }
    if !path.is_absolute() {
        return Err(Error::Config(format!(
            "{shown} is not a full path: start it with / (or a drive letter on Windows)"
        )));
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            Error::Config(match e.kind() {
                std::io::ErrorKind::AlreadyExists => {
                    format!("{shown} already exists: it is kept; choose another name")
                }
                std::io::ErrorKind::NotFound => {
                    format!("cannot save to {shown}: its folder does not exist")
                }
                _ => format!("cannot save to {shown}: {e}"),
            })
        })?;
    file.write_all(body)
        .and_then(|()| file.flush())
        .map_err(|e| Error::Config(format!("cannot write {shown}: {e}")))?;
    Ok(SavedBody {
        path: shown,
        bytes: body.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_gets_the_whole_body_and_an_existing_one_is_kept() {
        let dir = std::env::temp_dir().join(format!(
            "tokenscope-save-{}",
            crate::oidc::pkce::random_token()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("body.json");
        let body = vec![b'x'; 300_000];
        let saved = save_body(&path, &body).unwrap();
        assert_eq!(saved.bytes, 300_000);
        assert_eq!(std::fs::read(&path).unwrap(), body);
        let e = save_body(&path, b"other").unwrap_err().to_string();
        assert!(e.contains("already exists"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap().len(), 300_000);
        let e = save_body(&dir.join("no/such/b.json"), b"x")
            .unwrap_err()
            .to_string();
        assert!(e.contains("folder does not exist"), "{e}");
        let e = save_body(Path::new("relative.json"), b"x")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a full path"), "{e}");
        let _ = std::fs::remove_dir_all(dir);
    }
}
