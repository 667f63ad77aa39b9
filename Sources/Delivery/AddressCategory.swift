/// What kind of network an IP address belongs to, as far as the connect-time address policy
/// is concerned.
package enum AddressCategory: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// Anything not listed below: an ordinary internet address.
    case publicInternet = "public"
    /// 127.0.0.0/8 and ::1.
    case loopback
    /// 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7 (unique local) and fec0::/10.
    case privateNetwork = "private"
    /// 100.64.0.0/10, carrier-grade NAT and overlay networks.
    case sharedAddressSpace = "shared"
    /// 169.254.0.0/16 and fe80::/10.
    case linkLocal = "link-local"
    /// Cloud instance metadata endpoints: 169.254.169.254, fd00:ec2::254 (AWS IPv6),
    /// 100.100.100.200 (Alibaba Cloud).
    case cloudMetadata = "cloud-metadata"
    /// 0.0.0.0/8 and ::, which Linux quietly routes to the local host.
    case unspecified
    /// 224.0.0.0/4 and ff00::/8.
    case multicast
    /// 240.0.0.0/4 (including 255.255.255.255) and address families other than IPv4 and IPv6.
    case reserved

    /// Refused whatever the configuration says: no webhook lives there, and an attacker who
    /// controls a URL or its DNS would aim for these first.
    package var isAlwaysRefused: Bool {
        switch self {
        case .linkLocal, .cloudMetadata, .unspecified, .multicast, .reserved: true
        case .publicInternet, .loopback, .privateNetwork, .sharedAddressSpace: false
        }
    }

    /// Refused only when ``AddressPolicy/denyPrivateNetworks`` is on.
    package var isPrivate: Bool {
        switch self {
        case .loopback, .privateNetwork, .sharedAddressSpace: true
        default: false
        }
    }

    package var description: String { rawValue }
}
