#include "entry_points.h"

#include "addon_data.h"
#include "cancellation.h"
#include "handles.h"
#include "js_values.h"
#include "lifecycle.h"
#include "loop_poller.h"
#include "monotonic_clock.h"
#include "objects.h"
#include "params.h"
#include "settle.h"
#include "strand.h"
#include "worker_pool.h"

#include <memory>
#include <mutex>
#include <string>

namespace rxteec {

namespace {

napi_value StartOperation(napi_env env, AddonData* data, Call* call, bool cancellable) {
  napi_value result = Undefined(env);
  if (cancellable) {
    call->cancel_id = data->next_call_id++;
    data->cancellable.emplace(call->cancel_id, call);
    result = MakeNumber(env, call->cancel_id);
  }
  SubmitJsCall(data, call);
  return result;
}

// Admits and queues a parsed invoke on its session's strand; returns its id.
napi_value QueueInvoke(napi_env env, AddonData* data, Call* call, bool cancellable);

napi_value StartInvoke(napi_env env, napi_callback_info info, bool flat) {
  napi_value args[9];
  GetArgs(env, info, args);
  AddonData* data = GetData(env);
  if (data->results == nullptr) {
    napi_throw_error(env, nullptr, "rx-teec: configure() the addon before invoking");
    throw JsException{};
  }
  auto* holder = UnwrapTagged<SessionHolder>(env, args[0], kSessionTag, "session", "a session");
  const std::shared_ptr<Session>& session = holder->session;
  bool cancellable = false;
  Call* call = new Call(CallKind::kInvoke);
  call->env = data->shared;
  call->context = session->context;
  call->session = session;
  try {
    call->command = ToUint32(env, args[1], "command");
    if (flat) {
      ParseFlatParams(env, data, ToParamTypes(env, args[2]), &args[3], call, session->context);
      cancellable = ToBool(env, args[7], "cancellable");
      call->unordered = ToBool(env, args[8], "unordered");
    } else {
      ParseParams(env, args[2], call, session->context);
      cancellable = ToBool(env, args[3], "cancellable");
      call->unordered = ToBool(env, args[4], "unordered");
    }
  } catch (...) {
    CleanupUnstartedCall(env, data, call);
    throw;
  }
  return QueueInvoke(env, data, call, cancellable);
}

napi_value QueueInvoke(napi_env env, AddonData* data, Call* call, bool cancellable) {
  const std::shared_ptr<Session>& session = call->session;
  bool run_now = false;
  try {
    call->invoke_id = data->next_call_id++;
    // Before admission: from then on a worker may run the call, and the library writes the
    // sizes in `op` back.
    call->poll_kind = LoopPoller::KindOf(call->command, call->op.paramTypes, MemrefBytes(call->op));
    if (cancellable) {
      data->cancellable.emplace(call->invoke_id, call);
      call->cancel_id = call->invoke_id;
    }
    const char* why = nullptr;
    std::string mem_why;
    {
      std::lock_guard<std::mutex> lock(session->context->mutex);
      if (session->state != LifeState::kLive) {
        why = "the session is closed";
      } else if (!AdmitOperationLocked(call, &mem_why)) {
        why = mem_why.c_str();
      } else {
        call->Ref();  // the queue's (or strand's) reference
        // An unordered call skips the strand: a call of its own, concurrent with the session's
        // others (GP lets several threads invoke on one session; the TEE queues them), so the
        // next request can wait in the TEE while the current one runs.
        run_now = call->unordered || EnterStrandLocked(session.get(), call);
      }
    }
    if (why != nullptr) ThrowState(env, why, "invokeCommand");
  } catch (...) {
    CleanupUnstartedCall(env, data, call);
    throw;
  }
  // Handed off first, the clock read once for the pool and the poller. From here on a worker may
  // already run the call, but it settles (and drops its last reference) only in OnCompletion,
  // on this thread, after this function returns; only JS-thread fields are written below.
  uint64_t now = NowNanos();
  if (run_now) WorkerPool::Instance().Submit(call, now);
  call->submitted_ns = now;
  KeepLoopAlive(data, call);
  data->poller.OnSubmit(now, call->poll_kind);
  return MakeNumber(env, call->invoke_id);
}

}  // namespace

napi_value OpenSessionJs(napi_env env, napi_callback_info info) {
  napi_value args[7];
  GetArgs(env, info, args);
  AddonData* data = GetData(env);
  auto* holder = UnwrapTagged<ContextHolder>(env, args[0], kContextTag, "context", "a context");
  std::shared_ptr<Context> context = holder->context;
  Call* call = new Call(CallKind::kOpen);
  call->env = data->shared;
  call->context = context;
  bool cancellable = false;
  try {
    call->uuid = ParseUuid(env, args[1]);
    call->login = ToUint32(env, args[2], "login");
    if (!IsNullish(env, args[3])) {
      call->group_id = ToUint32(env, args[3], "connectionData");
      call->has_group_id = call->login == TEEC_LOGIN_GROUP || call->login == TEEC_LOGIN_GROUP_APPLICATION;
    }
    ParseParams(env, args[4], call, context);
    call->callback = CallbackRef(env, args[5]);
    // Read before admission: once admitted to context->opening, a throw would strand the call.
    cancellable = ToBool(env, args[6], "cancellable");
    call->session = std::make_shared<Session>();
    call->session->context = context;
    std::string why;
    {
      std::lock_guard<std::mutex> lock(context->mutex);
      if (context->state != LifeState::kLive) why = "the context is finalized";
      else AdmitOperationLocked(call, &why);
    }
    if (!why.empty()) ThrowState(env, why, "openSession");
  } catch (...) {
    CleanupUnstartedCall(env, data, call);
    throw;
  }
  return StartOperation(env, data, call, cancellable);
}

// invokeCommand(session, command, params, cancellable, unordered) -> id. The result comes back as a record
// under `id` (see OnCompletion); `cancel(id)` works while it is pending if `cancellable`.
napi_value InvokeCommandJs(napi_env env, napi_callback_info info) { return StartInvoke(env, info, false); }

// invokeFast(session, command, types, o0, o1, o2, o3, cancellable, unordered) -> id: invokeCommand with
// the parameters already laid out by the TypeScript side (see ParseFlatParams).
napi_value InvokeFastJs(napi_env env, napi_callback_info info) { return StartInvoke(env, info, true); }

napi_value CancelJs(napi_env env, napi_callback_info info) {
  napi_value args[1];
  GetArgs(env, info, args);
  AddonData* data = GetData(env);
  if (TypeOf(env, args[0]) != napi_number) return Undefined(env);
  double id = 0;
  NAPI_OK(napi_get_value_double(env, args[0], &id));
  auto found = data->cancellable.find(id);
  if (found == data->cancellable.end()) return Undefined(env);  // already settled
  Call* call = found->second;
  if (TryCancelQueued(call)) return Undefined(env);  // it never reaches the TEE
  if (call->phase.load() != kRunning) return Undefined(env);
  // Running: TEEC_RequestCancellation may talk to the TEE, so it goes to a worker.
  Call* job = new Call(CallKind::kCancel);
  job->env = data->shared;
  job->context = call->context;
  call->Ref();
  job->target = call;
  SubmitToPool(job);
  return Undefined(env);
}

napi_value CloseSessionJs(napi_env env, napi_callback_info info) {
  napi_value args[2];
  GetArgs(env, info, args);
  AddonData* data = GetData(env);
  auto* holder = UnwrapTagged<SessionHolder>(env, args[0], kSessionTag, "session", "a session");
  napi_ref callback = CallbackRef(env, args[1]);
  std::shared_ptr<Session> session = holder->session;
  std::shared_ptr<Context> context = session->context;
  std::unique_lock<std::mutex> lock(context->mutex);
  if (!BeginCloseLocked(data, callback, context, &session->state, &session->waiters, &lock)) return Undefined(env);
  lock.unlock();
  Call* call = NewJsCall(data, CallKind::kClose, context, callback);
  call->session = session;
  SubmitJsCall(data, call);
  return Undefined(env);
}

}  // namespace rxteec
