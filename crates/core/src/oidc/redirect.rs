//! The redirect URI of a native app (RFC 8252 §7.3): a loopback address, a port (0 = any free
//! one) and a path, and how the callback carries its parameters (`response_mode`). Settings of a
//! profile, read by the authorization request and served by the loopback listener.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, Ipv6Addr};
use url::Url;

/// How the redirect URI names this machine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RedirectHost {
    /// `http://localhost:<port>`; listens on 127.0.0.1 and, where available, [::1].
    /// Works with a B2C `http://localhost` registration (any port).
    #[default]
    Localhost,
    /// `http://127.0.0.1:<port>`.
    Ipv4,
    /// `http://[::1]:<port>`.
    Ipv6,
}

/// The redirect URI to listen on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RedirectConfig {
    /// Host form.
    #[serde(default)]
    pub host: RedirectHost,
    /// Port; 0 picks a free one.
    #[serde(default)]
    pub port: u16,
    /// Path, starting with `/`.
    #[serde(default = "root")]
    pub path: String,
}

fn root() -> String {
    "/".to_owned()
}

impl Default for RedirectConfig {
    fn default() -> Self {
        Self {
            host: RedirectHost::Localhost,
            port: 0,
            path: root(),
        }
    }
}

impl RedirectConfig {
    /// Reads a redirect URI such as `http://localhost`, `http://127.0.0.1:8400/callback` or
    /// `http://[::1]/cb` (no port = any free port).
    pub fn parse(uri: &str) -> Result<Self> {
        let url = Url::parse(uri.trim())
            .map_err(|e| Error::Config(format!("redirect URI `{uri}` is not a URL: {e}")))?;
        if url.scheme() != "http" {
            return Err(Error::Config(format!(
                "redirect URI `{uri}` must use http:// on a loopback address (RFC 8252 §7.3)"
            )));
        }
        let host = match url.host() {
            Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => {
                RedirectHost::Localhost
            }
            Some(url::Host::Ipv4(ip)) if ip == Ipv4Addr::LOCALHOST => RedirectHost::Ipv4,
            Some(url::Host::Ipv6(ip)) if ip == Ipv6Addr::LOCALHOST => RedirectHost::Ipv6,
            _ => {
                return Err(Error::Config(format!(
                    "redirect URI `{uri}` must name localhost, 127.0.0.1 or [::1]"
                )))
            }
        };
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Config(format!(
                "redirect URI `{uri}` must not carry a query or fragment"
            )));
        }
        Ok(Self {
            host,
            port: url.port().unwrap_or(0),
            path: url.path().to_owned(),
        })
    }

    /// The URI sent to the provider for a bound port. The root path is left off
    /// (`http://localhost:51234`), which is what a B2C `http://localhost` registration matches.
    pub fn uri(&self, port: u16) -> String {
        self.uri_with_port(&port.to_string())
    }

    /// The redirect URI with `port` as written (a placeholder such as `PORT` in a preview).
    pub fn uri_with_port(&self, port: &str) -> String {
        let host = match self.host {
            RedirectHost::Localhost => "localhost",
            RedirectHost::Ipv4 => "127.0.0.1",
            RedirectHost::Ipv6 => "[::1]",
        };
        let path = if self.path == "/" { "" } else { &self.path };
        format!("http://{host}:{port}{path}")
    }
}

/// How the callback arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ResponseMode {
    /// Parameters in the query of a GET.
    #[default]
    Query,
    /// Parameters in a POSTed form.
    FormPost,
}
