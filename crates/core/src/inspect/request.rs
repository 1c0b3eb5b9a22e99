//! One inspection as a front end asks for it, assembled once: the pasted text, the key texts as the
//! user gave them (a decryption key for JWEs, a public key to verify with), and whether to verify.
//! `tokenscope decode` and the desktop's inspector both go through [`InspectRequest::inspect`]; a
//! front end only reads its files or fields and shows the answer. Verifying is a second, async
//! step, so a decode that does not verify needs no runtime.

use super::keys::{public_keys, DecryptionKeys};
use super::verify::{note_discovery_hosts, verify_all, KeySource};
use super::{inspect, InspectOptions, Inspection};
use crate::error::ErrorKind;
use crate::http::HttpClient;
use crate::jose::jwt::DecodeError;
use crate::oidc::netguard::{self, NetworkPolicy};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;

/// A key as the user gave it, and what to call it (`--key key.pem`, `the pasted key`).
#[derive(Debug, Clone, Copy)]
pub struct KeyText<'a> {
    /// The text: PEM, a JWK or a JWKS.
    pub text: &'a str,
    /// Where it came from, for the report.
    pub origin: &'a str,
}

/// What the user asked of an inspection.
#[derive(Debug, Clone, Copy, Default)]
pub struct InspectRequest<'a> {
    /// A private key to decrypt JWEs with.
    pub decryption_key: Option<KeyText<'a>>,
    /// Check signatures and times.
    pub verify: bool,
    /// The key to verify with; without one, the issuer's published keys are discovered.
    pub public_key: Option<KeyText<'a>>,
    /// Clock skew allowed on `exp`, `nbf` and `iat`.
    pub skew: Duration,
    /// Where discovered keys may be fetched from (a token's `iss` names the host): public
    /// addresses and loopback unless the user allowed private ones.
    pub network: NetworkPolicy,
}

/// Which part of the request is unusable.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// The decryption key is not a private key Tokenscope can use.
    #[error("{0}")]
    DecryptionKey(String),
    /// The public key is not a key Tokenscope can verify with.
    #[error("{0}")]
    PublicKey(String),
    /// The text holds nothing that decodes.
    #[error("{0}")]
    Text(#[from] DecodeError),
}

impl RequestError {
    /// The error's kind, so a front end can mark the field at fault.
    pub fn kind(&self) -> ErrorKind {
        match self {
            RequestError::DecryptionKey(_) => ErrorKind::DecryptionKey,
            RequestError::PublicKey(_) => ErrorKind::PublicKey,
            RequestError::Text(_) => ErrorKind::Decode,
        }
    }
}

/// A text inspected, waiting for its verification when one was asked for.
#[derive(Debug)]
pub struct Inspected {
    /// The inspection, unverified.
    pub inspection: Inspection,
    source: Option<KeySource>,
    now: DateTime<Utc>,
    skew: Duration,
}

impl InspectRequest<'_> {
    /// Reads the keys, then inspects `text` at `now`. The keys are read first, so a bad key is
    /// reported even when the text is bad too.
    pub fn inspect(&self, text: &str, now: DateTime<Utc>) -> Result<Inspected, RequestError> {
        let decryption_keys = self
            .decryption_key
            .map(|k| DecryptionKeys::parse(k.text, k.origin))
            .transpose()
            .map_err(RequestError::DecryptionKey)?;
        let source = match (self.verify, self.public_key) {
            (false, _) => None,
            (true, Some(k)) => Some(KeySource::Given(
                public_keys(k.text).map_err(RequestError::PublicKey)?,
                k.origin.to_owned(),
            )),
            (true, None) => Some(KeySource::Discover(self.network)),
        };
        let options = InspectOptions {
            now,
            decryption_keys,
        };
        let mut inspection = inspect(text, &options)?;
        // Where Verify would fetch keys from, named before anything is fetched.
        note_discovery_hosts(&mut inspection);
        Ok(Inspected {
            inspection,
            source,
            now,
            skew: self.skew,
        })
    }
}

impl Inspected {
    /// Whether [`Inspected::verify`] has anything to do.
    pub fn verifies(&self) -> bool {
        self.source.is_some()
    }

    /// The policy discovered keys are fetched under, when keys are discovered (none given).
    pub fn discovers(&self) -> Option<NetworkPolicy> {
        match self.source {
            Some(KeySource::Discover(policy)) => Some(policy),
            _ => None,
        }
    }

    /// Verifies every token when asked, discovering keys over `http` when none was given. Front
    /// ends call [`Inspected::verify_through`]; this is for tests that serve keys themselves.
    pub async fn verify(mut self, http: Arc<dyn HttpClient>) -> Inspection {
        if let Some(source) = &self.source {
            verify_all(&mut self.inspection, source, http, self.now, self.skew).await;
        }
        self.inspection
    }

    /// Verifies every token when asked; keys named by a token's `iss` are fetched only through
    /// the client `discovery` makes for the request's policy: in production
    /// [`netguard::system_discovery`], whose resolver refuses a name that resolves to a private,
    /// link-local or metadata-service address before anything connects. `tokenscope decode
    /// --verify` and the desktop's Verify both come here.
    pub async fn verify_through(
        self,
        discovery: &netguard::Discovery,
    ) -> crate::Result<Inspection> {
        let http = discovery(self.discovers().unwrap_or_default())?;
        Ok(self.verify(http).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.";

    #[test]
    fn a_bad_key_is_named_before_the_text_is_read() {
        let bad = KeyText {
            text: "{not a key",
            origin: "k",
        };
        let now = Utc::now();
        let asked = InspectRequest {
            decryption_key: Some(bad),
            ..Default::default()
        };
        assert!(matches!(
            asked.inspect("   ", now),
            Err(RequestError::DecryptionKey(_))
        ));
        let asked = InspectRequest {
            verify: true,
            public_key: Some(bad),
            ..Default::default()
        };
        assert!(matches!(
            asked.inspect("   ", now),
            Err(RequestError::PublicKey(_))
        ));
        let asked = InspectRequest::default();
        assert!(matches!(
            asked.inspect("   ", now),
            Err(RequestError::Text(_))
        ));
        let kinds = [
            RequestError::DecryptionKey(String::new()).kind(),
            RequestError::PublicKey(String::new()).kind(),
        ];
        assert_eq!(kinds, [ErrorKind::DecryptionKey, ErrorKind::PublicKey]);
    }

    #[test]
    fn a_public_key_is_used_only_when_verifying_is_asked() {
        let now = Utc::now();
        let bad = KeyText {
            text: "not a key",
            origin: "k",
        };
        let not_asked = InspectRequest {
            public_key: Some(bad),
            ..Default::default()
        };
        let inspected = not_asked.inspect(TOKEN, now).expect("decodes");
        assert!(!inspected.verifies());
        assert_eq!(inspected.inspection.tokens.len(), 1);
        let discover = InspectRequest {
            verify: true,
            ..Default::default()
        };
        assert!(discover.inspect(TOKEN, now).expect("decodes").verifies());
    }
}
