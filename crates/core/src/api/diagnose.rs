//! Why an API refused a token: the `WWW-Authenticate` challenge of a 401 or 403 compared with
//! the token that was sent. A finding is made only from what the challenge and the token show
//! (and this computer's clock); when they show nothing, there is no finding.

use super::challenge::{BearerChallenge, Challenge};
use super::TokenChoice;
use crate::jose::jwt::Decoded;
use crate::validate::relative;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

/// What a finding is about. Stable names, for scripts (`--json`) and the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// The API asks for a scope the token does not carry (`scp` / `roles`).
    InsufficientScope,
    /// The token's `aud` is not the API the challenge names.
    AudienceMismatch,
    /// The token has expired, or the API says so while this computer's clock does not.
    Expired,
    /// The token is not valid yet, or the API says so while this computer's clock does not.
    NotYetValid,
    /// The API trusts another authority, tenant or policy than the token's issuer.
    IssuerMismatch,
    /// The ID token was sent to an API.
    IdTokenSent,
    /// A 401 without a Bearer challenge: the API does not say it takes bearer tokens.
    NoTokenAccepted,
    /// A Bearer challenge without an error code: by RFC 6750 the API saw no token.
    TokenNotSeen,
    /// `invalid_token` for a reason the challenge gives in its own words (shown as is).
    InvalidToken,
    /// `invalid_request`: the API says the request is malformed.
    InvalidRequest,
    /// Another `error` code than RFC 6750's three.
    ApiError,
    /// The API takes DPoP-bound tokens (RFC 9449) and the token went without a proof.
    DpopRequired,
    /// The API refused the DPoP proof (`invalid_dpop_proof`).
    DpopProof,
    /// The API asked for a DPoP nonce again after the retry with its nonce (`use_dpop_nonce`).
    DpopNonce,
}

/// One finding: what is wrong, in plain words, naming the value and what to change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Finding {
    /// What it is about.
    pub code: FindingCode,
    /// The explanation.
    pub message: String,
}

/// The token that was sent, as far as it can be read.
#[derive(Debug, Clone, Copy)]
pub struct SentToken<'a> {
    /// Access or ID token.
    pub choice: TokenChoice,
    /// Its claims, when it is a JWT (`None` for an opaque token).
    pub decoded: Option<&'a Decoded>,
}

/// What the profile says, for advice (the full name of a scope to request).
#[derive(Debug, Clone, Copy, Default)]
pub struct Hints<'a> {
    /// The profile's scopes.
    pub scopes: &'a [String],
    /// The token was given by the user (pasted), not fetched for a profile: the advice names
    /// the app that got it instead of the profile's scopes.
    pub pasted: bool,
    /// The profile sends DPoP proofs (RFC 9449) with its calls.
    pub dpop: bool,
}

impl Hints<'_> {
    /// Where a missing scope is to be asked for.
    fn where_to_request(&self) -> &'static str {
        if self.pasted {
            "the scopes the app that got this token requests"
        } else {
            "the profile's scopes"
        }
    }
}

/// The findings for an answer with this status and these challenges to this token.
pub fn diagnose(
    status: u16,
    challenges: &[Challenge],
    sent: &SentToken<'_>,
    hints: &Hints<'_>,
    now: DateTime<Utc>,
) -> Vec<Finding> {
    if status != 401 && status != 403 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let claims = sent.decoded.map(|d| &d.payload);
    if sent.choice == TokenChoice::Id {
        let aud = claims
            .map(|c| audiences(c).join(", "))
            .filter(|a| !a.is_empty())
            .map(|a| format!(" (its aud is the app's client ID, `{a}`)"))
            .unwrap_or_default();
        out.push(finding(
            FindingCode::IdTokenSent,
            format!(
                "The ID token was sent. An ID token tells the app who signed in{aud}; an API \
                 should accept only access tokens issued for it. Send the access token, with \
                 the API's scope in {} so that one is issued.",
                hints.where_to_request()
            ),
        ));
    }
    let dpop = challenges
        .iter()
        .find(|c| c.scheme.eq_ignore_ascii_case("dpop"));
    let bearer = challenges.iter().find_map(BearerChallenge::of);
    if let Some(d) = dpop {
        if dpop_findings(d, bearer.is_some(), hints, &mut out) {
            return out;
        }
    }
    // RFC 9449 §7.1: a DPoP challenge carries RFC 6750's parameters.
    let bearer = bearer.or_else(|| {
        dpop.and_then(|d| {
            BearerChallenge::of(&Challenge {
                scheme: "Bearer".into(),
                ..d.clone()
            })
        })
    });
    let Some(bearer) = bearer else {
        if status == 401 {
            let said = if challenges.is_empty() {
                "no WWW-Authenticate header".to_owned()
            } else {
                let schemes: Vec<&str> = challenges.iter().map(|c| c.scheme.as_str()).collect();
                format!("WWW-Authenticate offers {} only", schemes.join(", "))
            };
            out.push(finding(
                FindingCode::NoTokenAccepted,
                format!(
                    "The API answered 401 without a Bearer challenge ({said}): it does not say \
                     that it takes bearer tokens here. Check the URL, and whether this route \
                     wants another credential (Basic, a cookie, an API key)."
                ),
            ));
        }
        out.extend(claims.into_iter().flat_map(|c| time_facts(c, now)));
        return out;
    };
    let description = bearer.error_description.as_deref().unwrap_or("");
    let words = Words::of(description);
    let mut explained = false;

    if bearer.error.as_deref() == Some("insufficient_scope") {
        out.push(scope_finding(&bearer, claims, hints));
        explained = true;
    }

    // Audience: the resource the challenge names, or the API's own words.
    if let Some(claims) = claims {
        let aud = audiences(claims);
        let named = bearer
            .resource_id
            .as_deref()
            .filter(|r| !aud.iter().any(|a| same_resource(a, r)));
        if named.is_some() || words.audience {
            let expected = named
                .map(str::to_owned)
                .or_else(|| expected_value(description, &["ValidAudience", "ValidAudiences"]));
            let has = if aud.is_empty() {
                "the token has no aud".to_owned()
            } else {
                format!("the token's aud is `{}`", aud.join(", "))
            };
            let message = match (&expected, named.is_some()) {
                (Some(e), true) => format!(
                    "The API is `{e}` (resource_id in its challenge); {has}. Request a scope \
                     of that API (its App ID URI followed by /<scope>) so that the access \
                     token is issued for it."
                ),
                (Some(e), false) => format!(
                    "The API refused the audience: {has}, the API expects `{e}`. Request a \
                     scope of that API (its App ID URI followed by /<scope>) so that the \
                     access token is issued for it."
                ),
                (None, _) => format!(
                    "The API refused the audience: {has}. Its words: \"{description}\". \
                     Request a scope of the API the token is meant for."
                ),
            };
            out.push(finding(FindingCode::AudienceMismatch, message));
            explained = true;
        }
    }

    // Issuer: the API's own words, or the authority its challenge names.
    if let Some(claims) = claims {
        if let Some(f) = issuer_finding(&bearer, &words, description, claims) {
            out.push(f);
            explained = true;
        }
    }

    // Times: what the token says by this computer's clock, or the API's word against it.
    if let Some(claims) = claims {
        let facts = time_facts(claims, now);
        let expired_fact = facts.iter().any(|f| f.code == FindingCode::Expired);
        let early_fact = facts.iter().any(|f| f.code == FindingCode::NotYetValid);
        if (words.expired && expired_fact) || (words.not_yet_valid && early_fact) {
            explained = true;
        }
        out.extend(facts);
        if words.expired && !expired_fact {
            if let Some(exp) = numeric(claims, "exp") {
                let left = exp - now.timestamp();
                let gap = match api_clock(description) {
                    Some(api_now) => clock_gap(api_now, now, "ahead"),
                    None => format!(
                        "the API server's clock seems ahead by at least {} (or this \
                         computer's is behind)",
                        span(left)
                    ),
                };
                out.push(finding(
                    FindingCode::Expired,
                    format!(
                        "The API says the token expired (\"{description}\"), but by this \
                         computer's clock it is valid until {} ({}). One of the clocks is \
                         wrong: {gap}.",
                        when(exp),
                        relative(left),
                    ),
                ));
                explained = true;
            }
        }
        if words.not_yet_valid && !early_fact {
            if let Some(nbf) = numeric(claims, "nbf") {
                let since = now.timestamp() - nbf;
                let gap = match api_clock(description) {
                    Some(api_now) => clock_gap(api_now, now, "behind"),
                    None if since > 0 => format!(
                        "the API server's clock seems behind by at least {}",
                        span(since)
                    ),
                    None => "the API server's clock seems behind this computer's".to_owned(),
                };
                out.push(finding(
                    FindingCode::NotYetValid,
                    format!(
                        "The API says the token is not valid yet (\"{description}\"), but by \
                         this computer's clock it has been valid since {} ({}). One of the \
                         clocks is wrong: {gap}.",
                        when(nbf),
                        relative(-since),
                    ),
                ));
                explained = true;
            }
        }
    }

    match bearer.error.as_deref() {
        Some("insufficient_scope") => {}
        Some("invalid_token") if !explained => out.push(finding(
            FindingCode::InvalidToken,
            if description.is_empty() {
                "The API refused the token (invalid_token) without saying why.".to_owned()
            } else {
                format!("The API refused the token (invalid_token): \"{description}\"")
            },
        )),
        Some("invalid_token") => {}
        Some("invalid_request") => out.push(finding(
            FindingCode::InvalidRequest,
            format!(
                "The API says the request is malformed (invalid_request){}",
                said(description)
            ),
        )),
        Some(other) => out.push(finding(
            FindingCode::ApiError,
            format!("The API answered error `{other}`{}", said(description)),
        )),
        None if status == 401 && !explained => out.push(finding(
            FindingCode::TokenNotSeen,
            "The API answered with a Bearer challenge without an error code: by RFC 6750 that \
             is what an API says to a request without a token it recognised. The token was \
             sent in `Authorization: Bearer`; if a proxy or gateway stands in front of the \
             API, check that it passes that header on."
                .to_owned(),
        )),
        None => {}
    }
    out
}

/// What a `WWW-Authenticate: DPoP` challenge says (RFC 9449 §7.1); true when it said all there
/// is (a proof or nonce refusal), false when its RFC 6750 parameters are to be read as well.
fn dpop_findings(d: &Challenge, bearer: bool, hints: &Hints<'_>, out: &mut Vec<Finding>) -> bool {
    let description = d.param("error_description").unwrap_or("").trim();
    let said = if description.is_empty() {
        String::new()
    } else {
        format!(": \"{description}\"")
    };
    if !hints.dpop && !bearer {
        out.push(finding(
            FindingCode::DpopRequired,
            "The API takes DPoP-bound tokens (its challenge is `WWW-Authenticate: DPoP`, not \
             Bearer), and the token went without a DPoP proof. Turn DPoP on for the profile \
             (`--dpop`, or DPoP in the profile's settings) and sign in again: the token is then \
             bound to the profile's key and every call carries a proof signed with it."
                .to_owned(),
        ));
    }
    match d.param("error").map(str::trim) {
        Some("use_dpop_nonce") => {
            out.push(finding(
                FindingCode::DpopNonce,
                format!(
                    "The API wants a nonce of its own in the DPoP proof (use_dpop_nonce){said}. \
                     Tokenscope sends the request once more with the nonce of the API's \
                     DPoP-Nonce header, and the API asked again: it does not accept the \
                     nonces it hands out, or something between drops the DPoP-Nonce header."
                ),
            ));
            true
        }
        Some("invalid_dpop_proof") => {
            out.push(finding(
                FindingCode::DpopProof,
                format!(
                    "The API refused the DPoP proof (invalid_dpop_proof){said}. A proof names the \
                     method and the URL without its query (htm, htu), the time (iat, so this \
                     computer's clock matters), and the token's hash (ath); a proxy that \
                     rewrites the URL breaks htu."
                ),
            ));
            true
        }
        _ => false,
    }
}

fn finding(code: FindingCode, message: String) -> Finding {
    Finding { code, message }
}

fn said(description: &str) -> String {
    if description.is_empty() {
        ".".to_owned()
    } else {
        format!(": \"{description}\"")
    }
}

/// What the API's description talks about (ASP.NET's IDX messages, jose, jsonwebtoken).
#[derive(Default)]
struct Words {
    audience: bool,
    issuer: bool,
    expired: bool,
    not_yet_valid: bool,
}

impl Words {
    fn of(description: &str) -> Self {
        let d = description.to_ascii_lowercase();
        // Signature failures may quote the token (and so `iss`, `aud`): not about those.
        if d.contains("signature") {
            return Self::default();
        }
        Self {
            audience: d.contains("audience") || d.contains("unexpected \"aud\""),
            issuer: d.contains("issuer") || d.contains("unexpected \"iss\""),
            expired: d.contains("expired") || d.contains("\"exp\" claim"),
            not_yet_valid: d.contains("not yet valid")
                || d.contains("not valid yet")
                || d.contains("jwt not active")
                || d.contains("\"nbf\" claim"),
        }
    }
}

/// `Marker: 'value'` (ASP.NET) or `expected: value` (jsonwebtoken) in a description.
fn expected_value(description: &str, markers: &[&str]) -> Option<String> {
    for marker in markers {
        let needle = format!("{marker}: '");
        let mut from = 0;
        while let Some(i) = description[from..].find(&needle) {
            let start = from + i + needle.len();
            let value = description[start..].split('\'').next().unwrap_or("");
            if !value.is_empty() && value != "null" && !value.contains("[PII") {
                return Some(value.to_owned());
            }
            from = start;
        }
    }
    description
        .split_once("expected: ")
        .and_then(|(_, rest)| rest.split_whitespace().next())
        .map(|v| v.trim_end_matches(['.', ',']).to_owned())
        .filter(|v| !v.is_empty())
}

fn audiences(claims: &serde_json::Map<String, Value>) -> Vec<String> {
    match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// An audience and a resource name for the same API: equal, or `api://<id>` for `<id>`.
fn same_resource(aud: &str, resource: &str) -> bool {
    let bare = |s: &str| {
        s.trim_end_matches('/')
            .strip_prefix("api://")
            .unwrap_or(s.trim_end_matches('/'))
            .to_ascii_lowercase()
    };
    bare(aud) == bare(resource)
}

fn numeric(claims: &serde_json::Map<String, Value>, name: &str) -> Option<i64> {
    match claims.get(name)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The API's own time, when its description gives it (ASP.NET: `Current time: '…'`, in
/// RFC 3339 or its `MM/dd/yyyy HH:mm:ss` form).
fn api_clock(description: &str) -> Option<DateTime<Utc>> {
    let (_, rest) = description.split_once("Current time")?;
    let start = rest.find('\'')? + 1;
    let text = rest[start..].split('\'').next()?.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(text, "%m/%d/%Y %H:%M:%S")
                .ok()
                .map(|t| t.and_utc())
        })
}

/// "the API's clock reads …, this computer's …: the API's is 2 h ahead".
fn clock_gap(api_now: DateTime<Utc>, now: DateTime<Utc>, expected: &str) -> String {
    let delta = api_now.timestamp() - now.timestamp();
    let direction = if delta >= 0 { "ahead" } else { "behind" };
    let mut text = format!(
        "the API's clock read {} when this computer's read {}: the API's is {} {direction}",
        when(api_now.timestamp()),
        when(now.timestamp()),
        span(delta)
    );
    if direction != expected {
        text.push_str(" (so its refusal is not about the clocks alone)");
    }
    text
}

fn when(seconds: i64) -> String {
    DateTime::from_timestamp(seconds, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| seconds.to_string())
}

/// "54 min", without "in" / "ago".
fn span(delta: i64) -> String {
    relative(delta.abs()).trim_start_matches("in ").to_owned()
}

/// What the token's own times say by this computer's clock.
fn time_facts(claims: &serde_json::Map<String, Value>, now: DateTime<Utc>) -> Vec<Finding> {
    let mut out = Vec::new();
    let now = now.timestamp();
    if let Some(exp) = numeric(claims, "exp").filter(|exp| *exp <= now) {
        out.push(finding(
            FindingCode::Expired,
            format!(
                "The token expired at {} ({} by this computer's clock). Get a new one: \
                 refresh, or sign in again.",
                when(exp),
                relative(exp - now)
            ),
        ));
    }
    if let Some(nbf) = numeric(claims, "nbf").filter(|nbf| *nbf > now) {
        out.push(finding(
            FindingCode::NotYetValid,
            format!(
                "The token is not valid before {} ({} by this computer's clock): the \
                 provider's clock is ahead of this computer's. Wait, or set the clocks right.",
                when(nbf),
                relative(nbf - now)
            ),
        ));
    }
    out
}

/// The scopes a token carries: `scp` (space-separated) and `roles`.
fn token_scopes(claims: Option<&serde_json::Map<String, Value>>) -> (Vec<String>, Vec<String>) {
    let Some(claims) = claims else {
        return (Vec::new(), Vec::new());
    };
    let list = |v: Option<&Value>| -> Vec<String> {
        match v {
            Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            _ => Vec::new(),
        }
    };
    (list(claims.get("scp")), list(claims.get("roles")))
}

/// The last path segment of a full scope (`https://t/api/write` → `write`), else the scope.
fn short_scope(scope: &str) -> &str {
    if scope.contains("://") {
        scope
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or(scope)
    } else {
        scope
    }
}

fn scope_finding(
    bearer: &BearerChallenge,
    claims: Option<&serde_json::Map<String, Value>>,
    hints: &Hints<'_>,
) -> Finding {
    let (scp, roles) = token_scopes(claims);
    let has = |s: &str| {
        scp.iter()
            .chain(&roles)
            .any(|t| t == s || t == short_scope(s))
    };
    let carried = format!(
        "the token's scp is {}{}",
        if scp.is_empty() {
            "absent".to_owned()
        } else {
            format!("`{}`", scp.join(" "))
        },
        if roles.is_empty() {
            String::new()
        } else {
            format!(" and its roles `{}`", roles.join(" "))
        }
    );
    let description = bearer.error_description.as_deref().unwrap_or("");
    if bearer.scope.is_empty() {
        return finding(
            FindingCode::InsufficientScope,
            format!(
                "The API says the token lacks a scope (insufficient_scope) without naming it; \
                 {carried}{}",
                said(description)
            ),
        );
    }
    let missing: Vec<&str> = bearer
        .scope
        .iter()
        .map(String::as_str)
        .filter(|s| !has(s))
        .collect();
    let asked = bearer
        .scope
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if missing.is_empty() {
        return finding(
            FindingCode::InsufficientScope,
            format!(
                "The API says insufficient_scope and asks for {asked}, which the token \
                 already carries ({carried}){}",
                said(description)
            ),
        );
    }
    let request: Vec<String> = missing
        .iter()
        .map(|m| {
            full_scope(m, &scp, hints)
                .map_or_else(|| format!("the API's `{m}` scope"), |f| format!("`{f}`"))
        })
        .collect();
    finding(
        FindingCode::InsufficientScope,
        format!(
            "The API needs the scope {asked}; {carried}. Add {} to {}, sign in again (consent \
             covers only the scopes asked for), then call again.",
            request.join(" and "),
            hints.where_to_request()
        ),
    )
}

/// The full name of a scope to request: as the API wrote it when that is a URI, else the
/// profile's scope for one the token carries with its last segment changed.
fn full_scope(missing: &str, carried: &[String], hints: &Hints<'_>) -> Option<String> {
    if missing.contains("://") {
        return Some(missing.to_owned());
    }
    hints.scopes.iter().find_map(|s| {
        let (prefix, last) = s.rsplit_once('/')?;
        (s.contains("://") && carried.iter().any(|c| c == last))
            .then(|| format!("{prefix}/{missing}"))
    })
}

/// An issuer finding from the API's words, or from the authority its challenge names.
fn issuer_finding(
    bearer: &BearerChallenge,
    words: &Words,
    description: &str,
    claims: &serde_json::Map<String, Value>,
) -> Option<Finding> {
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    let policy = claims
        .get("tfp")
        .or_else(|| claims.get("acr"))
        .and_then(Value::as_str)
        .filter(|p| is_policy(p));
    let from = match policy {
        Some(p) => format!("iss `{iss}`, policy `{p}`"),
        None => format!("iss `{iss}`"),
    };
    if words.issuer {
        let expected = expected_value(description, &["ValidIssuer", "ValidIssuers"]);
        let expects = expected
            .map(|e| format!("; the API expects `{e}`"))
            .unwrap_or_else(|| format!(". Its words: \"{description}\""));
        return Some(finding(
            FindingCode::IssuerMismatch,
            format!(
                "The API refused the token's issuer ({from}){expects}. Sign in through the \
                 authority and policy the API is configured with; to an API, B2C's two issuer \
                 forms (tenant GUID, or tfp with the policy) are two issuers."
            ),
        ));
    }
    let uri = bearer.authorization_uri.as_deref()?;
    let named = url::Url::parse(uri).ok()?;
    let segments: Vec<&str> = named.path_segments()?.collect();
    if let (Some(theirs), Some(ours)) = (segments.iter().find(|s| is_policy(s)), policy) {
        if !theirs.eq_ignore_ascii_case(ours) {
            return Some(finding(
                FindingCode::IssuerMismatch,
                format!(
                    "The API names the authority `{uri}`, policy `{theirs}`; the token comes \
                     from policy `{ours}` ({from}). Sign in with the policy `{theirs}`."
                ),
            ));
        }
    }
    let guid = |text: &str| {
        text.split(['/', '.'])
            .find(|s| is_guid(s))
            .map(str::to_ascii_lowercase)
    };
    if let (Some(theirs), Some(ours)) = (guid(named.path()), guid(iss)) {
        if theirs != ours {
            return Some(finding(
                FindingCode::IssuerMismatch,
                format!(
                    "The API names the authority `{uri}`, tenant `{theirs}`; the token comes \
                     from tenant `{ours}` ({from}). Sign in to the API's tenant."
                ),
            ));
        }
    }
    None
}

fn is_policy(s: &str) -> bool {
    let s = s.to_ascii_lowercase();
    (s.starts_with("b2c_1_") && s.len() > 6) || (s.starts_with("b2c_1a_") && s.len() > 7)
}

fn is_guid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

#[cfg(test)]
mod tests;
