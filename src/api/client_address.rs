//! Who is asking: the address a client's requests count against.
//!
//! A connection's peer is the client, unless the peer is one of the configured proxies
//! (`trusted_proxies`). Then the client is read from `X-Forwarded-For`, from the right: each proxy
//! appends the address it received the request from, so the entries a client can forge are all on
//! the left. The right-most entry that is not itself a trusted proxy is the first address no one we
//! trust vouches beyond; anything to its left is the client's own claim and is ignored.

use std::net::{IpAddr, SocketAddr};

use ipnet::IpNet;
use poem::Request;

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

#[cfg(test)]
mod tests {
    use super::TrustedProxies;

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
