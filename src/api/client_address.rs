//! Who is asking: the address a client's requests count against.
//!
//! A connection's peer is the client, unless the peer is one of the configured proxies
//! (`trusted_proxies`). Then the client is read from `X-Forwarded-For`, from the right: each proxy
//! appends the address it received the request from, so the entries a client can forge are all on
//! the left. The right-most entry that is not itself a trusted proxy is the first address no one we
//! trust vouches beyond; anything to its left is the client's own claim and is ignored.
//!
//! The same proxies say which origin the client asked for (`X-Forwarded-Proto` and
//! `X-Forwarded-Host`, or `Forwarded`'s `proto` and `host`): when no `public_url` is configured,
//! absolute links (`url` fields, the OParl view, feeds) follow it ([`follow_forwarded`]). From any
//! other peer these headers are ignored.

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;
use poem::{Endpoint, IntoResponse, Request, Response, Result};

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

/// Longest client key taken from a header (a garbled entry is still a key, but a bounded one).
const MAX_KEY: usize = 64;

fn parse_ip(s: &str) -> Option<IpAddr> {
    let s = s.trim();
    s.parse::<IpAddr>().ok().or_else(|| s.parse::<SocketAddr>().ok().map(|a| a.ip())).map(|ip| ip.to_canonical())
}

impl TrustedProxies {
    /// Parses addresses (`10.0.0.7`, `::1`) and networks (`10.0.0.0/8`, `fd00::/8`).
    pub fn parse(list: &[String]) -> Result<Self, String> {
        list.iter()
            .map(|s| {
                let s = s.trim();
                s.parse::<IpNet>().or_else(|_| s.parse::<IpAddr>().map(IpNet::from)).map(|n| n.trunc()).map_err(|_| {
                    format!("trusted_proxies: '{s}' is neither an IP address nor a network like 10.0.0.0/8")
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client behind a connection from `peer` that carried `forwarded` (every
    /// `X-Forwarded-For` value, in order).
    pub fn client(&self, peer: IpAddr, forwarded: &[&str]) -> String {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer.to_string();
        }
        let mut hops = forwarded.iter().flat_map(|v| v.split(',')).map(str::trim).filter(|h| !h.is_empty()).rev();
        let mut last_trusted = peer;
        for hop in hops.by_ref() {
            match parse_ip(hop) {
                Some(ip) if self.trusts(ip) => last_trusted = ip,
                Some(ip) => return ip.to_string(),
                None => return format!("forwarded:{}", hop.chars().take(MAX_KEY).collect::<String>()),
            }
        }
        // Every hop is a proxy of ours (or there is no header): the request began inside.
        last_trusted.to_string()
    }

    /// The client of `req`.
    pub fn client_of(&self, req: &Request) -> String {
        let Some(peer) = req.remote_addr().as_socket_addr().map(|a| a.ip()) else {
            return "unknown".into();
        };
        let forwarded: Vec<&str> =
            req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        self.client(peer, &forwarded)
    }
}

/// A host as `Host` gives it: a name or an IPv4 address, or a bracketed IPv6 one, and a port.
fn valid_host(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((n, p)) if !n.ends_with(':') && !p.contains(']') => (n, Some(p)),
        _ => (host, None),
    };
    let name_ok = if let Some(v6) = name.strip_prefix('[').and_then(|n| n.strip_suffix(']')) {
        v6.parse::<std::net::Ipv6Addr>().is_ok()
    } else {
        !name.is_empty()
            && name.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            })
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok());
    host.len() <= 255 && name_ok && port_ok
}

/// The right-most value of a header (each proxy appends; the nearest is on the right).
fn last<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    let all = req.headers().get_all(name).iter().filter_map(|v| v.to_str().ok()).next_back()?;
    all.rsplit(',').map(str::trim).find(|v| !v.is_empty())
}

/// `proto` and `host` of the right-most `Forwarded` element that has them (RFC 7239).
fn forwarded(req: &Request) -> (Option<String>, Option<String>) {
    let (mut proto, mut host) = (None, None);
    let elements: Vec<&str> =
        req.headers().get_all("forwarded").iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).collect();
    for element in elements.iter().rev() {
        for pair in element.split(';') {
            let Some((k, v)) = pair.split_once('=') else { continue };
            let v = v.trim().trim_matches('"').to_owned();
            match k.trim().to_ascii_lowercase().as_str() {
                "proto" if proto.is_none() => proto = Some(v),
                "host" if host.is_none() => host = Some(v),
                _ => {}
            }
        }
        if proto.is_some() || host.is_some() {
            break;
        }
    }
    (proto, host)
}

impl TrustedProxies {
    /// The origin (`https://host[:port]`) a trusted proxy says `req` was made to, when the peer is
    /// one and says so in a form that parses; `None` otherwise.
    pub fn forwarded_origin(&self, req: &Request) -> Option<String> {
        let peer = req.remote_addr().as_socket_addr()?.ip().to_canonical();
        if !self.trusts(peer) {
            return None;
        }
        let (proto, host) = match forwarded(req) {
            (None, None) => {
                (last(req, "x-forwarded-proto").map(str::to_owned), last(req, "x-forwarded-host").map(str::to_owned))
            }
            found => found,
        };
        if proto.is_none() && host.is_none() {
            return None;
        }
        let proto = proto.map_or_else(|| "http".to_owned(), |p| p.to_ascii_lowercase());
        let host = host.or_else(|| req.headers().get(poem::http::header::HOST)?.to_str().ok().map(str::to_owned))?;
        let host = host.to_ascii_lowercase();
        (matches!(proto.as_str(), "http" | "https") && valid_host(&host)).then(|| format!("{proto}://{host}"))
    }
}

/// Answers `req` with links based on the origin a trusted proxy forwarded, if it did
/// ([`TrustedProxies::forwarded_origin`]); `proxies` is empty when `public_url` is configured.
pub async fn follow_forwarded<E: Endpoint>(
    proxies: std::sync::Arc<TrustedProxies>,
    next: E,
    req: Request,
) -> Result<Response> {
    match proxies.forwarded_origin(&req) {
        Some(origin) => {
            crate::config::with_link_base(origin, async move { next.call(req).await.map(IntoResponse::into_response) })
                .await
        }
        None => next.call(req).await.map(IntoResponse::into_response),
    }
}

#[cfg(test)]
mod tests {
    use super::{TrustedProxies, valid_host};

    #[test]
    fn only_a_host_as_host_gives_it_is_taken() {
        for ok in ["maslikhat.kz", "maslikhat.kz:8443", "127.0.0.1:8080", "[::1]:8080", "[2001:db8::1]", "a-b.c"] {
            assert!(valid_host(ok), "{ok}");
        }
        for bad in ["", "evil.kz/path", "a b", "x:", "x:99999", "-a.kz", "a..kz", "[::g]", "user@host", "a.kz:80:80"] {
            assert!(!valid_host(bad), "{bad}");
        }
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(&list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()).expect("valid")
    }

    #[test]
    fn the_peer_is_the_client_unless_it_is_a_trusted_proxy() {
        let none = proxies(&[]);
        let peer = "203.0.113.9".parse().expect("ip");
        assert_eq!(none.client(peer, &["198.51.100.1"]), "203.0.113.9", "no proxy is trusted: the header is ignored");
        let nginx = proxies(&["10.0.0.0/8"]);
        assert_eq!(nginx.client(peer, &["198.51.100.1"]), "203.0.113.9", "the peer is not a proxy of ours");
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client() {
        let p = proxies(&["10.0.0.0/8", "192.0.2.1"]);
        let nginx = "10.1.2.3".parse().expect("ip");
        // nginx appends the address it saw: whatever the client wrote to the left is ignored.
        assert_eq!(p.client(nginx, &["6.6.6.6, 198.51.100.7"]), "198.51.100.7");
        assert_eq!(p.client(nginx, &["6.6.6.6", "198.51.100.7"]), "198.51.100.7", "repeated headers join in order");
        // A chain of our own proxies is skipped from the right.
        assert_eq!(p.client(nginx, &["6.6.6.6, 198.51.100.7, 192.0.2.1, 10.9.9.9"]), "198.51.100.7");
        assert_eq!(p.client(nginx, &["[2001:db8::1]:4711"]), "2001:db8::1");
        assert_eq!(p.client(nginx, &[]), "10.1.2.3", "no header: the request came from the proxy itself");
        assert_eq!(p.client(nginx, &["junk"]), "forwarded:junk");
        let mapped = "::ffff:10.1.2.3".parse().expect("ip");
        assert_eq!(p.client(mapped, &["198.51.100.7"]), "198.51.100.7", "IPv4-mapped peers are IPv4");
    }

    #[test]
    fn a_proxy_list_that_does_not_parse_is_refused() {
        assert!(TrustedProxies::parse(&["10.0.0.0/33".into()]).is_err());
        assert!(TrustedProxies::parse(&["nginx".into()]).is_err());
        assert!(TrustedProxies::parse(&["10.0.0.0/8".into(), "::1".into()]).is_ok());
    }
}
