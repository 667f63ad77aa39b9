import Foundation

/// What became of one request handed to ``WebhookClient/send(_:)``.
package enum WebhookResult: Hashable, Sendable, CustomStringConvertible {
    /// The server answered; the answer may still be a failure (see ``DeliveryOutcome``).
    case response(WebhookResponse)
    /// No HTTP response: the request failed in transport.
    case failure(TransportFailure)
    /// Not sent: its rate key could not start it within the client's pacing budget. It can
    /// start `for` from the moment this result was given, at the earliest. A length, not a
    /// wall-clock date: the caller adds it to its own timeline (which may be a replay's).
    case deferred(for: Duration)

    /// The response, if there was one.
    package var response: WebhookResponse? {
        if case .response(let response) = self { return response }
        return nil
    }

    /// The transport failure, if there was one.
    package var failure: TransportFailure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }

    /// For a deferred request: how long from the result until it can start.
    package var deferredFor: Duration? {
        if case .deferred(let wait) = self { return wait }
        return nil
    }

    /// One redacted line.
    package var description: String {
        switch self {
        case .response(let response): response.description
        case .failure(let failure): "transport failure: \(failure)"
        case .deferred(let wait): "deferred by the pacing budget for \(wait)"
        }
    }
}
