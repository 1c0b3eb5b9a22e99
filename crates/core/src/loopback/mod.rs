//! The RFC 8252 loopback redirect listener. Bound to loopback addresses only, opened for one
//! sign-in and closed after it. Serves many connections at once (browsers keep idle preconnects),
//! answers stray paths with 404 and keeps waiting, ignores callbacks with a wrong `state` or a
//! foreign `Host` (nothing local can abort or hijack the flow), caps request size, and shows the
//! browser a small page with the provider's error as escaped text.

use crate::error::{Error, Result};
use crate::oidc::provider_error::{ErrorOrigin, ProviderError};
use crate::oidc::redirect::{RedirectConfig, RedirectHost};
use crate::secret::Secret;
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// Largest request head accepted (request line and headers).
pub const MAX_HEAD: usize = 8 * 1024;
/// Largest `form_post` body accepted.
pub const MAX_BODY: usize = 64 * 1024;
/// How long one connection may stay idle before it is dropped.
const IDLE: Duration = Duration::from_secs(30);
/// How long a connection may stay open without sending its first byte: Chromium drops its own
/// unused preconnected sockets after 10 s, so no browser waits longer to use one.
const FIRST_BYTE: Duration = Duration::from_secs(10);
/// Most connections served at once. When one more arrives, the oldest that has sent nothing
/// (else the oldest) is closed for it: a flood of idle connections can neither exhaust the
/// process's file descriptors nor keep the real redirect waiting in the accept queue.
pub const MAX_CONNECTIONS: usize = 64;
/// Longest pause after failed `accept` calls in a row (out of file descriptors: EMFILE); the
/// first pause is 10 ms, doubled at each failure.
const MAX_BACKOFF: Duration = Duration::from_secs(1);

/// What the real callback must carry.
#[derive(Debug, Clone)]
pub struct Expected {
    /// The `state` sent.
    pub state: String,
    /// The issuer, when the provider announces RFC 9207 `iss` in responses.
    pub iss: Option<String>,
}

/// The authorization code received.
#[derive(Debug, Clone)]
pub struct Callback {
    /// The code (secret: it can be redeemed).
    pub code: Secret,
    /// `iss` as received, if any.
    pub iss: Option<String>,
}

/// A bound listener, ready to give its redirect URI and wait for one callback.
#[derive(Debug)]
pub struct LoopbackListener {
    listeners: Vec<TcpListener>,
    config: RedirectConfig,
    port: u16,
}

impl LoopbackListener {
    /// Binds loopback sockets for the redirect.
    pub async fn bind(config: &RedirectConfig) -> Result<Self> {
        if !config.path.starts_with('/') {
            return Err(Error::Config(format!(
                "redirect path `{}` must start with /",
                config.path
            )));
        }
        let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
        let listeners = match config.host {
            RedirectHost::Ipv4 => vec![bind_one(v4, config.port).await?],
            RedirectHost::Ipv6 => vec![bind_one(v6, config.port).await?],
            RedirectHost::Localhost => bind_pair(config.port).await?,
        };
        let port = listeners[0]
            .local_addr()
            .map_err(|e| Error::Listener(format!("cannot read the bound port: {e}")))?
            .port();
        Ok(Self {
            listeners,
            config: config.clone(),
            port,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The addresses listened on.
    pub fn local_addrs(&self) -> Vec<SocketAddr> {
        self.listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect()
    }

    /// The exact `redirect_uri` to send.
    pub fn redirect_uri(&self) -> String {
        self.config.uri(self.port)
    }

    /// Waits for the real callback, then answers the browser and closes. Stray requests are
    /// answered and ignored. Ends with the code, the provider's error, a timeout or a cancel.
    pub async fn wait(
        self,
        expected: Expected,
        timeout: Duration,
        cancel: CancellationToken,
    ) -> Result<Callback> {
        let ctx = Arc::new(Ctx {
            expected,
            path: self.config.path.clone(),
            port: self.port,
        });
        let mut serving = Serving::new(&self.listeners, timeout, cancel, move |stream| {
            let ctx = ctx.clone();
            async move { handle(stream, &ctx).await }
        })?;
        match serving.next().await {
            Event::Cancelled => Err(Error::Cancelled),
            Event::Deadline => Err(Error::Timeout(format!(
                "no redirect came back to {} within {} s",
                self.config.uri(self.port),
                timeout.as_secs()
            ))),
            Event::Message(result) => result,
        }
    }
}

/// What ended a wait for the next message from the connections being served.
enum Event<M> {
    Cancelled,
    Deadline,
    Message(M),
}

/// The connections a waiting listener serves: each accepted connection is answered by `handle`
/// in a task of its own (browsers keep idle preconnects open) and may yield a message for the
/// waiter. At most [`MAX_CONNECTIONS`] are open at once; one that sends nothing for
/// [`FIRST_BYTE`] is closed; failed accepts back off. Dropping it aborts the connections still
/// open.
struct Serving<'a, M, H> {
    listeners: &'a [TcpListener],
    handle: H,
    tx: mpsc::Sender<M>,
    rx: mpsc::Receiver<M>,
    connections: JoinSet<()>,
    /// The open connections, oldest first.
    live: std::collections::VecDeque<Live>,
    deadline: Pin<Box<tokio::time::Sleep>>,
    cancel: CancellationToken,
    /// The pause after a failed accept (while `pausing`), and how many failed in a row.
    backoff: Pin<Box<tokio::time::Sleep>>,
    pausing: bool,
    failures: u32,
}

/// One open connection: how to close it, and whether it has sent a byte yet.
struct Live {
    abort: tokio::task::AbortHandle,
    started: Arc<std::sync::atomic::AtomicBool>,
}

impl<'a, M, H, F> Serving<'a, M, H>
where
    M: Send + 'static,
    H: Fn(TcpStream) -> F + Clone + Send + 'static,
    F: Future<Output = Option<M>> + Send + 'static,
{
    /// Serving on `listeners` until `timeout` from now or `cancel`.
    fn new(
        listeners: &'a [TcpListener],
        timeout: Duration,
        cancel: CancellationToken,
        handle: H,
    ) -> Result<Self> {
        if listeners.is_empty() {
            return Err(Error::Listener("no socket bound".into()));
        }
        let (tx, rx) = mpsc::channel(8);
        Ok(Serving {
            listeners,
            handle,
            tx,
            rx,
            connections: JoinSet::new(),
            live: std::collections::VecDeque::new(),
            deadline: Box::pin(tokio::time::sleep(timeout)),
            cancel,
            backoff: Box::pin(tokio::time::sleep(Duration::ZERO)),
            pausing: false,
            failures: 0,
        })
    }

    /// Accepts and serves connections until a cancel, the deadline or a message, in that order
    /// of precedence.
    async fn next(&mut self) -> Event<M> {
        let first = &self.listeners[0];
        let second = self.listeners.get(1);
        loop {
            let pausing = self.pausing;
            let accepted = tokio::select! {
                biased;
                _ = self.cancel.cancelled() => return Event::Cancelled,
                Some(message) = self.rx.recv() => return Event::Message(message),
                _ = &mut self.deadline => return Event::Deadline,
                // Reap finished connection tasks so the set does not grow.
                Some(done) = self.connections.join_next_with_id(), if !self.connections.is_empty() => {
                    let id = match done {
                        Ok((id, ())) => id,
                        Err(e) => e.id(),
                    };
                    self.live.retain(|l| l.abort.id() != id);
                    continue;
                }
                () = &mut self.backoff, if pausing => {
                    self.pausing = false;
                    continue;
                }
                accepted = first.accept(), if !pausing => accepted,
                accepted = accept_opt(second), if !pausing => accepted,
            };
            match accepted {
                Ok((stream, _)) => {
                    self.failures = 0;
                    if self.live.len() >= MAX_CONNECTIONS {
                        self.shed();
                    }
                    self.serve(stream);
                }
                Err(_) => {
                    // Out of descriptors (EMFILE) or another failure that would repeat at once:
                    // free one descriptor and pause, instead of spinning on `accept`.
                    self.shed();
                    let pause = Duration::from_millis(10)
                        .saturating_mul(1 << self.failures.min(7))
                        .min(MAX_BACKOFF);
                    self.failures = self.failures.saturating_add(1);
                    self.backoff
                        .as_mut()
                        .reset(tokio::time::Instant::now() + pause);
                    self.pausing = true;
                }
            }
        }
    }

    /// Serves one accepted connection in a task of its own: closed if it sends nothing for
    /// [`FIRST_BYTE`], else answered by `handle`.
    fn serve(&mut self, stream: TcpStream) {
        let handle = self.handle.clone();
        let tx = self.tx.clone();
        let started = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = started.clone();
        let abort = self.connections.spawn(async move {
            let mut probe = [0u8; 1];
            match tokio::time::timeout(FIRST_BYTE, stream.peek(&mut probe)).await {
                Ok(Ok(n)) if n > 0 => flag.store(true, std::sync::atomic::Ordering::Relaxed),
                // Silent, closed or failed: drop it.
                _ => return,
            }
            if let Some(message) = handle(stream).await {
                let _ = tx.send(message).await;
            }
        });
        self.live.push_back(Live { abort, started });
    }

    /// Closes one connection to make room: the oldest that has sent nothing, else the oldest.
    fn shed(&mut self) {
        let silent = self
            .live
            .iter()
            .position(|l| !l.started.load(std::sync::atomic::Ordering::Relaxed));
        let shed = match silent {
            Some(i) => self.live.remove(i),
            None => self.live.pop_front(),
        };
        if let Some(l) = shed {
            l.abort.abort();
        }
    }
}

async fn accept_opt(listener: Option<&TcpListener>) -> std::io::Result<(TcpStream, SocketAddr)> {
    match listener {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
    }
}

async fn bind_one(ip: IpAddr, port: u16) -> Result<TcpListener> {
    TcpListener::bind(SocketAddr::new(ip, port))
        .await
        .map_err(|e| bind_error(ip, port, &e))
}

fn bind_error(ip: IpAddr, port: u16, e: &std::io::Error) -> Error {
    if e.kind() == std::io::ErrorKind::AddrInUse {
        Error::Listener(format!(
            "port {port} on {ip} is already in use by another program: close it, choose \
             another port, or use port 0 for any free port"
        ))
    } else {
        Error::Listener(format!("cannot listen on {ip} port {port}: {e}"))
    }
}

/// `localhost`: 127.0.0.1 and [::1] on the same port (IPv6 only where the machine has it).
async fn bind_pair(port: u16) -> Result<Vec<TcpListener>> {
    let v4 = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let v6 = IpAddr::V6(Ipv6Addr::LOCALHOST);
    for _ in 0..20 {
        let first = bind_one(v4, port).await?;
        let bound = first
            .local_addr()
            .map_err(|e| Error::Listener(format!("cannot read the bound port: {e}")))?
            .port();
        match TcpListener::bind(SocketAddr::new(v6, bound)).await {
            Ok(second) => return Ok(vec![first, second]),
            // Someone holds this port on [::1]: with a fixed port that is an error, with an
            // ephemeral one, try another port.
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                if port != 0 {
                    return Err(bind_error(v6, port, &e));
                }
            }
            // No IPv6 loopback on this machine: 127.0.0.1 alone.
            Err(_) => return Ok(vec![first]),
        }
    }
    Err(Error::Listener(
        "could not find a port free on both 127.0.0.1 and [::1]".into(),
    ))
}

struct Ctx {
    expected: Expected,
    path: String,
    port: u16,
}

/// Serves one connection: one request, one answer, close. `Some` only for the real callback.
async fn handle(mut stream: TcpStream, ctx: &Ctx) -> Option<Result<Callback>> {
    let request = match tokio::time::timeout(IDLE, read_request(&mut stream)).await {
        Ok(Ok(r)) => r,
        Ok(Err(status)) => {
            let _ = respond(
                &mut stream,
                status,
                "Bad request",
                "The request could not be read.",
            )
            .await;
            return None;
        }
        Err(_) => return None, // idle preconnect: drop it
    };
    let (status, title, text, outcome) = route(&request, ctx);
    let _ = respond(&mut stream, status, title, &text).await;
    outcome
}

struct Request {
    method: String,
    target: String,
    host: Option<String>,
    content_type: Option<String>,
    body: Vec<u8>,
}

async fn read_request(stream: &mut TcpStream) -> std::result::Result<Request, u16> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.map_err(|_| 400u16)?;
        if n == 0 {
            return Err(400);
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > MAX_HEAD {
            return Err(431);
        }
    };
    if head_end > MAX_HEAD {
        return Err(431);
    }
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(&buf[..head_end]) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(400),
    }
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).into_owned())
    };
    let method = req.method.unwrap_or_default().to_owned();
    let target = req.path.unwrap_or_default().to_owned();
    let host = header("host");
    let content_type = header("content-type");
    let length: usize = match header("content-length") {
        Some(v) => v.trim().parse().map_err(|_| 400u16)?,
        None => 0,
    };
    if length > MAX_BODY {
        return Err(413);
    }
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.map_err(|_| 400u16)?;
        if n == 0 {
            return Err(400);
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Ok(Request {
        method,
        target,
        host,
        content_type,
        body,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

type Routed = (u16, &'static str, String, Option<Result<Callback>>);

fn route(request: &Request, ctx: &Ctx) -> Routed {
    let ignored = |status, title, text: &str| (status, title, text.to_owned(), None);
    if !host_allowed(request.host.as_deref(), ctx.port) {
        return ignored(
            400,
            "Wrong host",
            "This address only answers requests for this machine.",
        );
    }
    let (path, query) = match request.target.split_once('?') {
        Some((p, q)) => (p, q),
        None => (request.target.as_str(), ""),
    };
    if path != ctx.path {
        return ignored(404, "Not found", "Nothing here.");
    }
    let params: HashMap<String, String> = match request.method.as_str() {
        "GET" => url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect(),
        "POST"
            if request
                .content_type
                .as_deref()
                .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded")) =>
        {
            url::form_urlencoded::parse(&request.body)
                .into_owned()
                .collect()
        }
        _ => {
            return ignored(
                405,
                "Not allowed",
                "This address only takes the sign-in redirect.",
            )
        }
    };
    if params.get("state") != Some(&ctx.expected.state) {
        return ignored(
            400,
            "Not this sign-in",
            "This response does not belong to the sign-in in progress (its state does not match). \
             Tokenscope is still waiting for the right one.",
        );
    }
    if let Some(issuer) = &ctx.expected.iss {
        let got = params.get("iss");
        if got != Some(issuer) {
            let text = format!(
                "The response names the issuer {} but the sign-in was sent to {issuer}. It was refused \
                 (RFC 9207 mix-up protection).",
                got.map(String::as_str).unwrap_or("(none)")
            );
            return (
                400,
                "Refused",
                text.clone(),
                Some(Err(Error::RedirectRefused(text))),
            );
        }
    }
    if let Some(error) = params.get("error") {
        let e = ProviderError::new(
            ErrorOrigin::Authorization,
            error,
            params.get("error_description").map(String::as_str),
            params.get("error_uri").map(String::as_str),
        );
        let text = format!("Sign-in failed: {e}. Details are in Tokenscope.");
        return (
            200,
            "Sign-in failed",
            text,
            Some(Err(Error::Provider(Box::new(e)))),
        );
    }
    match params.get("code").filter(|c| !c.is_empty()) {
        Some(code) => (
            200,
            "Signed in",
            "Tokenscope received the sign-in. You can close this tab and return to Tokenscope."
                .to_owned(),
            Some(Ok(Callback {
                code: Secret::new(code.clone()),
                iss: params.get("iss").cloned(),
            })),
        ),
        None => ignored(
            400,
            "No code",
            "The response carries neither a code nor an error.",
        ),
    }
}

/// The `Host` header must name a loopback host and our port (DNS rebinding protection).
fn host_allowed(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else { return false };
    let host = host.trim().to_ascii_lowercase();
    ["localhost", "127.0.0.1", "[::1]"]
        .iter()
        .any(|h| host == format!("{h}:{port}"))
}

async fn respond(
    stream: &mut TcpStream,
    status: u16,
    title: &str,
    text: &str,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        _ => "Error",
    };
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Tokenscope: {t}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em}}\
         </style></head><body><h1>{t}</h1><p>{x}</p></body></html>",
        t = escape_html(title),
        x = escape_html(text)
    );
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\
         Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n\
         X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(body.as_bytes()).await?;
    stream.flush().await?;
    stream.shutdown().await
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

mod logout;
pub use logout::LogoutReturn;

#[cfg(test)]
mod tests;
