//! Tokenscope's benchmark harness: `scripts/bench.sh` runs each measure through it and then has
//! it write the report. Every measure prints figures; none of them fails on a figure.
//!
//! ```text
//! tokenscope-bench tokens <DIR>                 the tokens the decode and UI measures use
//! tokenscope-bench signin --runs N --out FILE   redirect -> validated tokens, and its baseline
//! tokenscope-bench window --app BIN --scenario startup|idle|signin|render:<TOKEN FILE>
//!                         --runs N --out FILE [--idle SECONDS]
//! tokenscope-bench report --dir DIR --out FILE --binary BIN --deb DEB --machine TEXT
//! tokenscope-bench keyring --runs N --out FILE  what the app's start-up asks the keyring
//! tokenscope-bench call --cli BIN --runs N --out FILE
//!                         `tokenscope call --token-file` vs curl, the same request (hyperfine)
//! ```

mod report;
mod window;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokenscope_core::clock::SystemClock;
use tokenscope_core::engine::browser::Browser;
use tokenscope_core::engine::{Engine, Progress, SignInOptions};
use tokenscope_core::http::{HttpLimits, ReqwestClient};
use tokenscope_core::loopback::{Expected, LoopbackListener};
use tokenscope_core::oidc::authorize;
use tokenscope_core::store::profile::{Profile, ProfileStore};
use tokenscope_core::store::vault::Vault;
use tokenscope_core::testkit::{self, idp::TestIdp};
use tokio_util::sync::CancellationToken;

/// The "browser" of the no-page user flow: curl following the provider's redirects.
pub const CURL: &str = "curl -sS -L -o /dev/null --max-time 20";

type Res<T> = Result<T, String>;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("tokens") => tokens(Path::new(arg_at(&args, 1))),
        Some("signin") => signin(runs(&args), &out(&args)),
        Some("window") => window::run(&args),
        Some("report") => report::run(&args),
        Some("keyring") => keyring(runs(&args), &out(&args)),
        Some("call") => call(&args),
        _ => Err("usage: see the top of bench/harness/src/main.rs".into()),
    };
    if let Err(e) = result {
        eprintln!("tokenscope-bench: {e}");
        std::process::exit(1);
    }
}

fn arg_at(args: &[String], i: usize) -> &str {
    args.get(i).map(String::as_str).unwrap_or("")
}

/// The value after `--name`.
pub fn opt<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn runs(args: &[String]) -> usize {
    opt(args, "--runs")
        .and_then(|r| r.parse().ok())
        .unwrap_or(10)
}

fn out(args: &[String]) -> PathBuf {
    PathBuf::from(opt(args, "--out").unwrap_or("target/bench/out.json"))
}

/// Writes a JSON document.
pub fn write_json(path: &Path, value: &Value) -> Res<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
    std::fs::write(path, text + "\n").map_err(|e| format!("{}: {e}", path.display()))
}

/// A fresh directory under the system temp directory.
pub fn temp_dir(what: &str) -> Res<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "tokenscope-bench-{what}-{}",
        tokenscope_core::oidc::pkce::random_token()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

/// A profile on the test provider's no-page user flow, with curl as the browser.
pub fn auto_profile(idp: &TestIdp, name: &str) -> Profile {
    let mut p = Profile::new(name, &idp.metadata_url("B2C_1_auto"), &idp.client_id());
    p.scopes = vec!["offline_access".into(), idp.api_scope()];
    p.browser_command = Some(CURL.into());
    p
}

// ---- tokens ----------------------------------------------------------------------------------

/// The size of the large token: 60 KiB, under the 64 KiB Tokenscope accepts.
const BIG: usize = 60 * 1024;

fn b2c_claims() -> serde_json::Map<String, Value> {
    let now = chrono::Utc::now().timestamp();
    let tenant = "775527ff-9a37-4307-8b3d-cc311f58d925";
    let claims = json!({
        "iss": format!("https://tokenscopedemo.b2clogin.com/{tenant}/v2.0/"),
        "exp": now + 3600,
        "nbf": now,
        "aud": "6f1e2c4d-8b7a-4e3f-9d21-0c5b7a8e9f10",
        "iat": now,
        "auth_time": now,
        "sub": "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
        "oid": "a1b2c3d4-e5f6-4789-abcd-ef0123456789",
        "idp": "LocalAccount",
        "emails": ["tester@example.com"],
        "name": "Test User",
        "given_name": "Test",
        "family_name": "User",
        "extension_Department": "Engineering",
        "tfp": "B2C_1_susi",
        "nonce": "Y2hhbmdlLW1lLXBsZWFzZS1ub25jZQ",
        "ver": "1.0",
        "at_hash": "3RqkQ2sN1gq9r6kN8Kx0bA",
        "tid": tenant,
    });
    claims.as_object().cloned().unwrap_or_default()
}

fn b64_len(n: usize) -> usize {
    (n * 4).div_ceil(3)
}

/// A typical B2C ID token, a 60 KiB one (the typical claims and a long `groups` list) and one
/// with exactly 500 claims.
fn tokens(dir: &Path) -> Res<()> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let typical = b2c_claims();
    let b2c = testkit::sign("RS256", &Value::Object(typical.clone()));

    // Grow `groups` until the token is as close to 60 KiB as it gets without passing it.
    let header_and_sig = b2c.len() - b64_len(serde_json::to_vec(&typical).unwrap().len());
    let mut big = typical.clone();
    let mut groups: Vec<Value> = Vec::new();
    loop {
        let next = format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            groups.len() * 7919,
            groups.len() % 65536,
            groups.len() % 4096,
            (groups.len() * 3) % 4096,
            groups.len() * 104729
        );
        groups.push(Value::String(next));
        big.insert("groups".into(), Value::Array(groups.clone()));
        let len = header_and_sig + b64_len(serde_json::to_vec(&big).unwrap().len());
        if len > BIG {
            groups.pop();
            big.insert("groups".into(), Value::Array(groups.clone()));
            break;
        }
    }
    let big = testkit::sign("RS256", &Value::Object(big));

    let mut many = typical;
    let mut i = 0;
    while many.len() < 500 {
        let value = match i % 4 {
            0 => json!(format!("value number {i} of a wide token")),
            1 => json!(i * 1000),
            2 => json!(i % 3 == 0),
            _ => json!([format!("item-{i}-a"), format!("item-{i}-b")]),
        };
        many.insert(format!("extension_Claim{i:03}"), value);
        i += 1;
    }
    let many = testkit::sign("RS256", &Value::Object(many));

    for (name, token) in [
        ("b2c.jwt", &b2c),
        ("big.jwt", &big),
        ("claims500.jwt", &many),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, token).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}: {} bytes", path.display(), token.len());
    }
    Ok(())
}

// ---- redirect to validated tokens ------------------------------------------------------------

/// Per sign-in: the engine from the callback received to the validation report (from its own
/// progress events), then the baseline: a fresh code fetched the same way, and only the token
/// request and the JWKS request timed, sent by a plain reqwest client. Alternated, so drift on
/// the shared machine hits both alike. The first sign-in (keys not yet cached) is kept apart.
fn signin(runs: usize, out: &Path) -> Res<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(signin_async(runs, out))
}

async fn signin_async(runs: usize, out: &Path) -> Res<()> {
    let idp = TestIdp::start();
    let config = temp_dir("signin")?;
    let store = ProfileStore::new(&config);
    let profile = auto_profile(&idp, "bench");
    store.save(&profile).map_err(|e| e.to_string())?;
    let http = ReqwestClient::new(HttpLimits::default()).map_err(|e| e.to_string())?;
    let engine = Engine::new(
        Arc::new(http),
        Arc::new(SystemClock),
        Vault::session_only("benchmark"),
        store,
    );
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())?;
    let metadata = engine
        .metadata(&profile.authority)
        .await
        .map_err(|e| e.to_string())?;

    let mut engine_ms = Vec::new();
    let mut baseline_ms = Vec::new();
    let mut first_ms = None;
    for run in 0..=runs {
        // The engine.
        let marks: Arc<Mutex<(Option<Instant>, Option<Instant>)>> = Arc::default();
        let m = marks.clone();
        let options = SignInOptions {
            store: false,
            timeout: Duration::from_secs(60),
            progress: Some(Arc::new(move |p: Progress| {
                let now = Instant::now();
                if let Ok(mut m) = m.lock() {
                    match p {
                        Progress::CodeReceived => m.0 = Some(now),
                        Progress::Validated { .. } => m.1 = Some(now),
                        _ => {}
                    }
                }
            })),
            ..Default::default()
        };
        let outcome = engine
            .sign_in(&profile, &options)
            .await
            .map_err(|e| format!("sign-in {run}: {e}"))?;
        if !outcome.passed() {
            return Err(format!("sign-in {run}: the validation failed"));
        }
        let (Some(code), Some(valid)) = *marks.lock().map_err(|e| e.to_string())? else {
            return Err(format!("sign-in {run}: no progress events"));
        };
        let ms = (valid - code).as_secs_f64() * 1000.0;
        if run == 0 {
            first_ms = Some(ms);
        } else {
            engine_ms.push(ms);
        }

        // The baseline.
        let listener = LoopbackListener::bind(&profile.redirect)
            .await
            .map_err(|e| e.to_string())?;
        let redirect_uri = listener.redirect_uri();
        let request = authorize::build(
            &metadata,
            &profile.client_id,
            &profile.scopes,
            &redirect_uri,
            &profile.params,
        )
        .map_err(|e| e.to_string())?;
        Browser::from_command(Some(CURL))
            .and_then(|b| b.open(&request.url))
            .map_err(|e| e.to_string())?;
        let expected = Expected {
            state: request.state.clone(),
            iss: metadata
                .authorization_response_iss_parameter_supported
                .then(|| metadata.issuer.clone()),
        };
        let callback = listener
            .wait(expected, Duration::from_secs(60), CancellationToken::new())
            .await
            .map_err(|e| e.to_string())?;
        let start = Instant::now();
        let response = plain
            .post(metadata.token_endpoint.clone())
            .form(&[
                ("grant_type", "authorization_code"),
                ("code", callback.code.expose()),
                ("redirect_uri", redirect_uri.as_str()),
                ("client_id", profile.client_id.as_str()),
                ("code_verifier", request.pkce.verifier.expose()),
            ])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        let keys = plain
            .get(metadata.jwks_uri.clone())
            .send()
            .await
            .map_err(|e| e.to_string())?
            .bytes()
            .await
            .map_err(|e| e.to_string())?;
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        if !status.is_success() || body.is_empty() || keys.is_empty() {
            return Err(format!("baseline {run}: the token endpoint said {status}"));
        }
        if run > 0 {
            baseline_ms.push(ms);
        }
    }
    let fetches = engine.jwks_fetch_count(&profile.authority).await;
    let _ = std::fs::remove_dir_all(&config);
    println!(
        "redirect -> validated: engine {} ms, baseline {} ms (medians of {runs}); first sign-in {:.2} ms; JWKS fetched {fetches} time(s)",
        fmt_ms(report::median(&engine_ms)),
        fmt_ms(report::median(&baseline_ms)),
        first_ms.unwrap_or_default()
    );
    write_json(
        out,
        &json!({
            "engine_ms": engine_ms,
            "baseline_ms": baseline_ms,
            "first_sign_in_ms": first_ms,
            "sign_ins": runs + 1,
            "jwks_fetches": fetches,
        }),
    )
}

fn fmt_ms(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.2}"))
}

// ---- an API call: `tokenscope call` vs curl --------------------------------------------------

/// `call --cli BIN --runs N --out FILE`: one request to the test provider's protected API
/// (`GET /api/hello`, a valid access token, 200) made by `tokenscope call --token-file` (a
/// pasted token: no refresh, no keyring) and by curl with the same header, alternated by
/// hyperfine. The provider runs in this process for the duration.
fn call(args: &[String]) -> Res<()> {
    let cli = opt(args, "--cli").ok_or("--cli BIN is missing")?;
    let runs = runs(args);
    let out = out(args);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let idp = TestIdp::start();
    let config = temp_dir("call")?;
    let store = ProfileStore::new(&config);
    let profile = auto_profile(&idp, "bench");
    store.save(&profile).map_err(|e| e.to_string())?;
    let http = ReqwestClient::new(HttpLimits::default()).map_err(|e| e.to_string())?;
    let engine = Engine::new(
        Arc::new(http),
        Arc::new(SystemClock),
        Vault::session_only("benchmark"),
        store,
    );
    let options = SignInOptions {
        store: false,
        timeout: Duration::from_secs(60),
        ..Default::default()
    };
    let outcome = rt
        .block_on(engine.sign_in(&profile, &options))
        .map_err(|e| format!("sign-in: {e}"))?;
    let token = outcome
        .access_token
        .as_ref()
        .filter(|_| outcome.passed())
        .ok_or("the sign-in gave no valid access token")?
        .raw
        .expose()
        .to_owned();
    let token_file = config.join("token");
    let header_file = config.join("header");
    std::fs::write(&token_file, &token).map_err(|e| e.to_string())?;
    std::fs::write(&header_file, format!("Authorization: Bearer {token}\n"))
        .map_err(|e| e.to_string())?;
    let url = format!("{}/api/hello", idp.base());
    let status = std::process::Command::new("hyperfine")
        .args(["-N", "--warmup", "5", "--runs"])
        .arg((runs * 5).to_string())
        .args(["--style", "basic", "--export-json"])
        .arg(&out)
        .args(["-n", "tokenscope call --token-file"])
        .arg(format!(
            "{cli} call --token-file {} {url}",
            token_file.display()
        ))
        .args(["-n", "curl"])
        .arg(format!(
            "curl -sS --fail -H @{} {url}",
            header_file.display()
        ))
        .stdout(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("hyperfine: {e}"))?;
    let _ = std::fs::remove_dir_all(&config);
    if !status.success() {
        return Err(format!("hyperfine ended with {status}"));
    }
    Ok(())
}

// ---- the keyring at start-up -----------------------------------------------------------------

/// What the desktop app asks the keyring before its first screen: the probe (`Vault::open`,
/// before the window opens) and one lookup per profile (the profile list shows which profiles
/// have a stored refresh token). Run inside scripts/with-keyring.sh.
fn keyring(runs: usize, out: &Path) -> Res<()> {
    let start = Instant::now();
    let vault = Vault::open("tokenscope-bench");
    let open_ms = start.elapsed().as_secs_f64() * 1000.0;
    let mut lookup_ms = Vec::new();
    for i in 0..runs {
        let start = Instant::now();
        vault
            .load(&tokenscope_core::store::profile::refresh_account(&format!(
                "bench-{i}"
            )))
            .map_err(|e| e.to_string())?;
        lookup_ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "keyring: open (probe) {open_ms:.2} ms in {:?}; lookup median {} ms",
        vault.location(),
        fmt_ms(report::median(&lookup_ms))
    );
    write_json(
        out,
        &json!({ "open_ms": open_ms, "lookup_ms": lookup_ms, "location": format!("{:?}", vault.location()) }),
    )
}
