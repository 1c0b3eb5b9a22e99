//! HTTP as a function the engine is given. Production uses reqwest with redirects off, connect
//! and read timeouts and a body-size cap; tests pass any [`HttpClient`], closures included.

use crate::error::{Error, Result};
use crate::secret::Secret;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use url::Url;

/// Largest response body the engine accepts (1 MiB).
pub const MAX_BODY: usize = 1024 * 1024;

/// HTTP method used by the engine (the provider's endpoints use GET and POST; an API call may
/// use any of these).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
    /// HEAD
    Head,
    /// OPTIONS
    Options,
}

impl Method {
    /// Every method, in the order a menu shows them.
    pub const ALL: [Method; 7] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
        Method::Head,
        Method::Options,
    ];

    /// The method's name as sent (`GET`, `POST`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
        }
    }

    /// A method by name, in any case; `None` for a name not in [`Method::ALL`].
    pub fn parse(name: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name.trim()))
    }
}

/// How long an idle connection is kept for the next request: less than the 5 s after which
/// common servers close it.
const IDLE_CONNECTION: std::time::Duration = std::time::Duration::from_secs(3);

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
    /// What this request carries that must never come back in an error (form fields whose
    /// names say secret, code, token, verifier..., the credentials of an `Authorization`
    /// header): [`send`] and [`exchange`] scrub them from every error about this request.
    pub secrets: Vec<Secret>,
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
            secrets: Vec::new(),
        }
    }

    /// A POST of an `application/x-www-form-urlencoded` body. Fields whose names say they are
    /// secret ([`crate::secret::is_secret_name`]: `code`, `code_verifier`, `refresh_token`,
    /// `client_secret`...) are scrubbed from errors.
    pub fn form(url: Url, fields: &[(&str, &str)]) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish()
            .into_bytes();
        let secrets = fields
            .iter()
            .filter(|(name, value)| crate::secret::is_secret_name(name) && !value.is_empty())
            .map(|(_, value)| Secret::new(*value))
            .collect();
        Self {
            secrets,
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

    /// Adds `Authorization: Basic` for `client_secret_basic` (RFC 6749 §2.3.1: each part
    /// form-encoded, then base64); the secret and the header's credentials are scrubbed from
    /// errors.
    pub fn basic_auth(mut self, client_id: &str, secret: &Secret) -> Self {
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let pair = format!("{}:{}", enc(client_id), enc(secret.expose()));
        let value = base64::engine::general_purpose::STANDARD.encode(pair);
        self.secrets.push(secret.clone());
        self.secrets.push(Secret::new(value.clone()));
        self.headers
            .push(("authorization".into(), format!("Basic {value}")));
        self
    }

    /// What to scrub from errors about this request.
    pub fn scrubber(&self) -> Scrubber {
        let mut secrets: Vec<&str> = self.secrets.iter().map(Secret::expose).collect();
        // Credentials of any Authorization header, however it was added.
        for (name, value) in &self.headers {
            if name.eq_ignore_ascii_case("authorization") {
                let credentials = value.split_once(' ').map_or(value.as_str(), |(_, c)| c);
                secrets.push(credentials.trim());
            }
        }
        Scrubber::new(&secrets)
    }
}

pub use crate::mask::{Scrubber, SCRUBBED, SCRUB_RUN};

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

    /// True for a client that changes what it sends or sends more than once (DPoP proofs, a
    /// retry with the server's nonce): it logs each request it really sends itself, through
    /// [`send_logged`], so the exchange log shows what went over the wire. Others are logged by
    /// [`send`].
    fn logs_its_requests(&self) -> bool {
        false
    }
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
        Self::customized(limits, |b| b)
    }

    /// Builds the client with the given limits and more settings (a resolver, no proxy: see
    /// [`crate::oidc::netguard::discovery_client`]). Redirects stay off whatever `customize` does.
    pub fn customized(
        limits: HttpLimits,
        customize: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder,
    ) -> Result<Self> {
        let inner = customize(reqwest::Client::builder())
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(limits.connect_timeout)
            .read_timeout(limits.read_timeout)
            .timeout(limits.total_timeout)
            // Servers close idle keep-alive connections after a few seconds (Node's default is
            // 5 s, many proxies the same): a pooled connection kept longer can be closed under the
            // next request ("connection closed before message completed", seen calling an API
            // 6 s after a sign-in). Idle connections are dropped before that.
            .pool_idle_timeout(IDLE_CONNECTION)
            .user_agent(concat!("tokenscope/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Self { inner, limits })
    }

    async fn run(&self, request: HttpRequest) -> std::result::Result<HttpResponse, HttpError> {
        let method = match request.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
            Method::Head => reqwest::Method::HEAD,
            Method::Options => reqwest::Method::OPTIONS,
        };
        let mut builder = self.inner.request(method, request.url.clone());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if request.method == Method::Post || !request.body.is_empty() {
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

/// Sends a request and interprets the answer with `parse`; every error, the transport's or
/// the parser's, comes back with the request's secrets scrubbed (a provider's error page or
/// description may echo the request).
pub async fn exchange<T>(
    client: &dyn HttpClient,
    request: HttpRequest,
    parse: impl FnOnce(&HttpResponse) -> Result<T>,
) -> Result<T> {
    let scrubber = request.scrubber();
    let response = send(client, request).await?;
    parse(&response).map_err(|e| scrubber.error(e))
}

/// Sends a request and turns transport failures into [`Error::Network`] / [`Error::Timeout`],
/// with the request's secrets scrubbed.
pub async fn send(client: &dyn HttpClient, request: HttpRequest) -> Result<HttpResponse> {
    let url = request.url.to_string();
    let scrubber = request.scrubber();
    let result = if client.logs_its_requests() {
        client.send(request).await
    } else {
        send_logged(client, request).await
    };
    let result = result.map_err(|e| match e {
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
    });
    result.map_err(|e| scrubber.error(e))
}

/// Sends one request as it is and records it, with its answer, in the exchange log of the
/// operation it belongs to (if one is kept): what [`send`] does for a client that does not log
/// its own requests, and what such a client does for each request it really sends.
pub async fn send_logged(
    client: &dyn HttpClient,
    request: HttpRequest,
) -> std::result::Result<HttpResponse, HttpError> {
    let pending = crate::exchange::Pending::start(
        request.method.as_str(),
        request.url.as_str(),
        &request.headers,
        &request.body,
        request.scrubber(),
    );
    let result = client.send(request).await;
    if let Some(p) = pending {
        match &result {
            Ok(r) => p.answered(r.status, &r.headers, &r.body),
            Err(e) => p.failed(&e.to_string()),
        }
    }
    result
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

/// Masks secrets a request sent wherever a text repeats them: the one rule of [`Scrubber`]
/// (as sent, encoded, in base64, and runs of [`SCRUB_RUN`] characters).
pub fn mask_sent(text: String, sent: &[&str]) -> String {
    Scrubber::new(sent).text(&text)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A server that answers the first request on a connection and then, like a server whose
    /// keep-alive ran out while the client was not looking, reads the next request on it and
    /// closes without an answer. Every new connection gets a good first answer.
    async fn forgetful_server() -> Url {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    if socket.read(&mut buf).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let _ = socket
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok")
                        .await;
                    let _ = socket.read(&mut buf).await;
                    // dropped: closed without an answer
                });
            }
        });
        Url::parse(&format!("http://{addr}/")).unwrap()
    }

    #[tokio::test]
    async fn a_connection_idle_past_the_servers_keep_alive_is_not_reused() {
        let url = forgetful_server().await;
        let client = ReqwestClient::new(HttpLimits::default()).unwrap();
        let first = client.run(HttpRequest::get(url.clone())).await;
        assert!(first.is_ok(), "{:?}", first.err());
        tokio::time::sleep(IDLE_CONNECTION + std::time::Duration::from_millis(700)).await;
        let second = client.run(HttpRequest::get(url)).await;
        assert!(
            second.is_ok(),
            "a stale pooled connection was reused: {:?}",
            second.err()
        );
    }

    const SECRET: &str = "Zq8-client+secret/4f2b9c71";

    #[test]
    fn a_secret_is_scrubbed_whole_encoded_in_base64_and_in_runs_of_eight() {
        let request = HttpRequest::form(
            Url::parse("https://p.example/token").unwrap(),
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", "rt-0123456789abcdef"),
            ],
        )
        .basic_auth("app-1", &Secret::new(SECRET));
        let header = request
            .headers
            .iter()
            .find(|(n, _)| n == "authorization")
            .map(|(_, v)| v.clone())
            .unwrap();
        let basic = header.trim_start_matches("Basic ");
        let form: String = url::form_urlencoded::byte_serialize(SECRET.as_bytes()).collect();
        let s = request.scrubber();
        for leak in [
            SECRET.to_owned(),
            form.clone(),
            header.clone(),
            basic.to_owned(),
            basic[5..18].to_owned(),
            SECRET[4..12].to_owned(),
            form[2..14].to_owned(),
            "rt-0123456789abcdef".to_owned(),
            "456789ab".to_owned(),
        ] {
            let text = format!("error: echo <{leak}> done");
            let out = s.text(&text);
            assert!(!out.contains(&leak), "{leak:?} survived: {out}");
            assert!(
                out.starts_with("error: echo <") && out.ends_with("> done"),
                "{out}"
            );
            assert!(out.contains(SCRUBBED), "{out}");
        }
        // Seven characters of a secret are not a leak; other words stay.
        let seven = &SECRET[4..11];
        let text = format!("grant_type refresh_token ({seven}) at https://p.example/token");
        assert_eq!(s.text(&text), text);
        // The scope and grant type are not secrets.
        assert!(!s.text("refresh_token").contains(SCRUBBED));
    }

    #[test]
    fn every_text_an_error_carries_is_scrubbed() {
        let s = Scrubber::new(&[SECRET]);
        let leak = &SECRET[2..20];
        let e = s.error(Error::HttpStatus {
            url: "https://p.example/token".into(),
            status: 500,
            hint: format!(" {leak}"),
            body: format!("<pre>{leak}</pre>"),
        });
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(leak), "{shown}");
        let mut p = crate::oidc::provider_error::ProviderError::new(
            crate::oidc::provider_error::ErrorOrigin::TokenEndpoint,
            &format!("bad_{leak}"),
            Some(&format!("secret {leak} expired")),
            Some(&format!("https://p.example/e?s={leak}")),
        );
        p.message = Some(leak.to_owned());
        let e = s.error(Error::from(p));
        let shown = format!("{e} {e:?}");
        assert!(!shown.contains(leak), "{shown}");
    }
}
