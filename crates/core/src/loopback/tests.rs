use super::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn request(port: u16, raw: String) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    s.write_all(raw.as_bytes()).await.unwrap();
    let mut out = String::new();
    let _ = s.read_to_string(&mut out).await;
    out
}

fn get(port: u16, target: &str) -> String {
    format!("GET {target} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n")
}

async fn start(
    cfg: RedirectConfig,
    iss: Option<&str>,
) -> (
    u16,
    tokio::task::JoinHandle<Result<Callback>>,
    CancellationToken,
) {
    let l = LoopbackListener::bind(&cfg).await.unwrap();
    let port = l.port();
    let cancel = CancellationToken::new();
    let expected = Expected {
        state: "s-good".into(),
        iss: iss.map(str::to_owned),
    };
    let c = cancel.clone();
    let h = tokio::spawn(async move { l.wait(expected, Duration::from_secs(10), c).await });
    (port, h, cancel)
}

#[test]
fn redirect_uri_forms() {
    let c = RedirectConfig::default();
    assert_eq!(c.uri(51234), "http://localhost:51234");
    let c = RedirectConfig::parse("http://127.0.0.1:8400/callback").unwrap();
    assert_eq!(
        (c.host, c.port, c.path.as_str()),
        (RedirectHost::Ipv4, 8400, "/callback")
    );
    assert_eq!(c.uri(8400), "http://127.0.0.1:8400/callback");
    let c = RedirectConfig::parse("http://[::1]/cb").unwrap();
    assert_eq!((c.host, c.port), (RedirectHost::Ipv6, 0));
    assert_eq!(c.uri(9), "http://[::1]:9/cb");
    let c = RedirectConfig::parse("http://localhost").unwrap();
    assert_eq!(c, RedirectConfig::default());
    for bad in [
        "https://localhost",
        "http://example.com/",
        "http://10.0.0.1/",
        "http://localhost/?a=1",
        "nope",
    ] {
        assert!(
            matches!(RedirectConfig::parse(bad), Err(Error::Config(_))),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn binds_loopback_only_and_localhost_gets_both_families() {
    let l = LoopbackListener::bind(&RedirectConfig::default())
        .await
        .unwrap();
    let addrs = l.local_addrs();
    assert!(!addrs.is_empty());
    assert!(addrs.iter().all(|a| a.ip().is_loopback()), "{addrs:?}");
    assert!(addrs.iter().all(|a| a.port() == l.port()));
    if std::net::TcpListener::bind("[::1]:0").is_ok() {
        assert_eq!(
            addrs.len(),
            2,
            "localhost should listen on 127.0.0.1 and [::1]"
        );
    }
    assert_eq!(l.redirect_uri(), format!("http://localhost:{}", l.port()));
}

#[tokio::test]
async fn stray_paths_and_wrong_state_are_answered_and_ignored_then_the_code_arrives() {
    let (port, h, _) = start(RedirectConfig::default(), None).await;
    let favicon = request(port, get(port, "/favicon.ico")).await;
    assert!(favicon.starts_with("HTTP/1.1 404"), "{favicon}");
    let wrong = request(port, get(port, "/?code=evil&state=s-bad")).await;
    assert!(wrong.starts_with("HTTP/1.1 400"), "{wrong}");
    let missing = request(port, get(port, "/?code=evil")).await;
    assert!(missing.starts_with("HTTP/1.1 400"), "{missing}");
    let bad_error = request(port, get(port, "/?error=access_denied")).await;
    assert!(
        bad_error.starts_with("HTTP/1.1 400"),
        "a stateless error must not abort: {bad_error}"
    );
    assert!(!h.is_finished());
    let ok = request(port, get(port, "/?code=the-code&state=s-good")).await;
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(ok.contains("You can close this tab"));
    let cb = h.await.unwrap().unwrap();
    assert_eq!(cb.code.expose(), "the-code");
    // Closed after the flow.
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
}

#[tokio::test]
async fn foreign_host_header_is_refused() {
    let (port, h, cancel) = start(RedirectConfig::default(), None).await;
    let raw = format!("GET /?code=c&state=s-good HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n");
    assert!(request(port, raw).await.starts_with("HTTP/1.1 400"));
    let raw = format!(
        "GET /?code=c&state=s-good HTTP/1.1\r\nHost: localhost:{}\r\n\r\n",
        port + 1
    );
    assert!(request(port, raw).await.starts_with("HTTP/1.1 400"));
    let raw = "GET /?code=c&state=s-good HTTP/1.1\r\n\r\n".to_owned();
    assert!(request(port, raw).await.starts_with("HTTP/1.1 400"));
    assert!(!h.is_finished());
    cancel.cancel();
    assert!(matches!(h.await.unwrap(), Err(Error::Cancelled)));
}

#[tokio::test]
async fn idle_preconnects_do_not_block_the_callback() {
    let (port, h, _) = start(RedirectConfig::default(), None).await;
    let _idle1 = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut idle2 = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    idle2.write_all(b"GET /?code=x&st").await.unwrap(); // half a request, then silence
    let ok = request(port, get(port, "/?code=c2&state=s-good")).await;
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert_eq!(h.await.unwrap().unwrap().code.expose(), "c2");
}

#[tokio::test]
async fn oversized_requests_are_refused() {
    let (port, h, cancel) = start(RedirectConfig::default(), None).await;
    let raw = format!(
        "GET /?state={} HTTP/1.1\r\nHost: localhost:{port}\r\n\r\n",
        "a".repeat(20_000)
    );
    let out = request(port, raw).await;
    assert!(
        out.starts_with("HTTP/1.1 431"),
        "{}",
        &out[..out.len().min(80)]
    );
    let raw =
        format!("POST / HTTP/1.1\r\nHost: localhost:{port}\r\nContent-Length: 999999\r\n\r\n");
    assert!(request(port, raw).await.starts_with("HTTP/1.1 413"));
    assert!(!h.is_finished());
    cancel.cancel();
    let _ = h.await;
}

#[tokio::test]
async fn provider_error_is_shown_escaped_and_ends_the_flow() {
    let (port, h, _) = start(RedirectConfig::default(), None).await;
    let desc = "AADB2C90091: <script>alert(1)</script>\r\nCorrelation ID: abc\r\nTimestamp: 2026-01-01 00:00:00Z";
    let q: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("error", "access_denied")
        .append_pair("error_description", desc)
        .append_pair("state", "s-good")
        .finish();
    let page = request(port, get(port, &format!("/?{q}"))).await;
    assert!(page.contains("&lt;script&gt;"), "{page}");
    assert!(!page.contains("<script>"), "{page}");
    match h.await.unwrap() {
        Err(Error::Provider(e)) => {
            assert_eq!(e.code.as_deref(), Some("AADB2C90091"));
            assert_eq!(e.correlation_id.as_deref(), Some("abc"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn rfc9207_iss_mismatch_is_refused() {
    let (port, h, _) = start(RedirectConfig::default(), Some("http://127.0.0.1:1/good/")).await;
    let page = request(
        port,
        get(port, "/?code=c&state=s-good&iss=http%3A%2F%2Fevil%2F"),
    )
    .await;
    assert!(page.starts_with("HTTP/1.1 400"), "{page}");
    assert!(matches!(h.await.unwrap(), Err(Error::RedirectRefused(_))));
    let (port, h, _) = start(RedirectConfig::default(), Some("http://127.0.0.1:1/good/")).await;
    let _ = request(port, get(port, "/?code=c&state=s-good")).await;
    assert!(
        matches!(h.await.unwrap(), Err(Error::RedirectRefused(_))),
        "a missing iss is refused too"
    );
    let (port, h, _) = start(RedirectConfig::default(), Some("http://127.0.0.1:1/good/")).await;
    let _ = request(
        port,
        get(
            port,
            "/?code=c&state=s-good&iss=http%3A%2F%2F127.0.0.1%3A1%2Fgood%2F",
        ),
    )
    .await;
    assert_eq!(
        h.await.unwrap().unwrap().iss.as_deref(),
        Some("http://127.0.0.1:1/good/")
    );
}

#[tokio::test]
async fn configured_path_and_form_post() {
    let cfg = RedirectConfig::parse("http://127.0.0.1/callback").unwrap();
    let (port, h, _) = start(cfg, None).await;
    assert!(request(port, get(port, "/?code=c&state=s-good"))
        .await
        .starts_with("HTTP/1.1 404"));
    let body = "code=posted&state=s-good";
    let raw = format!(
        "POST /callback HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    assert!(request(port, raw).await.starts_with("HTTP/1.1 200"));
    assert_eq!(h.await.unwrap().unwrap().code.expose(), "posted");
}

#[tokio::test]
async fn timeout_and_port_in_use_are_clear_errors() {
    let l = LoopbackListener::bind(&RedirectConfig::parse("http://127.0.0.1").unwrap())
        .await
        .unwrap();
    let port = l.port();
    let taken = LoopbackListener::bind(
        &RedirectConfig::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
    )
    .await;
    let e = taken.unwrap_err();
    assert!(e.to_string().contains("already in use"), "{e}");
    let expected = Expected {
        state: "s".into(),
        iss: None,
    };
    let e = l
        .wait(
            expected,
            Duration::from_millis(200),
            CancellationToken::new(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Timeout(_)), "{e}");
    assert!(
        e.to_string().contains(&format!("http://127.0.0.1:{port}")),
        "{e}"
    );
}

#[test]
fn html_escaping() {
    assert_eq!(
        escape_html(r#"<a href="x">&'"#),
        "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
    );
}

async fn start_logout(
    timeout: Duration,
) -> (
    u16,
    tokio::task::JoinHandle<Result<Option<LogoutReturn>>>,
    CancellationToken,
) {
    let l = LoopbackListener::bind(&RedirectConfig::default())
        .await
        .unwrap();
    let port = l.port();
    let cancel = CancellationToken::new();
    let c = cancel.clone();
    let h = tokio::spawn(async move { l.wait_logout("s-out", timeout, c).await });
    (port, h, cancel)
}

#[tokio::test]
async fn logout_return_with_the_state_sent_ends_the_wait() {
    let (port, h, _) = start_logout(Duration::from_secs(10)).await;
    assert!(request(port, get(port, "/favicon.ico"))
        .await
        .starts_with("HTTP/1.1 404"));
    let foreign = format!("GET /?state=s-out HTTP/1.1\r\nHost: evil.example:{port}\r\n\r\n");
    assert!(request(port, foreign).await.starts_with("HTTP/1.1 400"));
    let other = request(port, get(port, "/?state=s-other")).await;
    assert!(other.contains("not with the state"), "{other}");
    assert!(!h.is_finished(), "a wrong state must not end the wait");
    let ok = request(port, get(port, "/?state=s-out")).await;
    assert!(
        ok.starts_with("HTTP/1.1 200") && ok.contains("came back"),
        "{ok}"
    );
    let back = h.await.unwrap().unwrap().unwrap();
    assert_eq!(back.state.as_deref(), Some("s-out"));
    assert!(back.state_matches);
    assert_eq!(back.method, "GET");
    assert!(TcpStream::connect(("127.0.0.1", port)).await.is_err());
}

#[tokio::test]
async fn logout_return_without_state_is_reported_at_the_deadline_and_none_means_none() {
    let (port, h, _) = start_logout(Duration::from_millis(800)).await;
    request(port, get(port, "/")).await;
    let back = h.await.unwrap().unwrap().expect("it came back");
    assert_eq!(back.state, None);
    assert!(!back.state_matches);

    let (_, h, _) = start_logout(Duration::from_millis(200)).await;
    assert_eq!(h.await.unwrap().unwrap(), None);

    let (_, h, cancel) = start_logout(Duration::from_secs(10)).await;
    cancel.cancel();
    assert!(matches!(h.await.unwrap(), Err(Error::Cancelled)));
}
