import Foundation

/// What became of one request handed to ``WebhookClient/send(_:)``.
public enum WebhookResult: Hashable, Sendable, CustomStringConvertible {
    /// The server answered; the answer may still be a failure (see ``DeliveryOutcome``).
    case response(WebhookResponse)
    /// No HTTP response: the request failed in transport.
    case failure(TransportFailure)
    /// Not sent: its rate key could not start it within the client's pacing budget. It can
    /// start at `until` at the earliest.
    case deferred(until: Date)

    /// The response, if there was one.
    public var response: WebhookResponse? {
        if case .response(let response) = self { return response }
        return nil
    }

    /// The transport failure, if there was one.
    public var failure: TransportFailure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }

    /// For a deferred request: the wall-clock time it can start at the earliest.
    public var deferredUntil: Date? {
        if case .deferred(let date) = self { return date }
        return nil
    }

    /// One redacted line.
    public var description: String {
        switch self {
        case .response(let response): response.description
        case .failure(let failure): "transport failure: \(failure)"
        case .deferred(let date): "deferred by the pacing budget until \(date.formatted(.iso8601))"
        }
    }
}
