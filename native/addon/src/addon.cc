// rx_teec.node: the GP TEE Client API for Node.js, over a libteec loaded at run time.
//
// JS-facing functions (all handles are opaque tagged objects made here):
//   configure({ teecError, argumentError, rangeError, stateError, invokeDone }) -> Float64Array
//                                                 error factories; invoke results are written to
//                                                 the returned records, then invokeDone(count)
//   openLibrary(path) -> library
//   initializeContext(library, name, cb)          cb(code, origin, undefined, context, note)
//   finalizeContext(context, cb)                  cb(code, origin)
//   openSession(context, uuid, login, gid, params, cb, cancellable) -> call id | undefined
//                                                 cb(code, origin, outputs, session, note)
//   closeSession(session, cb)
//   invokeCommand(session, command, params, cancellable, unordered) -> call id
//                                                 queued on the session's strand (FIFO), or with
//                                                 `unordered` a libteec call of its own; settled
//                                                 as a record under the id (see OnCompletion)
//   invokeFast(session, command, types, o0, o1, o2, o3, cancellable, unordered) -> call id
//                                                 invokeCommand with the parameters laid out flat
//                                                 (see ParseFlatParams; types: 0..0xFFFF)
//   (cancellable, unordered: booleans; null or undefined mean false, anything else is a TypeError)
//   cancel(callId)
//   allocateSharedMemory(context, size, flags) -> shm   (synchronous, local to the client)
//   registerSharedMemory(context, buffer, flags) -> shm
//   releaseSharedMemory(shm, cb)
//   stats(), setPoolOptions({ maxThreads, spinMicros, pollMicros }), forceCopySharedMemory(bool)
// See ../README.md for the threading model, the lifetimes and a map of the files.
#include "addon_data.h"
#include "entry_points.h"
#include "js_values.h"
#include "lifecycle.h"
#include "objects.h"
#include "settle.h"
#include "worker_pool.h"

#include <node_api.h>

#include <stdlib.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace rxteec {

AddonData* GetData(napi_env env) {
  void* data = nullptr;
  if (napi_get_instance_data(env, &data) != napi_ok || data == nullptr) {
    napi_throw_error(env, nullptr, "rx-teec addon is not initialized in this environment");
    throw JsException{};
  }
  return static_cast<AddonData*>(data);
}

namespace {

// ---------------------------------------------------------------------------------------------
// JS entry points: the exports' wrapper, configuration, diagnostics and test hooks (the GP ones
// are in context.cc, session.cc and shared_memory.cc: see entry_points.h).

template <napi_value (*Impl)(napi_env, napi_callback_info)>
napi_value Entry(napi_env env, napi_callback_info info) {
  try {
    return Impl(env, info);
  } catch (const JsException&) {
    return nullptr;
  } catch (const std::bad_alloc&) {
    napi_throw_error(env, "ERR_TEEC_OUT_OF_MEMORY", "rx-teec: out of memory");
    return nullptr;
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, e.what());
    return nullptr;
  }
}

napi_value Configure(napi_env env, napi_callback_info info) {
  napi_value args[1];
  GetArgs(env, info, args);
  AddonData* data = GetData(env);
  if (TypeOf(env, args[0]) != napi_object) ThrowArgument(env, "options", "must be an object");
  struct Slot {
    const char* key;
    napi_ref* ref;
  } slots[] = {{"teecError", &data->make_teec_error},
               {"argumentError", &data->make_argument_error},
               {"rangeError", &data->make_range_error},
               {"stateError", &data->make_state_error}};
  for (auto& slot : slots) {
    napi_value fn = GetProperty(env, args[0], slot.key);
    if (TypeOf(env, fn) != napi_function) ThrowArgument(env, std::string("options.") + slot.key, "must be a function");
    DeleteRef(env, slot.ref);
    NAPI_OK(napi_create_reference(env, fn, 1, slot.ref));
  }
  // Invoke results: a function taking the number of records, and the records' buffer.
  napi_value invoke_done = GetProperty(env, args[0], "invokeDone");
  if (TypeOf(env, invoke_done) != napi_function) ThrowArgument(env, "options.invokeDone", "must be a function");
  DeleteRef(env, &data->invoke_done);
  NAPI_OK(napi_create_reference(env, invoke_done, 1, &data->invoke_done));
  napi_value buffer;
  if (data->results_ref == nullptr) {
    void* bytes = nullptr;
    NAPI_OK(napi_create_arraybuffer(env, (kMaxRecords * kRecordDoubles + kScratchDoubles) * sizeof(double), &bytes, &buffer));
    NAPI_OK(napi_create_reference(env, buffer, 1, &data->results_ref));
    data->results = static_cast<double*>(bytes);
  } else {
    NAPI_OK(napi_get_reference_value(env, data->results_ref, &buffer));
  }
  napi_value records;
  NAPI_OK(napi_create_typedarray(env, napi_float64_array, kMaxRecords * kRecordDoubles + kScratchDoubles, buffer, 0, &records));
  return records;
}

void SetNumber(napi_env env, napi_value object, const char* key, double number) {
  NAPI_OK(napi_set_named_property(env, object, key, MakeNumber(env, number)));
}

napi_value StatsJs(napi_env env, napi_callback_info) {
  AddonData* data = GetData(env);
  PoolStats pool = WorkerPool::Instance().Stats();
  size_t contexts = 0, sessions = 0, mems = 0, in_flight = 0;
  std::vector<std::shared_ptr<Context>> snapshot;
  {
    std::lock_guard<std::mutex> lock(data->shared->mutex);
    snapshot.assign(data->shared->contexts.begin(), data->shared->contexts.end());
  }
  for (auto& context : snapshot) {
    std::lock_guard<std::mutex> lock(context->mutex);
    ++contexts;
    sessions += context->sessions.size();
    mems += context->shared_mems.size();
    in_flight += context->opening.size();
    for (auto& session : context->sessions) in_flight += session->in_flight.size();
  }
  napi_value object;
  NAPI_OK(napi_create_object(env, &object));
  SetNumber(env, object, "threads", static_cast<double>(pool.threads));
  SetNumber(env, object, "idleThreads", static_cast<double>(pool.sleeping));
  SetNumber(env, object, "queuedJobs", static_cast<double>(pool.queued));
  SetNumber(env, object, "maxThreads", static_cast<double>(pool.max_threads));
  SetNumber(env, object, "contexts", static_cast<double>(contexts));
  SetNumber(env, object, "sessions", static_cast<double>(sessions));
  SetNumber(env, object, "sharedMemory", static_cast<double>(mems));
  SetNumber(env, object, "callsInFlight", static_cast<double>(in_flight));
  SetNumber(env, object, "pendingCallbacks", static_cast<double>(data->loop_holders));
  SetNumber(env, object, "completionWakeups", static_cast<double>(data->wake_count));
  SetNumber(env, object, "completionWaitMicros", data->wake_count == 0 ? 0.0 : static_cast<double>(data->wake_ns_total) / 1000.0 / static_cast<double>(data->wake_count));
  SetNumber(env, object, "pollMicros", static_cast<double>(data->poller.budget_micros()));
  SetNumber(env, object, "polledMillis", static_cast<double>(data->poller.polled_ns()) / 1e6);
  SetNumber(env, object, "polledRoundTripMicros", static_cast<double>(data->poller.polled_round_trip_ns()) / 1e3);
  SetNumber(env, object, "sleptRoundTripMicros", static_cast<double>(data->poller.slept_round_trip_ns()) / 1e3);
  return object;
}

napi_value SetPoolOptionsJs(napi_env env, napi_callback_info info) {
  napi_value args[1];
  GetArgs(env, info, args);
  if (TypeOf(env, args[0]) != napi_object) ThrowArgument(env, "options", "must be an object");
  napi_value max_threads = GetProperty(env, args[0], "maxThreads");
  napi_value spin = GetProperty(env, args[0], "spinMicros");
  napi_value poll = GetProperty(env, args[0], "pollMicros");
  if (!IsNullish(env, max_threads)) {
    uint32_t value = ToUint32(env, max_threads, "options.maxThreads");
    if (value < 1 || value > 4096) ThrowRange(env, "options.maxThreads", "must be in 1..4096");
    WorkerPool::Instance().SetMaxThreads(value);
  }
  if (!IsNullish(env, spin)) {
    uint32_t value = ToUint32(env, spin, "options.spinMicros");
    if (value > 10000) ThrowRange(env, "options.spinMicros", "must be in 0..10000");
    WorkerPool::Instance().SetSpinMicros(value);
  }
  if (!IsNullish(env, poll)) {
    uint32_t value = ToUint32(env, poll, "options.pollMicros");
    if (value > 10000) ThrowRange(env, "options.pollMicros", "must be in 0..10000");
    GetData(env)->poller.SetBudgetMicros(value);
  }
  return Undefined(env);
}

napi_value ForceCopySharedMemoryJs(napi_env env, napi_callback_info info) {
  napi_value args[1];
  GetArgs(env, info, args);
  bool force = false;
  if (TypeOf(env, args[0]) != napi_boolean) ThrowArgument(env, "force", "must be a boolean");
  NAPI_OK(napi_get_value_bool(env, args[0], &force));
  GetData(env)->force_copy_shm = force;
  return Undefined(env);
}

// Sets (or, with undefined, removes) a variable of the real process environment, which C
// libraries read with getenv (the simulator's client reads RX_TEEC_SIM_SOCKET). Test runners
// such as jest give JS a copy of process.env whose writes never reach it. Call it before any
// context is initialized: setenv is not safe while other threads read the environment.
napi_value SetProcessEnvJs(napi_env env, napi_callback_info info) {
  napi_value args[2];
  GetArgs(env, info, args);
  std::string name = ToUtf8(env, args[0], "name");
  if (name.empty() || name.find('=') != std::string::npos) ThrowArgument(env, "name", "must be a non-empty name without '='");
  int rc = IsNullish(env, args[1]) ? unsetenv(name.c_str()) : setenv(name.c_str(), ToUtf8(env, args[1], "value").c_str(), 1);
  if (rc != 0) {
    napi_throw_error(env, nullptr, "setenv failed");
    throw JsException{};
  }
  return Undefined(env);
}

// ---------------------------------------------------------------------------------------------
// Environment teardown: finalize what the program left open, without waiting forever on a TA
// that ignores cancellation (whatever is still busy after the deadline is left to the OS).

void CleanupEnv(void* raw) {
  auto* data = static_cast<AddonData*>(raw);
  std::shared_ptr<EnvShared> shared = data->shared;
  std::vector<std::shared_ptr<Context>> contexts;
  {
    std::lock_guard<std::mutex> lock(shared->mutex);
    shared->open = false;
    contexts.assign(shared->contexts.begin(), shared->contexts.end());
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  for (auto& context : contexts) {
    std::vector<std::shared_ptr<Session>> sessions;
    std::vector<std::shared_ptr<SharedMem>> mems;
    {
      std::lock_guard<std::mutex> lock(context->mutex);
      // A finalize already running on a worker finishes on its own (or the process ends).
      if (context->state != LifeState::kLive) continue;
      context->state = LifeState::kClosing;
      // Children a closer on a worker is already finishing stay with it; FinalizeNow waits
      // for them until the deadline.
      for (auto& session : context->sessions) {
        if (session->state == LifeState::kLive) {
          session->state = LifeState::kClosing;
          sessions.push_back(session);
        }
      }
      for (auto& mem : context->shared_mems) {
        if (mem->state == LifeState::kLive) {
          mem->state = LifeState::kClosing;
          mems.push_back(mem);
        }
      }
    }
    FinalizeNow(context, sessions, mems, &deadline);
  }
  {
    std::lock_guard<std::mutex> lock(shared->mutex);
    if (shared->completions != nullptr) {
      napi_release_threadsafe_function(shared->completions, napi_tsfn_abort);
      shared->completions = nullptr;
    }
    shared->contexts.clear();
  }
  // Finished calls no JS will settle any more (Post drops those that finish from now on: the
  // environment is no longer open).
  Call* unsettled = shared->TakeReady();
  while (unsettled != nullptr) {
    Call* next = unsettled->next_ready;
    unsettled->Unref();
    unsettled = next;
  }
}

void FinalizeAddonData(napi_env env, void* raw, void*) {
  auto* data = static_cast<AddonData*>(raw);
  delete data;
}

napi_value DefineExports(napi_env env, napi_value exports);

napi_value Init(napi_env env, napi_value exports) {
  void* existing = nullptr;
  // Loaded again in the same environment (e.g. a fresh module registry in a test runner):
  // keep the one state, its completion channel and its cleanup hook.
  if (napi_get_instance_data(env, &existing) == napi_ok && existing != nullptr) return DefineExports(env, exports);
  auto* data = new AddonData();
  data->env = env;
  data->shared = std::make_shared<EnvShared>();
  if (napi_set_instance_data(env, data, FinalizeAddonData, nullptr) != napi_ok) {
    delete data;
    return nullptr;
  }
  data->poller.Init(env);  // optional: without it completions wake the loop as usual
  napi_value name;
  if (napi_create_string_utf8(env, "rx-teec completions", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, data, OnCompletion,
                                      &data->shared->completions) != napi_ok ||
      napi_unref_threadsafe_function(env, data->shared->completions) != napi_ok ||
      // Registered after the thread-safe function so that it runs before Node closes it.
      napi_add_env_cleanup_hook(env, CleanupEnv, data) != napi_ok) {
    return nullptr;
  }
  return DefineExports(env, exports);
}

napi_value DefineExports(napi_env env, napi_value exports) {
  struct Export {
    const char* name;
    napi_callback fn;
  } functions[] = {
      {"configure", Entry<Configure>},
      {"openLibrary", Entry<OpenLibrary>},
      {"initializeContext", Entry<InitializeContext>},
      {"finalizeContext", Entry<FinalizeContextJs>},
      {"openSession", Entry<OpenSessionJs>},
      {"closeSession", Entry<CloseSessionJs>},
      {"invokeCommand", Entry<InvokeCommandJs>},
      {"invokeFast", Entry<InvokeFastJs>},
      {"cancel", Entry<CancelJs>},
      {"allocateSharedMemory", Entry<AllocateSharedMemoryJs>},
      {"registerSharedMemory", Entry<RegisterSharedMemoryJs>},
      {"releaseSharedMemory", Entry<ReleaseSharedMemoryJs>},
      {"stats", Entry<StatsJs>},
      {"setPoolOptions", Entry<SetPoolOptionsJs>},
      {"forceCopySharedMemory", Entry<ForceCopySharedMemoryJs>},
      {"setProcessEnv", Entry<SetProcessEnvJs>},
  };
  for (auto& fn : functions) {
    napi_value value;
    if (napi_create_function(env, fn.name, NAPI_AUTO_LENGTH, fn.fn, nullptr, &value) != napi_ok ||
        napi_set_named_property(env, exports, fn.name, value) != napi_ok) {
      return nullptr;
    }
  }
  return exports;
}

}  // namespace

}  // namespace rxteec

NAPI_MODULE(NODE_GYP_MODULE_NAME, rxteec::Init)
