//! A hand-made OpenID provider on 127.0.0.1 that can be told to misbehave, a tiny HTTP/1.1
//! responder for it, and a harness that drives the real engine against it with curl as the
//! "browser".
//!
//! The provider serves:
//! - `/.well-known/openid-configuration`: metadata naming its own endpoints (or any [`Reply`]);
//! - `/jwks`: the fixture keys, or a sequence of key sets (the n-th fetch gets the n-th set);
//! - `/authorize`: a 302 straight back to `redirect_uri` with a code and the `state` (or what
//!   the test's [`AuthorizeFn`] answers), remembering the query (nonce, PKCE challenge, ...);
//! - `/token`: whatever the test's [`TokenFn`] answers. [`issue`] is the well-behaved default:
//!   it checks the code, the redirect URI and the PKCE verifier like a real provider, then signs
//!   an ID token whose claims the test may edit.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokenscope_core::clock::SystemClock;
use tokenscope_core::engine::outcome::Outcome;
use tokenscope_core::engine::{Engine, Progress, SignInOptions};
use tokenscope_core::http::{HttpLimits, ReqwestClient};
use tokenscope_core::oidc::metadata::Jwks;
use tokenscope_core::oidc::redirect::RedirectConfig;
use tokenscope_core::store::profile::{Profile, ProfileStore};
use tokenscope_core::store::vault::Vault;
use tokenscope_core::testkit;
use tokenscope_core::Result;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use url::Url;

/// The client ID every test profile uses.
pub const CLIENT_ID: &str = "5b1c2d3e-hostile-client";
/// The subject of the signed-in user.
pub const SUBJECT: &str = "user-ada";
/// The "browser": follows the provider's 302 to the loopback listener.
pub const CURL: &str = "curl -sS -L -o /dev/null --noproxy * --max-time 10";

pub const METADATA_PATH: &str = "/.well-known/openid-configuration";
pub const JWKS_PATH: &str = "/jwks";
pub const AUTHORIZE_PATH: &str = "/authorize";
pub const TOKEN_PATH: &str = "/token";
pub const LOGOUT_PATH: &str = "/logout";

/// What an endpoint answers.
#[derive(Debug, Clone)]
pub enum Reply {
    /// A JSON body with this status.
    Json(u16, Value),
    /// Any body.
    Raw {
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    },
    /// 302 to this location.
    Redirect(String),
    /// 200, chunked, and the chunks never end.
    Endless,
    /// 200 announcing a 10 GiB body, then silence.
    HugeLength,
    /// Reads the request, never answers (holds the connection until the client gives up).
    Stall,
    /// Reads the request, then resets the connection (RST).
    Reset,
    /// Waits, then answers.
    Delay(Duration, Box<Reply>),
    /// The reply with these headers added (a `DPoP-Nonce`, ...).
    Headed(Vec<(&'static str, String)>, Box<Reply>),
}

impl Reply {
    /// An HTML page with this status.
    pub fn html(status: u16, html: &str) -> Reply {
        Reply::Raw {
            status,
            content_type: "text/html; charset=utf-8",
            body: html.as_bytes().to_vec(),
        }
    }

    /// An OAuth error object (400).
    pub fn oauth_error(error: &str, description: &str) -> Reply {
        Reply::Json(
            400,
            json!({"error": error, "error_description": description}),
        )
    }
}

/// What the authorize endpoint received.
#[derive(Debug, Clone)]
pub struct Authorize {
    /// The query parameters.
    pub params: HashMap<String, String>,
    /// The code this provider hands out.
    pub code: String,
    /// The provider's issuer.
    pub issuer: String,
}

impl Authorize {
    /// A query parameter (empty when absent).
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }

    /// A 302 back to `redirect_uri` with these parameters and the request's `state`.
    pub fn redirect(&self, pairs: &[(&str, &str)]) -> Reply {
        let mut url = Url::parse(self.param("redirect_uri")).expect("redirect_uri is a URL");
        {
            let mut q = url.query_pairs_mut();
            for (k, v) in pairs {
                q.append_pair(k, v);
            }
            q.append_pair("state", self.param("state"));
        }
        Reply::Redirect(url.to_string())
    }

    /// The ordinary answer: back to the app with the code.
    pub fn code_redirect(&self) -> Reply {
        self.redirect(&[("code", &self.code)])
    }
}

/// What the token endpoint received, with what the provider knows.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The POSTed form.
    pub form: HashMap<String, String>,
    /// The query of the last authorize request (empty when none came).
    pub authorize: HashMap<String, String>,
    /// The code this provider handed out.
    pub code: String,
    /// The provider's issuer.
    pub issuer: String,
    /// 1 for the first token request, 2 for the second, ...
    pub call: usize,
    /// The `Authorization` header, if any (`client_secret_basic`).
    pub authorization: Option<String>,
    /// The `DPoP` header (a proof, RFC 9449), if any.
    pub dpop: Option<String>,
    salt: String,
    /// When the user signed in at this provider (the ID tokens' `auth_time`, refreshes too:
    /// OpenID Connect Core §12.2).
    signed_in_at: i64,
}

impl Exchange {
    /// A form field (empty when absent).
    pub fn field(&self, name: &str) -> &str {
        self.form.get(name).map_or("", String::as_str)
    }

    /// `grant_type`.
    pub fn grant(&self) -> &str {
        self.field("grant_type")
    }

    /// The access token this call hands out.
    pub fn access_token(&self) -> String {
        access_token(self.call, &self.salt)
    }

    /// The refresh token this call hands out.
    pub fn refresh_token(&self) -> String {
        refresh_token(self.call, &self.salt)
    }

    /// Correct claims: right issuer, audience, nonce (code grant), times, `at_hash`.
    pub fn claims(&self) -> Value {
        let now = now();
        let mut claims = json!({
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": SUBJECT,
            "name": "Ada Lovelace",
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "auth_time": self.signed_in_at,
            "at_hash": tokenscope_core::validate::at_hash("RS256", &self.access_token()),
        });
        if self.grant() == "authorization_code" {
            claims["nonce"] = json!(self.authorize.get("nonce").cloned().unwrap_or_default());
        }
        claims
    }

    /// The client ID and secret of an `Authorization: Basic` header (RFC 6749 §2.3.1).
    pub fn basic(&self) -> Option<(String, String)> {
        use base64::engine::general_purpose::STANDARD;
        let encoded = self.authorization.as_deref()?.strip_prefix("Basic ")?;
        let pair = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
        let (id, secret) = pair.split_once(':')?;
        let dec = |s: &str| {
            url::form_urlencoded::parse(format!("x={s}").as_bytes())
                .next()
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        Some((dec(id), dec(secret)))
    }

    /// What a careful provider would refuse about this request, if anything.
    pub fn grant_problem(&self) -> Option<String> {
        let client_id = self
            .basic()
            .map_or(self.field("client_id").to_owned(), |(id, _)| id);
        if client_id != CLIENT_ID {
            return Some(format!("unknown client_id {client_id:?}"));
        }
        match self.grant() {
            "authorization_code" => {
                if self.field("code") != self.code {
                    return Some("unknown code".into());
                }
                let sent = self.authorize.get("redirect_uri").map(String::as_str);
                if sent != Some(self.field("redirect_uri")) {
                    return Some("redirect_uri differs from the authorization request".into());
                }
                let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(self.field("code_verifier")));
                if self.authorize.get("code_challenge") != Some(&challenge)
                    || self
                        .authorize
                        .get("code_challenge_method")
                        .map(String::as_str)
                        != Some("S256")
                {
                    return Some("PKCE verification failed".into());
                }
                None
            }
            "refresh_token" if self.field("refresh_token").ends_with(&self.salt) => None,
            "refresh_token" => Some("unknown refresh token".into()),
            other => Some(format!("unsupported grant_type {other:?}")),
        }
    }

    /// A full token response around an ID token.
    pub fn token_response(&self, id_token: &str) -> Value {
        json!({
            "id_token": id_token,
            "access_token": self.access_token(),
            "refresh_token": self.refresh_token(),
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": "openid offline_access",
            "refresh_token_expires_in": 1_209_600,
        })
    }
}

/// Seconds since the epoch.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn access_token(call: usize, salt: &str) -> String {
    format!("at-{call}-{salt}")
}

fn refresh_token(call: usize, salt: &str) -> String {
    format!("rt-{call}-{salt}")
}

/// How the token endpoint behaves.
pub type TokenFn = Arc<dyn Fn(&Exchange) -> Reply + Send + Sync>;
/// How the authorize endpoint behaves.
pub type AuthorizeFn = Arc<dyn Fn(&Authorize) -> Reply + Send + Sync>;

/// The well-behaved token endpoint, with the ID token's claims edited by `edit`.
pub fn issue(edit: impl Fn(&Exchange, &mut Value) + Send + Sync + 'static) -> TokenFn {
    issue_signed(|claims| testkit::sign("RS256", claims), edit)
}

/// Like [`issue`], signing the claims with `sign`.
pub fn issue_signed(
    sign: impl Fn(&Value) -> String + Send + Sync + 'static,
    edit: impl Fn(&Exchange, &mut Value) + Send + Sync + 'static,
) -> TokenFn {
    Arc::new(move |ex: &Exchange| {
        if let Some(problem) = ex.grant_problem() {
            return Reply::oauth_error("invalid_grant", &problem);
        }
        let mut claims = ex.claims();
        edit(ex, &mut claims);
        Reply::Json(200, ex.token_response(&sign(&claims)))
    })
}

/// A token endpoint that always answers `reply`.
pub fn answer(reply: Reply) -> TokenFn {
    Arc::new(move |_: &Exchange| reply.clone())
}

/// An unsigned (`alg: none`) JWT.
pub fn unsigned(claims: &Value) -> String {
    let enc = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.",
        enc(&json!({"alg": "none", "typ": "JWT"})),
        enc(claims)
    )
}

/// The provider's configuration; change it with [`FakeProvider::configure`].
pub struct Config {
    /// The metadata document served (built for this provider's port).
    pub metadata: Value,
    /// When set, served at the metadata path instead of `metadata`.
    pub metadata_reply: Option<Reply>,
    /// The n-th JWKS fetch gets `jwks[n-1]` (the last one repeats).
    pub jwks: Vec<Jwks>,
    /// The authorize endpoint.
    pub authorize: AuthorizeFn,
    /// The token endpoint.
    pub token: TokenFn,
    /// The end-session endpoint at [`LOGOUT_PATH`] (announce it in `metadata` to use it).
    pub logout: AuthorizeFn,
}

struct Shared {
    base: String,
    salt: String,
    signed_in_at: i64,
    config: Mutex<Config>,
    hits: Mutex<HashMap<String, usize>>,
    authorize: Mutex<HashMap<String, String>>,
    token_requests: Mutex<Vec<HashMap<String, String>>>,
}

impl Shared {
    fn code(&self) -> String {
        format!("code-{}", self.salt)
    }

    fn issuer(&self) -> String {
        format!("{}/", self.base)
    }
}

/// The fake provider. Stops (and drops every connection it holds) when dropped.
pub struct FakeProvider {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

impl Drop for FakeProvider {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeProvider {
    /// Binds a free port on 127.0.0.1 and starts serving, well-behaved.
    pub async fn start() -> FakeProvider {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the provider");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let salt = tokenscope_core::oidc::pkce::random_token()[..16].to_owned();
        let shared = Arc::new(Shared {
            config: Mutex::new(Config {
                metadata: default_metadata(&base),
                metadata_reply: None,
                jwks: vec![testkit::jwks()],
                authorize: Arc::new(Authorize::code_redirect),
                token: issue(|_, _| {}),
                logout: Arc::new(logout_redirect),
            }),
            base: base.clone(),
            salt,
            signed_in_at: now() - 60,
            hits: Mutex::default(),
            authorize: Mutex::default(),
            token_requests: Mutex::default(),
        });
        let server = tokio::spawn(serve(listener, shared.clone()));
        FakeProvider {
            base,
            shared,
            server,
        }
    }

    /// The issuer (`http://127.0.0.1:PORT/`), also the authority the profiles use.
    pub fn issuer(&self) -> String {
        self.shared.issuer()
    }

    /// A URL on this provider.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The authorization code this provider hands out.
    pub fn code(&self) -> String {
        self.shared.code()
    }

    /// The access token the `call`-th token request got from [`issue`].
    pub fn access_token(&self, call: usize) -> String {
        access_token(call, &self.shared.salt)
    }

    /// The refresh token the `call`-th token request got from [`issue`].
    pub fn refresh_token(&self, call: usize) -> String {
        refresh_token(call, &self.shared.salt)
    }

    /// Changes the configuration.
    pub fn configure(&self, change: impl FnOnce(&mut Config)) {
        change(&mut self.shared.config.lock().unwrap());
    }

    /// Sets the token endpoint's behaviour.
    pub fn set_token(&self, token: TokenFn) {
        self.configure(|c| c.token = token);
    }

    /// Sets the authorize endpoint's behaviour.
    pub fn set_authorize(&self, f: impl Fn(&Authorize) -> Reply + Send + Sync + 'static) {
        self.configure(|c| c.authorize = Arc::new(f));
    }

    /// How many requests reached this path (query ignored).
    pub fn hits(&self, path: &str) -> usize {
        self.shared
            .hits
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// The forms the token endpoint received, in order.
    pub fn token_requests(&self) -> Vec<HashMap<String, String>> {
        self.shared.token_requests.lock().unwrap().clone()
    }

    /// The query of the last authorize request.
    pub fn last_authorize(&self) -> HashMap<String, String> {
        self.shared.authorize.lock().unwrap().clone()
    }
}

/// Metadata naming this provider's endpoints.
pub fn default_metadata(base: &str) -> Value {
    json!({
        "issuer": format!("{base}/"),
        "authorization_endpoint": format!("{base}{AUTHORIZE_PATH}"),
        "token_endpoint": format!("{base}{TOKEN_PATH}"),
        "jwks_uri": format!("{base}{JWKS_PATH}"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["pairwise"],
        "scopes_supported": ["openid", "offline_access"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_post"],
    })
}

async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    // Connections live in this set, so stopping the server drops every one of them.
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    connections.spawn(connection(stream, shared.clone()));
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

struct Request {
    method: String,
    path: String,
    query: String,
    body: Vec<u8>,
    authorization: Option<String>,
    dpop: Option<String>,
}

/// The ordinary end-session answer: 302 to `post_logout_redirect_uri` with the `state` sent.
pub fn logout_redirect(a: &Authorize) -> Reply {
    let mut url = Url::parse(a.param("post_logout_redirect_uri")).expect("a URL");
    if let Some(state) = a.params.get("state") {
        url.query_pairs_mut().append_pair("state", state);
    }
    Reply::Redirect(url.to_string())
}

async fn connection(mut stream: TcpStream, shared: Arc<Shared>) {
    let Some(request) = read_request(&mut stream).await else {
        return;
    };
    *shared
        .hits
        .lock()
        .unwrap()
        .entry(request.path.clone())
        .or_default() += 1;
    let reply = route(&request, &shared);
    write_reply(&mut stream, reply).await;
}

fn pairs(bytes: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(bytes).into_owned().collect()
}

fn route(request: &Request, shared: &Shared) -> Reply {
    let config = shared.config.lock().unwrap();
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", METADATA_PATH) => config
            .metadata_reply
            .clone()
            .unwrap_or_else(|| Reply::Json(200, config.metadata.clone())),
        ("GET", JWKS_PATH) => {
            let n = shared.hits.lock().unwrap()[JWKS_PATH];
            let jwks = &config.jwks[(n - 1).min(config.jwks.len() - 1)];
            Reply::Json(200, serde_json::to_value(jwks).unwrap())
        }
        ("GET", AUTHORIZE_PATH) => {
            let params = pairs(request.query.as_bytes());
            *shared.authorize.lock().unwrap() = params.clone();
            (config.authorize)(&Authorize {
                params,
                code: shared.code(),
                issuer: shared.issuer(),
            })
        }
        ("GET", LOGOUT_PATH) => (config.logout)(&Authorize {
            params: pairs(request.query.as_bytes()),
            code: shared.code(),
            issuer: shared.issuer(),
        }),
        ("POST", TOKEN_PATH) => {
            let form = pairs(&request.body);
            let call = {
                let mut requests = shared.token_requests.lock().unwrap();
                requests.push(form.clone());
                requests.len()
            };
            (config.token)(&Exchange {
                form,
                authorize: shared.authorize.lock().unwrap().clone(),
                code: shared.code(),
                issuer: shared.issuer(),
                call,
                authorization: request.authorization.clone(),
                dpop: request.dpop.clone(),
                salt: shared.salt.clone(),
                signed_in_at: shared.signed_in_at,
            })
        }
        _ => Reply::html(404, "<!doctype html><title>Not found</title>"),
    }
}

async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > 64 * 1024 {
            return None;
        }
    };
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    req.parse(&buf[..head_end]).ok()?;
    let length: usize = req
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse().ok())
        .unwrap_or(0);
    let (path, query) = match req.path?.split_once('?') {
        Some((p, q)) => (p.to_owned(), q.to_owned()),
        None => (req.path?.to_owned(), String::new()),
    };
    let method = req.method?.to_owned();
    let authorization = req
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("authorization"))
        .map(|h| String::from_utf8_lossy(h.value).into_owned());
    let dpop = req
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("dpop"))
        .map(|h| String::from_utf8_lossy(h.value).into_owned());
    let mut body = buf[head_end..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Request {
        method,
        path,
        query,
        body,
        authorization,
        dpop,
    })
}

async fn write_head(stream: &mut TcpStream, status: u16, headers: &[(&str, String)]) -> bool {
    let mut head = format!("HTTP/1.1 {status} Whatever\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await.is_ok()
}

/// Reads until the client closes (or errors): holds a connection open without answering.
async fn hold(stream: &mut TcpStream) {
    let mut sink = [0u8; 1024];
    while let Ok(n) = stream.read(&mut sink).await {
        if n == 0 {
            break;
        }
    }
}

async fn write_reply(stream: &mut TcpStream, mut reply: Reply) {
    let mut added = Vec::new();
    loop {
        match reply {
            Reply::Delay(wait, inner) => {
                tokio::time::sleep(wait).await;
                reply = *inner;
            }
            Reply::Headed(headers, inner) => {
                added.extend(headers);
                reply = *inner;
            }
            _ => break,
        }
    }
    type Simple = (u16, Vec<(&'static str, String)>, Vec<u8>);
    fn simple(
        status: u16,
        ctype: &str,
        body: Vec<u8>,
        extra: Option<(&'static str, String)>,
    ) -> Simple {
        let mut headers = vec![
            ("Content-Type", ctype.to_owned()),
            ("Content-Length", body.len().to_string()),
        ];
        headers.extend(extra);
        (status, headers, body)
    }
    let (status, mut headers, body) = match reply {
        Reply::Json(status, value) => simple(
            status,
            "application/json",
            value.to_string().into_bytes(),
            None,
        ),
        Reply::Raw {
            status,
            content_type,
            body,
        } => simple(status, content_type, body, None),
        Reply::Redirect(location) => {
            simple(302, "text/plain", Vec::new(), Some(("Location", location)))
        }
        Reply::Endless => {
            let head = [
                ("Content-Type", "application/json".to_owned()),
                ("Transfer-Encoding", "chunked".to_owned()),
            ];
            if !write_head(stream, 200, &head).await {
                return;
            }
            let data = vec![b' '; 64 * 1024];
            let chunk = [format!("{:x}\r\n", data.len()).as_bytes(), &data, b"\r\n"].concat();
            // Forever, until the client hangs up (or the provider is dropped).
            while stream.write_all(&chunk).await.is_ok() {}
            return;
        }
        Reply::HugeLength => {
            let head = [
                ("Content-Type", "application/json".to_owned()),
                ("Content-Length", (10u64 << 30).to_string()),
            ];
            if write_head(stream, 200, &head).await && stream.write_all(b"{\"a\":\"").await.is_ok()
            {
                hold(stream).await;
            }
            return;
        }
        Reply::Stall => {
            hold(stream).await;
            return;
        }
        Reply::Reset => {
            let _ = stream.set_zero_linger();
            return;
        }
        Reply::Delay(..) | Reply::Headed(..) => unreachable!("unwrapped above"),
    };
    headers.extend(added);
    if write_head(stream, status, &headers).await {
        let _ = stream.write_all(&body).await;
        let _ = stream.flush().await;
        let _ = stream.shutdown().await;
    }
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A fresh, unique, existing directory.
    pub fn new(label: &str) -> TempDir {
        let name = format!(
            "tokenscope-hostile-{label}-{}-{}",
            std::process::id(),
            &tokenscope_core::oidc::pkce::random_token()[..10]
        );
        let dir = std::env::temp_dir().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// A path inside.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The real engine, a fake provider and a profile pointing at it.
pub struct Harness {
    pub provider: FakeProvider,
    pub engine: Engine,
    pub profile: Profile,
    pub dir: TempDir,
}

impl Harness {
    /// A well-behaved provider, a fresh engine with a session-only vault, a profile using curl.
    pub async fn new() -> Harness {
        let provider = FakeProvider::start().await;
        let dir = TempDir::new("engine");
        let http = ReqwestClient::new(HttpLimits {
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(2),
            total_timeout: Duration::from_secs(4),
            max_body: 1024 * 1024,
        })
        .expect("HTTP client");
        let engine = Engine::new(
            Arc::new(http),
            Arc::new(SystemClock),
            Vault::session_only("test"),
            ProfileStore::new(dir.join("config")),
        );
        let mut profile = Profile::new("hostile", &provider.issuer(), CLIENT_ID);
        profile.scopes = vec!["offline_access".into()];
        profile.redirect = RedirectConfig::parse("http://127.0.0.1").unwrap();
        profile.browser_command = Some(CURL.into());
        Harness {
            provider,
            engine,
            profile,
            dir,
        }
    }

    /// Store on, 15 s to come back.
    pub fn options(&self) -> SignInOptions {
        SignInOptions {
            store: true,
            timeout: Duration::from_secs(15),
            ..Default::default()
        }
    }

    /// Signs in with [`Harness::options`].
    pub async fn sign_in(&self) -> Result<Outcome> {
        self.engine.sign_in(&self.profile, &self.options()).await
    }

    /// Signs in and insists that it passed.
    pub async fn sign_in_ok(&self) -> Outcome {
        let outcome = self.sign_in().await.expect("sign-in completes");
        assert!(
            outcome.passed(),
            "sign-in should pass: {:#?}",
            outcome.report
        );
        outcome
    }

    /// The refresh token in the vault, if any.
    pub fn stored_refresh_token(&self) -> Option<String> {
        self.engine
            .vault()
            .load(&self.profile.refresh_account())
            .expect("the session vault answers")
            .map(|s| s.secret.expose().to_owned())
    }

    /// Makes the "browser" a command that only creates a marker file; returns its path.
    pub fn marker_browser(&mut self) -> PathBuf {
        let marker = self.dir.join("browser-was-run");
        // The URL the engine appends becomes `$0` of the script and is ignored.
        self.profile.browser_command = Some(format!("sh -c 'touch \"{}\"'", marker.display()));
        marker
    }
}

/// Records every progress step.
#[derive(Clone, Default)]
pub struct Steps(pub Arc<Mutex<Vec<Progress>>>);

impl Steps {
    /// The steps so far.
    pub fn all(&self) -> Vec<Progress> {
        self.0.lock().unwrap().clone()
    }

    /// The `redirect_uri` the engine waited on.
    pub fn redirect_uri(&self) -> Option<String> {
        self.all().into_iter().find_map(|p| match p {
            Progress::WaitingForRedirect { redirect_uri } => Some(redirect_uri),
            _ => None,
        })
    }
}
