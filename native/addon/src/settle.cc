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
  if (--data->loop_holders == 0) napi_unref_threadsafe_function(data->env, data->shared->completions);
}

// A handle scope for the duration of a block (one per settled call in a batch).
class HandleScope {
 public:
  explicit HandleScope(napi_env env) : env_(env) {
    if (napi_open_handle_scope(env, &scope_) != napi_ok) scope_ = nullptr;
  }
  ~HandleScope() {
    if (scope_ != nullptr) napi_close_handle_scope(env_, scope_);
  }
  HandleScope(const HandleScope&) = delete;
  HandleScope& operator=(const HandleScope&) = delete;

 private:
  napi_env env_;
  napi_handle_scope scope_ = nullptr;
};

// The JS-thread resources of a settled call: buffers it kept alive, its cancellation id, its
// hold on the event loop.
void ReleaseCallJsRefs(napi_env env, AddonData* data, Call* call) {
  for (auto& ref : call->buffer_refs) DeleteRef(env, &ref);
  if (call->cancel_id != 0) {
    data->cancellable.erase(call->cancel_id);
    call->cancel_id = 0;
  }
  ReleaseLoop(data, call);
}

// openSession's outputs: per parameter { a, b }, { size } or {}; undefined without parameters.
napi_value MakeOutputs(napi_env env, Call* call) {
  if (call->op.paramTypes == 0) return Undefined(env);
  napi_value outputs;
  NAPI_OK(napi_create_array_with_length(env, TEEC_CONFIG_PAYLOAD_REF_COUNT, &outputs));
  for (uint32_t i = 0; i < TEEC_CONFIG_PAYLOAD_REF_COUNT; ++i) {
    ParamOutput output = ReadOutput(call->op, i);
    napi_value entry;
    NAPI_OK(napi_create_object(env, &entry));
    if (output.kind == ParamOutput::kValue) {
      NAPI_OK(napi_set_named_property(env, entry, "a", MakeNumber(env, output.first)));
      NAPI_OK(napi_set_named_property(env, entry, "b", MakeNumber(env, output.second)));
    } else if (output.kind == ParamOutput::kSize) {
      NAPI_OK(napi_set_named_property(env, entry, "size", MakeNumber(env, output.first)));
    }
    NAPI_OK(napi_set_element(env, outputs, i, entry));
  }
  return outputs;
}

// Frees the JS-side resources of a released block (registered buffer, JS copy, weak ref).
void DropSharedMemJsRefs(napi_env env, SharedMem* mem) {
  DeleteRef(env, &mem->js_memory);
  mem->js_copy = nullptr;
}

// Settles every call but invokes (those go to JS as records: see OnCompletion).
void SettleCall(napi_env env, AddonData* data, Call* call) {
  ReleaseCallJsRefs(env, data, call);
  if (call->kind == CallKind::kRelease || (call->kind == CallKind::kFinalize)) {
    if (call->shared_mem) DropSharedMemJsRefs(env, call->shared_mem.get());
    for (auto& mem : call->mems_to_release) DropSharedMemJsRefs(env, mem.get());
  }
  if (call->callback == nullptr) return;

  napi_value args[5];
  args[0] = MakeNumber(env, call->result);
  args[1] = MakeNumber(env, call->origin);
  args[2] = Undefined(env);
  args[3] = Undefined(env);
  args[4] = call->note != nullptr ? MakeString(env, call->note) : Undefined(env);
  if (call->kind == CallKind::kOpen && call->note == nullptr) {
    args[2] = MakeOutputs(env, call);
  }
  if (call->kind == CallKind::kOpen && call->result == TEEC_SUCCESS) args[3] = MakeSessionHandle(env, call->session);
  if (call->kind == CallKind::kInitialize && call->result == TEEC_SUCCESS) {
    if (call->context->state == LifeState::kLive) {
      args[3] = MakeContextHandle(env, call->context);
    } else {
      args[0] = MakeNumber(env, TEEC_ERROR_BAD_STATE);
      args[4] = MakeString(env, "the environment is shutting down");
    }
  }
  napi_value callback = nullptr;
  napi_value global = nullptr;
  NAPI_OK(napi_get_reference_value(env, call->callback, &callback));
  DeleteRef(env, &call->callback);
  NAPI_OK(napi_get_global(env, &global));
  napi_value ignored;
  if (napi_call_function(env, global, callback, 5, args, &ignored) != napi_ok) {
    // The TypeScript callbacks only settle promises; if one throws, report it as uncaught.
    napi_value error;
    if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
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
void FlushInvokeRecords(napi_env env, AddonData* data, size_t count) {
  HandleScope scope(env);
  napi_value fn = nullptr, recv = nullptr, arg = nullptr, ignored = nullptr;
  if (napi_get_reference_value(env, data->invoke_done, &fn) != napi_ok || fn == nullptr ||
      napi_get_undefined(env, &recv) != napi_ok || napi_create_uint32(env, static_cast<uint32_t>(count), &arg) != napi_ok) {
    return;
  }
  if (napi_call_function(env, recv, fn, 1, &arg, &ignored) != napi_ok) {
    napi_value error;
    if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
  }
}

}  // namespace

void KeepLoopAlive(AddonData* data, Call* call) {
  call->keeps_loop_alive = true;
  if (data->loop_holders++ == 0) napi_ref_threadsafe_function(data->env, data->shared->completions);
}

// Drops a call that failed before it was queued: what a settled call releases, its callback,
// and its only reference.
void CleanupUnstartedCall(napi_env env, AddonData* data, Call* call) {
  ReleaseCallJsRefs(env, data, call);
  DeleteRef(env, &call->callback);
  call->Unref();
}

// One wake-up of the JS thread: settles every call that finished since the last one, invokes
// through the batched records (one JS call per kMaxRecords), the rest one by one. Calls are
// settled in the order they finished.
void OnCompletion(napi_env env, napi_value /*js_callback*/, void* context, void* /*unused*/) {
  if (env == nullptr) return;  // torn down: CleanupEnv drops what is left
  AddonData* data = static_cast<AddonData*>(context);
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
        ReleaseCallJsRefs(env, data, call);
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
        HandleScope scope(env);
        SettleCall(env, data, call);
      }
    } catch (const JsException&) {
      napi_value error;
      if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
    }
    call->Unref();
    call = next;
  }
  if (records > 0) FlushInvokeRecords(env, data, records);
}

}  // namespace rxteec
