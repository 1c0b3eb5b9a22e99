//! What went over the wire, the one rule for every entry point of the engine: each sign-in,
//! refresh, grant, API call and endpoint request runs inside [`Engine::logged`], which records
//! its exchanges ([`crate::exchange::record`]), hands them to its result and keeps them in memory
//! as the profile's last of that kind. So no front end wraps anything: the result carries its
//! log, a failure's log is [`Engine::last_exchanges`], and the desktop can copy one of its
//! requests as curl in the clear ([`Engine::exchange_curl`]): the log it shows is masked, and a
//! clear copy never carries a refresh token ([`Reveal::ClearExceptRefreshTokens`]).

use super::{Engine, Outcome};
use crate::api::introspect::Introspection;
use crate::api::revoke::Revocation;
use crate::api::userinfo::UserInfo;
use crate::api::ApiCall;
use crate::error::{Error, Result};
use crate::exchange::{self, ExchangeLog, Reveal};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// Whose log a call with a pasted token is (it has no profile): kept under this name.
pub const NO_PROFILE: &str = "";

/// Which operation of a profile a kept log is of: each kind keeps its last log, so a call to
/// the API does not replace the sign-in's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum WireOf {
    /// A sign-in (browser, device, password), refresh, or a grant (client credentials, token
    /// exchange, JWT bearer): what a sign-in result shows.
    #[default]
    SignIn,
    /// An API call.
    Api,
    /// The userinfo endpoint.
    Userinfo,
    /// The revocation endpoint.
    Revoke,
    /// The introspection endpoint.
    Introspect,
}

/// A result that carries the exchanges of the operation that made it.
pub(super) trait CarriesExchanges {
    fn carry(&mut self, log: &ExchangeLog);
}

impl CarriesExchanges for Outcome {
    fn carry(&mut self, log: &ExchangeLog) {
        self.exchanges = log.clone();
    }
}

impl CarriesExchanges for ApiCall {
    fn carry(&mut self, log: &ExchangeLog) {
        self.exchanges = log.entries.clone();
    }
}

impl CarriesExchanges for UserInfo {
    fn carry(&mut self, log: &ExchangeLog) {
        self.exchanges = log.entries.clone();
    }
}

impl CarriesExchanges for Revocation {
    fn carry(&mut self, log: &ExchangeLog) {
        self.exchanges = log.entries.clone();
    }
}

impl CarriesExchanges for Introspection {
    fn carry(&mut self, log: &ExchangeLog) {
        self.exchanges = log.entries.clone();
    }
}

impl Engine {
    /// Runs an entry point's `operation` with its exchanges recorded: they go into its result
    /// and are kept as the profile's last of `kind`, whether it succeeded or not. An operation
    /// inside another (the silent refresh of an API call) logs into both.
    pub(super) async fn logged<T, F>(&self, profile: &str, kind: WireOf, operation: F) -> Result<T>
    where
        T: CarriesExchanges,
        F: Future<Output = Result<T>>,
    {
        let (result, log) = exchange::record(operation).await;
        let result = result.map(|mut t| {
            t.carry(&log);
            t
        });
        if let Ok(mut map) = self.exchanges.lock() {
            map.insert((profile.to_owned(), kind), log);
        }
        result
    }

    /// The profile's last exchange log of this kind in this process (masked), failed
    /// operations included: what a front end shows under an error.
    pub fn last_exchanges(&self, profile: &str, kind: WireOf) -> ExchangeLog {
        self.exchanges
            .lock()
            .ok()
            .and_then(|map| map.get(&(profile.to_owned(), kind)).cloned())
            .unwrap_or_default()
    }

    /// Request `index` of the profile's last log of `kind` as curl, with what it sent in the
    /// clear except refresh tokens. `url` is the entry's (masked) URL as shown: when the log
    /// has moved on since, the answer is an error, never another request.
    pub fn exchange_curl(
        &self,
        profile: &str,
        kind: WireOf,
        index: usize,
        url: &str,
    ) -> Result<String> {
        let gone = || {
            Error::Config(format!(
                "that request of profile {profile:?} is no longer held (a newer request of the \
                 same kind replaced it, or the app restarted): copy the masked curl, or send it \
                 again"
            ))
        };
        let map = self
            .exchanges
            .lock()
            .map_err(|_| Error::Config("exchange log poisoned".into()))?;
        let entry = map
            .get(&(profile.to_owned(), kind))
            .and_then(|log| log.entries.get(index))
            .filter(|e| e.url == url)
            .ok_or_else(gone)?;
        Ok(entry.curl(Reveal::ClearExceptRefreshTokens))
    }
}
