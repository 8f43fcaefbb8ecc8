//! The SSRF guard: which addresses outbound calls may reach.
//!
//! Loopback, private, link-local (cloud metadata lives there), carrier-grade NAT, unique-local,
//! multicast, broadcast and unspecified addresses are refused unless the operator allows them
//! (`OUTBOUND_ALLOWED_HOSTS`). DNS names are checked on the addresses they resolve to, at
//! connection time, so a name cannot be re-pointed between the check and the call.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Hosts and networks exempt from the guard.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllowedHosts {
    names: Vec<String>,
    networks: Vec<(IpAddr, u8)>,
    /// No guard at all: for operator-configured integrations, never for app-supplied URLs.
    everything: bool,
}

impl AllowedHosts {
    /// Every address: for the integrations the operator configured (Gemini, …).
    pub fn everything() -> AllowedHosts {
        AllowedHosts {
            everything: true,
            ..AllowedHosts::default()
        }
    }

    /// Parses `host, 10.0.0.0/8, 127.0.0.1, …`; answers the first entry it cannot read.
    pub fn parse(list: &str) -> Result<AllowedHosts, String> {
        let mut allowed = AllowedHosts::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let (address, bits) = match entry.split_once('/') {
                Some((address, bits)) => (address, Some(bits)),
                None => (entry, None),
            };
            match address.parse::<IpAddr>() {
                Ok(ip) => {
                    let full = if ip.is_ipv4() { 32 } else { 128 };
                    let bits = match bits {
                        Some(bits) => bits
                            .parse::<u8>()
                            .ok()
                            .filter(|b| *b <= full)
                            .ok_or_else(|| format!("bad network prefix in {entry:?}"))?,
                        None => full,
                    };
                    allowed.networks.push((ip, bits));
                }
                Err(_) if bits.is_none() => allowed.names.push(entry.to_ascii_lowercase()),
                Err(_) => return Err(format!("{entry:?} is neither a host, an IP nor a network")),
            }
        }
        Ok(allowed)
    }

    pub fn allows_name(&self, host: &str) -> bool {
        if self.everything {
            return true;
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.names.contains(&host)
    }

    fn allows_ip(&self, ip: IpAddr) -> bool {
        self.networks
            .iter()
            .any(|(network, bits)| in_network(ip, *network, *bits))
    }

    /// Whether an outbound call may connect to `ip`.
    pub fn permits(&self, ip: IpAddr) -> bool {
        self.everything || is_public(ip) || self.allows_ip(ip)
    }
}

fn in_network(ip: IpAddr, network: IpAddr, bits: u8) -> bool {
    match (ip, network) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// Publicly routable: none of the special-purpose ranges an attacker could aim at.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(ip),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        // Carrier-grade NAT, 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // Benchmarking, 198.18.0.0/15, and reserved, 240.0.0.0/4.
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // Unique local fc00::/7 and link-local fe80::/10.
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        // Documentation 2001:db8::/32.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn special_purpose_addresses_are_refused() {
        let guard = AllowedHosts::default();
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(!guard.permits(ip(refused)), "{refused}");
        }
        for permitted in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(guard.permits(ip(permitted)), "{permitted}");
        }
    }

    #[test]
    fn operators_may_allow_hosts_and_networks() {
        let allowed = AllowedHosts::parse("127.0.0.1, 10.0.0.0/8, Tools.Internal").unwrap();
        assert!(allowed.permits(ip("127.0.0.1")));
        assert!(!allowed.permits(ip("127.0.0.2")));
        assert!(allowed.permits(ip("10.200.0.9")));
        assert!(!allowed.permits(ip("192.168.0.1")));
        assert!(allowed.allows_name("tools.internal."));
        assert!(AllowedHosts::parse("10.0.0.0/40").is_err());
        assert!(AllowedHosts::parse("bad/8").is_err());
    }
}
