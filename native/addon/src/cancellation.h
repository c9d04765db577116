// Cancellation of calls in flight (see Cancellation in ../README.md): a call no worker has
// started is settled at once and never reaches the TEE; a running one is cancelled through
// TEEC_RequestCancellation, on a worker.
#ifndef RX_TEEC_CANCELLATION_H
#define RX_TEEC_CANCELLATION_H

#include <vector>

#include "objects.h"

namespace rxteec {

void RequestCancel(Call* call);
bool TryCancelQueued(Call* call);
void CancelCallsInFlight(Context& context, const std::vector<Call*>& calls);

}  // namespace rxteec

#endif
