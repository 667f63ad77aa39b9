/// Which resolved addresses the client may connect to. Checked in libcurl's open-socket
/// callback, after DNS and right before `socket(2)`, so neither odd URL spellings nor DNS
/// rebinding get around it.
///
/// Link-local, cloud-metadata, unspecified, multicast and reserved addresses are always
/// refused. Loopback, private and shared (CGNAT) networks are refused only when
/// ``denyPrivateNetworks`` is on.
package struct AddressPolicy: Hashable, Sendable {
    /// Also refuse loopback, RFC 1918, unique-local and shared-address-space networks.
    package var denyPrivateNetworks: Bool

    /// Creates a policy; by default private networks are allowed (self-hosted Mattermost,
    /// loopback test receivers).
    package init(denyPrivateNetworks: Bool = false) {
        self.denyPrivateNetworks = denyPrivateNetworks
    }

    /// The category that makes `address` refused, or `nil` when a connection is allowed.
    package func refusal(for address: IPAddress) -> AddressCategory? {
        let category = address.category
        if category.isAlwaysRefused { return category }
        if denyPrivateNetworks && category.isPrivate { return category }
        return nil
    }

    /// True when the client may connect to `address`.
    package func permits(_ address: IPAddress) -> Bool {
        refusal(for: address) == nil
    }
}
