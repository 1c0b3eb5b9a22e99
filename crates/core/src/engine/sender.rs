//! What a profile's token requests are bound to (the outcome's [`SenderConstraint`]): the DPoP
//! key its proofs are signed with and the client certificate its TLS connections present, each
//! by the thumbprint a bound access token's `cnf` names.

use super::outcome::SenderConstraint;
use super::Engine;
use crate::store::profile::Profile;

impl Engine {
    /// The sender constraint of the profile's token request just made: its DPoP key (when it
    /// uses DPoP) and its client certificate; `None` when neither.
    pub(super) async fn sender_used(&self, profile: &Profile) -> Option<SenderConstraint> {
        let dpop_jkt = if profile.dpop {
            self.dpop_key(&profile.name)
                .await
                .ok()
                .flatten()
                .map(|k| k.thumbprint)
        } else {
            None
        };
        let mtls_thumbprint = self
            .certificate(profile)
            .ok()
            .flatten()
            .map(|c| c.thumbprint);
        (dpop_jkt.is_some() || mtls_thumbprint.is_some()).then_some(SenderConstraint {
            dpop_jkt,
            mtls_thumbprint,
        })
    }
}
