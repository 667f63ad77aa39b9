import Delivery
import Playbooks

extension Target {
    /// The target as the sender uses it: its URL and signing secret parsed, its kind and pacing;
    /// nil when the target is optional and its variables are unset.
    ///
    /// - Throws: ``DeliveryError`` when the URL or the secret is malformed; the message never
    ///   contains the value.
    package func webhookTarget() throws(DeliveryError) -> WebhookTarget? {
        guard let url else { return nil }
        return WebhookTarget(
            name: name, kind: WebhookKind(rawValue: kind.rawValue) ?? .generic, url: try SecretURL(url.value),
            signingSecret: try signingSecret.map { secret throws(DeliveryError) in try SigningSecret(secret.value) },
            rateLimit: RateLimit(minimumInterval: .milliseconds(Self.milliseconds(minimumInterval))))
    }

    /// Whole milliseconds of a gap in seconds, within 0 to one day whatever the Double holds
    /// (the loader allows at most an hour; a Target built elsewhere must not trap here).
    static func milliseconds(_ seconds: Double) -> Int64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int64((min(seconds, 86_400) * 1000).rounded())
    }
}

extension Workspace {
    /// Checks every configured target the way the sender will read it, so that a malformed URL
    /// or secret stops a command (or a reload of `run`) at once, with its place in
    /// opscadence.yaml, instead of killing deliveries later.
    package func checkTargets() throws(WorkspaceError) {
        var issues: [ValidationIssue] = []
        for target in configuration.targets {
            do {
                _ = try target.webhookTarget()
            } catch {
                issues.append(ValidationIssue(target.location, "target '\(target.name)': \(error.message)"))
            }
        }
        if !issues.isEmpty { throw WorkspaceError(issues: issues) }
    }
}
