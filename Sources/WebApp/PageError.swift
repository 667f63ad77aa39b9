import Diagnostics
import CadenceEngine
import HTTPTypes
import StateStore

/// A request that cannot be served as asked: the status and the sentence the page shows.
/// Input problems are 4xx with their text; a failure of the machine is a 500 whose text has
/// passed the workspace's redactor.
struct PageError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String

    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The page error for any error a change or a lookup threw.
    init(_ error: any Error, redact: (String) -> String) {
        if let page = error as? PageError {
            self = page
        } else if let change = error as? ChangeError, change.isConflict {
            self.init(.conflict, redact(change.description))
        } else if let state = error as? StateError, state.code == .locked {
            // Another process held the state past the busy timeout: this request's write did
            // not start, and the same request may succeed in a moment.
            self.init(.serviceUnavailable, redact(state.description))
        } else if let error = error as? any UserFacingError {
            self.init(error.failure == .input ? .badRequest : .internalServerError, redact(error.description))
        } else {
            self.init(.internalServerError, redact("\(error)"))
        }
    }
}
