//! The b2c-pages driver: Tokenscope starts a headless Chromium (Debian's, through the DevTools
//! protocol: [`super::cdp`]) and completes B2C's built-in pages itself: the
//! unified sign-in page inside `div#api` (username, password, "Sign in"), "Forgot your
//! password?", Cancel, and the self-asserted pages' Continue. A page-level error
//! (`.error.pageLevel`, "Invalid username or password.") ends the case with that text at once,
//! not with a timeout.
//!
//! The driver never ends by itself when all goes well: the engine's loopback listener receives
//! the redirect and the runner drops the driver, which closes Chromium. It ends with a
//! [`PageFailure`] when the pages say no or it cannot go on.

// Built without the driver, only the page logic (and its tests) remains.
#![cfg_attr(not(feature = "b2c-pages"), allow(dead_code, unused_imports))]

use super::file::{Action, Selectors};
use crate::secret::Secret;
use std::path::Path;
use std::time::{Duration, Instant};

/// Why the pages ended the sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageFailure {
    /// The pages said no or the driver could not complete them (the text says which).
    Page(String),
    /// Chromium could not be started or driven.
    Setup(String),
}

/// One drive through the pages.
pub struct PageRun<'a> {
    /// The Chromium binary.
    pub chromium: &'a Path,
    /// A fresh profile directory of this case alone.
    pub profile_dir: &'a Path,
    /// The authorize URL.
    pub url: &'a str,
    /// Where the provider redirects at the end (the engine's listener).
    pub redirect_uri: &'a str,
    /// What to do on the sign-in page.
    pub action: Action,
    /// The selectors of the pages.
    pub selectors: &'a Selectors,
    /// The username (sign-in only).
    pub username: Option<&'a Secret>,
    /// The password (sign-in only).
    pub password: Option<&'a Secret>,
    /// How long Chromium may take to start (the case's own timeout bounds the whole drive).
    pub launch_timeout: Duration,
}

/// How often the page is looked at.
const POLL: Duration = Duration::from_millis(100);
/// A page that is not a B2C page (no `div#api`) and stays loaded this long is where the
/// sign-in stopped (an error page).
const STUCK_OTHER: Duration = Duration::from_secs(3);
/// A B2C page that does not change this long after the driver acted on it.
const STUCK_B2C: Duration = Duration::from_secs(15);

/// Flags for a headless Chromium on a machine with no network but loopback (no background
/// requests to Google's hosts, no GPU), that never asks the OS keyring for its own passwords,
/// never slows a page it thinks is hidden, and reads pages in English (the page-level errors a
/// case expects are B2C's English texts).
const CHROMIUM_ARGS: &[&str] = &[
    "disable-gpu",
    "disable-quic",
    "no-first-run",
    "no-default-browser-check",
    "disable-background-networking",
    "disable-component-update",
    "disable-sync",
    "disable-extensions",
    "disable-default-apps",
    "disable-breakpad",
    "disable-dev-shm-usage",
    "disable-popup-blocking",
    "disable-background-timer-throttling",
    "disable-backgrounding-occluded-windows",
    "disable-renderer-backgrounding",
    "password-store=basic",
    "use-mock-keychain",
    "hide-scrollbars",
    "mute-audio",
    "lang=en-US",
];

#[cfg(feature = "b2c-pages")]
/// Drives the pages until they fail (see the module documentation).
pub async fn drive(run: PageRun<'_>) -> PageFailure {
    use super::cdp::{Chromium, Launch};

    if !run.chromium.exists() {
        return PageFailure::Setup(format!(
            "the b2c-pages driver needs Chromium: {} does not exist (install Debian's chromium, \
             or set TOKENSCOPE_CHROMIUM)",
            run.chromium.display()
        ));
    }
    let launch = Launch {
        binary: run.chromium,
        profile_dir: run.profile_dir,
        args: CHROMIUM_ARGS,
        // Chromium's sandbox needs user namespaces, which root and most containers lack.
        no_sandbox: is_root() || std::env::var_os("TOKENSCOPE_CHROMIUM_NO_SANDBOX").is_some(),
        launch_timeout: run.launch_timeout,
        request_timeout: Duration::from_secs(30),
    };
    let mut browser = match Chromium::launch(launch).await {
        Ok(b) => b,
        Err(e) => return PageFailure::Setup(format!("Chromium did not start: {e}")),
    };
    let failure = drive_page(&mut browser, &run).await;
    browser.close().await;
    failure
}

#[cfg(not(feature = "b2c-pages"))]
/// This build has no b2c-pages driver.
pub async fn drive(_run: PageRun<'_>) -> PageFailure {
    PageFailure::Setup(
        "this build of Tokenscope has no b2c-pages driver (built without the `b2c-pages` \
         feature)"
            .into(),
    )
}

#[cfg(unix)]
fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_root() -> bool {
    false
}

/// What the page looks like now (see [`probe_script`]).
#[derive(Debug, Default, serde::Deserialize)]
struct PageState {
    state: String,
    url: String,
    #[serde(default)]
    ready: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    username: bool,
    #[serde(default)]
    password: bool,
    #[serde(default)]
    forgot: bool,
    #[serde(default)]
    cancel: bool,
    #[serde(default, rename = "continue")]
    continue_button: bool,
    #[serde(default)]
    acted: bool,
}

/// The script that reads the page's state; the selectors are embedded as JSON strings.
fn probe_script(s: &Selectors) -> String {
    let sel = serde_json::json!({
        "api": s.api, "username": s.username, "password": s.password,
        "forgot": s.forgot_password, "cancel": s.cancel, "continue": s.continue_button,
        "error": s.error,
    });
    format!(
        r#"(() => {{
  const S = {sel};
  const q = (s) => {{ try {{ return document.querySelector(s); }} catch (e) {{ return null; }} }};
  const shown = (e) => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const text = (e) => ((e && (e.innerText || e.textContent)) || '').replace(/\s+/g, ' ').trim();
  const out = {{ url: location.href, ready: document.readyState, title: document.title, acted: !!window.__tokenscopeActed }};
  const err = q(S.error);
  if (shown(err) && text(err)) {{ out.state = 'error'; out.text = text(err); return out; }}
  if (!q(S.api)) {{ out.state = 'other'; out.text = text(document.body).slice(0, 400); return out; }}
  out.state = 'b2c';
  out.username = shown(q(S.username)); out.password = shown(q(S.password));
  out.forgot = shown(q(S.forgot)); out.cancel = shown(q(S.cancel)); out.continue = shown(q(S.continue));
  return out;
}})()"#
    )
}

/// A script that clicks the element `selector` and marks the page as acted on.
fn click_script(selector: &str) -> String {
    let sel = serde_json::Value::String(selector.to_owned());
    format!(
        "(() => {{ const e = document.querySelector({sel}); if (!e) return false; \
         window.__tokenscopeActed = true; e.click(); return true; }})()"
    )
}

/// A script that empties and focuses the field `selector`.
fn focus_script(selector: &str) -> String {
    let sel = serde_json::Value::String(selector.to_owned());
    format!(
        "(() => {{ const e = document.querySelector({sel}); if (!e) return false; \
         e.focus(); e.value = ''; return true; }})()"
    )
}

/// The next step on a B2C page, decided from its state.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// Nothing to do yet (loading, or waiting for the page to change).
    Wait,
    /// Type the credentials and press the sign-in button.
    SignIn,
    /// Click this selector.
    Click(String),
    /// The sign-in cannot go on.
    Fail(String),
}

fn next_step(state: &PageState, run: &PageRun<'_>) -> Step {
    let s = run.selectors;
    if state.acted {
        return Step::Wait;
    }
    if state.username && state.password {
        return match run.action {
            Action::SignIn => Step::SignIn,
            Action::ForgotPassword if state.forgot => Step::Click(s.forgot_password.clone()),
            Action::ForgotPassword => Step::Fail(format!(
                "the sign-in page has no \"Forgot your password?\" link (selector {:?})",
                s.forgot_password
            )),
            Action::Cancel if state.cancel => Step::Click(s.cancel.clone()),
            Action::Cancel => Step::Fail(format!(
                "the sign-in page has no cancel button (selector {:?})",
                s.cancel
            )),
        };
    }
    if state.continue_button {
        if run.action == Action::Cancel && state.cancel {
            return Step::Click(s.cancel.clone());
        }
        return Step::Click(s.continue_button.clone());
    }
    Step::Wait
}

#[cfg(feature = "b2c-pages")]
async fn drive_page(page: &mut super::cdp::Chromium, run: &PageRun<'_>) -> PageFailure {
    if let Err(e) = page.open_page().await {
        return PageFailure::Setup(format!("Chromium opened no page: {e}"));
    }
    // Navigation ends on the first page of the user flow, or on an error; either way the
    // page is looked at next.
    let _ = page.navigate(run.url).await;
    let probe = probe_script(run.selectors);
    let mut since = Instant::now();
    let mut last_url = String::new();
    let mut last_acted = false;
    loop {
        tokio::time::sleep(POLL).await;
        let state: PageState = match page.evaluate(&probe).await {
            Ok(v) => serde_json::from_value(v).unwrap_or_default(),
            // Between two pages there is no document to ask.
            Err(_) => continue,
        };
        if state.url != last_url || state.acted != last_acted {
            last_url = state.url.clone();
            last_acted = state.acted;
            since = Instant::now();
        }
        match state.state.as_str() {
            "error" => return PageFailure::Page(format!("the page said: {}", state.text)),
            "other" => {
                // On the listener's page the engine has the redirect: nothing left to do.
                if state.url.starts_with(run.redirect_uri) || state.ready != "complete" {
                    continue;
                }
                if since.elapsed() >= STUCK_OTHER {
                    return PageFailure::Page(format!(
                        "the sign-in stopped on a page that is not a B2C page ({}): {} {}",
                        redact_url(&state.url),
                        state.title,
                        state.text
                    ));
                }
            }
            _ => match next_step(&state, run) {
                Step::Wait => {
                    if since.elapsed() >= STUCK_B2C {
                        return PageFailure::Page(format!(
                            "the sign-in stopped on a B2C page the driver cannot complete \
                             ({}): {}; override its selectors in the case",
                            redact_url(&state.url),
                            state.title
                        ));
                    }
                }
                Step::Fail(why) => return PageFailure::Page(why),
                Step::Click(selector) => {
                    let _ = page.evaluate(&click_script(&selector)).await;
                }
                Step::SignIn => {
                    let s = run.selectors;
                    for (selector, value) in
                        [(&s.username, run.username), (&s.password, run.password)]
                    {
                        let Some(value) = value else {
                            return PageFailure::Setup("no username or password was given".into());
                        };
                        if page.evaluate(&focus_script(selector)).await.is_err() {
                            break;
                        }
                        // Typed as text input, never through a script: the value stays out
                        // of every script and log.
                        if let Err(e) = page.insert_text(value.expose()).await {
                            return PageFailure::Setup(format!("typing failed: {e}"));
                        }
                    }
                    let _ = page.evaluate(&click_script(&s.next)).await;
                }
            },
        }
    }
}

/// A URL without its query and fragment (they may carry codes or hints).
fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            u.set_query(None);
            u.set_fragment(None);
            u.to_string()
        }
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<'a>(action: Action, selectors: &'a Selectors) -> PageRun<'a> {
        PageRun {
            chromium: Path::new("/usr/bin/chromium"),
            profile_dir: Path::new("/tmp/x"),
            url: "http://127.0.0.1/",
            redirect_uri: "http://localhost:1",
            action,
            selectors,
            username: None,
            password: None,
            launch_timeout: Duration::from_secs(1),
        }
    }

    fn sign_in_page() -> PageState {
        PageState {
            state: "b2c".into(),
            username: true,
            password: true,
            forgot: true,
            cancel: true,
            ..Default::default()
        }
    }

    #[test]
    fn each_action_presses_its_own_control_on_the_sign_in_page() {
        let s = Selectors::default();
        assert_eq!(
            next_step(&sign_in_page(), &run(Action::SignIn, &s)),
            Step::SignIn
        );
        assert_eq!(
            next_step(&sign_in_page(), &run(Action::ForgotPassword, &s)),
            Step::Click("#forgotPassword".into())
        );
        assert_eq!(
            next_step(&sign_in_page(), &run(Action::Cancel, &s)),
            Step::Click("#cancel".into())
        );
        let mut acted = sign_in_page();
        acted.acted = true;
        assert_eq!(next_step(&acted, &run(Action::SignIn, &s)), Step::Wait);
        let mut no_link = sign_in_page();
        no_link.forgot = false;
        assert!(matches!(
            next_step(&no_link, &run(Action::ForgotPassword, &s)),
            Step::Fail(m) if m.contains("#forgotPassword")
        ));
    }

    #[test]
    fn self_asserted_pages_continue_and_selectors_are_embedded_as_json() {
        let s = Selectors {
            continue_button: "button[data-x=\"go\"]".into(),
            ..Default::default()
        };
        let page = PageState {
            state: "b2c".into(),
            continue_button: true,
            ..Default::default()
        };
        assert_eq!(
            next_step(&page, &run(Action::SignIn, &s)),
            Step::Click("button[data-x=\"go\"]".into())
        );
        assert!(click_script(&s.continue_button).contains(r#""button[data-x=\"go\"]""#));
        assert!(probe_script(&s).contains(r#""continue":"button[data-x=\"go\"]""#));
        assert_eq!(redact_url("http://h/p?code=secret#x"), "http://h/p");
    }
}
