import Hummingbird
import NIOCore
import Playbooks
import StateStore

/// Who is signed in on a request.
struct Viewer: Sendable {
    var person: Person
    /// The synchronizer token every form of the session must carry.
    var csrfToken: String
    /// The stored digest of the session's cookie token, to sign out.
    var sessionDigest: String

    var isAdmin: Bool { person.role == .admin }
}

/// The request context of every route: the caller's address, the signed-in person, and the
/// form fields of a POST (read once, with a size limit, before any handler runs).
struct WebRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var remoteAddress: String
    var viewer: Viewer?
    var form: FormFields = FormFields()
    /// The body as sent, for the chat integrations (Slack signs the exact bytes).
    var rawBody: [UInt8] = []
    /// The workspace this request is served from.
    var snapshot: WorkspaceCache.Snapshot?
    /// The state's version, read by the gate with the session, before any handler runs.
    var stateVersion: StateVersion?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Forms are small: a note is the largest field.
    var maxUploadSize: Int { 256 * 1024 }
}
