#include "lifecycle.h"

#include "addon_data.h"
#include "cancellation.h"
#include "released_view.h"
#include "settle.h"

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

namespace rxteec {

namespace {

void RemoveCall(std::vector<Call*>& calls, Call* call) {
  for (size_t i = 0; i < calls.size(); ++i) {
    if (calls[i] == call) {
      calls[i] = calls.back();
      calls.pop_back();
      return;
    }
  }
}

void PostWaitersLocked(std::vector<Call*>& waiters, std::vector<Call*>* out) {
  for (Call* waiter : waiters) out->push_back(waiter);
  waiters.clear();
}

void PostAll(const std::shared_ptr<EnvShared>& env, std::vector<Call*>& calls) {
  for (Call* call : calls) env->Post(call);
  calls.clear();
}

// Waits until no call in `calls` (a session's or a block's calls in flight) is left, cancelling
// them first when `cancel`. False if `deadline` passed first.
bool DrainCalls(Context& context, const std::vector<Call*>& calls, bool cancel,
                const std::chrono::steady_clock::time_point* deadline) {
  if (cancel) CancelCallsInFlight(context, calls);
  std::unique_lock<std::mutex> lock(context.mutex);
  auto idle = [&] { return calls.empty(); };
  if (deadline == nullptr) {
    context.changed.wait(lock, idle);
    return true;
  }
  return context.changed.wait_until(lock, *deadline, idle);
}

// The end of a session's close or a block's release, after the GP call: marks it closed, drops it
// from its context and settles the closes that waited for it. `finalize_orphan`: not at env
// cleanup, which finalizes every context itself.
template <typename Child>
void RetireChild(const std::shared_ptr<Child>& child, std::set<std::shared_ptr<Child>>& siblings, bool finalize_orphan) {
  const std::shared_ptr<Context>& context = child->context;
  std::vector<Call*> waiters;
  {
    std::lock_guard<std::mutex> lock(context->mutex);
    child->state = LifeState::kClosed;
    siblings.erase(child);
    PostWaitersLocked(child->waiters, &waiters);
    context->changed.notify_all();
    if (finalize_orphan) MaybeFinalizeOrphanLocked(context);
  }
  PostAll(context->env, waiters);
}

void SubmitFinalize(const std::shared_ptr<Context>& context, bool gc_initiated) {
  Call* call = new Call(CallKind::kFinalize);
  call->env = context->env;
  call->context = context;
  call->gc_initiated = gc_initiated;
  TakeChildrenLocked(context, call);
  SubmitToPool(call);
}

}  // namespace

// Whether parameter i references a block no earlier parameter of the call does: a block's users
// list a call once, and its copy is synced once, however many parameters use it.
bool FirstUseOfBlock(const Call* call, int i) {
  if (!call->param_mems[i]) return false;
  for (int j = 0; j < i; ++j) {
    if (call->param_mems[j] == call->param_mems[i]) return false;
  }
  return true;
}

// Drops an operation call from every in-flight set it was in.
void DetachOperationLocked(Call* call) {
  if (call->kind == CallKind::kOpen) {
    RemoveCall(call->context->opening, call);
  } else if (call->session) {
    RemoveCall(call->session->in_flight, call);
  }
  for (int i = 0; i < TEEC_CONFIG_PAYLOAD_REF_COUNT; ++i) {
    if (FirstUseOfBlock(call, i)) RemoveCall(call->param_mems[i]->users, call);
  }
  call->context->changed.notify_all();
}

void SubmitToPool(Call* call) {
  call->Ref();  // the pool queue's reference
  WorkerPool::Instance().Submit(call);
}

// A context whose JS handle was collected is finalized once its last child is gone.
void MaybeFinalizeOrphanLocked(const std::shared_ptr<Context>& context) {
  if (context->handle_collected && context->state == LifeState::kLive && context->sessions.empty() &&
      context->shared_mems.empty() && context->opening.empty()) {
    context->state = LifeState::kClosing;
    SubmitFinalize(context, true);
  }
}

// Closes a session that was moved to kClosing: waits for its calls (cancelling them when
// `cancel`), then TEEC_CloseSession. Runs on a worker (or the JS thread at env cleanup).
bool CloseSessionNow(const std::shared_ptr<Session>& session, bool cancel, const std::chrono::steady_clock::time_point* deadline) {
  const std::shared_ptr<Context>& context = session->context;
  if (!DrainCalls(*context, session->in_flight, cancel, deadline)) return false;
  context->library->CloseSession(&session->teec);
  RetireChild(session, context->sessions, deadline == nullptr);
  return true;
}

// Releases a block that was moved to kClosing, as CloseSessionNow closes a session.
bool ReleaseNow(const std::shared_ptr<SharedMem>& mem, bool cancel, const std::chrono::steady_clock::time_point* deadline) {
  const std::shared_ptr<Context>& context = mem->context;
  if (!DrainCalls(*context, mem->users, cancel, deadline)) return false;
  void* base = mem->teec.buffer;  // the release clears both
  size_t size = mem->teec.size;
  context->library->ReleaseSharedMemory(&mem->teec);
  CoverReleasedView(mem.get(), base, size);
  RetireChild(mem, context->shared_mems, deadline == nullptr);
  return true;
}

// Finalizes a context already moved to kClosing: closes its sessions and releases its blocks
// (those `call` took over, and waits for those another closer is finishing), then
// TEEC_FinalizeContext. Returns false if the deadline passed first (env cleanup only).
bool FinalizeNow(const std::shared_ptr<Context>& context, std::vector<std::shared_ptr<Session>>& sessions,
                 std::vector<std::shared_ptr<SharedMem>>& mems, const std::chrono::steady_clock::time_point* deadline) {
  // Cancel what is opening: its session is closed right after it opens (see the open worker).
  CancelCallsInFlight(*context, context->opening);
  for (auto& session : sessions) {
    if (!CloseSessionNow(session, true, deadline)) return false;
  }
  for (auto& mem : mems) {
    if (!ReleaseNow(mem, true, deadline)) return false;
  }
  {
    std::unique_lock<std::mutex> lock(context->mutex);
    auto empty = [&] { return context->sessions.empty() && context->shared_mems.empty() && context->opening.empty(); };
    if (deadline != nullptr) {
      if (!context->changed.wait_until(lock, *deadline, empty)) return false;
    } else {
      context->changed.wait(lock, empty);
    }
  }
  context->library->FinalizeContext(&context->teec);
  std::vector<Call*> waiters;
  {
    std::lock_guard<std::mutex> lock(context->mutex);
    context->state = LifeState::kClosed;
    PostWaitersLocked(context->waiters, &waiters);
  }
  {
    std::lock_guard<std::mutex> lock(context->env->mutex);
    context->env->contexts.erase(context);
  }
  PostAll(context->env, waiters);
  return true;
}

// Moves every live child of a closing context to kClosing and hands them to `call`.
void TakeChildrenLocked(const std::shared_ptr<Context>& context, Call* call) {
  for (const auto& session : context->sessions) {
    if (session->state == LifeState::kLive) {
      session->state = LifeState::kClosing;
      call->sessions_to_close.push_back(session);
    }
  }
  for (const auto& mem : context->shared_mems) {
    if (mem->state == LifeState::kLive) {
      mem->state = LifeState::kClosing;
      call->mems_to_release.push_back(mem);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// JS thread: what closeSession, finalizeContext and releaseSharedMemory share.

Call* NewJsCall(AddonData* data, CallKind kind, const std::shared_ptr<Context>& context, Napi::Function callback) {
  Call* call = new Call(kind);
  call->env = data->shared;
  call->context = context;
  call->callback = Napi::Persistent(callback);
  return call;
}

void SubmitJsCall(AddonData* data, Call* call) {
  KeepLoopAlive(data, call);
  SubmitToPool(call);
}

// Detaches the JS view of a zero-copy block so JS can no longer reach memory about to be
// released (the view of a detached ArrayBuffer has length 0).
void DetachJsView(AddonData* data, SharedMem* mem) {
  if (!mem->zero_copy || mem->js_memory.IsEmpty()) return;
  ForgetZeroCopyBlock(data, mem);
  bool detached_here = false;
  try {
    Napi::Value buffer = mem->js_memory.Value();  // empty once the weak reference is cleared
    if (!buffer.IsEmpty()) {
      auto array_buffer = buffer.As<Napi::ArrayBuffer>();
      if (!array_buffer.IsDetached()) {
        array_buffer.Detach();
        detached_here = true;
      }
    }
  } catch (const Napi::Error&) {
    // Best effort, as the caller has already begun the release (the error is cleared).
  }
  // Detached by someone else (a transfer), or collected (a transfer may hold its memory): the
  // memory may have moved. Detached here, this was the only ArrayBuffer over it.
  mem->view_may_have_moved = !detached_here;
}

void ForgetZeroCopyBlock(AddonData* data, const SharedMem* mem) {
  auto it = data->zero_copy_blocks.find(mem->zero_copy_base);
  // The address may already be a newer block's, after this one was released.
  if (it != data->zero_copy_blocks.end() && it->second == mem) data->zero_copy_blocks.erase(it);
}

// Close, finalize or release asked of an object (its `state` and `waiters`): true if it was live
// and is now kClosing, for the caller to start the close. Otherwise `callback` settles when the
// close in progress ends, or at once if it already ended. Called with the context's mutex held
// (`lock`); may release it.
bool BeginCloseLocked(AddonData* data, Napi::Function callback, const std::shared_ptr<Context>& context, LifeState* state,
                      std::vector<Call*>* waiters, std::unique_lock<std::mutex>* lock) {
  if (*state == LifeState::kLive) {
    *state = LifeState::kClosing;
    return true;
  }
  Call* waiter = NewJsCall(data, CallKind::kWaiter, context, callback);
  KeepLoopAlive(data, waiter);
  if (*state == LifeState::kClosing) {
    waiters->push_back(waiter);
  } else {
    lock->unlock();
    data->shared->Post(waiter);
  }
  return false;
}

}  // namespace rxteec
