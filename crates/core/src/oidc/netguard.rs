//! Where a fetch named by untrusted input may go. A pasted token's `iss` picks the host that
//! `--verify` fetches keys from, so without a rule a token could make Tokenscope reach into the
//! user's network (a router's admin page, a cloud metadata service at 169.254.169.254). The
//! rule: https to public addresses, http or https to this machine's loopback; private,
//! link-local, shared (CGNAT) and metadata-service addresses only when the user allows them.
//! Names are checked after resolution, by the resolver the HTTP client connects with (so a name
//! cannot resolve to one address when checked and another when used), and redirects are never
//! followed.

use crate::http::{HttpClient, HttpLimits, ReqwestClient};
use crate::Result;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use url::Url;

/// The command-line flag that allows private, link-local and metadata-service addresses.
pub const ALLOW_FLAG: &str = "--allow-private-network";

/// Which addresses a fetch named by untrusted input may reach.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetworkPolicy {
    /// Also private (RFC 1918, IPv6 unique-local), link-local, shared (CGNAT) and
    /// metadata-service addresses (the user asked for it: a provider on the company network).
    pub allow_private: bool,
}

impl NetworkPolicy {
    /// Public addresses and loopback only (the default).
    pub const PUBLIC: NetworkPolicy = NetworkPolicy {
        allow_private: false,
    };

    /// Why `ip` may not be reached under this policy (`None`: it may).
    pub fn refuses(&self, ip: IpAddr) -> Option<&'static str> {
        match classify(ip) {
            Range::Public | Range::Loopback => None,
            Range::Restricted(what) if self.allow_private => {
                // Even when allowed: nobody signs tokens at "no address".
                (what == UNSPECIFIED).then_some(what)
            }
            Range::Restricted(what) => Some(what),
        }
    }

    /// Checks a URL before anything is sent: https (http only to loopback), and an IP-literal
    /// host in an allowed range. Host names are checked when they are resolved
    /// ([`discovery_client`]).
    pub fn check_url(&self, url: &Url) -> std::result::Result<(), String> {
        crate::oidc::authority::check_transport(url).map_err(|e| e.to_string())?;
        let ip = match url.host() {
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip),
            Some(url::Host::Domain(_)) => return Ok(()),
            None => return Err(format!("{url} has no host")),
        };
        match self.refuses(ip) {
            Some(what) => Err(refusal(url.host_str().unwrap_or_default(), ip, what)),
            None => Ok(()),
        }
    }
}

const UNSPECIFIED: &str = "an unspecified address (0.0.0.0 or ::)";

/// What kind of address an IP is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Range {
    Public,
    Loopback,
    /// Not reachable by default; the words say which range.
    Restricted(&'static str),
}

fn classify(ip: IpAddr) -> Range {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Range {
    let [a, b, c, d] = ip.octets();
    let restricted = Range::Restricted;
    match (a, b, c, d) {
        (127, ..) => Range::Loopback,
        (169, 254, 169, 254) | (100, 100, 100, 200) | (192, 0, 0, 192) => {
            restricted("a cloud metadata service's address")
        }
        (0, ..) => restricted(UNSPECIFIED),
        (10, ..) => restricted("a private address (10.0.0.0/8)"),
        (172, 16..=31, ..) => restricted("a private address (172.16.0.0/12)"),
        (192, 168, ..) => restricted("a private address (192.168.0.0/16)"),
        (169, 254, ..) => restricted("a link-local address (169.254.0.0/16)"),
        (100, 64..=127, ..) => restricted("a shared (carrier-grade NAT) address (100.64.0.0/10)"),
        (192, 0, 0, _) => restricted("an IETF protocol address (192.0.0.0/24)"),
        (198, 18..=19, ..) => restricted("a benchmarking address (198.18.0.0/15)"),
        (224..=239, ..) => restricted("a multicast address"),
        (240..=255, ..) => restricted("a reserved or broadcast address"),
        _ => Range::Public,
    }
}

fn classify_v6(ip: Ipv6Addr) -> Range {
    if ip.is_loopback() {
        return Range::Loopback;
    }
    if ip.is_unspecified() {
        return Range::Restricted(UNSPECIFIED);
    }
    // IPv4 inside IPv6: mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) reach the IPv4
    // address they carry.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    let s = ip.segments();
    if s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0, 0, 0, 0] {
        let [a, b] = s[6].to_be_bytes();
        let [c, d] = s[7].to_be_bytes();
        return classify_v4(Ipv4Addr::new(a, b, c, d));
    }
    if ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254) {
        return Range::Restricted("a cloud metadata service's address");
    }
    match s[0] {
        x if x & 0xfe00 == 0xfc00 => {
            Range::Restricted("a private (unique-local) address (fc00::/7)")
        }
        x if x & 0xffc0 == 0xfe80 => Range::Restricted("a link-local address (fe80::/10)"),
        x if x & 0xffc0 == 0xfec0 => Range::Restricted("a site-local address (fec0::/10)"),
        x if x & 0xff00 == 0xff00 => Range::Restricted("a multicast address"),
        _ => Range::Public,
    }
}

fn refusal(host: &str, ip: IpAddr, what: &str) -> String {
    let place = if host.trim_matches(['[', ']']) == ip.to_string() {
        format!("{ip} is {what}")
    } else {
        format!("{host} resolves to {ip}, {what}")
    };
    format!(
        "not fetching from {host}: {place}. Keys named by a token are fetched only from public \
         addresses and this machine's loopback, so a pasted token cannot make Tokenscope reach \
         into your network; `tokenscope decode --verify {ALLOW_FLAG}` allows private, \
         link-local and metadata-service addresses, or give the key itself (--key, or paste it)"
    )
}

/// Resolves a host name to its addresses (the system resolver in production).
pub type Lookup = Arc<
    dyn Fn(String) -> Pin<Box<dyn Future<Output = std::io::Result<Vec<IpAddr>>> + Send>>
        + Send
        + Sync,
>;

/// The system resolver.
pub fn system_lookup() -> Lookup {
    Arc::new(|host: String| {
        Box::pin(async move {
            let addrs = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        })
    })
}

/// A resolver that refuses a name when any of its addresses is outside the policy (a name
/// with one public and one private address is refused: that is how DNS rebinding starts).
struct GuardedResolver {
    policy: NetworkPolicy,
    lookup: Lookup,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        let policy = self.policy;
        let lookup = self.lookup.clone();
        Box::pin(async move {
            let ips = lookup(host.clone()).await?;
            if ips.is_empty() {
                return Err(format!("{host} has no address").into());
            }
            for ip in &ips {
                if let Some(what) = policy.refuses(*ip) {
                    return Err(refusal(&host, *ip, what).into());
                }
            }
            let addrs: reqwest::dns::Addrs =
                Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// The HTTP client for fetches named by untrusted input (key discovery from a token's `iss`):
/// the production client's limits, no redirects, no proxy (a proxy would resolve the name
/// itself), and every resolved address checked against `policy`.
pub fn discovery_client(policy: NetworkPolicy) -> Result<ReqwestClient> {
    discovery_client_with(HttpLimits::default(), policy, system_lookup())
}

/// [`discovery_client`] with other limits and resolver (tests).
pub fn discovery_client_with(
    limits: HttpLimits,
    policy: NetworkPolicy,
    lookup: Lookup,
) -> Result<ReqwestClient> {
    let resolver = Arc::new(GuardedResolver { policy, lookup });
    ReqwestClient::customized(limits, move |b| b.no_proxy().dns_resolver(resolver))
}

/// Makes the client that fetches what untrusted input names, under a policy: the guarded client
/// in production ([`system_discovery`]); tests give one on a made-up resolver, or one serving
/// fixed answers.
pub type Discovery = Arc<dyn Fn(NetworkPolicy) -> Result<Arc<dyn HttpClient>> + Send + Sync>;

/// [`discovery_client`] on the system's resolver, for each policy asked.
pub fn system_discovery() -> Discovery {
    discovery_with(HttpLimits::default(), system_lookup())
}

/// [`discovery_client_with`] on `limits` and `lookup`, for each policy asked.
pub fn discovery_with(limits: HttpLimits, lookup: Lookup) -> Discovery {
    Arc::new(move |policy| {
        let client = discovery_client_with(limits, policy, lookup.clone())?;
        Ok(Arc::new(client) as Arc<dyn HttpClient>)
    })
}

/// The host a URL names, for telling the user where a fetch will go.
pub fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        (None, _) => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::{HttpClient, HttpRequest};

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn public_and_loopback_pass_private_link_local_and_metadata_do_not() {
        let p = NetworkPolicy::PUBLIC;
        for ok in [
            "8.8.8.8",
            "20.190.128.1",
            "127.0.0.1",
            "127.8.9.1",
            "::1",
            "2606:4700::1",
        ] {
            assert_eq!(p.refuses(ip(ok)), None, "{ok}");
        }
        for (bad, why) in [
            ("10.1.2.3", "private"),
            ("172.16.0.1", "private"),
            ("172.31.255.255", "private"),
            ("192.168.1.1", "private"),
            ("169.254.169.254", "metadata"),
            ("169.254.10.1", "link-local"),
            ("100.100.100.200", "metadata"),
            ("100.64.0.1", "carrier-grade"),
            ("0.0.0.0", "unspecified"),
            ("224.0.0.1", "multicast"),
            ("255.255.255.255", "broadcast"),
            ("fd00:ec2::254", "metadata"),
            ("fd12:3456::1", "unique-local"),
            ("fe80::1", "link-local"),
            ("::ffff:10.0.0.1", "private"),
            ("::ffff:169.254.169.254", "metadata"),
            ("64:ff9b::a9fe:a9fe", "metadata"),
            ("::", "unspecified"),
        ] {
            let got = p.refuses(ip(bad));
            assert!(got.is_some_and(|w| w.contains(why)), "{bad}: {got:?}");
        }
        assert_eq!(p.refuses(ip("172.32.0.1")), None);
        let allow = NetworkPolicy {
            allow_private: true,
        };
        for now_ok in ["10.1.2.3", "169.254.169.254", "fe80::1", "fd00:ec2::254"] {
            assert_eq!(allow.refuses(ip(now_ok)), None, "{now_ok}");
        }
        assert!(allow.refuses(ip("0.0.0.0")).is_some());
    }

    #[test]
    fn urls_with_private_literals_are_refused_naming_the_flag() {
        let p = NetworkPolicy::PUBLIC;
        for url in [
            "https://169.254.169.254/latest/meta-data/",
            "https://10.0.0.5/.well-known/openid-configuration",
            "https://[fe80::1]/keys",
            "https://[::ffff:192.168.0.1]/keys",
        ] {
            let e = p.check_url(&Url::parse(url).unwrap()).unwrap_err();
            assert!(e.contains(ALLOW_FLAG), "{url}: {e}");
            assert!(e.contains("not fetching from"), "{url}: {e}");
        }
        // http only on loopback; https to a name is checked when it resolves.
        assert!(p
            .check_url(&Url::parse("http://example.org/x").unwrap())
            .is_err());
        for ok in [
            "https://login.example.org/x",
            "http://127.0.0.1:8080/x",
            "http://localhost/x",
            "https://[::1]/x",
        ] {
            assert_eq!(p.check_url(&Url::parse(ok).unwrap()), Ok(()), "{ok}");
        }
        let allow = NetworkPolicy {
            allow_private: true,
        };
        assert_eq!(
            allow.check_url(&Url::parse("https://10.0.0.5/x").unwrap()),
            Ok(())
        );
        // Allowing private addresses does not allow plain http to them.
        assert!(allow
            .check_url(&Url::parse("http://10.0.0.5/x").unwrap())
            .is_err());
    }

    /// A resolver that knows a few made-up names.
    fn fake_lookup() -> Lookup {
        Arc::new(|host: String| {
            Box::pin(async move {
                Ok(match host.as_str() {
                    "keys.corp.test" => vec![ip("10.20.30.40")],
                    "metadata.test" => vec![ip("169.254.169.254")],
                    "rebind.test" => vec![ip("93.184.215.14"), ip("192.168.0.10")],
                    "here.test" => vec![ip("127.0.0.1")],
                    _ => Vec::new(),
                })
            })
        })
    }

    fn limits() -> HttpLimits {
        HttpLimits {
            connect_timeout: std::time::Duration::from_secs(2),
            read_timeout: std::time::Duration::from_secs(2),
            total_timeout: std::time::Duration::from_secs(4),
            max_body: 1024,
        }
    }

    #[tokio::test]
    async fn names_are_checked_after_resolution_before_any_connection() {
        // A local server that counts connections: nothing may reach it through a refused name.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let served = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = served.clone();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = listener.accept().await {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::spawn(async move {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    let mut buf = [0u8; 1024];
                    let _ = s.read(&mut buf).await;
                    let _ = s
                        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}")
                        .await;
                });
            }
        });
        let client = discovery_client_with(limits(), NetworkPolicy::PUBLIC, fake_lookup()).unwrap();
        for (host, why) in [
            (
                "keys.corp.test",
                "resolves to 10.20.30.40, a private address",
            ),
            ("metadata.test", "a cloud metadata service"),
            ("rebind.test", "resolves to 192.168.0.10"),
        ] {
            let url = Url::parse(&format!("http://{host}:{port}/keys")).unwrap();
            let e = crate::http::send(&client, HttpRequest::get(url))
                .await
                .unwrap_err()
                .to_string();
            assert!(e.contains(why), "{host}: {e}");
            assert!(e.contains(ALLOW_FLAG), "{host}: {e}");
        }
        assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 0);
        // A name resolving to loopback is fetched, through the same resolver.
        let url = Url::parse(&format!("http://here.test:{port}/keys")).unwrap();
        let r = client.send(HttpRequest::get(url)).await.expect("loopback");
        assert_eq!(r.status, 200);
        assert_eq!(served.load(std::sync::atomic::Ordering::SeqCst), 1);
        // Allowed, the private name is tried (whatever answers there, or nothing).
        let allow = NetworkPolicy {
            allow_private: true,
        };
        let client = discovery_client_with(limits(), allow, fake_lookup()).unwrap();
        let url = Url::parse("http://keys.corp.test:9/keys").unwrap();
        if let Err(e) = crate::http::send(&client, HttpRequest::get(url)).await {
            assert!(!e.to_string().contains(ALLOW_FLAG), "{e}");
        }
    }
}
