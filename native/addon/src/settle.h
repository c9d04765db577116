// JS thread: settling calls. One wake-up (OnCompletion, the environment's thread-safe function)
// settles every call that finished meanwhile: invokes as batched result records, the others
// through their callbacks. A call a callback waits for keeps the event loop alive.
#ifndef RX_TEEC_SETTLE_H
#define RX_TEEC_SETTLE_H

#include <napi.h>

#include "objects.h"

namespace rxteec {

struct AddonData;

void KeepLoopAlive(AddonData* data, Call* call);
void CleanupUnstartedCall(AddonData* data, Call* call);

}  // namespace rxteec

#endif
