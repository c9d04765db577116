#include "cancellation.h"

#include "lifecycle.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace rxteec {

namespace {

// Settles a call that no worker has started yet, so that it never reaches the TEE; false if a
// worker started it first. Context mutex held; the caller then posts the call (its travelling
// reference). The worker that dequeues it later only drops the queue's reference.
bool CancelQueuedLocked(Call* call) {
  int expected = kQueued;
  if (!call->phase.compare_exchange_strong(expected, kCancelledBeforeStart)) return false;
  DetachOperationLocked(call);
  call->result = TEEC_ERROR_CANCEL;
  call->origin = TEEC_ORIGIN_API;
  call->note = "cancelled-before-start";
  // As when an open returns: the context may have lost its handle meanwhile (the TypeScript
  // backend keeps it alive while an open is pending, but the addon does not rely on that).
  if (call->kind == CallKind::kOpen) MaybeFinalizeOrphanLocked(call->context);
  return true;
}

void RequestCancelOnce(Call* call, bool* retry) {
  *retry = false;
  std::lock_guard<std::mutex> lock(call->cancel_mutex);
  if (call->phase.load() == kRunning && !call->cancel_sent) {
    call->context->library->RequestCancellation(&call->op);
    if (__atomic_load_n(&call->op.started, __ATOMIC_ACQUIRE) != 0) {
      call->cancel_sent = true;
    } else {
      *retry = true;
    }
  }
}

}  // namespace

// Asks the TEE to cancel an operation call a worker has started (a no-op once it returned).
// Never called with the context mutex held (RequestCancellation may talk to the TEE).
//
// A library ignores a request for an operation it has not registered yet (GP: `started` is
// still 0), which happens when the worker has claimed the call but not yet entered the GP
// call; the request is then repeated a few times until the library has seen it.
void RequestCancel(Call* call) {
  bool retry = false;
  RequestCancelOnce(call, &retry);
  for (int attempt = 0; retry && attempt < 200; ++attempt) {
    std::this_thread::sleep_for(std::chrono::microseconds(500));
    RequestCancelOnce(call, &retry);
  }
}

// JS thread: cancel(id) of a call that may still be queued.
bool TryCancelQueued(Call* call) {
  bool cancelled;
  {
    std::lock_guard<std::mutex> lock(call->context->mutex);
    cancelled = CancelQueuedLocked(call);
  }
  if (cancelled) call->env->Post(call);
  return cancelled;
}

// Cancels the calls in flight on a session, a block or a context's opening list (`calls`, under
// context.mutex), each one way. Those no worker has started are settled before they start, all
// in one critical section: a strand takes its next call under the same mutex, so none of them
// can start between two cancellations or once a running call returns. Then the TEE is asked to
// cancel those that had started, newest first: unordered calls wait in the TEE in about the
// order they were made, and the TEE starts the next one the moment the one ahead of it returns;
// asked in reverse, each is cancelled while it still waits instead of in the TA.
void CancelCallsInFlight(Context& context, const std::vector<Call*>& calls) {
  std::vector<Call*> unstarted;  // settled: their travelling references, posted below
  std::vector<Call*> started;    // referenced until the TEE was asked
  {
    std::lock_guard<std::mutex> lock(context.mutex);
    const std::vector<Call*> snapshot(calls);  // settling a call removes it from `calls`
    for (Call* call : snapshot) {
      if (CancelQueuedLocked(call)) {
        unstarted.push_back(call);
      } else if (call->phase.load() == kRunning) {  // else it is done
        call->Ref();
        started.push_back(call);
      }
    }
  }
  for (Call* call : unstarted) call->env->Post(call);
  // Newest first (opens have no invoke id: any order among them).
  std::sort(started.begin(), started.end(), [](const Call* a, const Call* b) { return a->invoke_id > b->invoke_id; });
  for (Call* call : started) {
    RequestCancel(call);
    call->Unref();
  }
}

}  // namespace rxteec
