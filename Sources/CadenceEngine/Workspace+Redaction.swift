import Delivery
import Playbooks
import Foundation
import Synchronization

extension Workspace {
    /// The one redactor of this workspace: every target's URL (whole, and each part that could
    /// carry the credential on its own) and every signing secret, in each encoding. Logs,
    /// errors, `status`, `outbox`, `doctor` and messages all scrub through it.
    package var redactor: Redactor {
        var redactor = Redactor()
        for target in configuration.targets {
            if let url = target.url {
                if let parsed = try? SecretURL(url.value) { redactor.add(parsed) } else { redactor.add(secret: url.value) }
            }
            if let secret = target.signingSecret { redactor.add(secret: secret.value) }
            if let secret = target.interactionSecret { redactor.add(secret: secret.value) }
        }
        if let database = configuration.stateDatabase {
            // The whole URL, and its password on its own (a driver's message may quote it alone).
            redactor.add(secret: database.value)
            let components = URLComponents(string: database.value)
            for password in [components?.percentEncodedPassword, components?.password] {
                if let password, !password.isEmpty { redactor.add(secret: password) }
            }
        }
        return redactor
    }

    /// `text` with every secret of this workspace replaced by ``Redactor/marker``.
    package func redact(_ text: String) -> String { redactor.redact(text) }
}

/// The redactor of the workspace as it is now, for the log handler: `run` replaces it when it
/// reloads the workspace, so a secret added by an edit is scrubbed from the next line on.
package final class LiveRedactor: Sendable {
    private let current: Mutex<Redactor>

    package init(_ workspace: Workspace) { current = Mutex(workspace.redactor) }

    /// Scrubs with the redactor of the last workspace given.
    package func redact(_ text: String) -> String { current.withLock { $0 }.redact(text) }

    /// Starts scrubbing the secrets of `workspace` (and stops scrubbing those it no longer has).
    package func update(_ workspace: Workspace) { current.withLock { $0 = workspace.redactor } }
}
