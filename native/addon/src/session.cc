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

Napi::Value StartOperation(Napi::Env env, AddonData* data, Call* call, bool cancellable) {
  Napi::Value result = env.Undefined();
  if (cancellable) {
    call->cancel_id = data->next_call_id++;
    data->cancellable.emplace(call->cancel_id, call);
    result = Napi::Number::New(env, call->cancel_id);
  }
  SubmitJsCall(data, call);
  return result;
}

// Admits and queues a parsed invoke on its session's strand; returns its id.
napi_value QueueInvoke(Napi::Env env, AddonData* data, Call* call, bool cancellable);

// invokeCommand's and invokeFast's arguments: one napi_get_cb_info into a stack array (see
// entry_points.h); missing ones read as undefined.
constexpr size_t kInvokeArgs = 9;

napi_value StartInvoke(Napi::Env env, napi_callback_info info, bool flat) {
  napi_value raw[kInvokeArgs];
  size_t argc = kInvokeArgs;
  NAPI_THROW_IF_FAILED(env, napi_get_cb_info(env, info, &argc, raw, nullptr, nullptr), nullptr);
  for (size_t i = argc; i < kInvokeArgs; ++i) raw[i] = env.Undefined();
  auto arg = [&](size_t i) { return Napi::Value(env, raw[i]); };
  AddonData* data = GetData(env);
  if (data->results == nullptr) throw Napi::Error::New(env, "rx-teec: configure() the addon before invoking");
  auto* holder = UnwrapTagged<SessionHolder>(arg(0), kSessionTag, "session", "a session");
  const std::shared_ptr<Session>& session = holder->session;
  bool cancellable = false;
  Call* call = new Call(CallKind::kInvoke);
  call->env = data->shared;
  call->context = session->context;
  call->session = session;
  try {
    call->command = ToUint32(arg(1), "command");
    if (flat) {
      ParseFlatParams(env, data, ToParamTypes(arg(2)), &raw[3], call, session->context);
      cancellable = ToBool(arg(7), "cancellable");
      call->unordered = ToBool(arg(8), "unordered");
    } else {
      ParseParams(data, arg(2), call, session->context);
      cancellable = ToBool(arg(3), "cancellable");
      call->unordered = ToBool(arg(4), "unordered");
    }
  } catch (...) {
    CleanupUnstartedCall(data, call);
    throw;
  }
  return QueueInvoke(env, data, call, cancellable);
}

napi_value QueueInvoke(Napi::Env env, AddonData* data, Call* call, bool cancellable) {
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
    CleanupUnstartedCall(data, call);
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
  return Napi::Number::New(env, call->invoke_id);
}

}  // namespace

Napi::Value OpenSessionJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData* data = GetData(env);
  auto* holder = UnwrapTagged<ContextHolder>(info[0], kContextTag, "context", "a context");
  std::shared_ptr<Context> context = holder->context;
  Call* call = new Call(CallKind::kOpen);
  call->env = data->shared;
  call->context = context;
  bool cancellable = false;
  try {
    call->uuid = ParseUuid(info[1]);
    call->login = ToUint32(info[2], "login");
    if (!IsNullish(info[3])) {
      call->group_id = ToUint32(info[3], "connectionData");
      call->has_group_id = call->login == TEEC_LOGIN_GROUP || call->login == TEEC_LOGIN_GROUP_APPLICATION;
    }
    ParseParams(data, info[4], call, context);
    call->callback = Napi::Persistent(ToCallback(info[5]));
    // Read before admission: once admitted to context->opening, a throw would strand the call.
    cancellable = ToBool(info[6], "cancellable");
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
    CleanupUnstartedCall(data, call);
    throw;
  }
  return StartOperation(env, data, call, cancellable);
}

// invokeCommand(session, command, params, cancellable, unordered) -> id. The result comes back as a record
// under `id` (see OnCompletion); `cancel(id)` works while it is pending if `cancellable`.
napi_value InvokeCommandJs(Napi::Env env, napi_callback_info info) { return StartInvoke(env, info, false); }

// invokeFast(session, command, types, o0, o1, o2, o3, cancellable, unordered) -> id: invokeCommand with
// the parameters already laid out by the TypeScript side (see ParseFlatParams).
napi_value InvokeFastJs(Napi::Env env, napi_callback_info info) { return StartInvoke(env, info, true); }

Napi::Value CancelJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData* data = GetData(env);
  if (info[0].Type() != napi_number) return env.Undefined();
  double id = info[0].As<Napi::Number>().DoubleValue();
  auto found = data->cancellable.find(id);
  if (found == data->cancellable.end()) return env.Undefined();  // already settled
  Call* call = found->second;
  if (TryCancelQueued(call)) return env.Undefined();  // it never reaches the TEE
  if (call->phase.load() != kRunning) return env.Undefined();
  // Running: TEEC_RequestCancellation may talk to the TEE, so it goes to a worker.
  Call* job = new Call(CallKind::kCancel);
  job->env = data->shared;
  job->context = call->context;
  call->Ref();
  job->target = call;
  SubmitToPool(job);
  return env.Undefined();
}

Napi::Value CloseSessionJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData* data = GetData(env);
  auto* holder = UnwrapTagged<SessionHolder>(info[0], kSessionTag, "session", "a session");
  Napi::Function callback = ToCallback(info[1]);
  std::shared_ptr<Session> session = holder->session;
  std::shared_ptr<Context> context = session->context;
  std::unique_lock<std::mutex> lock(context->mutex);
  if (!BeginCloseLocked(data, callback, context, &session->state, &session->waiters, &lock)) return env.Undefined();
  lock.unlock();
  Call* call = NewJsCall(data, CallKind::kClose, context, callback);
  call->session = session;
  SubmitJsCall(data, call);
  return env.Undefined();
}

}  // namespace rxteec
