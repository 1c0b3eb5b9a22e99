//! The exchange log: what went over the wire during one sign-in, refresh, API call or endpoint
//! request. Every HTTP request leaves through [`crate::http::send`], which records it here
//! (method, URL, headers, body, status, time, the answer's headers and body) whenever an
//! operation runs inside [`record`]; the sign-in adds the authorization URL it gives the
//! browser. Everything kept for display is masked when recorded, by the one rule of
//! [`crate::mask`] (codes, verifiers, tokens, client secrets, `Authorization`, cookies), so the
//! log's `Debug` and `Serialize` cannot carry a secret; the request as sent is kept apart, only
//! to write it as curl in the clear when the user asks for that.

use crate::mask::{self, Scrubber, SCRUBBED};
use crate::secret::{is_secret_name, Secret};
use serde::Serialize;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Longest body kept in the log (bytes of text; the rest is counted, not kept).
pub const LOG_BODY: usize = 16 * 1024;
/// Most entries one log keeps: a device sign-in polls every few seconds until the user is done
/// (or the code expires), and a provider may ask for a poll every second. Past it, the first
/// [`LOG_HEAD`] entries stay, the oldest after them go, and the first entry kept after the gap
/// says how many went.
pub const MAX_ENTRIES: usize = 200;
/// Entries kept from the start of a log that outgrows [`MAX_ENTRIES`].
pub const LOG_HEAD: usize = 20;

/// What an exchange was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The provider's metadata (`.well-known/openid-configuration`).
    Discovery,
    /// The provider's signing keys (`jwks_uri`).
    Keys,
    /// The authorization URL given to the browser.
    Authorize,
    /// The code redeemed at the token endpoint.
    Token,
    /// A refresh token redeemed at the token endpoint.
    Refresh,
    /// The userinfo endpoint.
    Userinfo,
    /// An API called with a token.
    Api,
    /// The revocation endpoint (RFC 7009).
    Revocation,
    /// The introspection endpoint (RFC 7662).
    Introspection,
    /// Anything else.
    Other,
}

impl Step {
    /// How a timeline names it.
    pub fn label(self) -> &'static str {
        match self {
            Step::Discovery => "discovery",
            Step::Keys => "keys (JWKS)",
            Step::Authorize => "authorize (browser)",
            Step::Token => "token",
            Step::Refresh => "refresh",
            Step::Userinfo => "userinfo",
            Step::Api => "API call",
            Step::Revocation => "revocation",
            Step::Introspection => "introspection",
            Step::Other => "request",
        }
    }
}

/// A header as logged (masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WireHeader {
    /// Name as sent or received.
    pub name: String,
    /// Value, masked.
    pub value: String,
}

/// The request as it was sent, kept only to write it as curl in the clear on request. Its
/// `Debug` shows nothing of it; it is never serialized.
#[derive(Clone)]
struct Clear {
    url: Secret,
    headers: Vec<(String, Secret)>,
    body: Secret,
}

impl std::fmt::Debug for Clear {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[the request as sent: withheld]")
    }
}

/// One request and its answer, masked.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Exchange {
    /// What it was for.
    pub step: Step,
    /// `GET`, `POST`…
    pub method: String,
    /// The URL, secret parameters masked.
    pub url: String,
    /// Headers the engine set, masked.
    pub request_headers: Vec<WireHeader>,
    /// The request body, masked (cut at [`LOG_BODY`]).
    pub request_body: Option<String>,
    /// The answer's status; none when no answer came (or the browser got it).
    pub status: Option<u16>,
    /// Milliseconds from sending to the whole answer.
    pub elapsed_ms: u64,
    /// The answer's headers, masked.
    pub response_headers: Vec<WireHeader>,
    /// The answer's body, masked (cut at [`LOG_BODY`]).
    pub response_body: Option<String>,
    /// The answer's body length in bytes.
    pub response_bytes: usize,
    /// Why no answer came (masked).
    pub error: Option<String>,
    /// A word on this entry (the authorization URL goes to the browser, not over this wire).
    pub note: Option<String>,
    /// The request as a curl command, masked (`$TOKEN` for a bearer token).
    pub curl: String,
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    clear: Option<Arc<Clear>>,
    /// Entries left out just before this one ([`MAX_ENTRIES`]).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    gap: usize,
}

/// How much of a request a curl command shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reveal {
    /// Everything masked (the default everywhere).
    Masked,
    /// As sent, except refresh tokens (what the desktop offers).
    ClearExceptRefreshTokens,
    /// As sent.
    Clear,
}

impl Exchange {
    /// The request as a curl command. Masked, a bearer token is `$TOKEN` and other secrets
    /// [`SCRUBBED`]; in the clear, as sent (refresh tokens kept masked unless [`Reveal::Clear`]).
    pub fn curl(&self, reveal: Reveal) -> String {
        let clear = match (&self.clear, reveal) {
            (Some(c), Reveal::Clear | Reveal::ClearExceptRefreshTokens) => c,
            _ => return self.curl.clone(),
        };
        let headers: Vec<(String, String)> = clear
            .headers
            .iter()
            .map(|(n, v)| (n.clone(), v.expose().to_owned()))
            .collect();
        let mut body = clear.body.expose().to_owned();
        let mut url = clear.url.expose().to_owned();
        if reveal == Reveal::ClearExceptRefreshTokens {
            let refresh = refresh_tokens(&body);
            let hide: Vec<&str> = refresh.iter().map(String::as_str).collect();
            let scrubber = Scrubber::new(&hide);
            body = scrubber.text(&body);
            url = scrubber.text(&url);
        }
        curl_line(&self.method, &url, &headers, &body)
    }
}

/// The refresh tokens a form body carries: `refresh_token`, and `token` unless
/// `token_type_hint` says it is an access token (revocation, introspection).
fn refresh_tokens(body: &str) -> Vec<String> {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let access_hint = pairs
        .iter()
        .any(|(k, v)| k == "token_type_hint" && v == "access_token");
    pairs
        .into_iter()
        .filter(|(k, v)| !v.is_empty() && (k == "refresh_token" || (k == "token" && !access_hint)))
        .map(|(_, v)| v)
        .collect()
}

/// A request as a curl command line (POSIX shell quoting). A masked bearer credential
/// (`Bearer [redacted]`) is written `"Authorization: Bearer $TOKEN"` for the shell to fill in.
pub fn curl_line(method: &str, url: &str, headers: &[(String, String)], body: &str) -> String {
    let quote = |t: &str| shell_words::quote(t).into_owned();
    let mut parts: Vec<String> = vec!["curl".into()];
    match method {
        "GET" => {}
        "HEAD" => parts.push("--head".into()),
        other => {
            parts.push("-X".into());
            parts.push(other.into());
        }
    }
    parts.push(quote(url));
    for (name, value) in headers {
        parts.push("-H".into());
        if name.eq_ignore_ascii_case("authorization")
            && (value == &format!("Bearer {SCRUBBED}") || value == &format!("DPoP {SCRUBBED}"))
        {
            let scheme = value.split(' ').next().unwrap_or("Bearer");
            parts.push(format!("\"{name}: {scheme} $TOKEN\""));
        } else if name.eq_ignore_ascii_case("dpop") && value.ends_with(SCRUBBED) {
            // A logged proof lacks its signature: a new one is needed for each request anyway.
            parts.push(format!("\"{name}: $DPOP_PROOF\""));
        } else {
            parts.push(quote(&format!("{name}: {value}")));
        }
    }
    if !body.is_empty() {
        parts.push("--data-raw".into());
        parts.push(quote(body));
    }
    parts.join(" ")
}

/// The exchanges of one operation, in the order they were sent.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct ExchangeLog {
    /// The entries.
    pub entries: Vec<Exchange>,
}

impl ExchangeLog {
    /// The log as a timeline for a terminal: one block per exchange (`step  METHOD URL → status,
    /// N ms`, the headers, the bodies cut at `body_cap` characters), masked.
    pub fn timeline(&self, body_cap: usize) -> String {
        let mut out = String::new();
        let cut = |text: &str| -> String {
            let count = text.chars().count();
            if count > body_cap {
                let kept: String = text.chars().take(body_cap).collect();
                format!("{kept}… ({count} characters in all)")
            } else {
                text.to_owned()
            }
        };
        for (i, e) in self.entries.iter().enumerate() {
            let outcome = match (e.status, &e.error, &e.note) {
                (Some(s), _, _) => format!("{s}, {} ms", e.elapsed_ms),
                (None, Some(_), _) => format!("no answer, {} ms", e.elapsed_ms),
                (None, None, Some(note)) => note.clone(),
                (None, None, None) => "no answer".to_owned(),
            };
            out.push_str(&format!(
                "#{} {}  {} {} → {}\n",
                i + 1,
                e.step.label(),
                e.method,
                e.url,
                outcome
            ));
            for h in &e.request_headers {
                out.push_str(&format!("  > {}: {}\n", h.name, h.value));
                if h.name.eq_ignore_ascii_case("dpop") {
                    if let Some(decoded) = mask::dpop_decoded(&h.value) {
                        out.push_str(&format!("  >   (the proof: {decoded})\n"));
                    }
                }
            }
            if let Some(b) = &e.request_body {
                for line in cut(b).lines() {
                    out.push_str(&format!("  > {line}\n"));
                }
            }
            for h in &e.response_headers {
                out.push_str(&format!("  < {}: {}\n", h.name, h.value));
            }
            if let Some(b) = &e.response_body {
                // Each line of a body (an HTML page) marked, so no line passes for a new block.
                for line in cut(b).lines() {
                    out.push_str(&format!("  < {line}\n"));
                }
            }
            if let Some(err) = &e.error {
                out.push_str(&format!("  ! {err}\n"));
            }
        }
        out
    }
}

tokio::task_local! {
    static LOG: Arc<Mutex<Vec<Exchange>>>;
    static STEP: Step;
}

/// Runs `request` with every exchange it sends named `step` (an API call, userinfo: what the
/// request alone does not say).
pub async fn as_step<F: Future>(step: Step, request: F) -> F::Output {
    STEP.scope(step, request).await
}

/// What a request is for: as the caller said ([`as_step`]), else as it shows (the metadata
/// path, the grant type); the keys are named once their answer shows them.
fn step_of(url: &str, body: &[u8]) -> Step {
    if let Ok(step) = STEP.try_with(|s| *s) {
        return step;
    }
    let path = url.split(['?', '#']).next().unwrap_or(url);
    if path.ends_with("/.well-known/openid-configuration")
        || path.ends_with("/.well-known/oauth-authorization-server")
    {
        return Step::Discovery;
    }
    let grant = url::form_urlencoded::parse(body)
        .find(|(k, _)| k == "grant_type")
        .map(|(_, v)| v.into_owned());
    match grant.as_deref() {
        Some("refresh_token") => Step::Refresh,
        Some(_) => Step::Token,
        None => Step::Other,
    }
}

/// A JSON Web Key Set, by its look.
fn is_key_set(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("keys").map(serde_json::Value::is_array))
        .unwrap_or(false)
}

/// Runs `operation` with its exchanges logged, and returns them with its output. An operation
/// inside another (the silent refresh of an API call) logs into both.
pub async fn record<F: Future>(operation: F) -> (F::Output, ExchangeLog) {
    let entries = Arc::new(Mutex::new(Vec::new()));
    let output = LOG.scope(entries.clone(), operation).await;
    let list = match entries.lock() {
        Ok(mut l) => std::mem::take(&mut *l),
        Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
    };
    for e in &list {
        push(e.clone());
    }
    (output, ExchangeLog { entries: list })
}

fn push(entry: Exchange) {
    let _ = LOG.try_with(|log| {
        if let Ok(mut l) = log.lock() {
            keep(&mut l, entry);
        }
    });
}

/// Adds `entry`, keeping at most [`MAX_ENTRIES`]: the first [`LOG_HEAD`] and the latest.
fn keep(list: &mut Vec<Exchange>, entry: Exchange) {
    list.push(entry);
    if list.len() <= MAX_ENTRIES {
        return;
    }
    let dropped = list.remove(LOG_HEAD);
    if let Some(next) = list.get_mut(LOG_HEAD) {
        next.gap += dropped.gap + 1;
        let said = format!(
            "{} earlier request(s) left out here: a log keeps its first {LOG_HEAD} and its last {} entries",
            next.gap,
            MAX_ENTRIES - LOG_HEAD
        );
        next.note = Some(match next.note.take() {
            Some(n) if !n.ends_with(" entries") => format!("{n}; {said}"),
            _ => said,
        });
    }
}

fn recording() -> bool {
    LOG.try_with(|_| ()).is_ok()
}

fn text(body: &[u8]) -> String {
    let kept = &body[..body.len().min(LOG_BODY)];
    let mut t = String::from_utf8_lossy(kept).into_owned();
    if body.len() > LOG_BODY {
        t.push_str(&format!("… ({} bytes in all)", body.len()));
    }
    t
}

fn masked_headers(headers: &[(String, String)], scrubber: &Scrubber) -> Vec<WireHeader> {
    headers
        .iter()
        .map(|(n, v)| WireHeader {
            name: n.clone(),
            value: mask::header(n, v, scrubber),
        })
        .collect()
}

fn content_type(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        .map(|(_, v)| v.as_str())
}

/// A request on its way, to be logged with its answer; `None` outside [`record`].
pub struct Pending {
    entry: Exchange,
    scrubber: Scrubber,
    started: Instant,
}

impl Pending {
    /// Starts logging a request (`scrubber`: the secrets it carries).
    pub fn start(
        method: &str,
        url: &str,
        headers: &[(String, String)],
        body: &[u8],
        scrubber: Scrubber,
    ) -> Option<Pending> {
        if !recording() {
            return None;
        }
        let request_headers = masked_headers(headers, &scrubber);
        let request_body =
            (!body.is_empty()).then(|| mask::body(&text(body), content_type(headers), &scrubber));
        let shown_url = mask::url(url, &scrubber);
        let shown: Vec<(String, String)> = request_headers
            .iter()
            .map(|h| (h.name.clone(), h.value.clone()))
            .collect();
        let curl = curl_line(
            method,
            &shown_url,
            &shown,
            request_body.as_deref().unwrap_or(""),
        );
        let clear = Clear {
            url: Secret::new(url),
            headers: headers
                .iter()
                .map(|(n, v)| (n.clone(), Secret::new(v.as_str())))
                .collect(),
            body: Secret::new(String::from_utf8_lossy(body).into_owned()),
        };
        Some(Pending {
            entry: Exchange {
                step: step_of(url, body),
                method: method.to_owned(),
                url: shown_url,
                request_headers,
                request_body,
                status: None,
                elapsed_ms: 0,
                response_headers: Vec::new(),
                response_body: None,
                response_bytes: 0,
                error: None,
                note: None,
                curl,
                clear: Some(Arc::new(clear)),
                gap: 0,
            },
            scrubber,
            started: Instant::now(),
        })
    }

    fn elapsed(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Logs the answer.
    pub fn answered(mut self, status: u16, headers: &[(String, String)], body: &[u8]) {
        self.entry.elapsed_ms = self.elapsed();
        self.entry.status = Some(status);
        self.entry.response_headers = masked_headers(headers, &self.scrubber);
        self.entry.response_bytes = body.len();
        if self.entry.step == Step::Other && self.entry.method == "GET" && is_key_set(body) {
            self.entry.step = Step::Keys;
        }
        self.entry.response_body = (!body.is_empty())
            .then(|| mask::body(&text(body), content_type(headers), &self.scrubber));
        push(self.entry);
    }

    /// Logs that no answer came.
    pub fn failed(mut self, error: &str) {
        self.entry.elapsed_ms = self.elapsed();
        self.entry.error = Some(self.scrubber.text(error));
        push(self.entry);
    }
}

/// Logs the authorization URL given to the browser (its answer goes to the browser).
pub fn browser(url: &str) {
    if !recording() {
        return;
    }
    let secrets: Vec<String> = url::Url::parse(url)
        .map(|u| {
            u.query_pairs()
                .filter(|(k, v)| is_secret_name(k) && !v.is_empty())
                .map(|(_, v)| v.into_owned())
                .collect()
        })
        .unwrap_or_default();
    let hide: Vec<&str> = secrets.iter().map(String::as_str).collect();
    let shown = mask::url(url, &Scrubber::new(&hide));
    push(Exchange {
        step: Step::Authorize,
        method: "GET".into(),
        curl: curl_line("GET", &shown, &[], ""),
        url: shown,
        request_headers: Vec::new(),
        request_body: None,
        status: None,
        elapsed_ms: 0,
        response_headers: Vec::new(),
        response_body: None,
        response_bytes: 0,
        error: None,
        note: Some("opened in the browser; the provider answers the browser".into()),
        gap: 0,
        clear: Some(Arc::new(Clear {
            url: Secret::new(url),
            headers: Vec::new(),
            body: Secret::default(),
        })),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logged(body: &[u8], headers: &[(String, String)]) -> ExchangeLog {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(record(async {
            let secrets = Scrubber::new(&["Zq8-client+secret/4f2b9c71"]);
            let p = Pending::start(
                "POST",
                "https://p.example/token",
                headers,
                b"grant_type=refresh_token&refresh_token=rt-0123456789abcdef&client_secret=Zq8-client%2Bsecret%2F4f2b9c71",
                secrets,
            )
            .expect("recording");
            p.answered(400, &[], body);
        }))
        .1
    }

    #[test]
    fn a_log_that_outgrows_its_cap_keeps_its_start_and_its_end_and_says_what_went() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let n = MAX_ENTRIES + 57;
        let (_, log) = rt.block_on(record(async {
            for i in 0..n {
                let p = Pending::start(
                    "POST",
                    &format!("https://p.example/token?poll={i}"),
                    &[],
                    b"grant_type=urn:ietf:params:oauth:grant-type:device_code",
                    Scrubber::default(),
                )
                .expect("recording");
                p.answered(400, &[], br#"{"error":"authorization_pending"}"#);
            }
        }));
        assert_eq!(log.entries.len(), MAX_ENTRIES);
        let poll = |e: &Exchange| e.url.rsplit('=').next().unwrap().parse::<usize>().unwrap();
        assert_eq!(poll(&log.entries[0]), 0);
        assert_eq!(poll(&log.entries[LOG_HEAD - 1]), LOG_HEAD - 1);
        let after_gap = &log.entries[LOG_HEAD];
        assert_eq!(poll(after_gap), LOG_HEAD + 57);
        assert_eq!(
            after_gap.note.as_deref(),
            Some("57 earlier request(s) left out here: a log keeps its first 20 and its last 180 entries")
        );
        assert_eq!(poll(log.entries.last().unwrap()), n - 1);
        assert!(log.entries[LOG_HEAD + 1].note.is_none());
    }

    #[test]
    fn outside_record_nothing_is_kept_and_inside_nothing_secret_is_shown() {
        assert!(
            Pending::start("GET", "https://p.example/", &[], b"", Scrubber::default()).is_none()
        );
        let log = logged(
            b"<html>\n<p>bad secret Zq8-client+secret/4f2b9c71</p>\n#2 fake block\n</html>",
            &[("cookie".into(), "x-ms-cpim-sso=abc".into())],
        );
        let e = &log.entries[0];
        assert_eq!(e.step, Step::Refresh);
        let shown = format!(
            "{log:?}{}{}{}",
            serde_json::to_string(&log).unwrap(),
            log.timeline(usize::MAX),
            e.curl(Reveal::Masked)
        );
        for leak in [
            "rt-0123456789abcdef",
            "Zq8-client",
            "4f2b9c71",
            "x-ms-cpim-sso=abc",
        ] {
            assert!(!shown.contains(leak), "{leak}: {shown}");
        }
        // Every line of a body is marked: a body cannot fake a block of its own.
        let timeline = log.timeline(usize::MAX);
        assert!(
            timeline.lines().filter(|l| l.starts_with('#')).count() == 1,
            "{timeline}"
        );
        assert!(timeline.contains("  < #2 fake block"), "{timeline}");
        // Asked for, the request as sent; for the desktop, never the refresh token.
        assert!(e.curl(Reveal::Clear).contains("rt-0123456789abcdef"));
        let desktop = e.curl(Reveal::ClearExceptRefreshTokens);
        assert!(!desktop.contains("rt-0123456789abcdef"), "{desktop}");
        assert!(desktop.contains("Zq8-client%2Bsecret"), "{desktop}");
    }
}
