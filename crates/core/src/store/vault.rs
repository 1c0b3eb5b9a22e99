//! The vault: where Tokenscope keeps refresh tokens between runs.
//!
//! The vault sits on the OS keyring (Secret Service over D-Bus on Linux, Keychain on macOS,
//! Credential Manager on Windows) through the `keyring` crate. When no keyring is reachable
//! ([`Vault::open`] probes for one), it falls back to a session-only, in-memory vault and its
//! [`Vault::location`] says why in a sentence fit for the UI. Secrets are never written to a
//! file.
//!
//! # What is stored
//!
//! Each account (the app uses one per profile) holds a small JSON envelope,
//! `{"v":1,"stored_at":<unix seconds>,"value":"..."}`, so the UI can show when a token was
//! last rotated, plus `"bound":{...}` ([`Binding`]: client ID, metadata URL, issuer, token
//! endpoint) for refresh tokens and client secrets, so they are never sent anywhere else. Windows limits a credential to 2560 bytes (1280 UTF-16 units), and B2C
//! refresh tokens can be longer, so an envelope over [`CHUNK_BYTES`] bytes is split: the
//! pieces go to accounts `<account>#1` .. `<account>#n` (each at most [`CHUNK_BYTES`] bytes)
//! and `<account>` holds a marker `{"v":1,"chunks":n,"stored_at":...}`. The same layout is
//! used on every platform. Account names ending in `#<digits>` are therefore reserved (and,
//! like the empty name, refused with [`VaultError::Keyring`]).
//!
//! # Blocking
//!
//! Every keyring call blocks (D-Bus round trips, and possibly an unlock prompt the user has
//! to answer). Async callers should run [`Vault::open`], [`Vault::store`], [`Vault::load`]
//! and [`Vault::delete`] inside `tokio::task::spawn_blocking`. A [`Vault`] is cheap to clone
//! and can be moved into such a closure; operations on one vault (and its clones) are
//! serialised, so a reader never sees a half-written chunked value from the same process.

use std::collections::HashMap;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::secret::Secret;

/// An envelope longer than this many bytes is stored in chunks of at most this many bytes.
/// 1200 UTF-8 bytes are at most 1200 UTF-16 units, i.e. 2400 bytes on Windows (limit 2560).
pub const CHUNK_BYTES: usize = 1200;

/// Upper bound on the number of chunks (about 300 KB): a guard against garbage markers and
/// runaway loops, far above any real token.
const MAX_CHUNKS: usize = 256;

/// Envelope format version written by this code.
const FORMAT_VERSION: u64 = 1;

/// Account read (never written) by [`Vault::open`] to check that the keyring answers.
const PROBE_ACCOUNT: &str = "tokenscope-vault-probe";

/// Where the vault keeps secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VaultLocation {
    /// In the OS keyring: secrets survive restarts.
    Keyring,
    /// In memory only: secrets are lost when the process ends. `reason` is a sentence for
    /// the user saying why and what to do to keep them.
    SessionOnly {
        /// Why the keyring is not used, and how to get it.
        reason: String,
    },
}

/// A secret read back from the vault, with the time it was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSecret {
    /// The value (its `Debug` prints `[redacted]`).
    pub secret: Secret,
    /// When it was stored (whole seconds).
    pub stored_at: DateTime<Utc>,
    /// What the secret was issued for, when it was stored with [`Vault::store_bound`]; `None`
    /// for a value stored without one (by [`Vault::store`] or an earlier Tokenscope).
    pub bound: Option<Binding>,
}

/// What a stored secret belongs to: the provider and client it was issued for. A refresh token
/// or client secret is only ever sent where its binding says (see the engine's refresh).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    /// The client ID it was issued to.
    pub client_id: String,
    /// The metadata URL of the profile's authority when it was stored.
    pub metadata_url: String,
    /// The issuer of that metadata (refresh tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// The token endpoint it was issued by (refresh tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
}

/// A vault operation failed.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The keyring refused or failed: `problem` says what kind of trouble it is (locked, no
    /// Secret Service, prompt dismissed...), `message` says what happened and what to do.
    #[error("{message}")]
    Keyring {
        /// What was wrong.
        problem: ProblemKind,
        /// A sentence for the user, with the remedy and the underlying error.
        message: String,
    },
    /// A stored value was not what Tokenscope wrote.
    #[error("{0}")]
    Corrupt(String),
}

impl VaultError {
    /// What was wrong with the keyring (`None` for a value Tokenscope did not write).
    pub fn problem(&self) -> Option<ProblemKind> {
        match self {
            VaultError::Keyring { problem, .. } => Some(*problem),
            VaultError::Corrupt(_) => None,
        }
    }

    fn keyring(problem: ProblemKind, message: String) -> Self {
        VaultError::Keyring { problem, message }
    }
}

/// The token vault. Cheap to clone (an `Arc` inside), `Send + Sync`.
#[derive(Clone)]
pub struct Vault {
    inner: Arc<Inner>,
}

struct Inner {
    location: VaultLocation,
    backend: Box<dyn Backend>,
    /// Serialises multi-item operations (chunks + marker) within this process.
    op_lock: Mutex<()>,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Vault")
            .field("location", &self.inner.location)
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// Opens the OS keyring for `service` (the app uses `"tokenscope"`).
    ///
    /// Probes the keyring cheaply (store start-up, then a read of a probe item that is never
    /// written). If no keyring is reachable, returns a session-only in-memory vault whose
    /// [`location`](Self::location) says why, e.g. "No Secret Service is running
    /// (org.freedesktop.secrets not provided): tokens are kept in memory for this session
    /// only. Start gnome-keyring or KeePassXC to keep them. (Details: ...)", the details being
    /// the underlying error for support. Never writes secrets to a file.
    ///
    /// Blocking: see the module documentation. The keyring crate starts its store once per
    /// process, so a keyring that appears later is only seen by a new process.
    ///
    /// A keyring that answers reads but refuses writes (for example gnome-keyring started
    /// without a default collection) is reported as [`VaultLocation::Keyring`]; the refusal
    /// surfaces as [`VaultError::Keyring`] from [`store`](Self::store).
    pub fn open(service: &str) -> Vault {
        match probe_keyring(service) {
            Ok(()) => Self::with_backend(
                VaultLocation::Keyring,
                Box::new(KeyringBackend {
                    service: service.to_owned(),
                }),
            ),
            Err(problem) => Self::session_only(problem.session_only_reason()),
        }
    }

    /// An in-memory vault, for `--no-store` style use and tests. `reason` is shown to the
    /// user as is.
    pub fn session_only(reason: impl Into<String>) -> Vault {
        Self::with_backend(
            VaultLocation::SessionOnly {
                reason: reason.into(),
            },
            Box::new(MemoryBackend::default()),
        )
    }

    fn with_backend(location: VaultLocation, backend: Box<dyn Backend>) -> Vault {
        Vault {
            inner: Arc::new(Inner {
                location,
                backend,
                op_lock: Mutex::new(()),
            }),
        }
    }

    /// Where this vault keeps secrets.
    pub fn location(&self) -> VaultLocation {
        self.inner.location.clone()
    }

    /// Stores `secret` under `account`, replacing any previous value (and its chunks), and
    /// records the current time as `stored_at`.
    pub fn store(&self, account: &str, secret: &Secret) -> Result<(), VaultError> {
        self.store_at(account, secret, None, Utc::now())
    }

    /// [`store`](Self::store) with what the secret was issued for, read back by
    /// [`load`](Self::load) in [`StoredSecret::bound`].
    pub fn store_bound(
        &self,
        account: &str,
        secret: &Secret,
        bound: Option<&Binding>,
    ) -> Result<(), VaultError> {
        self.store_at(account, secret, bound, Utc::now())
    }

    fn store_at(
        &self,
        account: &str,
        secret: &Secret,
        bound: Option<&Binding>,
        now: DateTime<Utc>,
    ) -> Result<(), VaultError> {
        check_account(account)?;
        let action = format!("save \"{account}\" in the keyring");
        let fail = |err: BackendError| err.into_vault_error(account, &action);
        let _guard = self.lock();
        let backend = self.inner.backend.as_ref();
        let stored_at = now.timestamp();
        let envelope = serde_json::to_string(&ValueEnvelope {
            v: FORMAT_VERSION,
            stored_at,
            value: secret.expose(),
            bound,
        })
        .map_err(|_| VaultError::Corrupt("Could not encode the value for the keyring.".into()))?;

        // How many chunks the previous value had, so leftovers can be removed. A previous
        // value we cannot read is simply overwritten.
        let old_chunks = match backend.get(account) {
            Ok(Some(raw)) => match parse_envelope(account, &raw) {
                Ok(Parsed::Marker { chunks, .. }) => chunks,
                _ => 0,
            },
            Ok(None) | Err(BackendError::NotText) => 0,
            Err(err) => return Err(fail(err)),
        };

        if envelope.len() <= CHUNK_BYTES {
            backend.set(account, &envelope).map_err(fail)?;
            remove_chunks(backend, account, 1, old_chunks).map_err(fail)?;
            return Ok(());
        }

        let pieces = split_utf8(&envelope, CHUNK_BYTES);
        if pieces.len() > MAX_CHUNKS {
            return Err(VaultError::keyring(
                ProblemKind::TooLarge,
                format!(
                "The value for \"{account}\" is too large for the keyring ({} bytes; the limit \
                 is {} bytes).",
                envelope.len(),
                MAX_CHUNKS * CHUNK_BYTES
            ),
            ));
        }
        // Chunks first, then the marker that points at them.
        for (index, piece) in pieces.iter().enumerate() {
            backend
                .set(&chunk_account(account, index + 1), piece)
                .map_err(&fail)?;
        }
        let marker = serde_json::to_string(&MarkerEnvelope {
            v: FORMAT_VERSION,
            chunks: pieces.len(),
            stored_at,
        })
        .map_err(|_| VaultError::Corrupt("Could not encode the chunk marker.".into()))?;
        backend.set(account, &marker).map_err(&fail)?;
        remove_chunks(backend, account, pieces.len() + 1, old_chunks).map_err(fail)?;
        Ok(())
    }

    /// Reads the value stored under `account`; `Ok(None)` when there is none.
    pub fn load(&self, account: &str) -> Result<Option<StoredSecret>, VaultError> {
        check_account(account)?;
        let action = format!("read \"{account}\" from the keyring");
        let fail = |err: BackendError| err.into_vault_error(account, &action);
        let _guard = self.lock();
        let backend = self.inner.backend.as_ref();
        let Some(raw) = backend.get(account).map_err(fail)? else {
            return Ok(None);
        };
        let (value, stored_at, bound) = match parse_envelope(account, &raw)? {
            Parsed::Value {
                value,
                stored_at,
                bound,
            } => (value, stored_at, bound),
            Parsed::Marker { chunks, stored_at } => {
                let mut joined = String::new();
                for index in 1..=chunks {
                    match backend.get(&chunk_account(account, index)).map_err(&fail)? {
                        Some(piece) => joined.push_str(&piece),
                        None => {
                            return Err(VaultError::Corrupt(format!(
                                "Part {index} of {chunks} of the value for \"{account}\" is \
                                 missing from the keyring. Sign in again to store a fresh \
                                 token."
                            )))
                        }
                    }
                }
                match parse_envelope(account, &joined)? {
                    Parsed::Value {
                        value,
                        stored_at: inner_at,
                        bound,
                    } if inner_at == stored_at => (value, stored_at, bound),
                    _ => {
                        return Err(VaultError::Corrupt(format!(
                            "The parts of the value for \"{account}\" do not belong together \
                             (was it being written by another Tokenscope?). Sign in again to \
                             store a fresh token."
                        )))
                    }
                }
            }
        };
        let stored_at = DateTime::<Utc>::from_timestamp(stored_at, 0).ok_or_else(|| {
            VaultError::Corrupt(format!(
                "The value for \"{account}\" has an impossible timestamp ({stored_at})."
            ))
        })?;
        Ok(Some(StoredSecret {
            secret: Secret::new(value),
            stored_at,
            bound,
        }))
    }

    /// Deletes the value stored under `account` and all its chunks. Returns `true` if
    /// something was deleted. Also clears values Tokenscope cannot read (the way out of
    /// [`VaultError::Corrupt`]).
    pub fn delete(&self, account: &str) -> Result<bool, VaultError> {
        check_account(account)?;
        let action = format!("remove \"{account}\" from the keyring");
        let fail = |err: BackendError| err.into_vault_error(account, &action);
        let _guard = self.lock();
        let backend = self.inner.backend.as_ref();
        let chunks = match backend.get(account) {
            Ok(Some(raw)) => match parse_envelope(account, &raw) {
                Ok(Parsed::Marker { chunks, .. }) => chunks,
                _ => 0,
            },
            Ok(None) | Err(BackendError::NotText) => 0,
            Err(err) => return Err(fail(err)),
        };
        // The marker first: if we stop half-way, leftover chunks are invisible to `load`
        // and removed by the next `store` or `delete`.
        let mut deleted = backend.remove(account).map_err(&fail)?;
        deleted |= remove_chunks(backend, account, 1, chunks).map_err(fail)?;
        Ok(deleted)
    }

    fn lock(&self) -> MutexGuard<'_, ()> {
        // The guarded data is `()`: a poisoned lock carries no broken state.
        self.inner
            .op_lock
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Removes chunks `from..=known` whatever their state, then keeps going while chunks exist
/// (leftovers of an interrupted write). Returns whether any chunk was removed.
fn remove_chunks(
    backend: &dyn Backend,
    account: &str,
    from: usize,
    known: usize,
) -> Result<bool, BackendError> {
    let mut removed = false;
    let mut index = from;
    while index <= MAX_CHUNKS + 1 {
        let gone = backend.remove(&chunk_account(account, index))?;
        removed |= gone;
        if !gone && index > known {
            break;
        }
        index += 1;
    }
    Ok(removed)
}

fn chunk_account(account: &str, index: usize) -> String {
    format!("{account}#{index}")
}

/// Empty names and names that look like a chunk (`name#3`) are refused.
fn check_account(account: &str) -> Result<(), VaultError> {
    let looks_like_chunk = account
        .rsplit_once('#')
        .is_some_and(|(_, tail)| !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit()));
    if account.is_empty() || looks_like_chunk {
        return Err(VaultError::keyring(
            ProblemKind::InvalidAccount,
            format!(
                "\"{account}\" cannot be used as a vault account name: it must be non-empty and \
             must not end in #<number> (reserved for the parts of long values)."
            ),
        ));
    }
    Ok(())
}

/// Splits `s` into pieces of at most `max` bytes, on character boundaries.
fn split_utf8(s: &str, max: usize) -> Vec<&str> {
    let max = max.max(4); // a char is at most 4 bytes
    let mut pieces = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let mut cut = rest.len().min(max);
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (piece, tail) = rest.split_at(cut);
        pieces.push(piece);
        rest = tail;
    }
    pieces
}

#[derive(Serialize)]
struct ValueEnvelope<'a> {
    v: u64,
    stored_at: i64,
    value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    bound: Option<&'a Binding>,
}

#[derive(Serialize)]
struct MarkerEnvelope {
    v: u64,
    chunks: usize,
    stored_at: i64,
}

#[derive(Deserialize)]
struct RawEnvelope {
    v: u64,
    stored_at: i64,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    chunks: Option<usize>,
    #[serde(default)]
    bound: Option<Binding>,
}

enum Parsed {
    Value {
        value: String,
        stored_at: i64,
        bound: Option<Binding>,
    },
    Marker {
        chunks: usize,
        stored_at: i64,
    },
}

fn parse_envelope(account: &str, raw: &str) -> Result<Parsed, VaultError> {
    // serde_json's messages can quote the input, which may hold a secret: never show them.
    let envelope: RawEnvelope = serde_json::from_str(raw).map_err(|_| {
        VaultError::Corrupt(format!(
            "The keyring item for \"{account}\" was not written by Tokenscope (it is not a \
             Tokenscope envelope). Delete it or sign in again to replace it."
        ))
    })?;
    if envelope.v != FORMAT_VERSION {
        return Err(VaultError::Corrupt(format!(
            "The keyring item for \"{account}\" uses format version {} (this Tokenscope reads \
             version {FORMAT_VERSION}); it was probably written by a newer Tokenscope.",
            envelope.v
        )));
    }
    match (envelope.value, envelope.chunks) {
        (Some(value), None) => Ok(Parsed::Value {
            value,
            stored_at: envelope.stored_at,
            bound: envelope.bound,
        }),
        (None, Some(chunks)) if (1..=MAX_CHUNKS).contains(&chunks) => Ok(Parsed::Marker {
            chunks,
            stored_at: envelope.stored_at,
        }),
        _ => Err(VaultError::Corrupt(format!(
            "The keyring item for \"{account}\" is not a valid Tokenscope envelope. Delete it \
             or sign in again to replace it."
        ))),
    }
}

// ---------------------------------------------------------------------------------------
// Backends: a flat account -> string map. Chunking and envelopes live above, in `Vault`.

trait Backend: Send + Sync {
    /// The stored string, `None` when absent.
    fn get(&self, account: &str) -> Result<Option<String>, BackendError>;
    /// Creates or replaces.
    fn set(&self, account: &str, value: &str) -> Result<(), BackendError>;
    /// `true` if something was removed, `false` if it was absent.
    fn remove(&self, account: &str) -> Result<bool, BackendError>;
}

/// A backend failure. The vault operation that hit it turns it into a [`VaultError`] worded
/// for that operation and the caller's account (not the chunk's).
#[derive(Debug)]
enum BackendError {
    /// The item exists but is not text, so Tokenscope did not write it.
    NotText,
    /// The keyring failed.
    Failed(Failure),
}

impl BackendError {
    fn into_vault_error(self, account: &str, action: &str) -> VaultError {
        match self {
            BackendError::NotText => VaultError::Corrupt(format!(
                "The keyring item for \"{account}\" is not text, so Tokenscope did not write \
                 it. Delete it or sign in again to replace it."
            )),
            BackendError::Failed(failure) => {
                VaultError::keyring(failure.problem(), failure.message(action))
            }
        }
    }
}

/// Why a keyring call failed.
#[derive(Debug)]
enum Failure {
    /// Access problems (no bus, no Secret Service, locked, prompt dismissed...).
    Problem(Problem),
    /// Several items match one account.
    Ambiguous(usize),
    /// The platform refused the size of a value.
    TooLong(String),
    /// The platform refused a parameter.
    Invalid(String),
    /// The keyring stack panicked (caught).
    Panicked,
}

impl Failure {
    fn problem(&self) -> ProblemKind {
        match self {
            Failure::Problem(problem) => problem.kind,
            Failure::Ambiguous(_) => ProblemKind::Ambiguous,
            Failure::TooLong(_) => ProblemKind::TooLarge,
            Failure::Invalid(_) => ProblemKind::Refused,
            Failure::Panicked => ProblemKind::Other,
        }
    }

    /// `action` completes "Could not ...", e.g. `save "x" in the keyring`.
    fn message(&self, action: &str) -> String {
        match self {
            Failure::Problem(problem) => problem.error_message(action),
            Failure::Ambiguous(count) => format!(
                "Could not {action}: {count} keyring items match it. Remove the duplicates \
                 (for example in {}) and try again.",
                Platform::THIS.manager()
            ),
            Failure::TooLong(what) => {
                format!(
                    "Could not {action}: the keyring refused a value over its size limit ({what})."
                )
            }
            Failure::Invalid(what) => format!("Could not {action}: the keyring refused {what}."),
            Failure::Panicked => {
                format!("Could not {action}: the keyring library failed unexpectedly.")
            }
        }
    }
}

/// In-memory backend; `max_utf16_bytes` models a platform limit such as Windows' 2560.
#[derive(Default)]
struct MemoryBackend {
    items: Mutex<HashMap<String, String>>,
    max_utf16_bytes: Option<usize>,
}

impl MemoryBackend {
    fn items(&self) -> MutexGuard<'_, HashMap<String, String>> {
        // Each map operation is a single insert/remove: a poisoned map is still consistent.
        self.items
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Backend for MemoryBackend {
    fn get(&self, account: &str) -> Result<Option<String>, BackendError> {
        Ok(self.items().get(account).cloned())
    }

    fn set(&self, account: &str, value: &str) -> Result<(), BackendError> {
        if let Some(max) = self.max_utf16_bytes {
            let size = value.encode_utf16().count() * 2;
            if size > max {
                return Err(BackendError::Failed(Failure::TooLong(format!(
                    "{size} bytes as UTF-16, limit {max}"
                ))));
            }
        }
        self.items().insert(account.to_owned(), value.to_owned());
        Ok(())
    }

    fn remove(&self, account: &str) -> Result<bool, BackendError> {
        Ok(self.items().remove(account).is_some())
    }
}

/// The OS keyring through `keyring` 4 (v1 mode: its default store for this platform).
struct KeyringBackend {
    service: String,
}

impl KeyringBackend {
    fn entry(&self, account: &str) -> Result<keyring::Entry, BackendError> {
        guarded(|| keyring::Entry::new(&self.service, account))?.map_err(failed)
    }
}

impl Backend for KeyringBackend {
    fn get(&self, account: &str) -> Result<Option<String>, BackendError> {
        let entry = self.entry(account)?;
        match guarded(|| entry.get_password())? {
            Ok(value) => Ok(Some(value)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(keyring::Error::BadEncoding(_)) | Err(keyring::Error::BadDataFormat(..)) => {
                Err(BackendError::NotText)
            }
            Err(err) => Err(failed(err)),
        }
    }

    fn set(&self, account: &str, value: &str) -> Result<(), BackendError> {
        let entry = self.entry(account)?;
        guarded(|| entry.set_password(value))?.map_err(failed)
    }

    fn remove(&self, account: &str) -> Result<bool, BackendError> {
        let entry = self.entry(account)?;
        match guarded(|| entry.delete_credential())? {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(err) => Err(failed(err)),
        }
    }
}

/// Runs a keyring call, turning a panic inside the keyring stack into an error.
fn guarded<T>(call: impl FnOnce() -> T) -> Result<T, BackendError> {
    catch_unwind(AssertUnwindSafe(call)).map_err(|_| BackendError::Failed(Failure::Panicked))
}

fn failed(err: keyring::Error) -> BackendError {
    use keyring::Error as E;
    BackendError::Failed(match &err {
        E::Ambiguous(items) => Failure::Ambiguous(items.len()),
        E::TooLong(what, limit) => Failure::TooLong(format!("{what}: {limit}")),
        E::Invalid(what, why) => Failure::Invalid(format!("{what} ({why})")),
        _ => Failure::Problem(classify(&err)),
    })
}

/// Checks that the keyring answers: the store starts, and reading an item works (absent is
/// fine). Nothing is written.
fn probe_keyring(service: &str) -> Result<(), Problem> {
    let status = guarded(|| keyring::Entry::store_status().as_ref().err().map(classify));
    match status {
        Err(_) => return Err(Problem::other("the keyring library failed while starting")),
        Ok(Some(problem)) => return Err(problem),
        Ok(None) => {}
    }
    let read = guarded(|| {
        keyring::Entry::new(service, PROBE_ACCOUNT).and_then(|entry| entry.get_password())
    });
    match read {
        Err(_) => Err(Problem::other("the keyring library failed while reading")),
        Ok(Ok(_)) | Ok(Err(keyring::Error::NoEntry)) => Ok(()),
        // The keyring answered; the probe item is just odd.
        Ok(Err(keyring::Error::BadEncoding(_)))
        | Ok(Err(keyring::Error::BadDataFormat(..)))
        | Ok(Err(keyring::Error::Ambiguous(_))) => Ok(()),
        Ok(Err(err)) => Err(classify(&err)),
    }
}

/// The OS keyring this build talks to. The Secret Service diagnosis (D-Bus, collections,
/// gnome-keyring) is Linux's alone; macOS and Windows get their own words, and any other
/// system generic ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Platform {
    SecretService,
    Keychain,
    CredentialManager,
    Other,
}

impl Platform {
    const THIS: Platform = if cfg!(target_os = "linux") {
        Platform::SecretService
    } else if cfg!(target_os = "macos") {
        Platform::Keychain
    } else if cfg!(target_os = "windows") {
        Platform::CredentialManager
    } else {
        Platform::Other
    };

    /// Where a user sees and edits the keyring's items.
    fn manager(self) -> &'static str {
        match self {
            Platform::SecretService => "Seahorse or KeePassXC",
            Platform::Keychain => "Keychain Access",
            Platform::CredentialManager => "Credential Manager",
            Platform::Other => "your keyring's manager",
        }
    }

    /// How to unlock the keyring.
    fn unlock(self) -> &'static str {
        match self {
            Platform::SecretService => "Unlock your keyring (for example in Seahorse or KeePassXC)",
            Platform::Keychain => "Unlock your login keychain (in Keychain Access)",
            Platform::CredentialManager => {
                "Check that Credential Manager works for your Windows account"
            }
            Platform::Other => "Unlock your OS keyring",
        }
    }
}

/// What went wrong with the keyring, in words for the user.
#[derive(Debug)]
struct Problem {
    kind: ProblemKind,
    /// The underlying error text, for support.
    detail: String,
    /// Whose words the remedy uses.
    platform: Platform,
}

/// What kind of trouble the keyring is in (kept with [`VaultError::Keyring`], so a caller can
/// react without reading the message).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// No D-Bus session bus is reachable.
    NoSessionBus,
    /// No Secret Service (gnome-keyring, KeePassXC) is running.
    NoSecretService,
    /// The keyring is locked and its unlock prompt was dismissed or could not be shown.
    PromptDismissed,
    /// The keyring is locked.
    Locked,
    /// The keyring has no default collection (or it is locked).
    NoCollection,
    /// Several keyring items match one account.
    Ambiguous,
    /// The value is over the keyring's size limit.
    TooLarge,
    /// The keyring refused a parameter.
    Refused,
    /// The account name is reserved or empty (Tokenscope refused it before asking).
    InvalidAccount,
    /// Anything else (the keyring library failed).
    Other,
}

impl Problem {
    fn other(detail: impl Into<String>) -> Problem {
        Problem {
            kind: ProblemKind::Other,
            detail: detail.into(),
            platform: Platform::THIS,
        }
    }

    /// What is wrong, as a clause (no final period).
    fn summary(&self) -> &'static str {
        match self.kind {
            ProblemKind::NoSessionBus => {
                "No D-Bus session bus is reachable, so there is no keyring"
            }
            ProblemKind::NoSecretService => {
                "No Secret Service is running (org.freedesktop.secrets not provided)"
            }
            ProblemKind::PromptDismissed => {
                "The keyring is locked and the unlock prompt was dismissed or could not be shown"
            }
            ProblemKind::Locked => "The keyring is locked",
            ProblemKind::NoCollection => {
                "The keyring has no default collection to use, or it is locked"
            }
            // The rest are not access problems (`Failure` words them).
            ProblemKind::Ambiguous
            | ProblemKind::TooLarge
            | ProblemKind::Refused
            | ProblemKind::InvalidAccount
            | ProblemKind::Other => "The keyring is not available",
        }
    }

    /// What to do about it, completed by " to keep them" or ", then try again".
    fn remedy(&self) -> &'static str {
        match self.kind {
            ProblemKind::NoSessionBus => {
                "Run Tokenscope in a desktop session (or under dbus-run-session with \
                 gnome-keyring)"
            }
            ProblemKind::NoSecretService => "Start gnome-keyring or KeePassXC",
            ProblemKind::PromptDismissed | ProblemKind::Locked => self.platform.unlock(),
            ProblemKind::NoCollection => {
                "Create or unlock a default keyring (for example in Seahorse, or with \
                 gnome-keyring-daemon --unlock)"
            }
            ProblemKind::Ambiguous
            | ProblemKind::TooLarge
            | ProblemKind::Refused
            | ProblemKind::InvalidAccount
            | ProblemKind::Other => "Check that your OS keyring works",
        }
    }

    /// For [`VaultLocation::SessionOnly`].
    fn session_only_reason(&self) -> String {
        format!(
            "{}: tokens are kept in memory for this session only. {} to keep them. \
             (Details: {}.)",
            self.summary(),
            self.remedy(),
            self.detail
        )
    }

    /// For [`VaultError::Keyring`].
    fn error_message(&self, action: &str) -> String {
        format!(
            "Could not {action}: {}. {}, then try again. (Details: {}.)",
            self.summary(),
            self.remedy(),
            self.detail
        )
    }
}

/// The keyring error's text without the generic wrappers ("Platform failure: zbus error: ").
fn error_detail(err: &keyring::Error) -> String {
    let text = err.to_string();
    let mut rest = text.as_str();
    for prefix in [
        "Platform failure: ",
        "Couldn't access platform storage: ",
        "zbus error: ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    rest.trim_end_matches('.').to_owned()
}

fn classify(err: &keyring::Error) -> Problem {
    classify_on(err, Platform::THIS)
}

/// [`classify`] as `platform` would: only the Secret Service's errors are read for a missing
/// bus, service or collection.
fn classify_on(err: &keyring::Error, platform: Platform) -> Problem {
    use keyring::Error as E;
    let secret_service = platform == Platform::SecretService;
    let detail = error_detail(err);
    let text = detail.to_ascii_lowercase();
    let kind = match err {
        E::NoDefaultStore => {
            // In v1 mode this means the store failed to start; the cause is kept aside.
            return match keyring::Entry::store_status() {
                Err(E::NoDefaultStore) | Ok(()) => Problem::other(detail),
                Err(cause) => classify_on(cause, platform),
            };
        }
        E::NoStorageAccess(_) if !secret_service => ProblemKind::Locked,
        E::NoStorageAccess(_) => {
            if text.contains("prompt") {
                ProblemKind::PromptDismissed
            } else if text.contains("locked") {
                ProblemKind::Locked
            } else if text.contains("result not returned") {
                ProblemKind::NoCollection
            } else {
                ProblemKind::Locked
            }
        }
        E::PlatformFailure(_) if !secret_service => ProblemKind::Other,
        E::PlatformFailure(_) => {
            if text.contains("org.freedesktop.secrets")
                || text.contains("serviceunknown")
                || text.contains("no secret service provider")
            {
                ProblemKind::NoSecretService
            } else if text.contains("failed to connect to address")
                || text.contains("dbus session")
                || text.contains("dbus_session_bus_address")
            {
                ProblemKind::NoSessionBus
            } else {
                ProblemKind::Other
            }
        }
        _ => ProblemKind::Other,
    };
    Problem {
        kind,
        detail,
        platform,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn limited_vault() -> Vault {
        Vault::with_backend(
            VaultLocation::SessionOnly {
                reason: "test".into(),
            },
            Box::new(MemoryBackend {
                items: Mutex::default(),
                max_utf16_bytes: Some(2560),
            }),
        )
    }

    fn raw(vault: &Vault, account: &str) -> Option<String> {
        vault.inner.backend.get(account).expect("memory get")
    }

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).single().expect("valid time")
    }

    #[test]
    fn vault_is_send_sync_clone() {
        fn check<T: Send + Sync + Clone + 'static>() {}
        check::<Vault>();
    }

    #[test]
    fn session_only_store_load_delete_overwrite() {
        let vault = Vault::session_only("testing");
        assert_eq!(
            vault.location(),
            VaultLocation::SessionOnly {
                reason: "testing".into()
            }
        );
        assert!(vault.load("a").expect("load").is_none());
        vault.store("a", &Secret::new("one")).expect("store");
        let got = vault.load("a").expect("load").expect("present");
        assert_eq!(got.secret.expose(), "one");
        assert!((Utc::now() - got.stored_at).num_seconds().abs() <= 2);

        vault
            .store_at("a", &Secret::new("two"), None, at(1_000))
            .expect("store");
        let got = vault.load("a").expect("load").expect("present");
        assert_eq!(got.secret.expose(), "two");
        assert_eq!(got.stored_at, at(1_000));

        let clone = vault.clone();
        assert!(clone.delete("a").expect("delete"));
        assert!(vault.load("a").expect("load").is_none());
        assert!(!vault.delete("a").expect("delete"));
    }

    #[test]
    fn a_binding_is_stored_with_the_value_and_read_back_chunked_or_not() {
        let vault = limited_vault();
        let bound = Binding {
            client_id: "cid".into(),
            metadata_url: "https://a/.well-known/openid-configuration".into(),
            issuer: Some("https://a/".into()),
            token_endpoint: Some("https://a/token".into()),
        };
        for value in ["short".to_owned(), "x".repeat(5000)] {
            vault
                .store_bound("acct", &Secret::new(value.clone()), Some(&bound))
                .expect("store");
            let got = vault.load("acct").expect("load").expect("present");
            assert_eq!(got.secret.expose(), value);
            assert_eq!(got.bound.as_ref(), Some(&bound));
        }
        vault.store("acct", &Secret::new("plain")).expect("store");
        assert_eq!(
            vault.load("acct").expect("load").expect("present").bound,
            None
        );
    }

    #[test]
    fn envelope_format_is_as_documented() {
        let vault = limited_vault();
        vault
            .store_at("acct", &Secret::new("tok\"en"), None, at(1_700_000_000))
            .expect("store");
        assert_eq!(
            raw(&vault, "acct").expect("stored"),
            r#"{"v":1,"stored_at":1700000000,"value":"tok\"en"}"#
        );
    }

    #[test]
    fn long_values_are_chunked_under_the_windows_limit() {
        let vault = limited_vault();
        let long = "x".repeat(5000);
        vault
            .store_at("acct", &Secret::new(long.clone()), None, at(42))
            .expect("store");
        let marker = raw(&vault, "acct").expect("marker");
        assert_eq!(marker, r#"{"v":1,"chunks":5,"stored_at":42}"#);
        for i in 1..=5 {
            let piece = raw(&vault, &format!("acct#{i}")).expect("chunk");
            assert!(piece.len() <= CHUNK_BYTES);
        }
        assert!(raw(&vault, "acct#6").is_none());
        let got = vault.load("acct").expect("load").expect("present");
        assert_eq!(got.secret.expose(), long);
        assert_eq!(got.stored_at, at(42));
    }

    #[test]
    fn unchunked_write_of_a_long_value_would_hit_the_limit() {
        // Proves the test backend models the Windows limit the chunking avoids.
        let backend = MemoryBackend {
            items: Mutex::default(),
            max_utf16_bytes: Some(2560),
        };
        assert!(matches!(
            backend.set("a", &"x".repeat(1281)),
            Err(BackendError::Failed(Failure::TooLong(_)))
        ));
        assert!(backend.set("a", &"x".repeat(1280)).is_ok());
    }

    #[test]
    fn multibyte_values_split_on_char_boundaries() {
        let vault = limited_vault();
        // Mix of 1-, 2-, 3- and 4-byte characters.
        let value: String = "aé€😀".repeat(700);
        vault
            .store("m", &Secret::new(value.clone()))
            .expect("store");
        let got = vault.load("m").expect("load").expect("present");
        assert_eq!(got.secret.expose(), value);
        for piece in split_utf8(&value, CHUNK_BYTES) {
            assert!(piece.len() <= CHUNK_BYTES && !piece.is_empty());
        }
        assert_eq!(split_utf8(&value, CHUNK_BYTES).concat(), value);
        assert!(split_utf8("", CHUNK_BYTES).is_empty());
    }

    #[test]
    fn envelope_at_the_threshold_is_not_chunked() {
        let vault = limited_vault();
        let overhead = r#"{"v":1,"stored_at":1,"value":""}"#.len();
        let exact = "y".repeat(CHUNK_BYTES - overhead);
        vault
            .store_at("t", &Secret::new(exact.clone()), None, at(1))
            .expect("store");
        assert_eq!(raw(&vault, "t").expect("stored").len(), CHUNK_BYTES);
        assert!(raw(&vault, "t#1").is_none());
        let one_more = format!("{exact}y");
        vault
            .store_at("t", &Secret::new(one_more.clone()), None, at(1))
            .expect("store");
        assert!(raw(&vault, "t#1").is_some() && raw(&vault, "t#2").is_some());
        assert!(raw(&vault, "t#3").is_none());
        assert_eq!(
            vault
                .load("t")
                .expect("load")
                .expect("present")
                .secret
                .expose(),
            one_more
        );
    }

    #[test]
    fn shorter_store_removes_leftover_chunks() {
        let vault = limited_vault();
        vault
            .store("acct", &Secret::new("z".repeat(6000)))
            .expect("store");
        assert!(raw(&vault, "acct#5").is_some());
        vault
            .store("acct", &Secret::new("w".repeat(2000)))
            .expect("store");
        assert!(raw(&vault, "acct#2").is_some());
        assert!(raw(&vault, "acct#3").is_none());
        assert!(raw(&vault, "acct#5").is_none());
        vault.store("acct", &Secret::new("short")).expect("store");
        assert!(raw(&vault, "acct#1").is_none());
        assert_eq!(
            vault
                .load("acct")
                .expect("load")
                .expect("present")
                .secret
                .expose(),
            "short"
        );
    }

    #[test]
    fn delete_removes_all_chunks_and_orphans() {
        let vault = limited_vault();
        vault
            .store("acct", &Secret::new("q".repeat(5000)))
            .expect("store");
        vault.store("other", &Secret::new("keep")).expect("store");
        assert!(vault.delete("acct").expect("delete"));
        for name in ["acct", "acct#1", "acct#2", "acct#5"] {
            assert!(raw(&vault, name).is_none(), "{name} left behind");
        }
        assert!(!vault.delete("acct").expect("delete"));
        assert!(vault.load("other").expect("load").is_some());

        // Orphan chunks (an interrupted write) are swept too.
        vault.inner.backend.set("acct#1", "orphan").expect("set");
        vault.inner.backend.set("acct#2", "orphan").expect("set");
        assert!(vault.load("acct").expect("load").is_none());
        assert!(vault.delete("acct").expect("delete"));
        assert!(raw(&vault, "acct#1").is_none() && raw(&vault, "acct#2").is_none());
    }

    #[test]
    fn foreign_and_broken_items_are_corrupt_and_deletable() {
        let vault = limited_vault();
        let backend = vault.inner.backend.as_ref();
        for bad in [
            "plain-refresh-token-secret",
            r#"{"v":2,"stored_at":1,"value":"x"}"#,
            r#"{"v":1,"stored_at":1}"#,
            r#"{"v":1,"stored_at":1,"value":"x","chunks":2}"#,
            r#"{"v":1,"stored_at":1,"chunks":0}"#,
            r#"{"v":1,"stored_at":1,"chunks":100000}"#,
            r#"{"v":1,"stored_at":"plain-refresh-token-secret","value":"x"}"#,
            r#"{"v":1,"stored_at":9999999999999999,"value":"x"}"#,
        ] {
            backend.set("acct", bad).expect("set");
            match vault.load("acct") {
                Err(VaultError::Corrupt(msg)) => {
                    assert!(!msg.contains("plain-refresh-token-secret"), "leaks: {msg}");
                    assert!(msg.contains("\"acct\""), "{msg}");
                }
                other => panic!("{bad}: expected Corrupt, got {other:?}"),
            }
            assert!(vault.delete("acct").expect("delete"));
        }

        // A marker whose chunk is missing.
        vault
            .store_at("acct", &Secret::new("k".repeat(3000)), None, at(5))
            .expect("store");
        backend.remove("acct#2").expect("remove");
        match vault.load("acct") {
            Err(VaultError::Corrupt(msg)) => assert!(msg.contains("Part 2 of 3"), "{msg}"),
            other => panic!("expected Corrupt, got {other:?}"),
        }
        // Chunks from another write (different stored_at).
        vault
            .store_at("acct", &Secret::new("k".repeat(3000)), None, at(5))
            .expect("store");
        backend
            .set("acct", r#"{"v":1,"chunks":3,"stored_at":6}"#)
            .expect("set");
        assert!(matches!(vault.load("acct"), Err(VaultError::Corrupt(_))));
        // A store over a corrupt item just replaces it.
        vault.store("acct", &Secret::new("fresh")).expect("store");
        assert_eq!(
            vault
                .load("acct")
                .expect("load")
                .expect("present")
                .secret
                .expose(),
            "fresh"
        );
        assert!(raw(&vault, "acct#1").is_none());
    }

    #[test]
    fn reserved_account_names_are_refused() {
        let vault = Vault::session_only("t");
        for bad in ["", "acct#1", "a#22"] {
            assert!(matches!(
                vault.store(bad, &Secret::new("v")),
                Err(VaultError::Keyring {
                    problem: ProblemKind::InvalidAccount,
                    ..
                })
            ));
            assert!(vault.load(bad).is_err());
            assert!(vault.delete(bad).is_err());
        }
        for ok in ["acct#", "a#b", "#", "profile:contoso/B2C_1_susi"] {
            vault.store(ok, &Secret::new("v")).expect(ok);
        }
    }

    #[test]
    fn debug_output_never_shows_the_value() {
        let vault = Vault::session_only("t");
        vault
            .store("a", &Secret::new("super-secret-refresh"))
            .expect("store");
        let got = vault.load("a").expect("load").expect("present");
        let shown = format!("{got:?} {:?} {vault:?}", Some(got.clone()));
        assert!(!shown.contains("super-secret-refresh"), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }

    #[test]
    fn location_serializes_with_a_kind_tag() {
        let json = serde_json::to_string(&VaultLocation::Keyring).expect("json");
        assert_eq!(json, r#"{"kind":"keyring"}"#);
        let json = serde_json::to_string(&VaultLocation::SessionOnly {
            reason: "why".into(),
        })
        .expect("json");
        assert_eq!(json, r#"{"kind":"session_only","reason":"why"}"#);
    }

    #[test]
    fn a_keyring_failure_keeps_what_kind_of_problem_it_was() {
        /// A keyring that is locked for writes and full of duplicates for reads.
        struct Locked;
        impl Backend for Locked {
            fn get(&self, _: &str) -> Result<Option<String>, BackendError> {
                Err(BackendError::Failed(Failure::Ambiguous(2)))
            }
            fn set(&self, _: &str, _: &str) -> Result<(), BackendError> {
                Err(BackendError::Failed(Failure::Problem(Problem {
                    kind: ProblemKind::Locked,
                    detail: "object locked".into(),
                    platform: Platform::THIS,
                })))
            }
            fn remove(&self, _: &str) -> Result<bool, BackendError> {
                Ok(false)
            }
        }
        let vault = Vault::with_backend(VaultLocation::Keyring, Box::new(Locked));
        let Err(e) = vault.store_at("a", &Secret::new("v"), None, Utc::now()) else {
            panic!("stored in a locked keyring")
        };
        // The store reads first (to find old chunks): duplicates are reported as such.
        assert_eq!(e.problem(), Some(ProblemKind::Ambiguous), "{e}");
        let vault = Vault::with_backend(VaultLocation::Keyring, Box::new(LockedForWrites));
        struct LockedForWrites;
        impl Backend for LockedForWrites {
            fn get(&self, _: &str) -> Result<Option<String>, BackendError> {
                Ok(None)
            }
            fn set(&self, account: &str, value: &str) -> Result<(), BackendError> {
                Locked.set(account, value)
            }
            fn remove(&self, _: &str) -> Result<bool, BackendError> {
                Ok(false)
            }
        }
        let e = vault.store("a", &Secret::new("v")).expect_err("locked");
        assert_eq!(e.problem(), Some(ProblemKind::Locked));
        assert!(e.to_string().contains("The keyring is locked"), "{e}");
        let e = crate::Error::from(e);
        assert_eq!(e.kind(), crate::error::ErrorKind::Vault);
        assert_eq!(e.keyring_problem(), Some(ProblemKind::Locked));
        assert_eq!(
            vault.load("a#1").expect_err("reserved").problem(),
            Some(ProblemKind::InvalidAccount)
        );
    }

    #[test]
    fn errors_name_the_callers_account_and_operation() {
        /// Refuses every chunk write and every removal; reads fail for "locked".
        struct Refusing;
        impl Backend for Refusing {
            fn get(&self, account: &str) -> Result<Option<String>, BackendError> {
                if account == "locked" {
                    return Err(BackendError::Failed(Failure::Panicked));
                }
                Ok(None)
            }
            fn set(&self, account: &str, _: &str) -> Result<(), BackendError> {
                if account.contains('#') {
                    return Err(BackendError::Failed(Failure::Invalid("the item".into())));
                }
                Ok(())
            }
            fn remove(&self, _: &str) -> Result<bool, BackendError> {
                Err(BackendError::Failed(Failure::Panicked))
            }
        }
        let vault = Vault::with_backend(VaultLocation::Keyring, Box::new(Refusing));
        let message = |result: Result<(), VaultError>| match result {
            Err(VaultError::Keyring { message, .. }) => message,
            other => panic!("expected Keyring, got {other:?}"),
        };
        assert_eq!(
            message(vault.store("a", &Secret::new("v".repeat(3000)))),
            "Could not save \"a\" in the keyring: the keyring refused the item."
        );
        assert_eq!(
            message(vault.delete("a").map(|_| ())),
            "Could not remove \"a\" from the keyring: the keyring library failed unexpectedly."
        );
        assert_eq!(
            message(vault.load("locked").map(|_| ())),
            "Could not read \"locked\" from the keyring: the keyring library failed \
             unexpectedly."
        );
        assert!(vault.load("a").expect("load").is_none());
    }

    /// The Secret Service diagnosis is Linux's: the same texts on macOS, Windows or another
    /// system say nothing of D-Bus or gnome-keyring, and the remedy names that system's tool.
    #[test]
    fn keyring_errors_on_other_systems_use_their_words() {
        use keyring::Error as E;
        let boxed = |s: &str| -> Box<dyn std::error::Error + Send + Sync> { s.into() };
        let no_ss = || {
            E::PlatformFailure(boxed(
                "zbus error: org.freedesktop.DBus.Error.ServiceUnknown: The name \
                 org.freedesktop.secrets was not provided by any .service files",
            ))
        };
        assert_eq!(
            classify_on(&no_ss(), Platform::SecretService).kind,
            ProblemKind::NoSecretService
        );
        for platform in [
            Platform::Keychain,
            Platform::CredentialManager,
            Platform::Other,
        ] {
            let problem = classify_on(&no_ss(), platform);
            assert_eq!(problem.kind, ProblemKind::Other, "{platform:?}");
            let dismissed = E::NoStorageAccess(boxed("SS error: prompt dismissed"));
            let locked = classify_on(&dismissed, platform);
            assert_eq!(locked.kind, ProblemKind::Locked, "{platform:?}");
            for text in [problem.session_only_reason(), locked.error_message("save")] {
                for linux in ["D-Bus", "Secret Service", "gnome-keyring", "Seahorse"] {
                    assert!(!text.contains(linux), "{platform:?}: {text}");
                }
            }
        }
        let locked = classify_on(&E::NoStorageAccess(boxed("locked")), Platform::Keychain);
        assert!(
            locked.error_message("save").contains("Keychain Access"),
            "{}",
            locked.error_message("save")
        );
        if cfg!(target_os = "linux") {
            assert_eq!(Platform::THIS, Platform::SecretService);
        }
    }

    #[test]
    fn keyring_errors_become_clear_sentences() {
        use keyring::Error as E;
        let boxed = |s: &str| -> Box<dyn std::error::Error + Send + Sync> { s.into() };

        let no_ss = E::PlatformFailure(boxed(
            "zbus error: org.freedesktop.DBus.Error.ServiceUnknown: The name \
             org.freedesktop.secrets was not provided by any .service files",
        ));
        let reason = classify(&no_ss).session_only_reason();
        assert_eq!(
            reason,
            "No Secret Service is running (org.freedesktop.secrets not provided): tokens are \
             kept in memory for this session only. Start gnome-keyring or KeePassXC to keep \
             them. (Details: org.freedesktop.DBus.Error.ServiceUnknown: The name \
             org.freedesktop.secrets was not provided by any .service files.)"
        );

        let no_bus = E::PlatformFailure(boxed(
            "zbus error: Failed to connect to address `unix:path=/run/user/0/bus`: No such file \
             or directory (os error 2)",
        ));
        assert_eq!(classify(&no_bus).kind, ProblemKind::NoSessionBus);

        let dismissed = E::NoStorageAccess(boxed("SS error: prompt dismissed"));
        let BackendError::Failed(failure) = failed(dismissed) else {
            panic!("expected Failed")
        };
        let msg = failure.message("save \"a\" in the keyring");
        assert_eq!(
            msg,
            "Could not save \"a\" in the keyring: The keyring is locked and the unlock prompt \
             was dismissed or could not be shown. Unlock your keyring (for example in Seahorse \
             or KeePassXC), then try again. (Details: SS error: prompt dismissed.)"
        );

        let no_collection = E::NoStorageAccess(boxed("SS error: result not returned from SS API"));
        assert_eq!(classify(&no_collection).kind, ProblemKind::NoCollection);
        let locked = E::NoStorageAccess(boxed("SS Error: object locked"));
        assert_eq!(classify(&locked).kind, ProblemKind::Locked);

        for err in [
            E::TooLong("password".into(), 2560),
            E::Invalid("user".into(), "empty".into()),
            E::Ambiguous(Vec::new()),
            E::NotSupportedByStore("x".into()),
            E::BadStoreFormat("x".into()),
        ] {
            let BackendError::Failed(failure) = failed(err) else {
                panic!("expected Failed")
            };
            let msg = failure.message("read \"a\" from the keyring");
            assert!(
                msg.starts_with("Could not read \"a\" from the keyring"),
                "{msg}"
            );
        }
    }
}
