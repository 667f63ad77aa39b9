#ifndef OPSCADENCE_CCONCURRENCYHOOK_H
#define OPSCADENCE_CCONCURRENCYHOOK_H

#include <stdbool.h>

/// Sets the Swift runtime's `swift_task_enqueueGlobal_hook` (the function it calls, if set, for
/// every job enqueued on the global concurrent executor) to `hook`, if nothing set it before:
/// an atomic compare-and-exchange from NULL. Returns whether it was set.
///
/// SwiftNIO installs its event loops there through `dlsym`, which cannot see the symbol in a
/// binary linked with `--static-swift-stdlib` (it is hidden); a reference the linker resolves
/// can.
bool opscadence_install_enqueue_global_hook(const void *_Nonnull hook);

#endif
