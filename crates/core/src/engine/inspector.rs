//! The inspector's verification for a front end: keys named by a pasted token's `iss` are
//! fetched only through the guarded client ([`crate::oidc::netguard`]), never through the
//! engine's own client, which serves the profiles' authorities and does not check where a name
//! resolves.

use super::Engine;
use crate::error::Result;
use crate::inspect::request::Inspected;
use crate::inspect::Inspection;
use crate::oidc::netguard::Discovery;

impl Engine {
    /// Verifies an inspection when one was asked for (signatures and times); discovered keys
    /// come only from the addresses the request's policy allows, names checked where they
    /// resolve.
    pub async fn verify_inspected(&self, inspected: Inspected) -> Result<Inspection> {
        inspected.verify_through(&self.discovery).await
    }

    /// Fetches discovered keys through the clients `discovery` makes (tests: the guarded client
    /// on a made-up resolver, or fixed answers) instead of [`crate::oidc::netguard::system_discovery`].
    pub fn with_discovery(mut self, discovery: Discovery) -> Self {
        self.discovery = discovery;
        self
    }
}
