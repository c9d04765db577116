// Lifecycle helpers shared by workers, finalizers and the env cleanup (context mutex held
// where the name ends in Locked): the in-flight sets, closing a session, releasing a block and
// finalizing a context once their calls are done, the finalization of a context whose handle
// was collected; and, on the JS thread, a close asked of an object that is no longer live.
#ifndef RX_TEEC_LIFECYCLE_H
#define RX_TEEC_LIFECYCLE_H

#include <napi.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "objects.h"

namespace rxteec {

struct AddonData;

bool FirstUseOfBlock(const Call* call, int i);
void DetachOperationLocked(Call* call);
void SubmitToPool(Call* call);
void MaybeFinalizeOrphanLocked(const std::shared_ptr<Context>& context);
bool CloseSessionNow(const std::shared_ptr<Session>& session, bool cancel, const std::chrono::steady_clock::time_point* deadline);
bool ReleaseNow(const std::shared_ptr<SharedMem>& mem, bool cancel, const std::chrono::steady_clock::time_point* deadline);
bool FinalizeNow(const std::shared_ptr<Context>& context, std::vector<std::shared_ptr<Session>>& sessions,
                 std::vector<std::shared_ptr<SharedMem>>& mems, const std::chrono::steady_clock::time_point* deadline);
void TakeChildrenLocked(const std::shared_ptr<Context>& context, Call* call);

// JS thread.
// A call of `kind` on `context` that settles `callback`; SubmitJsCall hands it to the pool and
// keeps the event loop alive until it settles.
Call* NewJsCall(AddonData* data, CallKind kind, const std::shared_ptr<Context>& context, Napi::Function callback);
void SubmitJsCall(AddonData* data, Call* call);
void DetachJsView(AddonData* data, SharedMem* mem);
// JS can no longer reach `mem`'s zero-copy view: a buffer at its address is no block of ours.
void ForgetZeroCopyBlock(AddonData* data, const SharedMem* mem);
bool BeginCloseLocked(AddonData* data, Napi::Function callback, const std::shared_ptr<Context>& context, LifeState* state,
                      std::vector<Call*>* waiters, std::unique_lock<std::mutex>* lock);

}  // namespace rxteec

#endif
