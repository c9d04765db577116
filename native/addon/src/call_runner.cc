// Worker side: Call::Run runs every kind of call on a pool thread (opens and invokes through
// RunOperation, with copy-backed blocks synced around the GP call), and EnvShared::Post hands
// the finished calls to the JS thread.
#include "cancellation.h"
#include "lifecycle.h"
#include "monotonic_clock.h"
#include "objects.h"
#include "strand.h"

#include <cstring>
#include <memory>
#include <mutex>

namespace rxteec {

namespace {

void SyncCopyBackedIn(Call* call) {
  for (int i = 0; i < TEEC_CONFIG_PAYLOAD_REF_COUNT; ++i) {
    if (!FirstUseOfBlock(call, i)) continue;
    auto& mem = call->param_mems[i];
    if (mem->js_copy != nullptr && mem->teec.size > 0) std::memcpy(mem->teec.buffer, mem->js_copy, mem->teec.size);
  }
}

void SyncCopyBackedOut(Call* call) {
  for (int i = 0; i < TEEC_CONFIG_PAYLOAD_REF_COUNT; ++i) {
    if (!FirstUseOfBlock(call, i)) continue;
    auto& mem = call->param_mems[i];
    if (mem->js_copy == nullptr || mem->teec.size == 0 || (mem->teec.flags & TEEC_MEM_OUTPUT) == 0) continue;
    std::memcpy(mem->js_copy, mem->teec.buffer, mem->teec.size);
  }
}

// Runs an open or invoke call; for an invoke, returns the next call of its session's strand
// (taken in the same critical section that retires this one), which this thread runs next.
Call* RunOperation(Call* call) {
  const std::shared_ptr<Context>& context = call->context;
  TeecLibrary& library = *context->library;
  SyncCopyBackedIn(call);
  uint32_t origin = TEEC_ORIGIN_API;
  if (call->kind == CallKind::kOpen) {
    call->result = library.OpenSession(&context->teec, &call->session->teec, &call->uuid, call->login,
                                       call->has_group_id ? &call->group_id : nullptr, &call->op, &origin);
  } else {
    call->result = library.InvokeCommand(&call->session->teec, call->command, &call->op, &origin);
  }
  call->origin = origin;
  {
    // After this no cancellation request can reach the operation.
    std::lock_guard<std::mutex> lock(call->cancel_mutex);
    call->phase.store(kDone);
  }
  SyncCopyBackedOut(call);
  std::unique_lock<std::mutex> lock(context->mutex);
  if (call->kind == CallKind::kOpen && call->result == TEEC_SUCCESS) {
    if (context->state == LifeState::kLive) {
      call->session->state = LifeState::kLive;
      context->sessions.insert(call->session);
    } else {
      // The context is being finalized: it must not gain a session. Closed while still
      // listed as opening, so that the finalizer waits for this close.
      lock.unlock();
      library.CloseSession(&call->session->teec);
      call->session->state = LifeState::kClosed;
      call->result = TEEC_ERROR_BAD_STATE;
      call->origin = TEEC_ORIGIN_API;
      call->note = "the context was finalized while the session was opening";
      lock.lock();
    }
  }
  DetachOperationLocked(call);
  if (call->kind == CallKind::kOpen) {
    MaybeFinalizeOrphanLocked(context);
    return nullptr;
  }
  return NextAfterLocked(call);
}

}  // namespace

void Call::Run() {
  switch (kind) {
    case CallKind::kOpen: {
      int expected = kQueued;
      if (!phase.compare_exchange_strong(expected, kRunning)) {
        Unref();  // cancelled before start: the canceller settled it
        return;
      }
      RunOperation(this);
      break;
    }
    case CallKind::kInvoke: {
      // The head of a session's strand: run it, then the calls queued behind it, on this thread,
      // without a wake-up or a trip through JS in between (an unordered call runs alone). A call
      // cancelled before it started (by JS, or by the close of its session or of a block it
      // uses) was settled by its canceller and is only dropped here.
      Call* call = this;
      while (call != nullptr) {
        Call* next = nullptr;
        int expected = kQueued;
        if (call->phase.compare_exchange_strong(expected, kRunning)) {
          next = RunOperation(call);
          call->env->Post(call);  // the travelling reference
        } else {
          std::lock_guard<std::mutex> lock(call->context->mutex);
          next = NextAfterLocked(call);
        }
        call->Unref();  // the queue's (or strand's) reference
        call = next;
      }
      return;
    }
    case CallKind::kInitialize: {
      result = context->library->InitializeContext(has_context_name ? context_name.c_str() : nullptr, &context->teec);
      origin = TEEC_ORIGIN_API;
      if (result == TEEC_SUCCESS) {
        bool env_open;
        {
          std::lock_guard<std::mutex> lock(env->mutex);
          env_open = env->open;
          if (env_open) env->contexts.insert(context);
        }
        std::lock_guard<std::mutex> lock(context->mutex);
        context->state = env_open ? LifeState::kLive : LifeState::kClosed;
        if (!env_open) context->library->FinalizeContext(&context->teec);
      }
      break;
    }
    case CallKind::kFinalize:
      FinalizeNow(context, sessions_to_close, mems_to_release, nullptr);
      break;
    case CallKind::kClose:
      // A session closed by GC was not asked to stop: its calls may still be awaited.
      CloseSessionNow(session, !gc_initiated, nullptr);
      break;
    case CallKind::kRelease:
      ReleaseNow(shared_mem, !gc_initiated, nullptr);
      break;
    case CallKind::kCancel: {
      RequestCancel(target);
      target->Unref();
      target = nullptr;
      Unref();  // no JS side to settle
      Unref();  // the queue's reference
      return;
    }
    case CallKind::kWaiter:
      break;
  }
  env->Post(this);
  Unref();  // the queue's reference
}

void EnvShared::Post(Call* call) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (open && static_cast<napi_threadsafe_function>(completions) != nullptr) {
      call->next_ready = nullptr;
      if (ready_head != nullptr) {
        // A drain is already scheduled and has not taken the list yet: it settles this one too.
        ready_tail->next_ready = call;
        ready_tail = call;
        return;
      }
      // The first of a batch: its wait for the JS thread is the batch's (stats()).
      call->posted_ns = NowNanos();
      if (completions.NonBlockingCall() == napi_ok) {
        ready_head = ready_tail = call;
        return;
      }
    }
  }
  call->Unref();  // the environment is gone: nothing left to settle
}

Call* EnvShared::TakeReady() {
  std::lock_guard<std::mutex> lock(mutex);
  Call* list = ready_head;
  ready_head = ready_tail = nullptr;
  return list;
}

}  // namespace rxteec
