//! What went over the wire in each profile's last sign-in or refresh, kept in memory so the
//! desktop can copy one of its requests as curl in the clear: the log it shows is masked, and
//! a clear copy never carries a refresh token ([`Reveal::ClearExceptRefreshTokens`]).

use super::{Engine, Outcome};
use crate::error::{Error, Result};
use crate::exchange::Reveal;

impl Engine {
    /// Keeps the outcome's exchange log as the profile's last.
    pub(super) fn remember_exchanges(&self, outcome: &Outcome) {
        if let Ok(mut map) = self.exchanges.lock() {
            map.insert(outcome.profile.clone(), outcome.exchanges.clone());
        }
    }

    /// Request `index` of the profile's last sign-in or refresh as curl, with what it sent in
    /// the clear except refresh tokens. `url` is the entry's (masked) URL as shown: when the
    /// log has moved on since, the answer is an error, never another request.
    pub fn exchange_curl(&self, profile: &str, index: usize, url: &str) -> Result<String> {
        let gone = || {
            Error::Config(format!(
                "that request of profile {profile:?} is no longer held (a newer sign-in or \
                 refresh replaced it, or the app restarted): copy the masked curl, or sign in \
                 again"
            ))
        };
        let map = self
            .exchanges
            .lock()
            .map_err(|_| Error::Config("exchange log poisoned".into()))?;
        let entry = map
            .get(profile)
            .and_then(|log| log.entries.get(index))
            .filter(|e| e.url == url)
            .ok_or_else(gone)?;
        Ok(entry.curl(Reveal::ClearExceptRefreshTokens))
    }
}
