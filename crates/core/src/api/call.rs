//! An API call with a token: the user's request checked and prepared (method, URL, headers,
//! body), sent through the engine's HTTP client with `Authorization: Bearer`, and the answer
//! kept for display: status, time, headers and body (JSON pretty-printed, capped), the token
//! masked wherever the answer repeats it, the challenges parsed and the refusal diagnosed.

use super::challenge::{self, BearerChallenge, Challenge};
use super::diagnose::{self, Finding, Hints, SentToken};
use super::{curl, TokenChoice};
use crate::error::{Error, Result};
use crate::exchange::{as_step, Step};
use crate::http::{self, HttpClient, HttpRequest, Method, MAX_BODY};
use crate::jose::jwt;
use crate::mask::Scrubber;
use crate::oidc::authority::check_transport;
use crate::secret::Secret;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::time::Instant;
use url::Url;

/// A body shown in full up to this size; longer ones are cut for display (and kept whole, up
/// to the transport's 1 MiB cap, for saving).
pub const DISPLAY_BODY: usize = 64 * 1024;
/// Largest request body sent.
pub const MAX_REQUEST_BODY: usize = MAX_BODY;
/// Most headers a request may add.
const MAX_HEADERS: usize = 64;
/// Longest header value.
const MAX_HEADER_VALUE: usize = 8 * 1024;

/// What is shown instead of the token.
pub const MASK: &str = "[redacted]";

/// One header.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Header {
    /// Name, as typed (requests) or in lower case (responses).
    pub name: String,
    /// Value.
    pub value: String,
}

impl std::fmt::Debug for Header {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A request header may hold a key of the user's: the name only.
        write!(f, "Header({})", self.name)
    }
}

impl Header {
    /// `Name: value`, as curl's `-H` takes it.
    pub fn parse_line(line: &str) -> Result<Header> {
        let (name, value) = line.split_once(':').ok_or_else(|| {
            Error::Config(format!(
                "header `{}` is not `Name: value`",
                line.chars().take(60).collect::<String>()
            ))
        })?;
        Ok(Header {
            name: name.trim().to_owned(),
            value: value.trim().to_owned(),
        })
    }
}

/// The call as the user writes it.
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CallInput {
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD` or `OPTIONS` (any case).
    pub method: String,
    /// Absolute https URL (http only on loopback).
    pub url: String,
    /// Headers to add (not `Authorization`: that is the token's).
    pub headers: Vec<Header>,
    /// Body text.
    pub body: Option<String>,
    /// The token to send.
    #[serde(default)]
    pub token: TokenChoice,
}

impl std::fmt::Debug for CallInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallInput")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.headers)
            .field("body_len", &self.body.as_ref().map(String::len))
            .field("token", &self.token)
            .finish()
    }
}

/// A checked call, ready to send with a token.
#[derive(Clone)]
pub struct PreparedCall {
    /// Method.
    pub method: Method,
    /// URL (no fragment).
    pub url: Url,
    /// Headers to send besides `Authorization`, `Content-Type` included when added.
    pub headers: Vec<Header>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// The token to send.
    pub token: TokenChoice,
}

impl std::fmt::Debug for PreparedCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedCall")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// Headers the HTTP client writes itself, or that would change what the call means.
const REFUSED: &[(&str, &str)] = &[
    (
        "authorization",
        "Tokenscope sends the token in Authorization itself (choose the access or ID token)",
    ),
    ("host", "the host comes from the URL"),
    ("content-length", "the length comes from the body"),
    (
        "transfer-encoding",
        "the HTTP client frames the body itself",
    ),
    ("connection", "the HTTP client manages its connections"),
];

/// A token the user gives (pasted from a ticket, a log, a header): surrounding white space,
/// an `Authorization:` name and a `Bearer` scheme are taken off. What is left must be one
/// token as `Authorization: Bearer` carries it (RFC 6750 b64token: letters, digits and
/// `-._~+/`, then `=` padding): white space inside or any other character would change the
/// header (or add one), so it is refused, without repeating the text.
pub fn given_token(text: &str) -> Result<Secret> {
    let mut t = text.trim();
    if let Some(rest) = strip_prefix_ignore_case(t, "authorization:") {
        t = rest.trim_start();
    }
    if let Some(rest) = strip_prefix_ignore_case(t, "bearer") {
        if rest.is_empty() || rest.starts_with(char::is_whitespace) {
            t = rest.trim_start();
        }
    }
    if t.is_empty() {
        return Err(Error::Config(
            "the token is empty: paste the token to send".into(),
        ));
    }
    if t.len() > jwt::MAX_INPUT {
        return Err(Error::Config(format!(
            "the token is {} bytes; Tokenscope sends tokens of up to {} bytes",
            t.len(),
            jwt::MAX_INPUT
        )));
    }
    let body = t.trim_end_matches('=');
    if let Some((at, c)) = body
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || "-._~+/".contains(c)))
    {
        let what = if c.is_whitespace() {
            "white space (a line break or a space: was more than the token pasted?)".to_owned()
        } else if c.is_control() {
            "a control character".to_owned()
        } else {
            format!("`{c}`")
        };
        return Err(Error::Config(format!(
            "the token has {what} at character {}; a bearer token is one run of letters, \
             digits and -._~+/ (then = padding)",
            t[..at].chars().count() + 1
        )));
    }
    Ok(Secret::new(t.to_owned()))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Checks the user's call: a known method, an absolute URL the token may travel to, headers
/// HTTP can carry, a body within the limit. `Content-Type` is added for a body without one:
/// `application/json` when the body is JSON, else `text/plain; charset=utf-8`.
pub fn prepare(input: &CallInput) -> Result<PreparedCall> {
    let method = Method::parse(&input.method).ok_or_else(|| {
        let names: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
        Error::Config(format!(
            "method `{}` is not one of {}",
            input.method.trim(),
            names.join(", ")
        ))
    })?;
    let text = input.url.trim();
    if text.is_empty() {
        return Err(Error::Config("the URL is empty".into()));
    }
    let mut url = Url::parse(text).map_err(|e| {
        Error::Config(format!(
            "`{text}` is not an absolute URL ({e}); write it in full, https://…"
        ))
    })?;
    check_transport(&url).map_err(|_| {
        Error::Config(format!(
            "{url} would carry the token over {}; only https is allowed (plain http only to this \
             machine's loopback)",
            if url.scheme() == "http" {
                "plain http".to_owned()
            } else {
                format!("`{}:`", url.scheme())
            }
        ))
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "the URL carries a user name or password; the token is the credential".into(),
        ));
    }
    url.set_fragment(None);
    if input.headers.len() > MAX_HEADERS {
        return Err(Error::Config(format!(
            "{} headers: at most {MAX_HEADERS}",
            input.headers.len()
        )));
    }
    let mut headers = Vec::with_capacity(input.headers.len() + 1);
    for h in &input.headers {
        let name = h.name.trim();
        if name.is_empty() || !name.chars().all(is_tchar) {
            return Err(Error::Config(format!(
                "`{}` is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)",
                name.chars().take(60).collect::<String>()
            )));
        }
        if let Some((_, why)) = REFUSED.iter().find(|(n, _)| name.eq_ignore_ascii_case(n)) {
            return Err(Error::Config(format!("header `{name}` is not sent: {why}")));
        }
        let value = h.value.trim();
        if value.len() > MAX_HEADER_VALUE {
            return Err(Error::Config(format!(
                "header `{name}` is longer than {MAX_HEADER_VALUE} bytes"
            )));
        }
        if value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(Error::Config(format!(
                "header `{name}` holds a line break or control character"
            )));
        }
        headers.push(Header {
            name: name.to_owned(),
            value: value.to_owned(),
        });
    }
    let body = input.body.clone().unwrap_or_default().into_bytes();
    if body.len() > MAX_REQUEST_BODY {
        return Err(Error::Config(format!(
            "the body is {} bytes: at most {MAX_REQUEST_BODY}",
            body.len()
        )));
    }
    let has =
        |headers: &[Header], name: &str| headers.iter().any(|h| h.name.eq_ignore_ascii_case(name));
    if !body.is_empty() && !has(&headers, "content-type") {
        let json = serde_json::from_slice::<Value>(&body).is_ok();
        headers.push(Header {
            name: "Content-Type".into(),
            value: if json {
                "application/json"
            } else {
                "text/plain; charset=utf-8"
            }
            .into(),
        });
    }
    if !has(&headers, "accept") {
        headers.push(Header {
            name: "Accept".into(),
            value: "application/json, */*;q=0.8".into(),
        });
    }
    Ok(PreparedCall {
        method,
        url,
        headers,
        body,
        token: input.token,
    })
}

fn is_tchar(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// The request as sent, the token masked.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SentRequest {
    /// Method.
    pub method: String,
    /// URL.
    pub url: String,
    /// Headers, `Authorization: Bearer [redacted]` first.
    pub headers: Vec<Header>,
    /// Body text, when there was one (cut for display like a response's).
    pub body: Option<String>,
}

/// The API's answer, for display.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ApiResponse {
    /// Status code.
    pub status: u16,
    /// Its reason phrase (`Unauthorized`).
    pub reason: String,
    /// Headers (names in lower case), the token masked.
    pub headers: Vec<Header>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// The body as text: JSON pretty-printed, cut at [`DISPLAY_BODY`], the token masked.
    pub body: String,
    /// The body parsed, when it is JSON and not cut.
    pub json: Option<Value>,
    /// The body's length in bytes.
    pub body_bytes: usize,
    /// The shown body is cut.
    pub body_truncated: bool,
    /// The body is not text.
    pub binary: bool,
}

/// A call made: what went, what came back, how long it took and why it was refused.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ApiCall {
    /// The request, the token masked.
    pub request: SentRequest,
    /// The answer.
    pub response: ApiResponse,
    /// Milliseconds from sending to the whole body received.
    pub elapsed_ms: u64,
    /// When it was sent.
    pub sent_at: DateTime<Utc>,
    /// Which token was sent.
    pub token: TokenChoice,
    /// Every `WWW-Authenticate` challenge.
    pub challenges: Vec<Challenge>,
    /// The Bearer challenge, read.
    pub bearer: Option<BearerChallenge>,
    /// Why a 401 or 403 happened, as far as the challenge and the token show.
    pub diagnosis: Vec<Finding>,
    /// The request as a curl command, the token as `$TOKEN`.
    pub curl: String,
    /// What went over the wire (the silent refresh that fetched the token included), masked.
    pub exchanges: Vec<crate::exchange::Exchange>,
    /// The whole body (up to 1 MiB), the token masked, for saving.
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub raw_body: Vec<u8>,
}

impl ApiCall {
    /// 2xx.
    pub fn succeeded(&self) -> bool {
        (200..300).contains(&self.response.status)
    }

    /// The `--json` document: `request` (method, url, headers as an object), `response`
    /// (status, headers, body: the JSON value when the body is JSON, else its text), and
    /// `diagnosis` (`code`, `message`), plus the time, the challenges and the curl command.
    pub fn json(&self) -> Value {
        let headers = |list: &[Header]| {
            let mut map = Map::new();
            for h in list {
                match map.get_mut(&h.name) {
                    Some(Value::String(v)) => {
                        v.push_str(", ");
                        v.push_str(&h.value);
                    }
                    _ => {
                        map.insert(h.name.clone(), Value::String(h.value.clone()));
                    }
                }
            }
            Value::Object(map)
        };
        let body = match &self.response.json {
            Some(v) => v.clone(),
            None => Value::String(self.response.body.clone()),
        };
        serde_json::json!({
            "request": {
                "method": self.request.method,
                "url": self.request.url,
                "headers": headers(&self.request.headers),
                "body": self.request.body,
            },
            "response": {
                "status": self.response.status,
                "reason": self.response.reason,
                "headers": headers(&self.response.headers),
                "body": body,
                "body_bytes": self.response.body_bytes,
                "body_truncated": self.response.body_truncated,
            },
            "elapsed_ms": self.elapsed_ms,
            "token": self.token,
            "challenges": self.challenges,
            "diagnosis": self.diagnosis,
            "curl": self.curl,
        })
    }
}

/// Sends a prepared call with `token` and explains the answer. A transport failure (no answer,
/// a body over 1 MiB) is an error, the token masked in it; any HTTP answer is a result.
pub async fn send(
    http: &dyn HttpClient,
    call: &PreparedCall,
    token: &Secret,
    hints: &Hints<'_>,
    now: DateTime<Utc>,
) -> Result<ApiCall> {
    if token.is_empty() {
        return Err(Error::Config(format!(
            "the {} is empty",
            call.token.label()
        )));
    }
    let sent = Scrubber::new(&[token.expose()]);
    let mut headers: Vec<(String, String)> = vec![(
        "authorization".to_owned(),
        format!("Bearer {}", token.expose()),
    )];
    headers.extend(
        call.headers
            .iter()
            .map(|h| (h.name.clone(), h.value.clone())),
    );
    let request = HttpRequest {
        method: call.method,
        url: call.url.clone(),
        headers,
        body: call.body.clone(),
        // The transport scrubs it from its own errors too.
        secrets: vec![token.clone()],
    };
    let started = Instant::now();
    let response = as_step(Step::Api, http::send(http, request))
        .await
        .map_err(|e| sent.error(e))?;
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);

    let response_headers: Vec<Header> = response
        .headers
        .iter()
        .map(|(n, v)| Header {
            name: n.clone(),
            value: sent.text(v),
        })
        .collect();
    let challenges = challenge::parse(
        response
            .headers
            .iter()
            .filter(|(n, _)| n == "www-authenticate")
            .map(|(_, v)| v.as_str()),
    );
    let bearer = challenges.iter().find_map(BearerChallenge::of);
    let decoded = jwt::decode(token.expose()).ok();
    let sent = SentToken {
        choice: call.token,
        decoded: decoded.as_ref(),
    };
    let diagnosis = diagnose::diagnose(response.status, &challenges, &sent, hints, now);
    let raw_body = mask_bytes(&response.body, token.expose().as_bytes());
    let content_type = response.header("content-type").map(str::to_owned);
    let shown = show_body(&raw_body, content_type.as_deref());
    let mut sent_headers = vec![Header {
        name: "Authorization".into(),
        value: format!("Bearer {MASK}"),
    }];
    sent_headers.extend(call.headers.iter().cloned());
    Ok(ApiCall {
        request: SentRequest {
            method: call.method.as_str().to_owned(),
            url: call.url.to_string(),
            headers: sent_headers,
            body: (!call.body.is_empty()).then(|| show_body(&call.body, None).text),
        },
        response: ApiResponse {
            status: response.status,
            reason: reason(response.status).to_owned(),
            headers: response_headers,
            content_type,
            body: shown.text,
            json: shown.json,
            body_bytes: raw_body.len(),
            body_truncated: shown.truncated,
            binary: shown.binary,
        },
        elapsed_ms,
        sent_at: now,
        token: call.token,
        challenges,
        bearer,
        diagnosis,
        curl: curl::command(call, None),
        exchanges: Vec::new(),
        raw_body,
    })
}

/// The bytes with every occurrence of `secret` replaced by [`MASK`].
fn mask_bytes(body: &[u8], secret: &[u8]) -> Vec<u8> {
    if secret.is_empty() || body.len() < secret.len() {
        return body.to_vec();
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if body[i..].starts_with(secret) {
            out.extend_from_slice(MASK.as_bytes());
            i += secret.len();
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

struct Shown {
    text: String,
    json: Option<Value>,
    truncated: bool,
    binary: bool,
}

/// A body for display: JSON pretty-printed, text as is, binary described; cut at
/// [`DISPLAY_BODY`].
fn show_body(body: &[u8], content_type: Option<&str>) -> Shown {
    let looks_json = content_type.is_some_and(|t| t.to_ascii_lowercase().contains("json"))
        || body
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            .is_some_and(|b| *b == b'{' || *b == b'[');
    if looks_json && body.len() <= DISPLAY_BODY {
        if let Ok(v) = serde_json::from_slice::<Value>(body) {
            let text = serde_json::to_string_pretty(&v).unwrap_or_default();
            return Shown {
                text,
                json: Some(v),
                truncated: false,
                binary: false,
            };
        }
    }
    let cut = &body[..body.len().min(DISPLAY_BODY)];
    let text = match std::str::from_utf8(cut) {
        Ok(t) => Some(t.to_owned()),
        // Cut in the middle of a character: the valid part.
        Err(e) if e.error_len().is_none() => {
            Some(String::from_utf8_lossy(&cut[..e.valid_up_to()]).into_owned())
        }
        Err(_) => None,
    };
    match text {
        Some(t) if !t.contains('\0') => Shown {
            text: t,
            json: None,
            truncated: body.len() > DISPLAY_BODY,
            binary: false,
        },
        _ => Shown {
            text: format!("[{} bytes of binary data]", body.len()),
            json: None,
            truncated: false,
            binary: true,
        },
    }
}

/// The reason phrase of a status.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

#[cfg(test)]
mod tests;
