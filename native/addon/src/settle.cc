#include "settle.h"

#include "addon_data.h"
#include "handles.h"
#include "js_values.h"
#include "monotonic_clock.h"
#include "params.h"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace rxteec {

namespace {

void ReleaseLoop(AddonData* data, Call* call) {
  if (!call->keeps_loop_alive) return;
  call->keeps_loop_alive = false;
  if (--data->loop_holders == 0) data->shared->completions.Unref(data->env);
}

// The JS-thread resources of a settled call: buffers it kept alive, its cancellation id, its
// hold on the event loop.
void ReleaseCallJsRefs(AddonData* data, Call* call) {
  for (auto& memory : call->pinned) memory.reset();
  if (call->cancel_id != 0) {
    data->cancellable.erase(call->cancel_id);
    call->cancel_id = 0;
  }
  ReleaseLoop(data, call);
}

// A JS callback threw: the TypeScript callbacks only settle promises, so report it as uncaught
// (napi_fatal_exception: node-addon-api has no equivalent). Nothing may escape: this runs in the
// thread-safe function's callback, where a C++ exception would end the process. An environment
// being torn down (a worker terminated) fails even reading the error: then there is no one left
// to report to.
void ReportUncaught(Napi::Env env, const Napi::Error& error) noexcept {
  try {
    napi_fatal_exception(env, error.Value());
  } catch (...) {
  }
}

// openSession's outputs: per parameter { a, b }, { size } or {}; undefined without parameters.
Napi::Value MakeOutputs(Napi::Env env, Call* call) {
  if (call->op.paramTypes == 0) return env.Undefined();
  Napi::Array outputs = Napi::Array::New(env, TEEC_CONFIG_PAYLOAD_REF_COUNT);
  for (uint32_t i = 0; i < TEEC_CONFIG_PAYLOAD_REF_COUNT; ++i) {
    ParamOutput output = ReadOutput(call->op, i);
    Napi::Object entry = Napi::Object::New(env);
    if (output.kind == ParamOutput::kValue) {
      entry.Set("a", Napi::Number::New(env, output.first));
      entry.Set("b", Napi::Number::New(env, output.second));
    } else if (output.kind == ParamOutput::kSize) {
      entry.Set("size", Napi::Number::New(env, output.first));
    }
    outputs.Set(i, entry);
  }
  return outputs;
}

// Frees the JS-side resources of a released block (registered buffer, JS copy, weak ref).
void DropSharedMemJsRefs(SharedMem* mem) {
  mem->js_memory.Reset();
  mem->js_copy = nullptr;
}

// Settles every call but invokes (those go to JS as records: see OnCompletion).
void SettleCall(Napi::Env env, AddonData* data, Call* call) {
  ReleaseCallJsRefs(data, call);
  if (call->kind == CallKind::kRelease || (call->kind == CallKind::kFinalize)) {
    if (call->shared_mem) DropSharedMemJsRefs(call->shared_mem.get());
    for (auto& mem : call->mems_to_release) DropSharedMemJsRefs(mem.get());
  }
  if (call->callback.IsEmpty()) return;

  napi_value args[5];
  args[0] = Napi::Number::New(env, call->result);
  args[1] = Napi::Number::New(env, call->origin);
  args[2] = env.Undefined();
  args[3] = env.Undefined();
  args[4] = call->note != nullptr ? Napi::String::New(env, call->note) : env.Undefined();
  if (call->kind == CallKind::kOpen && call->note == nullptr) {
    args[2] = MakeOutputs(env, call);
  }
  if (call->kind == CallKind::kOpen && call->result == TEEC_SUCCESS) args[3] = MakeSessionHandle(env, call->session);
  if (call->kind == CallKind::kInitialize && call->result == TEEC_SUCCESS) {
    if (call->context->state == LifeState::kLive) {
      args[3] = MakeContextHandle(env, call->context);
    } else {
      args[0] = Napi::Number::New(env, TEEC_ERROR_BAD_STATE);
      args[4] = Napi::String::New(env, "the environment is shutting down");
    }
  }
  Napi::Function callback = call->callback.Value();
  call->callback.Reset();
  try {
    callback.Call(env.Global(), 5, args);
  } catch (const Napi::Error& error) {
    ReportUncaught(env, error);
  }
}

// Writes a settled invoke's record: id, code, origin, note (0 none, 1 cancelled before start),
// then per parameter (a, b) for values or (size, 0) for memrefs.
void WriteInvokeRecord(AddonData* data, Call* call, size_t index) {
  double* r = data->results + index * kRecordDoubles;
  r[0] = call->invoke_id;
  r[1] = call->result;
  r[2] = call->origin;
  r[3] = call->note == nullptr ? 0 : 1;
  for (uint32_t i = 0; i < TEEC_CONFIG_PAYLOAD_REF_COUNT; ++i) {
    ParamOutput output = ReadOutput(call->op, i);
    r[4 + 2 * i] = output.first;
    r[5 + 2 * i] = output.second;
  }
}

// Hands `count` invoke records to JS in one call.
void FlushInvokeRecords(Napi::Env env, AddonData* data, size_t count) {
  try {
    Napi::HandleScope scope(env);
    Napi::Function fn = data->invoke_done.Value();
    if (!fn.IsEmpty()) fn.Call(env.Undefined(), {Napi::Number::New(env, static_cast<double>(count))});
  } catch (const Napi::Error& error) {
    ReportUncaught(env, error);
  }
}

}  // namespace

void KeepLoopAlive(AddonData* data, Call* call) {
  call->keeps_loop_alive = true;
  if (data->loop_holders++ == 0) data->shared->completions.Ref(data->env);
}

// Drops a call that failed before it was queued: what a settled call releases, its callback,
// and its only reference.
void CleanupUnstartedCall(AddonData* data, Call* call) {
  ReleaseCallJsRefs(data, call);
  call->callback.Reset();
  call->Unref();
}

// One wake-up of the JS thread: settles every call that finished since the last one, invokes
// through the batched records (one JS call per kMaxRecords), the rest one by one. Calls are
// settled in the order they finished.
void OnCompletion(Napi::Env env, Napi::Function /*js_callback*/, AddonData* data, Call* /*unused*/) {
  if (env == nullptr) return;  // torn down: CleanupEnv drops what is left
  Call* call = data->shared->TakeReady();
  size_t records = 0;
  uint64_t woke = NowNanos();
  if (call != nullptr) {
    // The first call of the batch waited longest: from its post to this wake-up.
    uint64_t waited = woke > call->posted_ns ? woke - call->posted_ns : 0;
    data->wake_ns_total += waited;
    data->wake_count += 1;
  }
  while (call != nullptr) {
    Call* next = call->next_ready;
    call->next_ready = nullptr;
    try {
      if (call->kind == CallKind::kInvoke) {  // every invoke has an id and a results array
        data->poller.OnSettle(woke, call->poll_kind, woke > call->submitted_ns ? woke - call->submitted_ns : 0,
                              call->phase.load() != kCancelledBeforeStart);
        ReleaseCallJsRefs(data, call);
        WriteInvokeRecord(data, call, records++);
        if (records == kMaxRecords) {
          FlushInvokeRecords(env, data, records);
          records = 0;
        }
      } else {
        if (records > 0) {
          FlushInvokeRecords(env, data, records);
          records = 0;
        }
        Napi::HandleScope scope(env);
        SettleCall(env, data, call);
      }
    } catch (const Napi::Error& error) {
      ReportUncaught(env, error);
    }
    call->Unref();
    call = next;
  }
  if (records > 0) FlushInvokeRecords(env, data, records);
}

}  // namespace rxteec
