//! Opening the authorization URL in a real browser (never in an embedded webview, RFC 8252):
//! the system browser by default, or a user-given command (a private window, a test browser).
//! The URL is passed as one argument, never through a shell.

use crate::error::{Error, Result};
use crate::oidc::authority::check_transport;
use std::process::Stdio;
use url::Url;

/// How to open a URL.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Browser {
    /// The desktop's default browser.
    #[default]
    System,
    /// A program and its arguments; the URL is appended as the last argument.
    Command(Vec<String>),
}

impl Browser {
    /// Reads a command line split as a shell would (`firefox --private-window`); empty or absent
    /// means the system browser.
    pub fn from_command(command: Option<&str>) -> Result<Browser> {
        let Some(command) = command.map(str::trim).filter(|c| !c.is_empty()) else {
            return Ok(Browser::System);
        };
        let words = shell_words::split(command)
            .map_err(|e| Error::Config(format!("browser command `{command}`: {e}")))?;
        if words.is_empty() {
            return Ok(Browser::System);
        }
        Ok(Browser::Command(words))
    }

    /// Opens the URL. Only http(s) URLs are ever opened.
    pub fn open(&self, url: &Url) -> Result<()> {
        check_transport(url).map_err(|e| Error::Browser(format!("refusing to open {url}: {e}")))?;
        match self {
            Browser::System => open::that_detached(url.as_str())
                .map_err(|e| Error::Browser(format!("no system browser could be started: {e}"))),
            Browser::Command(words) => {
                let (program, args) = words
                    .split_first()
                    .ok_or_else(|| Error::Browser("the browser command is empty".into()))?;
                let mut child = tokio::process::Command::new(program)
                    .args(args)
                    .arg(url.as_str())
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .kill_on_drop(false)
                    .spawn()
                    .map_err(|e| {
                        Error::Browser(format!("`{program}` could not be started: {e}"))
                    })?;
                // Reap it whenever it ends; a real browser may outlive the sign-in.
                tokio::spawn(async move {
                    let _ = child.wait().await;
                });
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_split_like_a_shell() {
        assert_eq!(Browser::from_command(None).unwrap(), Browser::System);
        assert_eq!(Browser::from_command(Some("  ")).unwrap(), Browser::System);
        assert_eq!(
            Browser::from_command(Some("firefox --private-window")).unwrap(),
            Browser::Command(vec!["firefox".into(), "--private-window".into()])
        );
        assert_eq!(
            Browser::from_command(Some("node 'tests/idp/browser.mjs' --user \"a b\"")).unwrap(),
            Browser::Command(vec![
                "node".into(),
                "tests/idp/browser.mjs".into(),
                "--user".into(),
                "a b".into()
            ])
        );
        assert!(Browser::from_command(Some("firefox 'unterminated")).is_err());
    }

    #[tokio::test]
    async fn non_web_urls_are_never_opened_and_missing_programs_are_clear() {
        let b = Browser::Command(vec!["true".into()]);
        assert!(b.open(&Url::parse("file:///etc/passwd").unwrap()).is_err());
        assert!(b
            .open(&Url::parse("http://evil.example/").unwrap())
            .is_err());
        assert!(b.open(&Url::parse("https://ok.example/").unwrap()).is_ok());
        let missing = Browser::Command(vec!["/nonexistent/browser".into()]);
        let e = missing
            .open(&Url::parse("https://ok.example/").unwrap())
            .unwrap_err();
        assert!(e.to_string().contains("could not be started"), "{e}");
    }
}
