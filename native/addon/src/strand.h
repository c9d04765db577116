// Per-session strands (FIFO): invokes on one session reach the TEE one at a time, in the order
// they were made; the worker that finishes one takes the next itself (see Session in objects.h).
// Context mutex held.
#ifndef RX_TEEC_STRAND_H
#define RX_TEEC_STRAND_H

#include "objects.h"

namespace rxteec {

Call* NextAfterLocked(Call* call);
bool EnterStrandLocked(Session* session, Call* call);

}  // namespace rxteec

#endif
