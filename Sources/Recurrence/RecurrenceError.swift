import Diagnostics

/// A schedule that cannot be used: a malformed cron field, an unsupported RRULE part,
/// an unknown phrase or zone, or a rule that can never fire.
///
/// ``description`` is one line that names the bad part and what was expected, ready to be
/// printed after `error: `.
public struct RecurrenceError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of input was wrong. Compare with the static members; new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Value: Hashable, Sendable {
            case invalidCron, invalidRRule, invalidPhrase, unknownZone, invalidTime, neverFires
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        public static let invalidCron = Code(.invalidCron)
        public static let invalidRRule = Code(.invalidRRule)
        public static let invalidPhrase = Code(.invalidPhrase)
        public static let unknownZone = Code(.unknownZone)
        public static let invalidTime = Code(.invalidTime)
        public static let neverFires = Code(.neverFires)

        public var description: String { "\(value)" }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension RecurrenceError: UserFacingError {
    public var failure: FailureKind { .input }
}
