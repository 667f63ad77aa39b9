// swift-tools-version:6.2
import PackageDescription

// One list of settings for every target, as hummingbird and swift-log do.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    // Linux only (glibc, /proc, libcurl.so.4 loaded at run time): no Apple platform is declared,
    // so none is promised.
    name: "opscadence",
    // The command is the product. The modules are its parts, not a library API: what one
    // module offers the others is `package`, so nothing is promised outside this repository.
    products: [
        .executable(name: "opscadence", targets: ["opscadence"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // The web app's HTTP server, router, cookies and form decoding (instead of our own on SwiftNIO).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        // Header names Hummingbird does not re-export (Sec-Fetch-Site).
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        // The PostgreSQL state backend's wire protocol, TLS and authentication (instead of libpq).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Already under Hummingbird and postgres-nio; named for its event loops, which `serve` makes
        // Swift's global executor (EventLoopExecutor).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        // libcurl through one C file (headers from apt's libcurl4-openssl-dev or yum's
        // libcurl-devel). Not linked: ccurl.c loads libcurl.so.4 with dlopen on the first
        // delivery, so the idle tick does not pay for mapping it and its dependencies at every
        // start; no -lcurl, only -ldl for dlopen on C libraries that keep it apart.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // The one wrapper of pthread_create: threads for blocking work, off the cooperative pool.
        .target(name: "NativeThreads", swiftSettings: swiftSettings),
        // The Swift runtime's global-enqueue hook, which dlsym cannot find in a static binary.
        .target(name: "CConcurrencyHook"),
        // The one clock: wall time for schedules and records, a monotonic clock for waits (--now sets both).
        .target(name: "Timekeeping", swiftSettings: swiftSettings),
        // Errors people read: one protocol for their text and whose move it is (input or machine).
        .target(name: "Diagnostics", swiftSettings: swiftSettings),
        // Pure: civil time, zone rules, cron, RRULE, phrases, business calendar. No I/O but reading tzdata.
        // Public holiday rules: one data file embedded in the binary.
        .target(
            name: "Recurrence", dependencies: ["Diagnostics"], resources: [.embedInCode("Resources/holidays.txt")],
            swiftSettings: swiftSettings),
        // Pure: the operations maturity model (data file embedded in the binary) and its rules.
        .target(
            name: "MaturityModel",
            dependencies: ["Recurrence", "Diagnostics"],
            resources: [.embedInCode("Resources/maturity-model.json")],
            swiftSettings: swiftSettings
        ),
        // Pure: the files `opscadence init` writes (the shipped playbooks, embedded).
        .target(
            name: "StarterWorkspace",
            resources: [
                .embedInCode("Resources/daily-red-alert-check.yaml"), .embedInCode("Resources/weekly-kpi-review.yaml"),
                .embedInCode("Resources/monthly-process-improvement.yaml"), .embedInCode("Resources/quarterly-maturity-assessment.yaml"),
                .embedInCode("Resources/annual-strategic-planning.yaml"), .embedInCode("Resources/transformation-1-foundations.yaml"),
                .embedInCode("Resources/transformation-2-systems.yaml"), .embedInCode("Resources/transformation-3-optimization.yaml"),
                .embedInCode("Resources/transformation-4-advancement.yaml"),
            ],
            swiftSettings: swiftSettings
        ),
        // Workspace and playbook files: YAML with locations, validation, secret references.
        .target(
            name: "Playbooks",
            // Delivery for SecretURL: a target's URL is checked, and shown, the way the sender reads it.
            dependencies: ["Recurrence", "MaturityModel", "Diagnostics", "Delivery", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // Agenda model, Mustache rendering, iCalendar export.
        .target(
            name: "Agendas",
            dependencies: [
                "Playbooks", "Recurrence", "MaturityModel", "StateStore",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [
                .embedInCode("Templates/agenda.md.mustache"),
                .embedInCode("Templates/agenda.html.mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        // Workspace state in SQLite through GRDB.
        .target(
            name: "StateStore",
            dependencies: ["MaturityModel", "Diagnostics", "Timekeeping", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // The state in a PostgreSQL database that several instances share.
        .target(
            name: "PostgresState",
            dependencies: [
                // Playbooks for DatabaseURL: the workspace's `state:` URL, checked by validate.
                "StateStore", "MaturityModel", "Diagnostics", "Playbooks", "Timekeeping",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Webhook delivery through libcurl.
        .target(
            name: "Delivery",
            dependencies: [
                "CCurl", "Timekeeping", "NativeThreads",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // tick and run: the scheduler itself.
        .target(
            name: "CadenceEngine",
            dependencies: [
                "Recurrence", "Playbooks", "Agendas", "StateStore", "PostgresState", "Delivery", "MaturityModel", "Timekeeping",
                "Diagnostics",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // `opscadence serve`: the team's pages over HTTP, from the same workspace and state.
        .target(
            name: "WebApp",
            dependencies: [
                "Playbooks", "Agendas", "StateStore", "CadenceEngine", "MaturityModel", "Recurrence", "Timekeeping", "Diagnostics",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [
                .embedInCode("Templates/top.mustache"), .embedInCode("Templates/bottom.mustache"),
                .embedInCode("Templates/message.mustache"), .embedInCode("Templates/today.mustache"),
                .embedInCode("Templates/meeting.mustache"), .embedInCode("Templates/actions.mustache"),
                .embedInCode("Templates/kpis.mustache"), .embedInCode("Templates/outbox.mustache"),
                .embedInCode("Templates/maturity.mustache"), .embedInCode("Templates/calendar.mustache"),
                .embedInCode("Templates/app.css"), .embedInCode("Templates/app.js"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "opscadence",
            dependencies: [
                "Recurrence", "Playbooks", "Agendas", "StateStore", "PostgresState", "CadenceEngine", "MaturityModel", "Timekeeping", "Diagnostics",
                "WebApp",
                "StarterWorkspace", "NativeThreads", "CConcurrencyHook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support: a loopback HTTP server and helpers for temporary workspaces and processes.
        .target(name: "OpsCadenceTesting", dependencies: ["Timekeeping", "NativeThreads"], swiftSettings: swiftSettings),

        .testTarget(
            name: "RecurrenceTests",
            dependencies: ["Recurrence", "OpsCadenceTesting", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TimekeepingTests", dependencies: ["Timekeeping", "OpsCadenceTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "MaturityModelTests", dependencies: ["MaturityModel", "Recurrence", "OpsCadenceTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "PlaybooksTests", dependencies: ["Playbooks", "MaturityModel", "Diagnostics", "OpsCadenceTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "AgendasTests", dependencies: ["Agendas", "Playbooks", "OpsCadenceTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "StateStoreTests", dependencies: ["StateStore", "PostgresState", "Playbooks", "OpsCadenceTesting"], swiftSettings: swiftSettings),
        .testTarget(name: "DeliveryTests", dependencies: ["Delivery", "OpsCadenceTesting"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CadenceEngineTests",
            dependencies: ["CadenceEngine", "Playbooks", "StateStore", "OpsCadenceTesting", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Drives the real `opscadence` binary in child processes (StateStore: to plant records
        // no command would write, as an older version or another tool might have).
        .testTarget(
            name: "CLITests", dependencies: ["opscadence", "OpsCadenceTesting", "Recurrence", "StateStore", "WebApp", "StarterWorkspace"], exclude: ["Scripts"],
            swiftSettings: swiftSettings),
    ]
)
