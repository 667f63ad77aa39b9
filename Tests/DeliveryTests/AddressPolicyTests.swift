import Delivery
import Testing

@Suite struct AddressPolicyTests {
    @Test(arguments: [
        // Cloud metadata, in the spellings that slip past naive URL filters.
        ("169.254.169.254", AddressCategory.cloudMetadata),
        ("0xa9fea9fe", .cloudMetadata),
        ("2852039166", .cloudMetadata),
        ("0251.0376.0251.0376", .cloudMetadata),
        ("169.254.43518", .cloudMetadata),
        ("::ffff:169.254.169.254", .cloudMetadata),
        ("::ffff:a9fe:a9fe", .cloudMetadata),
        ("0:0:0:0:0:ffff:a9fe:a9fe", .cloudMetadata),
        ("[::ffff:169.254.169.254]", .cloudMetadata),
        ("::169.254.169.254", .cloudMetadata),
        ("64:ff9b::169.254.169.254", .cloudMetadata),
        ("2002:a9fe:a9fe::1", .cloudMetadata),
        ("fd00:ec2::254", .cloudMetadata),
        ("FD00:0EC2:0000:0000:0000:0000:0000:0254", .cloudMetadata),
        ("[fd00:ec2::254]", .cloudMetadata),
        ("100.100.100.200", .cloudMetadata),
        // Link-local.
        ("169.254.0.1", .linkLocal),
        ("169.254.255.255", .linkLocal),
        ("::ffff:169.254.1.1", .linkLocal),
        ("fe80::1", .linkLocal),
        ("FE80::1%eth0", .linkLocal),
        ("[fe80::abcd]", .linkLocal),
        ("febf:ffff::1", .linkLocal),
        // Loopback.
        ("127.0.0.1", .loopback),
        ("127.1", .loopback),
        ("2130706433", .loopback),
        ("0x7f.1", .loopback),
        ("0177.0.0.1", .loopback),
        ("127.255.255.254", .loopback),
        ("::1", .loopback),
        ("0:0:0:0:0:0:0:1", .loopback),
        ("[::1]", .loopback),
        ("::ffff:127.0.0.1", .loopback),
        ("::ffff:7f00:1", .loopback),
        ("::127.0.0.1", .loopback),
        // Private and shared.
        ("10.0.0.5", .privateNetwork),
        ("10.255.255.255", .privateNetwork),
        ("172.16.0.1", .privateNetwork),
        ("172.31.255.255", .privateNetwork),
        ("192.168.1.1", .privateNetwork),
        ("fc00::1", .privateNetwork),
        ("fd12:3456::1", .privateNetwork),
        ("fec0::1", .privateNetwork),
        ("::ffff:10.0.0.5", .privateNetwork),
        ("::ffff:c0a8:1", .privateNetwork),
        ("100.64.0.1", .sharedAddressSpace),
        ("100.127.255.255", .sharedAddressSpace),
        // Neighbours of the ranges above are ordinary addresses.
        ("172.15.255.255", .publicInternet),
        ("172.32.0.1", .publicInternet),
        ("100.63.255.255", .publicInternet),
        ("100.128.0.0", .publicInternet),
        ("169.253.255.255", .publicInternet),
        ("169.255.0.1", .publicInternet),
        ("11.0.0.1", .publicInternet),
        ("8.8.8.8", .publicInternet),
        ("2001:4860:4860::8888", .publicInternet),
        ("::ffff:8.8.8.8", .publicInternet),
        ("fe00::1", .publicInternet),
        // Never a webhook.
        ("0.0.0.0", .unspecified),
        ("0", .unspecified),
        ("0.1.2.3", .unspecified),
        ("::", .unspecified),
        ("224.0.0.1", .multicast),
        ("239.255.255.250", .multicast),
        ("ff02::1", .multicast),
        ("240.0.0.1", .reserved),
        ("255.255.255.255", .reserved),
    ])
    func classifiesAddresses(_ text: String, _ expected: AddressCategory) throws {
        let address = try #require(IPAddress(text), "\(text) should parse")
        #expect(address.category == expected, "\(text) → \(address)")
    }

    @Test(arguments: ["", "abc", "1.2.3.4.5", "256.1.1.1", "127.0.0.1 junk", " 127.0.0.1", "::g", "1::2::3", "[::1", "127.0.0.1/8"])
    func rejectsNonAddresses(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test(arguments: [
        ("0x7f.1", "127.0.0.1"),
        ("2852039166", "169.254.169.254"),
        ("0:0:0:0:0:ffff:a9fe:a9fe", "::ffff:169.254.169.254"),
        ("FD00:0EC2:0:0:0:0:0:254", "fd00:ec2::254"),
    ])
    func printsCanonicalForm(_ text: String, _ canonical: String) throws {
        #expect(try #require(IPAddress(text)).description == canonical)
    }

    @Test(arguments: AddressCategory.allCases)
    func defaultPolicyRefusesOnlyWhatIsAlwaysRefused(_ category: AddressCategory) {
        let lenient = AddressPolicy()
        let strict = AddressPolicy(denyPrivateNetworks: true)
        let alwaysRefused: Set<AddressCategory> = [.linkLocal, .cloudMetadata, .unspecified, .multicast, .reserved]
        let privateOnes: Set<AddressCategory> = [.loopback, .privateNetwork, .sharedAddressSpace]
        #expect(category.isAlwaysRefused == alwaysRefused.contains(category))
        #expect(category.isPrivate == privateOnes.contains(category))
        let sample = Self.sample[category]!
        #expect(sample.category == category)
        #expect(lenient.permits(sample) == !alwaysRefused.contains(category))
        #expect(strict.permits(sample) == (category == .publicInternet))
        #expect(strict.refusal(for: sample) == (category == .publicInternet ? nil : category))
    }

    private static let sample: [AddressCategory: IPAddress] = [
        .publicInternet: IPAddress("93.184.215.14")!,
        .loopback: IPAddress("::ffff:127.0.0.2")!,
        .privateNetwork: IPAddress("10.1.2.3")!,
        .sharedAddressSpace: IPAddress("100.64.1.1")!,
        .linkLocal: IPAddress("fe80::1")!,
        .cloudMetadata: IPAddress("169.254.169.254")!,
        .unspecified: IPAddress("0.0.0.0")!,
        .multicast: IPAddress("224.0.0.251")!,
        .reserved: IPAddress("250.1.1.1")!,
    ]
}
