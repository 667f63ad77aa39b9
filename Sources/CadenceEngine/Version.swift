/// This build of OpsCadence, in one place: `opscadence --version` prints it, and each tick on a
/// shared state records it with the instance (so `status` shows an instance left on an old release).
package enum OpsCadenceVersion {
    package static let current = "0.1.0"
}
