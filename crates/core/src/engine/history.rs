//! Tokens over time: per profile, this session's sign-ins and refreshes (time, policy, checks
//! passed, claims changed since the previous ID token, what the tenant returned), the last
//! attempt's request and error (for the support bundle), and the refresh token's age against
//! B2C's default lifetimes. Kept in memory only: a session's history ends with the process.

use crate::engine::outcome::{Flow, Outcome};
use crate::error::{Error, ErrorKind};
use crate::inspect::diff::{diff, TokenDiff};
use crate::inspect::{inspect_token, InspectOptions};
use crate::oidc::authority::Authority;
use crate::oidc::provider_error::ProviderError;
use crate::secret::Secret;
use crate::validate::CheckId;
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;

/// B2C's default refresh token lifetime (14 days; a user flow may set 1–90).
pub const B2C_REFRESH_LIFETIME_DAYS: i64 = 14;
/// B2C's default refresh token sliding window (90 days from the interactive sign-in; a user
/// flow may set 1–365 or no expiry).
pub const B2C_SLIDING_WINDOW_DAYS: i64 = 90;

/// Why a sign-in ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// The profile's own sign-in.
    SignIn,
    /// The tenant's password-reset policy, after AADB2C90118.
    PasswordReset,
    /// A refresh-token redemption.
    Refresh,
}

use crate::oidc::issuer::issuer_form;
pub use crate::oidc::issuer::IssuerForm;

/// What the tenant returned, read from the tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TenantFacts {
    /// The ID token's `iss`.
    pub issuer: String,
    /// GUID, `tfp` or External ID form.
    pub issuer_form: IssuerForm,
    /// The tenant GUID or name in the issuer.
    pub issuer_tenant: Option<String>,
    /// Which claim names the policy: `tfp` or `acr` (older tenants and custom policies).
    pub policy_claim: Option<String>,
    /// The policy the claim names.
    pub policy: Option<String>,
    /// ID token lifetime as issued (`exp - iat`), seconds.
    pub id_token_lifetime: Option<i64>,
    /// Access token lifetime as issued (`exp - iat`), seconds, when it is a JWT.
    pub access_token_lifetime: Option<i64>,
    /// `expires_in` of the token response, seconds.
    pub expires_in: Option<u64>,
    /// `refresh_token_expires_in` of the token response (B2C sends it), seconds.
    pub refresh_token_expires_in: Option<u64>,
}

/// One sign-in or refresh of this session.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HistoryEntry {
    /// When it ended.
    pub at: DateTime<Utc>,
    /// Sign-in or refresh.
    pub flow: Flow,
    /// Why it ran.
    pub purpose: Purpose,
    /// The B2C policy it ran against.
    pub policy: Option<String>,
    /// Tokens came back and every check passed.
    pub passed: bool,
    /// Checks passed.
    pub checks_passed: u32,
    /// Checks made.
    pub checks_total: u32,
    /// The checks that failed.
    pub failed_checks: Vec<CheckId>,
    /// The error it ended in: the B2C code when there is one, else the error's kind.
    pub error: Option<String>,
    /// The error's message.
    pub error_message: Option<String>,
    /// The ID token compared with the previous one of this session (`None` for the first).
    pub changes: Option<TokenDiff>,
    /// What the tenant returned.
    pub facts: Option<TenantFacts>,
}

/// The refresh token's age against B2C's default lifetimes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RefreshAge {
    /// When the stored refresh token was received (its last rotation).
    pub stored_at: DateTime<Utc>,
    /// Its age, seconds.
    pub age_seconds: i64,
    /// B2C's default lifetime, days.
    pub lifetime_days: i64,
    /// When it expires with the default lifetime.
    pub expires_at: DateTime<Utc>,
    /// The interactive sign-in that started the refresh chain, when known.
    pub window_started_at: Option<DateTime<Utc>>,
    /// B2C's default sliding window, days.
    pub window_days: i64,
    /// When the sliding window closes (no refresh after it: sign in again).
    pub window_ends_at: Option<DateTime<Utc>>,
    /// In words.
    pub summary: String,
    /// The age as `summary` words it ("0 s" in "0 s old of 14 days…"), and the time it counts
    /// from (`stored_at`), so a view that stays open can keep the age true.
    pub age: crate::validate::RelativeTime,
}

/// The refresh token's age at `now`.
pub fn refresh_age(
    stored_at: DateTime<Utc>,
    window_started_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> RefreshAge {
    let expires_at = stored_at + Duration::days(B2C_REFRESH_LIFETIME_DAYS);
    let window_ends_at = window_started_at.map(|s| s + Duration::days(B2C_SLIDING_WINDOW_DAYS));
    let age = now - stored_at;
    let mut summary = format!(
        "{} old of {B2C_REFRESH_LIFETIME_DAYS} days (B2C's default lifetime)",
        span(age)
    );
    if now >= expires_at {
        summary = format!(
            "{} old: past B2C's default {B2C_REFRESH_LIFETIME_DAYS}-day lifetime, expect \
             AADB2C90080 unless the user flow sets a longer one",
            span(age)
        );
    }
    match window_ends_at {
        Some(end) if now >= end => summary.push_str(&format!(
            "; the {B2C_SLIDING_WINDOW_DAYS}-day sliding window closed {} ago: sign in again",
            span(now - end)
        )),
        Some(end) => summary.push_str(&format!(
            "; {} left of the {B2C_SLIDING_WINDOW_DAYS}-day sliding window",
            span_left(end - now)
        )),
        None => {}
    }
    RefreshAge {
        age: crate::validate::RelativeTime {
            at: stored_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            phrase: span(age),
        },
        stored_at,
        age_seconds: age.num_seconds(),
        lifetime_days: B2C_REFRESH_LIFETIME_DAYS,
        expires_at,
        window_started_at,
        window_days: B2C_SLIDING_WINDOW_DAYS,
        window_ends_at,
        summary,
    }
}

fn span(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..=59 => format!("{s} s"),
        60..=3599 => format!("{} min", s / 60),
        3600..=86_399 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

/// A time left, to the nearest unit: the window opened by a sign-in a few seconds before the
/// token was stored has "90 days" left, not 89 (89 days 23 h 59 min, cut to whole days).
fn span_left(d: Duration) -> String {
    let s = d.num_seconds().max(0);
    let nearest = |unit: i64| (s + unit / 2) / unit;
    match s {
        0..=59 => format!("{s} s"),
        60..=3569 => format!("{} min", nearest(60)),
        3570..=84_599 => format!("{} h", nearest(3600)),
        _ => format!("{} days", nearest(86_400)),
    }
}

/// Reads what the tenant returned from an outcome's tokens.
pub fn tenant_facts(outcome: &Outcome) -> Option<TenantFacts> {
    let id = outcome.id_token.as_ref()?.decoded.as_ref()?;
    let issuer = id.claim_str("iss")?.to_owned();
    let (issuer_form, issuer_tenant) = issuer_form(&issuer);
    let (policy_claim, policy) = match (id.claim_str("tfp"), id.claim_str("acr")) {
        (Some(p), _) => (Some("tfp".to_owned()), Some(p.to_owned())),
        (None, Some(p)) if crate::oidc::authority::is_policy(p) => {
            (Some("acr".to_owned()), Some(p.to_owned()))
        }
        _ => (None, None),
    };
    let lifetime = |payload: &serde_json::Map<String, Value>| {
        Some(payload.get("exp")?.as_i64()? - payload.get("iat")?.as_i64()?)
    };
    Some(TenantFacts {
        issuer,
        issuer_form,
        issuer_tenant,
        policy_claim,
        policy,
        id_token_lifetime: lifetime(&id.payload),
        access_token_lifetime: outcome
            .access_token
            .as_ref()
            .and_then(|t| t.decoded.as_ref())
            .and_then(|d| lifetime(&d.payload)),
        expires_in: outcome.expires_in,
        refresh_token_expires_in: outcome.refresh_token_expires_in,
    })
}

/// An error as the history and the support bundle keep it.
#[derive(Debug, Clone, Serialize)]
pub struct AttemptError {
    /// [`Error::kind`].
    pub kind: ErrorKind,
    /// The error in words.
    pub message: String,
    /// The provider's error, when it was one.
    pub provider: Option<ProviderError>,
}

/// The last sign-in or refresh of a profile, with its request (no secrets: the authorize URL
/// carries no verifier, and nothing here holds a token).
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Sign-in or refresh.
    pub flow: Flow,
    /// Why it ran.
    pub purpose: Purpose,
    /// The authority used.
    pub authority: String,
    /// The policy, for B2C.
    pub policy: Option<String>,
    /// The metadata URL fetched.
    pub metadata_url: Option<String>,
    /// The authorization request URL sent to the browser.
    pub authorize_url: Option<String>,
    /// The exact `redirect_uri` sent.
    pub redirect_uri: Option<String>,
    /// How it ended, when it failed.
    pub error: Option<AttemptError>,
}

impl Attempt {
    /// A new attempt with an authority.
    pub fn new(flow: Flow, purpose: Purpose, authority: &str, now: DateTime<Utc>) -> Self {
        Self {
            started_at: now,
            flow,
            purpose,
            authority: authority.to_owned(),
            policy: Authority::parse(authority)
                .ok()
                .and_then(|a| a.b2c)
                .map(|b| b.policy),
            metadata_url: None,
            authorize_url: None,
            redirect_uri: None,
            error: None,
        }
    }
}

/// How many sign-ins and refreshes of a profile the session keeps: the latest ones. Older ones
/// are counted (`Journal::left_out`), so a window left open through hundreds of refreshes holds
/// a bounded history.
pub const HISTORY_KEPT: usize = 50;

#[derive(Default)]
struct ProfileJournal {
    entries: Vec<HistoryEntry>,
    /// Entries dropped from the front to keep `HISTORY_KEPT`.
    left_out: u32,
    last_id_token: Option<Secret>,
    last_attempt: Option<Attempt>,
}

/// The session's history of every profile.
#[derive(Default)]
pub struct Journal {
    profiles: Mutex<HashMap<String, ProfileJournal>>,
}

impl Journal {
    /// Records how an attempt ended; returns the new entry.
    pub fn record(
        &self,
        profile: &str,
        mut attempt: Attempt,
        result: &Result<Outcome, Error>,
        now: DateTime<Utc>,
    ) -> HistoryEntry {
        let Ok(mut all) = self.profiles.lock() else {
            return entry_of(&attempt, result, None, now);
        };
        let journal = all.entry(profile.to_owned()).or_default();
        let changes = match result {
            Ok(outcome) => outcome.id_token.as_ref().and_then(|new| {
                let options = InspectOptions::at(now);
                let previous = journal.last_id_token.replace(new.raw.clone())?;
                let a = inspect_token("previous id_token", previous.expose(), &options);
                let b = inspect_token("id_token", new.raw.expose(), &options);
                (a.error.is_none() && b.error.is_none()).then(|| diff(&a, &b))
            }),
            Err(_) => None,
        };
        if let Err(e) = result {
            attempt.error = Some(AttemptError {
                kind: e.kind(),
                message: e.to_string(),
                provider: match e {
                    Error::Provider(p) => Some((**p).clone()),
                    _ => None,
                },
            });
        }
        let entry = entry_of(&attempt, result, changes, now);
        journal.entries.push(entry.clone());
        if journal.entries.len() > HISTORY_KEPT {
            let over = journal.entries.len() - HISTORY_KEPT;
            journal.entries.drain(..over);
            journal.left_out = journal
                .left_out
                .saturating_add(u32::try_from(over).unwrap_or(u32::MAX));
        }
        journal.last_attempt = Some(attempt);
        entry
    }

    /// The profile's sign-ins and refreshes left out of `entries` (the earliest; only the latest
    /// `HISTORY_KEPT` are kept).
    pub fn left_out(&self, profile: &str) -> u32 {
        self.profiles
            .lock()
            .ok()
            .and_then(|all| all.get(profile).map(|j| j.left_out))
            .unwrap_or(0)
    }

    /// The profile's history (the latest `HISTORY_KEPT`), oldest first.
    pub fn entries(&self, profile: &str) -> Vec<HistoryEntry> {
        self.profiles
            .lock()
            .ok()
            .and_then(|all| all.get(profile).map(|j| j.entries.clone()))
            .unwrap_or_default()
    }

    /// The profile's last attempt.
    pub fn last_attempt(&self, profile: &str) -> Option<Attempt> {
        self.profiles
            .lock()
            .ok()?
            .get(profile)
            .and_then(|j| j.last_attempt.clone())
    }

    /// Forgets a profile (deleted or renamed).
    pub fn forget(&self, profile: &str) {
        if let Ok(mut all) = self.profiles.lock() {
            all.remove(profile);
        }
    }
}

fn entry_of(
    attempt: &Attempt,
    result: &Result<Outcome, Error>,
    changes: Option<TokenDiff>,
    now: DateTime<Utc>,
) -> HistoryEntry {
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    match result {
        Ok(o) => HistoryEntry {
            at: now,
            flow: o.flow,
            purpose: attempt.purpose,
            policy: attempt.policy.clone(),
            passed: o.passed(),
            checks_passed: count(o.report.checks.iter().filter(|c| c.ok).count()),
            checks_total: count(o.report.checks.len()),
            failed_checks: o
                .report
                .checks
                .iter()
                .filter(|c| !c.ok)
                .map(|c| c.name)
                .collect(),
            error: None,
            error_message: None,
            changes,
            facts: tenant_facts(o),
        },
        Err(e) => HistoryEntry {
            at: now,
            flow: attempt.flow,
            purpose: attempt.purpose,
            policy: attempt.policy.clone(),
            passed: false,
            checks_passed: 0,
            checks_total: 0,
            failed_checks: Vec::new(),
            error: Some(match e {
                Error::Provider(p) => p.code.clone().unwrap_or_else(|| p.error.clone()),
                other => other.kind().as_str().to_owned(),
            }),
            error_message: Some(match e {
                Error::Provider(p) => p
                    .message
                    .clone()
                    .unwrap_or_else(|| p.description.clone().unwrap_or_else(|| e.to_string())),
                other => other.to_string(),
            }),
            changes: None,
            facts: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    #[test]
    fn refresh_age_is_measured_against_b2c_defaults() {
        let a = refresh_age(at(1, 0), Some(at(1, 0)), at(3, 0));
        assert_eq!(a.age_seconds, 2 * 86_400);
        assert_eq!(a.expires_at, at(15, 0));
        assert_eq!(a.window_ends_at, Some(at(1, 0) + Duration::days(90)));
        assert!(
            a.summary.starts_with("2 days old of 14 days"),
            "{}",
            a.summary
        );
        // The words of the age, and the time it counts from, for a view that stays open.
        assert_eq!(a.age.phrase, "2 days");
        assert_eq!(a.age.at, "2026-11-01T00:00:00Z");
        assert!(
            a.summary
                .contains("88 days left of the 90-day sliding window"),
            "{}",
            a.summary
        );

        // Right after a sign-in (the window opened a few seconds before the token was
        // stored), the whole window is left, not 89 days.
        let fresh = refresh_age(at(1, 0), Some(at(1, 0) - Duration::seconds(3)), at(1, 0));
        assert!(
            fresh.summary.starts_with("0 s old")
                && fresh
                    .summary
                    .contains("90 days left of the 90-day sliding window"),
            "{}",
            fresh.summary
        );

        let old = refresh_age(at(1, 0), None, at(20, 0));
        assert!(
            old.summary.contains("past B2C's default 14-day lifetime"),
            "{}",
            old.summary
        );
        assert_eq!(old.window_ends_at, None);

        let start = at(1, 0) - Duration::days(100);
        let closed = refresh_age(at(1, 0), Some(start), at(2, 0));
        assert!(
            closed.summary.contains("sliding window closed 11 days ago"),
            "{}",
            closed.summary
        );
    }

    fn outcome(policy: &str, iat: i64) -> Outcome {
        use crate::engine::outcome::{RefreshTokenStatus, TokenView};
        let g = "81659f24-f1c7-4ca5-8a9b-494bf0b206a5";
        let raw = crate::testkit::sign(
            "RS256",
            &serde_json::json!({
                "iss": format!("https://contoso.b2clogin.com/{g}/v2.0/"),
                "sub": "u1", "aud": "c1", "tfp": policy, "iat": iat, "exp": iat + 3600,
            }),
        );
        let mut report = crate::validate::Report::default();
        report.checks.push(crate::validate::Check::new(
            CheckId::Signature,
            true,
            String::new(),
        ));
        report.checks.push(crate::validate::Check::new(
            CheckId::Aud,
            policy != "B2C_1_bad",
            String::new(),
        ));
        Outcome {
            flow: Flow::SignIn,
            profile: "p".into(),
            issuer: String::new(),
            redirect_uri: None,
            id_token: Some(TokenView {
                raw: Secret::new(raw.clone()),
                decoded: crate::jose::jwt::decode(&raw).ok(),
            }),
            access_token: None,
            report,
            refresh_token: RefreshTokenStatus {
                received: false,
                stored: false,
                location: crate::store::vault::VaultLocation::Keyring,
                note: String::new(),
            },
            token_type: None,
            expires_in: Some(3600),
            scope: None,
            refresh_token_expires_in: None,
            response_fields: Vec::new(),
            exchanges: Default::default(),
            request_form: None,
            sender: None,
        }
    }

    #[test]
    fn the_journal_keeps_the_latest_runs_and_counts_the_earlier() {
        let journal = Journal::default();
        let now = at(25, 10);
        let runs = HISTORY_KEPT + 7;
        for i in 0..runs {
            let attempt = Attempt::new(Flow::SignIn, Purpose::SignIn, "contoso/B2C_1_susi", now);
            let iat = i64::try_from(i).unwrap() + 1;
            journal.record("p", attempt, &Ok(outcome("B2C_1_susi", iat)), now);
        }
        let kept = journal.entries("p");
        assert_eq!(kept.len(), HISTORY_KEPT);
        assert_eq!(journal.left_out("p"), 7);
        // The latest are kept, and the first kept still says what changed since the one before.
        assert!(kept[0].changes.is_some());
        assert_eq!(journal.left_out("other"), 0);
        journal.forget("p");
        assert_eq!((journal.entries("p").len(), journal.left_out("p")), (0, 0));
    }

    #[test]
    fn the_journal_records_each_run_with_checks_changes_and_errors() {
        let journal = Journal::default();
        let now = at(25, 10);
        let attempt = |policy: &str| {
            Attempt::new(
                Flow::SignIn,
                Purpose::SignIn,
                &format!("contoso/{policy}"),
                now,
            )
        };
        let first = journal.record(
            "p",
            attempt("B2C_1_susi"),
            &Ok(outcome("B2C_1_susi", 1)),
            now,
        );
        assert_eq!((first.checks_passed, first.checks_total), (2, 2));
        assert!(first.passed && first.changes.is_none());
        let facts = first.facts.expect("facts");
        assert_eq!(facts.issuer_form, IssuerForm::Guid);
        assert_eq!(
            (facts.policy_claim.as_deref(), facts.policy.as_deref()),
            (Some("tfp"), Some("B2C_1_susi"))
        );
        assert_eq!(facts.id_token_lifetime, Some(3600));

        let second = journal.record("p", attempt("B2C_1_bad"), &Ok(outcome("B2C_1_bad", 2)), now);
        assert!(!second.passed);
        assert_eq!(second.failed_checks, [CheckId::Aud]);
        let changed: Vec<&str> = second
            .changes
            .as_ref()
            .expect("compared")
            .claims
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(changed, ["tfp", "iat", "exp"]);

        let forgot = crate::oidc::provider_error::ProviderError::new(
            crate::oidc::provider_error::ErrorOrigin::Authorization,
            "access_denied",
            Some("AADB2C90118: The user has forgotten their password.\r\nCorrelation ID: x\r\n"),
            None,
        );
        let third = journal.record("p", attempt("B2C_1_forgot"), &Err(forgot.into()), now);
        assert_eq!(third.error.as_deref(), Some("AADB2C90118"));
        assert_eq!(third.policy.as_deref(), Some("B2C_1_forgot"));
        let last = journal.last_attempt("p").expect("kept");
        assert_eq!(
            last.error
                .and_then(|e| e.provider)
                .and_then(|p| p.correlation_id),
            Some("x".to_owned())
        );
        assert_eq!(journal.entries("p").len(), 3);
        assert!(journal.entries("other").is_empty());
        journal.forget("p");
        assert!(journal.entries("p").is_empty() && journal.last_attempt("p").is_none());
    }

    #[test]
    fn issuer_forms_are_recognised() {
        let g = "81659f24-f1c7-4ca5-8a9b-494bf0b206a5";
        assert_eq!(
            issuer_form(&format!("https://contoso.b2clogin.com/{g}/v2.0/")),
            (IssuerForm::Guid, Some(g.to_owned()))
        );
        assert_eq!(
            issuer_form(&format!(
                "https://contoso.b2clogin.com/tfp/{g}/b2c_1_susi/v2.0/"
            )),
            (IssuerForm::Tfp, Some(g.to_owned()))
        );
        assert_eq!(
            issuer_form("https://login.example.org/realms/x"),
            (IssuerForm::Other, None)
        );
        assert_eq!(issuer_form("not a url"), (IssuerForm::Other, None));
    }
}
