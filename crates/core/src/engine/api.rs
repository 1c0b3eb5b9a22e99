//! The engine's side of an API call: the profile's current token (the one this session holds
//! while it has a minute left, else a silent refresh; a sign-in when none is stored), then the
//! call and its diagnosis ([`crate::api`]).

use super::{Engine, Outcome, WireOf, NO_PROFILE};
use crate::api::userinfo::{self, UserInfo};
use crate::api::{self, curl, ApiCall, CallInput, Hints, TokenChoice};
use crate::error::{Error, Result};
use crate::jose::jwt;
use crate::oidc::authority::Authority;
use crate::secret::Secret;
use crate::store::profile::{Profile, RecentCall, MAX_RECENT_BODY};
use chrono::{DateTime, Duration, Utc};

/// A token of this session and when it stops being usable.
#[derive(Debug, Clone)]
pub(super) struct Held {
    token: Secret,
    expires: Option<DateTime<Utc>>,
    /// Bound to the profile's DPoP key (`token_type` DPoP): sent as `Authorization: DPoP`.
    bound: bool,
}

/// The access and ID tokens of a profile's last sign-in or refresh (memory only).
#[derive(Debug, Clone, Default)]
pub(super) struct SessionTokens {
    access: Option<Held>,
    id: Option<Held>,
}

/// A token is used while it has at least this long left.
const MARGIN: Duration = Duration::seconds(60);

impl Engine {
    /// Calls an API with the profile's token and explains the answer. Bad input is refused
    /// before any token is fetched; a transport failure is an error, any HTTP answer a result.
    pub async fn call_api(&self, profile: &Profile, input: &CallInput) -> Result<ApiCall> {
        self.logged(
            &profile.name,
            WireOf::Api,
            self.call_api_logged(profile, input),
        )
        .await
    }

    async fn call_api_logged(&self, profile: &Profile, input: &CallInput) -> Result<ApiCall> {
        let call = api::prepare(input)?;
        let token = self.api_token(profile, call.token).await?;
        let hints = Hints {
            scopes: &profile.scopes,
            pasted: false,
            dpop: profile.dpop,
        };
        let bound = self.is_bound(&profile.name, call.token);
        let http = self.http_for(profile, None, bound).await?;
        let mut answer = api::send(http.as_ref(), &call, &token, &hints, self.clock.now()).await?;
        if profile.dpop {
            shown_with_dpop(&mut answer.request.headers, bound);
        }
        self.remember_call(&profile.name, input, &answer);
        Ok(answer)
    }

    /// Calls an API with a token the user gives (one someone pasted) and explains the answer.
    /// The token belongs to no profile: nothing is refreshed or remembered, and the advice
    /// names the app that got the token.
    pub async fn call_api_with_token(&self, token: &str, input: &CallInput) -> Result<ApiCall> {
        self.logged(
            NO_PROFILE,
            WireOf::Api,
            self.call_api_with_token_logged(token, input),
        )
        .await
    }

    async fn call_api_with_token_logged(&self, token: &str, input: &CallInput) -> Result<ApiCall> {
        let call = api::prepare(input)?;
        let token = api::call::given_token(token)?;
        let hints = Hints {
            scopes: &[],
            pasted: true,
            dpop: false,
        };
        api::send(self.http.as_ref(), &call, &token, &hints, self.clock.now()).await
    }

    /// Whether the profile's held token of this kind is DPoP-bound.
    fn is_bound(&self, profile: &str, choice: TokenChoice) -> bool {
        self.held_token(profile, choice).is_some_and(|h| h.bound)
    }

    /// The profile's recent calls, newest first.
    pub fn recent_calls(&self, profile: &str) -> Result<Vec<RecentCall>> {
        Ok(self.profiles.state(profile)?.recent_calls)
    }

    /// Puts an answered call first in the profile's recent calls. A state file that cannot be
    /// written loses the entry, never the answer.
    fn remember_call(&self, profile: &str, input: &CallInput, call: &ApiCall) {
        let entry = RecentCall {
            at: call.sent_at,
            method: call.request.method.clone(),
            url: input.url.trim().to_owned(),
            headers: input
                .headers
                .iter()
                .map(|h| (h.name.clone(), h.value.clone()))
                .collect(),
            body: input
                .body
                .clone()
                .filter(|b| !b.is_empty() && b.len() <= MAX_RECENT_BODY),
            id_token: input.token == TokenChoice::Id,
            status: call.response.status,
            elapsed_ms: call.elapsed_ms,
        };
        let _ = self
            .profiles
            .update_state(profile, |state| state.remember_call(entry));
    }

    /// Calls the provider's userinfo endpoint with the profile's access token and compares
    /// the claims with its ID token's.
    pub async fn userinfo(&self, profile: &Profile) -> Result<UserInfo> {
        self.logged(
            &profile.name,
            WireOf::Userinfo,
            self.userinfo_logged(profile),
        )
        .await
    }

    async fn userinfo_logged(&self, profile: &Profile) -> Result<UserInfo> {
        let authority = Authority::parse(&profile.authority)?;
        let provider = self.provider_for(profile, &authority).await?;
        let endpoint = provider.metadata.userinfo_endpoint.clone().ok_or_else(|| {
            Error::Config(format!(
                "the provider's metadata ({}) has no userinfo_endpoint: B2C user flows have \
                     none, custom policies can add one",
                authority.metadata_url
            ))
        })?;
        let token = self.api_token(profile, TokenChoice::Access).await?;
        let bound = self.is_bound(&profile.name, TokenChoice::Access);
        let http = self.http_for(profile, None, bound).await?;
        let id_claims = self
            .held_token(&profile.name, TokenChoice::Id)
            .and_then(|h| jwt::decode(h.token.expose()).ok())
            .map(|d| d.payload);
        userinfo::fetch(
            http.as_ref(),
            &endpoint,
            &token,
            id_claims.as_ref(),
            &Hints {
                scopes: &[],
                pasted: false,
                dpop: profile.dpop,
            },
            self.clock.now(),
        )
        .await
    }

    /// The call as a curl command: the token as `$TOKEN`, or in the clear when `reveal`.
    pub async fn api_curl(
        &self,
        profile: &Profile,
        input: &CallInput,
        reveal: bool,
    ) -> Result<String> {
        let call = api::prepare(input)?;
        if !reveal {
            return Ok(curl::command(&call, None));
        }
        let token = self.api_token(profile, call.token).await?;
        Ok(curl::command(&call, Some(&token)))
    }

    /// A call with a given token as a curl command: the token as `$TOKEN`, or in the clear
    /// when `reveal` (checked as [`Engine::call_api_with_token`] checks it).
    pub fn api_curl_with_token(
        &self,
        token: &str,
        input: &CallInput,
        reveal: bool,
    ) -> Result<String> {
        let call = api::prepare(input)?;
        let token = api::call::given_token(token)?;
        Ok(curl::command(&call, reveal.then_some(&token)))
    }

    /// The profile's token of this kind: the one this session holds while it has a minute
    /// left, else one from a silent refresh ([`Error::SignInRequired`] when no refresh token
    /// is stored).
    pub async fn api_token(&self, profile: &Profile, choice: TokenChoice) -> Result<Secret> {
        let now = self.clock.now();
        if let Some(held) = self.held_token(&profile.name, choice) {
            let usable = match held.expires {
                Some(e) => e - MARGIN > now,
                None => true,
            };
            if usable {
                return Ok(held.token);
            }
        }
        let outcome = self.refresh(profile, None).await?;
        if !outcome.passed() {
            let failed: Vec<&str> = outcome.report.failures().map(|c| c.name.as_str()).collect();
            return Err(Error::SignInRequired(format!(
                "the refreshed tokens of profile {:?} failed validation ({}); they are not sent \
                 anywhere: sign in again",
                profile.name,
                failed.join(", ")
            )));
        }
        let view = match choice {
            TokenChoice::Access => &outcome.access_token,
            TokenChoice::Id => &outcome.id_token,
        };
        view.as_ref().map(|v| v.raw.clone()).ok_or_else(|| {
            Error::Config(match choice {
                TokenChoice::Access => format!(
                    "the provider issued no access token to profile {:?}: add the API's scope \
                     (or the client ID) to its scopes; B2C issues an access token only then",
                    profile.name
                ),
                TokenChoice::Id => format!(
                    "the provider issued no ID token to profile {:?}: add `openid` to its scopes",
                    profile.name
                ),
            })
        })
    }

    fn held_token(&self, profile: &str, choice: TokenChoice) -> Option<Held> {
        let map = self.api_tokens.lock().ok()?;
        let tokens = map.get(profile)?;
        match choice {
            TokenChoice::Access => tokens.access.clone(),
            TokenChoice::Id => tokens.id.clone(),
        }
    }

    /// Keeps the tokens of a sign-in or refresh that passed, for the calls that follow.
    pub(super) fn remember_api_tokens(&self, outcome: &Outcome) {
        if !outcome.passed() {
            return;
        }
        let now = self.clock.now();
        let bound = outcome
            .token_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("dpop"));
        let held = |view: &Option<super::TokenView>, lifetime: Option<u64>, bound: bool| {
            view.as_ref().map(|v| Held {
                bound,
                token: v.raw.clone(),
                expires: v
                    .decoded
                    .as_ref()
                    .and_then(|d| d.payload.get("exp"))
                    .and_then(serde_json::Value::as_i64)
                    .and_then(|exp| DateTime::from_timestamp(exp, 0))
                    .or_else(|| {
                        lifetime
                            .and_then(|s| i64::try_from(s).ok())
                            .map(|s| now + Duration::seconds(s))
                    }),
            })
        };
        let tokens = SessionTokens {
            access: held(&outcome.access_token, outcome.expires_in, bound),
            id: held(&outcome.id_token, None, false),
        };
        if let Ok(mut map) = self.api_tokens.lock() {
            map.insert(outcome.profile.clone(), tokens);
        }
    }
}

/// The request as shown when the profile uses DPoP: the scheme the token went with, and the
/// proof (a new one per request, signed with the profile's key).
fn shown_with_dpop(headers: &mut Vec<api::Header>, bound: bool) {
    if bound {
        for h in headers.iter_mut() {
            if h.name.eq_ignore_ascii_case("authorization") {
                h.value = h.value.replacen("Bearer ", "DPoP ", 1);
            }
        }
    }
    headers.insert(
        1.min(headers.len()),
        api::Header {
            name: "DPoP".into(),
            value: "(a proof signed with the profile's DPoP key)".into(),
        },
    );
}
