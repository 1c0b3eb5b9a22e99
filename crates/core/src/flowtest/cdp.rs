//! The few DevTools-protocol commands the b2c-pages driver sends to a headless Chromium, over
//! the browser's WebSocket (async-tungstenite): open a page, navigate, evaluate a script and
//! read its value, type text, close. Written here instead of taken from `chromiumoxide`, whose
//! generated types for the whole protocol cost the desktop binary some 2 MB for these six
//! commands (docs/decisions/0007-devtools-protocol-client.md). The driver's tests against
//! Debian's Chromium (crates/core/tests/flowtest_idp.rs) are its judge.
//!
//! Commands go one at a time: each is sent and its answer awaited, and the events Chromium sends
//! meanwhile are dropped (the driver asks the page for its state instead of following events).
//! A text typed (a password) is in one message to Chromium and in nothing else: no error, log or
//! `Debug` output repeats a message.

use async_tungstenite::tokio::{connect_async, ConnectStream};
use async_tungstenite::tungstenite::Message;
use async_tungstenite::WebSocketStream;
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// What Chromium prints on its standard error once its DevTools endpoint listens.
const LISTENING: &str = "DevTools listening on ";

/// How Chromium is started.
pub struct Launch<'a> {
    /// The Chromium binary.
    pub binary: &'a Path,
    /// Its profile directory (a fresh one per case).
    pub profile_dir: &'a Path,
    /// Switches, without the leading `--`.
    pub args: &'a [&'a str],
    /// `--no-sandbox` (root and most containers have no user namespaces for the sandbox).
    pub no_sandbox: bool,
    /// How long it may take to listen.
    pub launch_timeout: Duration,
    /// How long a command may wait for its answer.
    pub request_timeout: Duration,
}

/// A running headless Chromium and the page it was asked to open. Dropped, Chromium is killed.
pub struct Chromium {
    child: Child,
    ws: WebSocketStream<ConnectStream>,
    next_id: u64,
    /// The page's session (`Target.attachToTarget` with `flatten`), once a page is open.
    session: Option<String>,
    request_timeout: Duration,
}

impl Chromium {
    /// Starts Chromium and connects to its DevTools endpoint.
    pub async fn launch(l: Launch<'_>) -> Result<Self, String> {
        let mut command = Command::new(l.binary);
        command
            .arg("--headless")
            .arg("--remote-debugging-port=0")
            .arg(format!("--user-data-dir={}", l.profile_dir.display()))
            .args(l.args.iter().map(|a| format!("--{a}")));
        if l.no_sandbox {
            command.arg("--no-sandbox");
        }
        command
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .map_err(|e| format!("{}: {e}", l.binary.display()))?;
        let Some(stderr) = child.stderr.take() else {
            return Err("Chromium's standard error could not be read".into());
        };
        let mut lines = BufReader::new(stderr).lines();
        let ready = tokio::time::timeout(l.launch_timeout, async {
            let mut said = Vec::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some((_, url)) = line.split_once(LISTENING) {
                    return Ok(url.trim().to_owned());
                }
                if said.len() < 3 && !line.trim().is_empty() {
                    said.push(line);
                }
            }
            Err(said.join(" / "))
        })
        .await;
        let url = match ready {
            Ok(Ok(url)) => url,
            Ok(Err(said)) if said.is_empty() => return Err("Chromium ended at once".into()),
            Ok(Err(said)) => return Err(format!("Chromium ended at once: {said}")),
            Err(_) => {
                return Err(format!(
                    "Chromium did not open its DevTools endpoint within {} s",
                    l.launch_timeout.as_secs()
                ))
            }
        };
        // Chromium keeps writing to its standard error; a full pipe would stop it.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let ws = match tokio::time::timeout(l.request_timeout, connect_async(url.as_str())).await {
            Ok(Ok((ws, _))) => ws,
            Ok(Err(e)) => return Err(format!("the DevTools endpoint {url}: {e}")),
            Err(_) => return Err(format!("the DevTools endpoint {url} did not answer")),
        };
        Ok(Self {
            child,
            ws,
            next_id: 0,
            session: None,
            request_timeout: l.request_timeout,
        })
    }

    /// Sends one command (to the page when `on_page`) and returns its result.
    async fn call(&mut self, method: &str, params: Value, on_page: bool) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if on_page {
            match &self.session {
                Some(s) => message["sessionId"] = Value::String(s.clone()),
                None => return Err(format!("{method}: no page is open")),
            }
        }
        let ws = &mut self.ws;
        let answer = tokio::time::timeout(self.request_timeout, async {
            ws.send(Message::text(message.to_string()))
                .await
                .map_err(|e| format!("the DevTools connection failed ({e})"))?;
            while let Some(received) = ws.next().await {
                let received =
                    received.map_err(|e| format!("the DevTools connection failed ({e})"))?;
                let Message::Text(text) = received else {
                    continue;
                };
                let Ok(v) = serde_json::from_str::<Value>(text.as_str()) else {
                    continue;
                };
                if v["id"].as_u64() != Some(id) {
                    continue; // an event, or the answer to nothing this client waits for
                }
                if let Some(e) = v.get("error") {
                    return Err(e["message"]
                        .as_str()
                        .unwrap_or("an error without a message")
                        .to_owned());
                }
                return Ok(v["result"].clone());
            }
            Err("Chromium closed the DevTools connection".to_owned())
        })
        .await;
        match answer {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(format!("{method}: {e}")),
            Err(_) => Err(format!(
                "{method}: no answer within {} s",
                self.request_timeout.as_secs()
            )),
        }
    }

    /// Opens a blank page and attaches to it; later commands go to it.
    pub async fn open_page(&mut self) -> Result<(), String> {
        let target = self
            .call(
                "Target.createTarget",
                json!({ "url": "about:blank" }),
                false,
            )
            .await?;
        let Some(target_id) = target["targetId"].as_str() else {
            return Err("Target.createTarget: no targetId in the answer".into());
        };
        let attached = self
            .call(
                "Target.attachToTarget",
                json!({ "targetId": target_id, "flatten": true }),
                false,
            )
            .await?;
        let Some(session) = attached["sessionId"].as_str() else {
            return Err("Target.attachToTarget: no sessionId in the answer".into());
        };
        self.session = Some(session.to_owned());
        Ok(())
    }

    /// Navigates the page; returns once the navigation started (or failed to).
    pub async fn navigate(&mut self, url: &str) -> Result<(), String> {
        let r = self
            .call("Page.navigate", json!({ "url": url }), true)
            .await?;
        match r["errorText"].as_str() {
            Some(e) if !e.is_empty() => Err(format!("Page.navigate: {e}")),
            _ => Ok(()),
        }
    }

    /// Evaluates a script in the page and returns its value (as JSON); a script that throws is
    /// an error with the exception's text.
    pub async fn evaluate(&mut self, expression: &str) -> Result<Value, String> {
        let r = self
            .call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true }),
                true,
            )
            .await?;
        if let Some(ex) = r.get("exceptionDetails") {
            let text = ex["exception"]["description"]
                .as_str()
                .or_else(|| ex["text"].as_str())
                .unwrap_or("the script threw");
            return Err(format!("Runtime.evaluate: {text}"));
        }
        Ok(r["result"]["value"].clone())
    }

    /// Types `text` into the focused element, as text input (no key events, no script).
    pub async fn insert_text(&mut self, text: &str) -> Result<(), String> {
        self.call("Input.insertText", json!({ "text": text }), true)
            .await
            .map(|_| ())
    }

    /// Asks Chromium to close, and kills it if it has not ended within a few seconds.
    pub async fn close(mut self) {
        let _ = self.call("Browser.close", json!({}), false).await;
        if tokio::time::timeout(Duration::from_secs(5), self.child.wait())
            .await
            .is_err()
        {
            let _ = self.child.kill().await;
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A stand-in for Chromium: a shell script.
    fn fake(dir: &Path, body: &str) -> std::path::PathBuf {
        let path = dir.join("chromium");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    async fn launch(binary: &Path, dir: &Path) -> Result<Chromium, String> {
        Chromium::launch(Launch {
            binary,
            profile_dir: dir,
            args: &[],
            no_sandbox: true,
            launch_timeout: Duration::from_millis(800),
            request_timeout: Duration::from_millis(800),
        })
        .await
    }

    #[tokio::test]
    async fn a_chromium_that_will_not_start_is_said_in_words() {
        let dir = std::env::temp_dir().join(format!("tokenscope-cdp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let dir = dir.as_path();
        let ends = fake(dir, "echo 'Missing X server or $DISPLAY' >&2; exit 1");
        let e = launch(&ends, dir).await.err().unwrap();
        assert_eq!(e, "Chromium ended at once: Missing X server or $DISPLAY");

        let silent = fake(dir, "sleep 5");
        let e = launch(&silent, dir).await.err().unwrap();
        assert!(
            e.contains("did not open its DevTools endpoint within"),
            "{e}"
        );

        // It says it listens, but nothing does.
        let liar = fake(
            dir,
            "echo 'DevTools listening on ws://127.0.0.1:9/devtools/browser/x' >&2; sleep 5",
        );
        let e = launch(&liar, dir).await.err().unwrap();
        assert!(
            e.starts_with("the DevTools endpoint ws://127.0.0.1:9/"),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(dir);
    }
}
