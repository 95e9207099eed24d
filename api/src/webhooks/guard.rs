//! Keeps webhook URLs from reaching inside the server's own network (SSRF): `https://` only, and
//! no loopback, private, link-local, shared, multicast or otherwise special address, unless the
//! server allows private receivers (`LUMIT_WEBHOOK_ALLOW_PRIVATE`). An address written in the
//! URL is checked when the URL is saved and again before each attempt; a host name is checked
//! as it is resolved, by [`Resolver`], so a name that points somewhere else at sending time (DNS
//! rebinding) is refused too. Redirects are never followed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;

/// True for an address on the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => public_v6(v6),
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        // "this network" 0.0.0.0/8
        || a == 0
        // shared address space (carrier-grade NAT) 100.64.0.0/10
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments 192.0.0.0/24
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        // benchmarking 198.18.0.0/15
        || (a == 198 && (18..20).contains(&b))
        // reserved 240.0.0.0/4
        || a >= 240)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    // An IPv4 address carried in IPv6 (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, or
    // the old compatible form `::a.b.c.d`) is judged as that address.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return public_v4(v4);
    }
    let s = ip.segments();
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0]
        || (s[..6] == [0; 6] && !ip.is_unspecified() && !ip.is_loopback())
    {
        let [.., hi, lo] = s;
        let v4 = Ipv4Addr::new((hi >> 8) as u8, hi as u8, (lo >> 8) as u8, lo as u8);
        return public_v4(v4);
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // unique local fc00::/7
        || (s[0] & 0xfe00) == 0xfc00
        // link-local fe80::/10 and the old site-local fec0::/10
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] & 0xffc0) == 0xfec0
        // documentation 2001:db8::/32
        || (s[0] == 0x2001 && s[1] == 0x0db8))
}

/// Why a URL can't be called: a field error's code and message.
pub type Refusal = (&'static str, String);

/// The address a URL's host spells out, if it is one (`[…]` around IPv6); the URL parser has
/// already written any IPv4 form (`0x7f.1`, `2130706433`) the usual way.
fn literal_ip(host: &str) -> Option<IpAddr> {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok()
}

/// Checks a subscription's URL: `https://` (or `http://` when private receivers are allowed), no
/// user name or password, and an address written in it must be public unless allowed.
pub fn check_url(url: &str, allow_private: bool) -> Result<Url, Refusal> {
    let parsed = Url::parse(url).map_err(|e| ("invalid_url", format!("is not a URL: {e}")))?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(("https_required", "must be an https:// address".into())),
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err((
            "invalid_url",
            "must not hold a user name or password".into(),
        ));
    }
    let Some(host) = parsed.host_str().filter(|h| !h.is_empty()) else {
        return Err(("invalid_url", "has no host".into()));
    };
    if let Some(ip) = literal_ip(host).filter(|ip| !allow_private && !is_public(*ip)) {
        return Err((
            "private_address",
            format!("{ip} is a private, local or reserved address"),
        ));
    }
    Ok(parsed)
}

/// Resolves host names for the webhook client with the system's resolver, refusing the name
/// when any of its addresses is not public (unless private receivers are allowed).
#[derive(Debug, Clone, Copy)]
pub struct Resolver {
    /// `LUMIT_WEBHOOK_ALLOW_PRIVATE`.
    pub allow_private: bool,
}

/// A name that resolves to an address webhooks may not call.
#[derive(Debug, thiserror::Error)]
#[error("refused: {host} resolves to {ip}, a private, local or reserved address")]
struct Refused {
    host: String,
    ip: IpAddr,
}

impl Resolve for Resolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allow_private {
                if let Some(bad) = found.iter().find(|a| !is_public(a.ip())) {
                    return Err(Box::new(Refused { host, ip: bad.ip() })
                        as Box<dyn std::error::Error + Send + Sync>);
                }
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_refused() {
        for bad in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "64:ff9b::a00:1",
        ] {
            let ip: IpAddr = bad.parse().unwrap();
            assert!(!is_public(ip), "{bad}");
        }
        for good in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            let ip: IpAddr = good.parse().unwrap();
            assert!(is_public(ip), "{good}");
        }
    }

    #[test]
    fn urls_need_https_and_a_public_address() {
        assert!(check_url("https://hooks.example.org/x", false).is_ok());
        assert!(check_url("https://93.184.216.34/x", false).is_ok());
        assert_eq!(
            check_url("http://hooks.example.org/x", false)
                .unwrap_err()
                .0,
            "https_required"
        );
        assert_eq!(
            check_url("https://127.0.0.1/x", false).unwrap_err().0,
            "private_address"
        );
        assert_eq!(
            check_url("https://[::ffff:10.0.0.1]/x", false)
                .unwrap_err()
                .0,
            "private_address"
        );
        assert_eq!(
            check_url("https://user:pw@example.org/", false)
                .unwrap_err()
                .0,
            "invalid_url"
        );
        assert_eq!(
            check_url("https://2130706433/x", false).unwrap_err().0,
            "private_address"
        );
        assert!(check_url("http://127.0.0.1:8080/x", true).is_ok());
    }

    #[tokio::test]
    async fn names_of_local_addresses_are_refused_as_they_resolve() {
        let refused = Resolver {
            allow_private: false,
        }
        .resolve("localhost".parse().unwrap())
        .await;
        let e = refused.err().expect("refused").to_string();
        assert!(e.contains("localhost resolves to"), "{e}");
        let allowed = Resolver {
            allow_private: true,
        }
        .resolve("localhost".parse().unwrap())
        .await;
        assert!(allowed.is_ok());
    }
}
