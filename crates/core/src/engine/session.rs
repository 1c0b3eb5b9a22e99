//! The engine's memory of this session (see [`crate::engine::history`]): sign-ins and refreshes that
//! are recorded in the profile's history, a sign-in on another policy of the profile's tenant
//! (the password-reset policy after AADB2C90118), the refresh token's age and the support
//! bundle of the last attempt.

use super::{Engine, Flow, Outcome, Progress, SignInOptions};
use crate::engine::history::{self, Attempt, HistoryEntry, Purpose, RefreshAge};
use crate::engine::support::{self, SupportBundle};
use crate::error::{Error, Result};
use crate::store::profile::Profile;
use crate::store::tenant;
use std::sync::{Arc, Mutex};

impl Engine {
    /// [`Engine::sign_in`], recorded in the profile's history.
    pub async fn sign_in_tracked(
        &self,
        profile: &Profile,
        options: &SignInOptions,
    ) -> Result<Outcome> {
        self.tracked_sign_in(profile, &profile.name, Purpose::SignIn, options)
            .await
    }

    /// Signs the profile in through another policy of its tenant, once, without changing the
    /// profile: client ID, scopes, redirect and parameters stay. For the password-reset policy
    /// (`purpose` [`Purpose::PasswordReset`]) the refresh token is not stored: it belongs to
    /// the reset policy, and the profile signs in again with its own policy afterwards.
    pub async fn sign_in_with_policy(
        &self,
        profile: &Profile,
        policy: &str,
        purpose: Purpose,
        options: &SignInOptions,
    ) -> Result<Outcome> {
        let switched = tenant::switch_policy(profile, policy)?;
        let mut options = options.clone();
        if purpose == Purpose::PasswordReset {
            options.store = false;
        }
        self.tracked_sign_in(&switched, &profile.name, purpose, &options)
            .await
    }

    async fn tracked_sign_in(
        &self,
        profile: &Profile,
        history_name: &str,
        purpose: Purpose,
        options: &SignInOptions,
    ) -> Result<Outcome> {
        let attempt = Arc::new(Mutex::new(Attempt::new(
            Flow::SignIn,
            purpose,
            &profile.authority,
            self.clock.now(),
        )));
        let mut tapped = options.clone();
        let forward = options.progress.clone();
        let seen = attempt.clone();
        tapped.progress = Some(Arc::new(move |p: Progress| {
            if let Ok(mut a) = seen.lock() {
                match &p {
                    Progress::MetadataFetched { metadata_url, .. } => {
                        a.metadata_url = Some(metadata_url.clone())
                    }
                    Progress::BrowserOpened { authorize_url } => {
                        a.authorize_url = Some(authorize_url.clone())
                    }
                    Progress::WaitingForRedirect { redirect_uri } => {
                        a.redirect_uri = Some(redirect_uri.clone())
                    }
                    _ => {}
                }
            }
            if let Some(f) = &forward {
                f(p)
            }
        }));
        let result = self.sign_in(profile, &tapped).await;
        // A progress callback that panicked must not cost the sign-in's result.
        let attempt = match attempt.lock() {
            Ok(a) => a.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        self.journal
            .record(history_name, attempt, &result, self.clock.now());
        result
    }

    /// [`Engine::refresh`], recorded in the profile's history.
    pub async fn refresh_tracked(
        &self,
        profile: &Profile,
        progress: Option<super::ProgressFn>,
    ) -> Result<Outcome> {
        let mut attempt = Attempt::new(
            Flow::Refresh,
            Purpose::Refresh,
            &profile.authority,
            self.clock.now(),
        );
        attempt.metadata_url = crate::oidc::authority::Authority::parse(&profile.authority)
            .ok()
            .map(|a| a.metadata_url.to_string());
        let result = self.refresh(profile, progress).await;
        self.journal
            .record(&profile.name, attempt, &result, self.clock.now());
        result
    }

    /// This session's sign-ins and refreshes of a profile (the latest
    /// [`HISTORY_KEPT`](crate::engine::history::HISTORY_KEPT)), oldest first.
    pub fn history(&self, profile: &str) -> Vec<HistoryEntry> {
        self.journal.entries(profile)
    }

    /// How many earlier sign-ins and refreshes of the profile `history` no longer holds.
    pub fn history_left_out(&self, profile: &str) -> u32 {
        self.journal.left_out(profile)
    }

    /// Forgets a profile's history (it was deleted or renamed).
    pub fn forget_history(&self, profile: &str) {
        self.journal.forget(profile)
    }

    /// The stored refresh token's age against B2C's default 14-day lifetime and 90-day
    /// sliding window (counted from the last interactive sign-in); `None` when none is stored.
    pub async fn refresh_age(&self, profile: &str) -> Result<Option<RefreshAge>> {
        let Some(stored) = self.stored_refresh(profile).await? else {
            return Ok(None);
        };
        let state = self.profiles.state(profile)?;
        Ok(Some(history::refresh_age(
            stored.stored_at,
            state.last_sign_in,
            self.clock.now(),
        )))
    }

    /// The support bundle of the profile's last sign-in or refresh in this session.
    pub fn support_bundle(&self, profile: &Profile, app_version: &str) -> Result<SupportBundle> {
        let attempt = self.journal.last_attempt(&profile.name).ok_or_else(|| {
            Error::Profile(format!(
                "profile {:?} has not signed in or refreshed in this session: nothing to report",
                profile.name
            ))
        })?;
        Ok(support::build(
            profile,
            &attempt,
            app_version,
            self.clock.now(),
        ))
    }
}
