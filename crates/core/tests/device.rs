//! The device flow's polling against hand-made hostile token endpoints (RFC 8628 §3.5): a
//! provider that answers `slow_down` (the interval must grow by 5 s each time and stay grown), a
//! code that expires (by the provider's `expired_token`, or by its `expires_in` with the provider
//! still saying `authorization_pending`), and `access_denied`. Time is tokio's paused clock, so
//! the intervals are measured exactly and the tests take no real time.

use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tokenscope_core::clock::SystemClock;
use tokenscope_core::engine::device::{DeviceCode, DeviceOptions};
use tokenscope_core::engine::Engine;
use tokenscope_core::http::{HttpError, HttpRequest, HttpResponse};
use tokenscope_core::store::profile::{Profile, ProfileStore};
use tokenscope_core::store::vault::Vault;
use tokenscope_core::Error;
use tokio_util::sync::CancellationToken;

const BASE: &str = "https://device.example";
const DEVICE_CODE: &str = "the-device-code-secret";

/// A provider whose token endpoint answers the n-th poll with `polls[n]` (the last one again
/// after the end); every poll's time (tokio's clock) is recorded.
struct Fake {
    polls: Vec<&'static str>,
    expires_in: u64,
    times: Mutex<Vec<tokio::time::Instant>>,
    forms: Mutex<Vec<String>>,
}

fn json_reply(status: u16, v: Value) -> Result<HttpResponse, HttpError> {
    Ok(HttpResponse {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: v.to_string().into_bytes(),
    })
}

fn answer(fake: &Fake, request: HttpRequest) -> Result<HttpResponse, HttpError> {
    match request.url.path() {
        "/.well-known/openid-configuration" => json_reply(
            200,
            json!({
                "issuer": format!("{BASE}/"),
                "authorization_endpoint": format!("{BASE}/authorize"),
                "token_endpoint": format!("{BASE}/token"),
                "jwks_uri": format!("{BASE}/jwks"),
                "device_authorization_endpoint": format!("{BASE}/device/auth"),
            }),
        ),
        "/device/auth" => json_reply(
            200,
            json!({
                "device_code": DEVICE_CODE,
                "user_code": "WDJB-MJHT",
                "verification_uri": format!("{BASE}/device"),
                "verification_uri_complete": format!("{BASE}/device?user_code=WDJB-MJHT"),
                "expires_in": fake.expires_in,
                "interval": 1,
            }),
        ),
        "/token" => {
            let mut times = fake.times.lock().unwrap();
            times.push(tokio::time::Instant::now());
            fake.forms
                .lock()
                .unwrap()
                .push(String::from_utf8_lossy(&request.body).into_owned());
            let i = (times.len() - 1).min(fake.polls.len() - 1);
            json_reply(
                400,
                json!({"error": fake.polls[i], "error_description": format!("{} (the provider's words)", fake.polls[i])}),
            )
        }
        other => json_reply(404, json!({"error": "not_found", "path": other})),
    }
}

struct Run {
    error: Error,
    /// Seconds between the device authorization and each poll, then between polls.
    gaps: Vec<u64>,
    shown: Vec<DeviceCode>,
    forms: Vec<String>,
}

async fn run(polls: Vec<&'static str>, expires_in: u64) -> Run {
    let fake = Arc::new(Fake {
        polls,
        expires_in,
        times: Mutex::default(),
        forms: Mutex::default(),
    });
    let f = fake.clone();
    let http = move |request: HttpRequest| {
        let reply = answer(&f, request);
        async move { reply }
    };
    let dir = std::env::temp_dir().join(format!(
        "tokenscope-device-{}",
        tokenscope_core::oidc::pkce::random_token()
    ));
    let engine = Engine::new(
        Arc::new(http),
        Arc::new(SystemClock),
        Vault::session_only("test"),
        ProfileStore::new(&dir),
    );
    let profile = Profile::new("device", &format!("{BASE}/"), "device-client");
    let shown = Arc::new(Mutex::new(Vec::new()));
    let into = shown.clone();
    let started = tokio::time::Instant::now();
    let options = DeviceOptions {
        store: false,
        cancel: CancellationToken::new(),
        progress: None,
        show_code: Arc::new(move |c: &DeviceCode| into.lock().unwrap().push(c.clone())),
        on_poll: None,
    };
    let error = engine
        .sign_in_device(&profile, &options)
        .await
        .expect_err("no tokens come from this provider");
    let _ = std::fs::remove_dir_all(dir);
    let mut last = started;
    let gaps = fake
        .times
        .lock()
        .unwrap()
        .iter()
        .map(|t| {
            let gap = t.duration_since(last).as_secs();
            last = *t;
            gap
        })
        .collect();
    let shown = shown.lock().unwrap().clone();
    let forms = fake.forms.lock().unwrap().clone();
    Run {
        error,
        gaps,
        shown,
        forms,
    }
}

fn provider_error(e: &Error) -> &tokenscope_core::oidc::provider_error::ProviderError {
    match e {
        Error::Provider(p) => p,
        other => panic!("expected a provider error, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn slow_down_adds_five_seconds_each_time_and_expired_token_ends_it() {
    let r = run(
        vec![
            "authorization_pending",
            "slow_down",
            "authorization_pending",
            "slow_down",
            "expired_token",
        ],
        600,
    )
    .await;
    assert_eq!(
        r.gaps,
        [1, 1, 6, 6, 11],
        "the interval grows by 5 s per slow_down"
    );
    let p = provider_error(&r.error);
    assert_eq!(p.error, "expired_token");
    let advice = p.advice.as_ref().expect("explained");
    assert!(advice.meaning.contains("expired"), "{advice:?}");
    let note = advice.note.as_deref().unwrap_or_default();
    assert!(
        note.contains("WDJB-MJHT") && note.contains("start again"),
        "{note}"
    );
    // The user code and both URIs were shown once, the device code never.
    assert_eq!(r.shown.len(), 1);
    assert_eq!(r.shown[0].user_code, "WDJB-MJHT");
    assert_eq!(
        r.shown[0].verification_uri_complete.as_deref(),
        Some("https://device.example/device?user_code=WDJB-MJHT")
    );
    // The QR code (drawn by the desktop, printed by the command line) takes the phone to the
    // URI with the code in it.
    let qr = r.shown[0].qr.as_ref().expect("a QR code");
    assert_eq!(qr.text, "https://device.example/device?user_code=WDJB-MJHT");
    assert!(qr.svg_path.starts_with("M4 4h7v1h-7z"), "{}", qr.svg_path);
    assert!(!format!("{:?} {}", r.error, r.error).contains(DEVICE_CODE));
    assert!(r.forms.iter().all(|f| f
        .contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code")
        && f.contains(&format!("device_code={DEVICE_CODE}"))));
}

#[tokio::test(start_paused = true)]
async fn a_code_that_expires_while_pending_stops_the_polling() {
    // The provider says authorization_pending for ever; its code lives 4 s.
    let r = run(vec!["authorization_pending"], 4).await;
    assert_eq!(r.gaps, [1, 1, 1, 1], "no poll after the code expired");
    match &r.error {
        Error::Timeout(message) => assert!(
            message.contains("WDJB-MJHT") && message.contains("expired (4 s)"),
            "{message}"
        ),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn access_denied_stops_with_what_it_means() {
    let r = run(vec!["authorization_pending", "access_denied"], 600).await;
    assert_eq!(r.gaps, [1, 1]);
    let p = provider_error(&r.error);
    assert_eq!(p.error, "access_denied");
    let note = p
        .advice
        .as_ref()
        .and_then(|a| a.note.as_deref())
        .unwrap_or_default();
    assert!(note.contains("declined"), "{note}");
}
