import Foundation

/// The workspace's state, whichever database holds it: every command, the engine and the web
/// app read and change it through this one type. Each operation is one transaction of the
/// backend behind it, ``SQLiteBackend`` (the embedded default, one file) or a PostgreSQL
/// database shared by several instances.
package final class StateStore: Sendable {
    /// Where the state lives, for messages: a file path, or a database URL without its password.
    package let path: String
    /// The database behind this store.
    package let backend: any StateBackend

    /// Seconds to wait for another process's write lock before failing, by default.
    package static let defaultBusyTimeout: TimeInterval = 5

    /// A store over `backend`; `path` names it in messages.
    package init(backend: any StateBackend, path: String) {
        self.backend = backend
        self.path = path
    }

    /// Opens (creating when needed, unless `readOnly`) and migrates the SQLite state file.
    ///
    /// - Throws: ``StateError`` with a one-line message: not a database, corrupted, locked, or
    ///   unreadable. The file is never reset or replaced.
    package convenience init(path: String, readOnly: Bool = false, busyTimeout: TimeInterval = StateStore.defaultBusyTimeout) throws(StateError) {
        self.init(backend: try SQLiteBackend(path: path, readOnly: readOnly, busyTimeout: busyTimeout), path: path)
    }

    /// Opens the SQLite state read-only if the file exists; nil when there is no state yet.
    package static func openIfPresent(path: String) throws(StateError) -> StateStore? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try StateStore(path: path, readOnly: true)
    }

    /// The SQLite file behind this store, if that is the backend (tests and `doctor` read it directly).
    package var sqlite: SQLiteBackend? { backend as? SQLiteBackend }

    /// Wake-ups when another process queues work; nil for a state only this process writes.
    package func workNotifications() -> AsyncStream<Void>? {
        backend.workNotifications()
    }

    /// Who holds deliveries in flight now (unexpired leases), with how many each, by owner.
    package func leaseHolders(now: Int64) throws(StateError) -> [(owner: String, count: Int)] {
        try backend.leaseHolders(now: now)
    }

    /// Every row of every table, read in one transaction.
    package func dump() throws(StateError) -> StateDump {
        try backend.dump()
    }

    /// Loads `dump` into this state, which must be empty, all or nothing.
    package func load(_ dump: StateDump) throws(StateError) {
        try backend.load(dump)
    }

    /// Claims up to `limit` due deliveries for `owner` with a lease, in one transaction.
    package func claimDueDeliveries(now: Int64, owner: String, lease: Int64, limit: Int) throws(StateError) -> [ClaimedDelivery] {
        try backend.record([], owner: owner, now: now, thenClaim: limit, lease: lease).claimed.get()
    }

    /// The outcome of one attempt, to be recorded.
    package struct Outcome: Sendable, Equatable {
        package var id: Int64
        package var resolution: DeliveryResolution
        /// Give the attempt back (a rate limit or a deferral: nothing counted against the budget).
        package var refundAttempt: Bool
        /// The request never left (paced, or its destination skipped): besides the refund, a
        /// delivery never sent before goes back to `pending` with no first attempt, so its age
        /// limit counts from a real attempt.
        package var wasNotSent: Bool

        package init(id: Int64, resolution: DeliveryResolution, refundAttempt: Bool = false, wasNotSent: Bool = false) {
            self.id = id
            self.resolution = resolution
            self.refundAttempt = refundAttempt || wasNotSent
            self.wasNotSent = wasNotSent
        }
    }

    /// Records the outcome of an attempt, only if `owner` still holds the lease (fencing).
    ///
    /// - Returns: false when the lease was lost and nothing was written.
    @discardableResult
    package func record(_ resolution: DeliveryResolution, id: Int64, owner: String, now: Int64, refundAttempt: Bool = false)
        throws(StateError) -> Bool
    {
        try record([Outcome(id: id, resolution: resolution, refundAttempt: refundAttempt)], owner: owner, now: now) == [id]
    }

    /// Records a batch of outcomes in one transaction (one durable commit instead of one per
    /// delivery); each row is written only if `owner` still holds its lease.
    ///
    /// - Returns: the ids actually written.
    @discardableResult
    package func record(_ outcomes: [Outcome], owner: String, now: Int64) throws(StateError) -> [Int64] {
        guard !outcomes.isEmpty else { return [] }
        return try backend.record(outcomes, owner: owner, now: now, thenClaim: 0, lease: 0).written
    }

    /// Where the state file's content stands, for caches of what is derived from it: any
    /// commit, by this store or by another process (`tick`, the CLI), gives another value.
    ///
    /// `PRAGMA data_version` changes when another connection commits, but not for this
    /// connection's own commits; `total_changes()` counts the rows this connection changed.
    /// Both only grow, so a value once left is never seen again. Read it before reading what
    /// is cached under it: the result is then at least as new as the version it is filed under.
    package func version() throws(StateError) -> StateVersion {
        try backend.version()
    }

    /// `PRAGMA integrity_check`: "ok" or SQLite's findings.
    package func integrityCheck() throws(StateError) -> String {
        try backend.integrityCheck()
    }

    /// `PRAGMA quick_check`: "ok" or SQLite's findings. Reads every page, so it finds damage
    /// that no query has touched, in a fraction of `integrity_check`'s time.
    package func quickCheck() throws(StateError) -> String {
        try backend.quickCheck()
    }

    /// Everything `doctor` reports about the file. `thorough` runs `integrity_check` instead of
    /// `quick_check`.
    package func health(now: Int64, thorough: Bool = true) throws(StateError) -> StateHealth {
        try backend.health(now: now, thorough: thorough)
    }

    /// The numbers `/metrics` exports, read in one transaction.
    package func metrics(now: Int64) throws(StateError) -> StateMetrics {
        try backend.metrics(now: now)
    }

    /// Every playbook's progress.
    package func progress() throws(StateError) -> [String: PlaybookProgress] {
        try backend.progress()
    }

    /// Every playbook's watermark.
    package func watermarks() throws(StateError) -> [String: Int64] {
        try backend.watermarks()
    }

    /// The progress of `playbooks` as stored now (those without a row yet are absent).
    package func progress(of playbooks: [String]) throws(StateError) -> [String: PlaybookProgress] {
        try backend.progress(of: playbooks)
    }

    /// Takes `playbooks` for planning; returns those no other instance is planning now, in the
    /// order given. Each stays taken by this store until ``releasePlanning(_:)`` (or until its
    /// connection ends, when the process dies). Only one process at a time plans a SQLite
    /// state (the workspace lock), so there every playbook is taken.
    package func claimPlanning(_ playbooks: [String]) throws(StateError) -> [String] {
        try backend.claimPlanning(playbooks)
    }

    /// Gives back playbooks taken by ``claimPlanning(_:)``.
    package func releasePlanning(_ playbooks: [String]) throws(StateError) {
        try backend.releasePlanning(playbooks)
    }

    /// Records occurrences with their deliveries and moves watermarks forward, in one transaction.
    ///
    /// An occurrence already recorded (same playbook and instant) keeps its status and its
    /// deliveries; if it was handled and the item is too, reminders it does not have yet (a lead
    /// or target added to the playbook since) are queued, each still at most once. A watermark
    /// never moves backwards; `planKeys` are stored with it.
    @discardableResult
    package func commit(_ items: [OccurrenceBatchItem], watermarks: [String: Int64], planKeys: [String: String] = [:], now: Int64) throws(StateError) -> CommitSummary {
        try backend.commit(items, watermarks: watermarks, planKeys: planKeys, now: now)
    }

    /// Records that a playbook's tick failed: its watermark stays, so the next tick tries the
    /// same occurrences again; `status` shows the error until a tick succeeds.
    package func recordFailure(playbook: String, error: String, now: Int64) throws(StateError) {
        try backend.recordFailure(playbook: playbook, error: error, now: now)
    }

    /// Handled occurrences whose start lies in `range`, oldest first.
    package func handledOccurrences(startingIn range: ClosedRange<Int64>, playbook: String? = nil) throws(StateError) -> [OccurrenceRecord] {
        try backend.handledOccurrences(startingIn: range, playbook: playbook)
    }

    /// Drops the queued deliveries of occurrences that no longer exist (the playbook's schedule
    /// changed after they were recorded), with `reason`. Returns how many were dropped.
    @discardableResult
    package func dropQueuedDeliveries(ofOccurrences ids: [Int64], reason: String) throws(StateError) -> Int {
        try backend.dropQueuedDeliveries(ofOccurrences: ids, reason: reason)
    }

    /// The most recent recorded occurrence of each playbook.
    package func lastOccurrences() throws(StateError) -> [String: OccurrenceRecord] {
        try backend.lastOccurrences()
    }

    /// Recorded occurrences of a playbook, newest first.
    package func occurrences(playbook: String, limit: Int = 100) throws(StateError) -> [OccurrenceRecord] {
        try backend.occurrences(playbook: playbook, limit: limit)
    }

    /// Every recorded occurrence, oldest first (for checks and exports).
    package func allOccurrences() throws(StateError) -> [OccurrenceRecord] {
        try backend.allOccurrences()
    }

    /// Rows left in `sending` by a process that died. Call only while holding the workspace lock:
    /// then no live process can own them. The request may have reached the target, so the
    /// attempt counts and the row is retried with the same `webhook-id`; a row that has used
    /// up its target's attempts (`attemptLimit`) is dead instead, so a process killed again and
    /// again mid-send stops re-posting like any other failing delivery.
    ///
    /// - Returns: how many rows were queued again and how many were given up.
    @discardableResult
    package func recoverInterruptedDeliveries(now: Int64, attemptLimit: (String) -> Int = { _ in .max }) throws(StateError) -> (requeued: Int, dead: Int) {
        try backend.recoverInterruptedDeliveries(now: now, attemptLimit: attemptLimit)
    }

    /// Marks queued deliveries whose deadline passed as expired.
    @discardableResult
    package func expireOverdueDeliveries(now: Int64) throws(StateError) -> Int {
        try backend.expireOverdueDeliveries(now: now)
    }

    /// Records a batch of outcomes and claims the next batch, in one transaction: one durable
    /// commit per batch instead of two. See ``record(_:owner:now:)`` and
    /// ``claimDueDeliveries(now:owner:lease:limit:)``; `limit` zero claims nothing.
    ///
    /// The claim runs in a savepoint: if it fails, the outcomes are still committed (they are
    /// of requests already sent; losing them would send those again) and the claim's error comes
    /// back in `claimed`.
    ///
    /// - Returns: the ids whose outcome was written, and the deliveries claimed.
    /// - Throws: ``StateError`` when the outcomes could not be committed.
    package func record(_ outcomes: [StateStore.Outcome], owner: String, now: Int64, thenClaim limit: Int, lease: Int64) throws(StateError) -> (written: [Int64], claimed: Result<[ClaimedDelivery], StateError>) {
        try backend.record(outcomes, owner: owner, now: now, thenClaim: limit, lease: lease)
    }

    /// Stores the payload of claimed deliveries that have none for their target's kind yet, so
    /// every attempt sends the same bytes. A payload is replaced only when the target's kind
    /// changed (the old one cannot be sent to it), and only while `owner` holds the lease.
    package func storePayloads(_ payloads: [Int64: DeliveryPayload], owner: String) throws(StateError) {
        try backend.storePayloads(payloads, owner: owner)
    }

    /// The stored payload of a delivery, if it has one.
    package func payload(ofDelivery id: Int64) throws(StateError) -> DeliveryPayload? {
        try backend.payload(ofDelivery: id)
    }

    /// The earliest time a queued delivery becomes due, if any.
    package func nextDeliveryDue() throws(StateError) -> Int64? {
        try backend.nextDeliveryDue()
    }

    /// Delivery counts per playbook.
    package func deliveryCounts() throws(StateError) -> [String: DeliveryCounts] {
        try backend.deliveryCounts()
    }

    /// Deliveries, newest first, optionally filtered by state.
    package func deliveries(states: [DeliveryState]? = nil, limit: Int = 200) throws(StateError) -> [DeliveryRecord] {
        try backend.deliveries(states: states, limit: limit)
    }

    package func delivery(id: Int64) throws(StateError) -> DeliveryRecord? {
        try backend.delivery(id: id)
    }

    /// Queues deliveries again by hand: due at `now`, with a fresh, bounded chance: no attempts
    /// counted, no first attempt (so the age limit counts from the retry), and a deadline of
    /// `expiresAt`. Only deliveries in a ``DeliveryState/retryable`` state change; returns how
    /// many did.
    @discardableResult
    package func requeue(ids: [Int64], now: Int64, expiresAt: Int64) throws(StateError) -> Int {
        try backend.requeue(ids: ids, now: now, expiresAt: expiresAt)
    }

    /// Ids of every dead delivery.
    package func deadDeliveryIds() throws(StateError) -> [Int64] {
        try backend.deadDeliveryIds()
    }

    /// Drops a queued or failed delivery by hand; it will not be sent. False when it cannot be dropped.
    @discardableResult
    package func drop(id: Int64) throws(StateError) -> Bool {
        try backend.drop(id: id)
    }

    /// Queues a reply; false when one with this key is already queued (a repeated click).
    @discardableResult
    package func enqueueReply(key: String, target: String, url: String, body: [UInt8], now: Int64, expiresAt: Int64) throws(StateError) -> Bool {
        try backend.enqueueReply(key: key, target: target, url: url, body: body, now: now, expiresAt: expiresAt)
    }

    /// Claims replies that are due (or whose claimer's lease ran out: it may have died
    /// mid-send), counting an attempt for each, and gives up those past their expiry.
    package func claimReplies(owner: String, now: Int64, lease: Int64, limit: Int = 16) throws(StateError) -> [ChatReply] {
        try backend.claimReplies(owner: owner, now: now, lease: lease, limit: limit)
    }

    /// Records one attempt's outcome, if this owner still holds the reply.
    package func recordReply(id: Int64, owner: String, outcome: ChatReplyOutcome, now: Int64) throws(StateError) {
        try backend.recordReply(id: id, owner: owner, outcome: outcome, now: now)
    }

    /// Replies by state, newest first, for `outbox` and tests.
    package func replies(limit: Int = 100) throws(StateError) -> [(key: String, target: String, state: String, attempts: Int, lastError: String?)] {
        try backend.replies(limit: limit)
    }

    /// When the next queued reply is due, if any.
    package func nextReplyDue() throws(StateError) -> Int64? {
        try backend.nextReplyDue()
    }

    /// Adds an action item and returns it with its id.
    package func addAction(_ item: ActionItem) throws(StateError) -> ActionItem {
        try backend.addAction(item)
    }

    /// Marks an action item done (or open again). Returns the item, or nil when there is no such id.
    package func setActionDone(id: Int64, doneAt: Int64?, by person: String? = nil) throws(StateError) -> ActionItem? {
        try backend.setActionDone(id: id, doneAt: doneAt, by: person)
    }

    /// Action items, oldest first.
    package func actions(playbook: String? = nil, includeDone: Bool = false) throws(StateError) -> [ActionItem] {
        try backend.actions(playbook: playbook, includeDone: includeDone)
    }

    /// The checked items of one occurrence, by 1-based index.
    package func checklistMarks(playbook: String, scheduledAt: Int64) throws(StateError) -> [Int: ChecklistMark] {
        try backend.checklistMarks(playbook: playbook, scheduledAt: scheduledAt)
    }

    /// Ticks an item and, in the same transaction, drops that item's own reminders still waiting
    /// (`remind: true`): a ticked item needs no reminder. The engine looks again right before
    /// sending, so a reminder claimed meanwhile is not sent either.
    ///
    /// - Returns: How many of the item's reminders were dropped.
    @discardableResult
    package func check(_ mark: ChecklistMark) throws(StateError) -> Int {
        try backend.check(mark)
    }

    package func uncheck(playbook: String, scheduledAt: Int64, itemIndex: Int) throws(StateError) {
        try backend.uncheck(playbook: playbook, scheduledAt: scheduledAt, itemIndex: itemIndex)
    }

    /// Records values, replacing any for the same KPI and date, all in one transaction.
    package func recordKPIValues(_ values: [KPIValue]) throws(StateError) {
        try backend.recordKPIValues(values)
    }

    /// Records one value unless the KPI already has one for that date and `replacing` is
    /// false, in one transaction (so two people saving the same KPI and date at once cannot
    /// both think they were first). Returns the value that was there before, and whether
    /// `value` was recorded.
    package func recordKPIValue(_ value: KPIValue, replacing: Bool) throws(StateError) -> (recorded: Bool, previous: KPIValue?) {
        try backend.recordKPIValue(value, replacing: replacing)
    }

    /// Values of one KPI (or all), oldest first, on or after `since` (`YYYY-MM-DD`).
    package func kpiValues(kpi: String? = nil, since: String? = nil) throws(StateError) -> [KPIValue] {
        try backend.kpiValues(kpi: kpi, since: since)
    }

    package func assessments() throws(StateError) -> [AssessmentRecord] {
        try backend.assessments()
    }

    package func assessment(quarter: String) throws(StateError) -> AssessmentRecord? {
        try backend.assessment(quarter: quarter)
    }

    /// Saves an assessment, replacing the quarter's earlier one.
    package func saveAssessment(_ record: AssessmentRecord) throws(StateError) {
        try backend.saveAssessment(record)
    }

    /// The stored plan's start month and the quarter its priorities came from.
    package func plan() throws(StateError) -> (startMonth: String, assessmentQuarter: String?)? {
        try backend.plan()
    }

    /// Replaces the plan and its action items in one transaction.
    package func savePlan(startMonth: String, assessmentQuarter: String?, items: [ActionItem], now: Int64) throws(StateError) {
        try backend.savePlan(startMonth: startMonth, assessmentQuarter: assessmentQuarter, items: items, now: now)
    }

    /// The plan's action items in plan order.
    package func planItems() throws(StateError) -> [ActionItem] {
        try backend.planItems()
    }

    /// Stores a one-time sign-in link by the digest of its token.
    package func createInvite(tokenDigest: String, person: String, now: Int64, expiresAt: Int64) throws(StateError) {
        try backend.createInvite(tokenDigest: tokenDigest, person: person, now: now, expiresAt: expiresAt)
    }

    /// Whose unused, unexpired sign-in link this is, without using it up.
    package func invitee(tokenDigest: String, now: Int64) throws(StateError) -> String? {
        try backend.invitee(tokenDigest: tokenDigest, now: now)
    }

    /// Uses a sign-in link up and opens a session, in one transaction: two browsers racing
    /// with the same link get one session between them.
    ///
    /// - Returns: The person signed in, or nil when the link is unknown, used or expired.
    package func redeemInvite(tokenDigest: String, now: Int64, session: (tokenDigest: String, csrfToken: String, expiresAt: Int64)) throws(StateError) -> String? {
        try backend.redeemInvite(tokenDigest: tokenDigest, now: now, session: session)
    }

    /// The live session with this token digest, if any.
    package func session(tokenDigest: String, now: Int64) throws(StateError) -> WebSession? {
        try backend.session(tokenDigest: tokenDigest, now: now)
    }

    /// The live session and the state's version (``version()``), in one read: every page
    /// request needs both, and each read is a transaction and a hop to the database's queue.
    package func sessionAndVersion(tokenDigest: String, now: Int64) throws(StateError) -> (WebSession?, StateVersion) {
        try backend.sessionAndVersion(tokenDigest: tokenDigest, now: now)
    }

    /// Ends one session (signing out).
    package func endSession(tokenDigest: String) throws(StateError) {
        try backend.endSession(tokenDigest: tokenDigest)
    }

    /// Ends every session of a person and voids their unused sign-in links; also drops
    /// anything expired. Returns how many sessions and links were ended.
    package func revoke(person: String, now: Int64) throws(StateError) -> (sessions: Int, invites: Int) {
        try backend.revoke(person: person, now: now)
    }

    /// Ends the sessions and voids the unused links of everyone not in `people` (compared
    /// without regard to case): someone removed from `people:` stays out if the name comes back.
    /// Returns how many sessions were ended.
    @discardableResult
    package func revokeEveryone(except people: [String]) throws(StateError) -> Int {
        try backend.revokeEveryone(except: people)
    }

    /// Open sessions and unused, unexpired links per person.
    package func webAccess(now: Int64) throws(StateError) -> [String: (sessions: Int, invites: Int)] {
        try backend.webAccess(now: now)
    }

    package func meetingNote(playbook: String, scheduledAt: Int64) throws(StateError) -> MeetingNote? {
        try backend.meetingNote(playbook: playbook, scheduledAt: scheduledAt)
    }

    /// Replaces a meeting's notes; empty text removes them.
    package func saveMeetingNote(playbook: String, scheduledAt: Int64, text: String, by person: String?, now: Int64) throws(StateError) {
        try backend.saveMeetingNote(playbook: playbook, scheduledAt: scheduledAt, text: text, by: person, now: now)
    }

    /// Records that an occurrence was acknowledged, and in the same transaction cancels its
    /// escalations still waiting to be sent. The first acknowledgement stands; a later one
    /// changes nothing and returns the first.
    ///
    /// - Returns: The acknowledgement that stands, and how many escalations were cancelled.
    package func acknowledge(playbook: String, scheduledAt: Int64, by person: String?, via: String, now: Int64) throws(StateError) -> (acknowledgement: AcknowledgementRecord, cancelled: Int) {
        try backend.acknowledge(playbook: playbook, scheduledAt: scheduledAt, by: person, via: via, now: now)
    }

    /// The acknowledgement of one occurrence, if any.
    package func acknowledgement(playbook: String, scheduledAt: Int64) throws(StateError) -> AcknowledgementRecord? {
        try backend.acknowledgement(playbook: playbook, scheduledAt: scheduledAt)
    }

    /// One playbook's acknowledgement times, checklist marks (their times) and ratings for the
    /// occurrences that start in `range`, by occurrence: what meeting health reads, in three
    /// queries instead of three per occurrence.
    package func meetingRecords(playbook: String, startingIn range: ClosedRange<Int64>) throws(StateError) -> (acknowledgedAt: [Int64: Int64], checklistDoneAt: [Int64: [Int64]], ratings: [Int64: [Int]]) {
        try backend.meetingRecords(playbook: playbook, startingIn: range)
    }

    /// Every rating of one meeting, by person.
    package func ratings(playbook: String, scheduledAt: Int64) throws(StateError) -> [String: Int] {
        try backend.ratings(playbook: playbook, scheduledAt: scheduledAt)
    }

    /// Records (or changes) one person's rating of a meeting.
    package func rate(playbook: String, scheduledAt: Int64, person: String, rating: Int, now: Int64) throws(StateError) {
        try backend.rate(playbook: playbook, scheduledAt: scheduledAt, person: person, rating: rating, now: now)
    }

    /// One action item by id.
    package func action(id: Int64) throws(StateError) -> ActionItem? {
        try backend.action(id: id)
    }

    /// Changes an action item's text (when given), owner and due date (as `FieldChange` says),
    /// in one statement or transaction, so that fields not named keep what another edit just
    /// wrote. Returns the item, or nil when there is no such id.
    package func editAction(id: Int64, text: String?, owner: FieldChange<String>, dueDate: FieldChange<String>) throws(StateError) -> ActionItem? {
        try backend.editAction(id: id, text: text, owner: owner, dueDate: dueDate)
    }

    /// Deletes an action item; false when there was none with this id.
    package func deleteAction(id: Int64) throws(StateError) -> Bool {
        try backend.deleteAction(id: id)
    }

    /// Deletes one KPI value; false when there was none.
    package func deleteKPIValue(kpi: String, measuredOn: String) throws(StateError) -> Bool {
        try backend.deleteKPIValue(kpi: kpi, measuredOn: measuredOn)
    }
}

/// What a state backend does: the operations of ``StateStore``, each one transaction. Two
/// implementations: ``SQLiteBackend`` and the PostgreSQL one. Instants are UTC epoch seconds.
package protocol StateBackend: AnyObject, Sendable {
    func version() throws(StateError) -> StateVersion
    func integrityCheck() throws(StateError) -> String
    func quickCheck() throws(StateError) -> String
    func health(now: Int64, thorough: Bool) throws(StateError) -> StateHealth
    func metrics(now: Int64) throws(StateError) -> StateMetrics
    func progress() throws(StateError) -> [String: PlaybookProgress]
    func watermarks() throws(StateError) -> [String: Int64]
    func progress(of playbooks: [String]) throws(StateError) -> [String: PlaybookProgress]
    func claimPlanning(_ playbooks: [String]) throws(StateError) -> [String]
    func releasePlanning(_ playbooks: [String]) throws(StateError)
    func commit(_ items: [OccurrenceBatchItem], watermarks: [String: Int64], planKeys: [String: String], now: Int64) throws(StateError) -> CommitSummary
    func recordFailure(playbook: String, error: String, now: Int64) throws(StateError)
    func handledOccurrences(startingIn range: ClosedRange<Int64>, playbook: String?) throws(StateError) -> [OccurrenceRecord]
    func dropQueuedDeliveries(ofOccurrences ids: [Int64], reason: String) throws(StateError) -> Int
    func lastOccurrences() throws(StateError) -> [String: OccurrenceRecord]
    func occurrences(playbook: String, limit: Int) throws(StateError) -> [OccurrenceRecord]
    func allOccurrences() throws(StateError) -> [OccurrenceRecord]
    func recoverInterruptedDeliveries(now: Int64, attemptLimit: (String) -> Int) throws(StateError) -> (requeued: Int, dead: Int)
    func expireOverdueDeliveries(now: Int64) throws(StateError) -> Int
    func record(_ outcomes: [StateStore.Outcome], owner: String, now: Int64, thenClaim limit: Int, lease: Int64) throws(StateError) -> (written: [Int64], claimed: Result<[ClaimedDelivery], StateError>)
    func storePayloads(_ payloads: [Int64: DeliveryPayload], owner: String) throws(StateError)
    func payload(ofDelivery id: Int64) throws(StateError) -> DeliveryPayload?
    func nextDeliveryDue() throws(StateError) -> Int64?
    func deliveryCounts() throws(StateError) -> [String: DeliveryCounts]
    func deliveries(states: [DeliveryState]?, limit: Int) throws(StateError) -> [DeliveryRecord]
    func delivery(id: Int64) throws(StateError) -> DeliveryRecord?
    func requeue(ids: [Int64], now: Int64, expiresAt: Int64) throws(StateError) -> Int
    func deadDeliveryIds() throws(StateError) -> [Int64]
    func drop(id: Int64) throws(StateError) -> Bool
    func enqueueReply(key: String, target: String, url: String, body: [UInt8], now: Int64, expiresAt: Int64) throws(StateError) -> Bool
    func claimReplies(owner: String, now: Int64, lease: Int64, limit: Int) throws(StateError) -> [ChatReply]
    func recordReply(id: Int64, owner: String, outcome: ChatReplyOutcome, now: Int64) throws(StateError)
    func replies(limit: Int) throws(StateError) -> [(key: String, target: String, state: String, attempts: Int, lastError: String?)]
    func nextReplyDue() throws(StateError) -> Int64?
    func addAction(_ item: ActionItem) throws(StateError) -> ActionItem
    func setActionDone(id: Int64, doneAt: Int64?, by person: String?) throws(StateError) -> ActionItem?
    func actions(playbook: String?, includeDone: Bool) throws(StateError) -> [ActionItem]
    func checklistMarks(playbook: String, scheduledAt: Int64) throws(StateError) -> [Int: ChecklistMark]
    func check(_ mark: ChecklistMark) throws(StateError) -> Int
    func uncheck(playbook: String, scheduledAt: Int64, itemIndex: Int) throws(StateError)
    func recordKPIValues(_ values: [KPIValue]) throws(StateError)
    func recordKPIValue(_ value: KPIValue, replacing: Bool) throws(StateError) -> (recorded: Bool, previous: KPIValue?)
    func kpiValues(kpi: String?, since: String?) throws(StateError) -> [KPIValue]
    func assessments() throws(StateError) -> [AssessmentRecord]
    func assessment(quarter: String) throws(StateError) -> AssessmentRecord?
    func saveAssessment(_ record: AssessmentRecord) throws(StateError)
    func plan() throws(StateError) -> (startMonth: String, assessmentQuarter: String?)?
    func savePlan(startMonth: String, assessmentQuarter: String?, items: [ActionItem], now: Int64) throws(StateError)
    func planItems() throws(StateError) -> [ActionItem]
    func createInvite(tokenDigest: String, person: String, now: Int64, expiresAt: Int64) throws(StateError)
    func invitee(tokenDigest: String, now: Int64) throws(StateError) -> String?
    func redeemInvite(tokenDigest: String, now: Int64, session: (tokenDigest: String, csrfToken: String, expiresAt: Int64)) throws(StateError) -> String?
    func session(tokenDigest: String, now: Int64) throws(StateError) -> WebSession?
    func sessionAndVersion(tokenDigest: String, now: Int64) throws(StateError) -> (WebSession?, StateVersion)
    func endSession(tokenDigest: String) throws(StateError)
    func revoke(person: String, now: Int64) throws(StateError) -> (sessions: Int, invites: Int)
    func revokeEveryone(except people: [String]) throws(StateError) -> Int
    func webAccess(now: Int64) throws(StateError) -> [String: (sessions: Int, invites: Int)]
    func meetingNote(playbook: String, scheduledAt: Int64) throws(StateError) -> MeetingNote?
    func saveMeetingNote(playbook: String, scheduledAt: Int64, text: String, by person: String?, now: Int64) throws(StateError)
    func acknowledge(playbook: String, scheduledAt: Int64, by person: String?, via: String, now: Int64) throws(StateError) -> (acknowledgement: AcknowledgementRecord, cancelled: Int)
    func acknowledgement(playbook: String, scheduledAt: Int64) throws(StateError) -> AcknowledgementRecord?
    func meetingRecords(playbook: String, startingIn range: ClosedRange<Int64>) throws(StateError) -> (acknowledgedAt: [Int64: Int64], checklistDoneAt: [Int64: [Int64]], ratings: [Int64: [Int]])
    func ratings(playbook: String, scheduledAt: Int64) throws(StateError) -> [String: Int]
    func rate(playbook: String, scheduledAt: Int64, person: String, rating: Int, now: Int64) throws(StateError)
    func action(id: Int64) throws(StateError) -> ActionItem?
    func editAction(id: Int64, text: String?, owner: FieldChange<String>, dueDate: FieldChange<String>) throws(StateError) -> ActionItem?
    func deleteAction(id: Int64) throws(StateError) -> Bool
    func deleteKPIValue(kpi: String, measuredOn: String) throws(StateError) -> Bool
    /// Every row of every table (``StateDump/tables``), read in one transaction.
    func dump() throws(StateError) -> StateDump
    /// Loads `dump` into this state, which must hold no rows yet, in one transaction: all of
    /// it or, on any error, nothing.
    func load(_ dump: StateDump) throws(StateError)
    /// Who holds deliveries in flight now (unexpired leases), with how many each.
    func leaseHolders(now: Int64) throws(StateError) -> [(owner: String, count: Int)]
    /// Upserts the instance `name`: `started_at` stays from the first insert, `last_tick_at`
    /// becomes `now` and `last_tick_duration_ms` the tick's duration (NULL if not given); one
    /// short transaction.
    func recordInstance(name: String, host: String, pid: Int, version: String, now: Int64, tickDuration: Duration?) throws(StateError)
    /// Notes that a tick of the instance `name` ended: when it started (`now`) and how long it
    /// took, for `/metrics`. Where a backend keeps it is its own choice (see each).
    func recordTick(name: String, host: String, pid: Int, version: String, now: Int64, duration: Duration) throws(StateError)
    /// Instances whose last tick is at or after `since`, newest tick first (none when the
    /// state, opened read-only, predates the table).
    func instances(seenSince since: Int64) throws(StateError) -> [InstanceRecord]
    /// Wake-ups sent when another process queues work (a database shared by several
    /// instances); nil when nobody else can (one state file, one process at a time). After
    /// each element, and at the start, the consumer looks at the state again: nothing is kept
    /// for a listener that was disconnected.
    func workNotifications() -> AsyncStream<Void>?
}

extension StateBackend {
    package func workNotifications() -> AsyncStream<Void>? { nil }
}
