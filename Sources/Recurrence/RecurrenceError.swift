import Diagnostics

/// A schedule that cannot be used: a malformed cron field, an unsupported RRULE part,
/// an unknown phrase or zone, or a rule that can never fire.
///
/// ``description`` is one line that names the bad part and what was expected, ready to be
/// printed after `error: `.
package struct RecurrenceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of input was wrong. Compare with the static members; new codes may be added.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidCron, invalidRRule, invalidPhrase, unknownZone, invalidTime, neverFires
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        package static let invalidCron = Code(.invalidCron)
        package static let invalidRRule = Code(.invalidRRule)
        package static let invalidPhrase = Code(.invalidPhrase)
        package static let unknownZone = Code(.unknownZone)
        package static let invalidTime = Code(.invalidTime)
        package static let neverFires = Code(.neverFires)

        package var description: String { "\(value)" }
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}

extension RecurrenceError: UserFacingError {
    package var failure: FailureKind { .input }
}
