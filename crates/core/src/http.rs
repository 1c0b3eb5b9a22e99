//! HTTP as a function the engine is given. Production uses reqwest with redirects off, connect
//! and read timeouts and a body-size cap; tests pass any [`HttpClient`], closures included.

use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use url::Url;

/// Largest response body the engine accepts (1 MiB).
pub const MAX_BODY: usize = 1024 * 1024;

/// HTTP method used by the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
}

/// A request the engine wants sent. Its `Debug` omits the body (it may hold a code or secret).
#[derive(Clone)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: Method,
    /// Absolute URL.
    pub url: Url,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes (a form for POST).
    pub body: Vec<u8>,
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl HttpRequest {
    /// A GET asking for JSON.
    pub fn get(url: Url) -> Self {
        Self {
            method: Method::Get,
            url,
            headers: vec![("accept".into(), "application/json".into())],
            body: Vec::new(),
        }
    }

    /// A POST of an `application/x-www-form-urlencoded` body.
    pub fn form(url: Url, fields: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish()
            .into_bytes();
        Self {
            method: Method::Post,
            url,
            headers: vec![
                (
                    "content-type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
                ("accept".into(), "application/json".into()),
            ],
            body,
        }
    }
}

/// What came back.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// Body, at most [`MAX_BODY`] bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// First header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text for display (lossy, cut at 4 KiB).
    pub fn body_text(&self) -> String {
        body_for_display(&self.body)
    }
}

/// A failure to get an answer at all.
#[derive(Debug, Clone, thiserror::Error)]
pub enum HttpError {
    /// Could not connect, DNS failed, TLS failed.
    #[error("{0}")]
    Connect(String),
    /// No complete answer within the time allowed.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    /// The body went past the size cap.
    #[error("the response body is larger than {0} bytes")]
    TooLarge(usize),
    /// Anything else the transport reports.
    #[error("{0}")]
    Other(String),
}

/// A boxed future, so [`HttpClient`] stays object-safe.
pub type HttpFuture<'a> =
    Pin<Box<dyn Future<Output = std::result::Result<HttpResponse, HttpError>> + Send + 'a>>;

/// The HTTP client the engine is given.
pub trait HttpClient: Send + Sync {
    /// Sends one request. Must not follow redirects.
    fn send(&self, request: HttpRequest) -> HttpFuture<'_>;
}

impl<F, Fut> HttpClient for F
where
    F: Fn(HttpRequest) -> Fut + Send + Sync,
    Fut: Future<Output = std::result::Result<HttpResponse, HttpError>> + Send + 'static,
{
    fn send(&self, request: HttpRequest) -> HttpFuture<'_> {
        Box::pin(self(request))
    }
}

/// Timeouts and caps for [`ReqwestClient`].
#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    /// Time to establish a connection.
    pub connect_timeout: Duration,
    /// Longest silence while reading.
    pub read_timeout: Duration,
    /// Longest whole request.
    pub total_timeout: Duration,
    /// Body cap in bytes.
    pub max_body: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(20),
            total_timeout: Duration::from_secs(30),
            max_body: MAX_BODY,
        }
    }
}

/// The production client: reqwest, rustls, redirects off, timeouts, body cap.
#[derive(Clone)]
pub struct ReqwestClient {
    inner: reqwest::Client,
    limits: HttpLimits,
}

impl ReqwestClient {
    /// Builds the client with the given limits.
    pub fn new(limits: HttpLimits) -> Result<Self> {
        let inner = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(limits.connect_timeout)
            .read_timeout(limits.read_timeout)
            .timeout(limits.total_timeout)
            .user_agent(concat!("tokenscope/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { inner, limits })
    }

    async fn run(&self, request: HttpRequest) -> std::result::Result<HttpResponse, HttpError> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let mut builder = self.inner.request(method, request.url.clone());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if request.method == Method::Post {
            builder = builder.body(request.body);
        }
        let map_err = |e: reqwest::Error| {
            if e.is_timeout() {
                HttpError::Timeout(self.limits.total_timeout.min(self.limits.read_timeout))
            } else if e.is_connect() {
                HttpError::Connect(describe(e))
            } else {
                HttpError::Other(describe(e))
            }
        };
        let mut response = builder.send().await.map_err(map_err)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        if let Some(len) = response.content_length() {
            if len > self.limits.max_body as u64 {
                return Err(HttpError::TooLarge(self.limits.max_body));
            }
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(map_err)? {
            if body.len() + chunk.len() > self.limits.max_body {
                return Err(HttpError::TooLarge(self.limits.max_body));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

/// reqwest's Display hides the cause; walk the chain for a useful sentence.
fn describe(e: reqwest::Error) -> String {
    let mut causes = String::new();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        causes.push_str(": ");
        causes.push_str(&s.to_string());
        source = s.source();
    }
    format!("{}{causes}", e.without_url())
}

impl HttpClient for ReqwestClient {
    fn send(&self, request: HttpRequest) -> HttpFuture<'_> {
        Box::pin(self.run(request))
    }
}

/// Sends a request and turns transport failures into [`Error::Network`] / [`Error::Timeout`].
pub async fn send(client: &dyn HttpClient, request: HttpRequest) -> Result<HttpResponse> {
    let url = request.url.to_string();
    client.send(request).await.map_err(|e| match e {
        HttpError::Timeout(d) => Error::Timeout(format!("{url} gave no answer within {d:?}")),
        HttpError::TooLarge(limit) => Error::InvalidResponse {
            url,
            message: format!("the body is larger than the {limit}-byte limit"),
            body: String::new(),
        },
        other => Error::Network {
            url,
            message: other.to_string(),
        },
    })
}

/// GETs a JSON document: 2xx and a body that parses as `T`, else a clear error with the body.
pub async fn get_json<T: DeserializeOwned>(client: &dyn HttpClient, url: &Url) -> Result<T> {
    let response = send(client, HttpRequest::get(url.clone())).await?;
    if !(200..300).contains(&response.status) {
        return Err(status_error(url, &response));
    }
    parse_json(url, &response)
}

/// Parses a JSON body, keeping the raw body in the error.
pub fn parse_json<T: DeserializeOwned>(url: &Url, response: &HttpResponse) -> Result<T> {
    serde_json::from_slice(&response.body).map_err(|e| Error::InvalidResponse {
        url: url.to_string(),
        message: if looks_like_html(&response.body) {
            "expected JSON, got an HTML page".to_owned()
        } else {
            format!("expected JSON: {e}")
        },
        body: response.body_text(),
    })
}

/// The error for a non-2xx answer, with a hint for redirects.
pub fn status_error(url: &Url, response: &HttpResponse) -> Error {
    let hint = match (response.status, response.header("location")) {
        (300..=399, Some(loc)) => {
            format!(" (a redirect to {loc}; Tokenscope never follows redirects from the provider)")
        }
        (300..=399, None) => " (a redirect; Tokenscope never follows redirects)".to_owned(),
        _ if looks_like_html(&response.body) => " with an HTML page".to_owned(),
        _ => String::new(),
    };
    Error::HttpStatus {
        url: url.to_string(),
        status: response.status,
        hint,
        body: response.body_text(),
    }
}

fn looks_like_html(body: &[u8]) -> bool {
    let start: Vec<u8> = body
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(15)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    start.starts_with(b"<!doctype html") || start.starts_with(b"<html")
}

/// Lossy text of a body, cut at 4 KiB, for error display.
pub fn body_for_display(body: &[u8]) -> String {
    const SHOW: usize = 4096;
    let text = String::from_utf8_lossy(&body[..body.len().min(SHOW)]).into_owned();
    if body.len() > SHOW {
        format!("{text}… ({} bytes in all)", body.len())
    } else {
        text
    }
}
