#ifndef OPSCADENCE_CCONCURRENCYHOOK_H
#define OPSCADENCE_CCONCURRENCYHOOK_H

/// Where the Swift runtime keeps `swift_task_enqueueGlobal_hook`: the function it calls, if
/// set, for every job enqueued on the global concurrent executor.
///
/// SwiftNIO installs its event loops there through `dlsym`, which cannot see the symbol in a
/// binary linked with `--static-swift-stdlib` (it is hidden); a reference the linker resolves
/// can.
void *_Nullable *_Nonnull opscadence_enqueue_global_hook_address(void);

#endif
