#include "CConcurrencyHook.h"

// The runtime declares it as a pointer to a swiftcc function; only its address is used here.
extern void *swift_task_enqueueGlobal_hook;

void *_Nullable *_Nonnull opscadence_enqueue_global_hook_address(void) {
    return &swift_task_enqueueGlobal_hook;
}
