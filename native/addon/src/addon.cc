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
#include "busy_wait_budget.h"
#include "entry_points.h"
#include "js_values.h"
#include "lifecycle.h"
#include "objects.h"
#include "released_view.h"
#include "settle.h"
#include "worker_pool.h"

#include <napi.h>

#include <stdlib.h>

#include <chrono>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

namespace rxteec {

AddonData* GetData(Napi::Env env) {
  auto* data = env.GetInstanceData<AddonData>();
  if (data == nullptr) throw Napi::Error::New(env, "rx-teec addon is not initialized in this environment");
  return data;
}

namespace {

// ---------------------------------------------------------------------------------------------
// JS entry points: the exports' wrappers, configuration, diagnostics and test hooks (the GP ones
// are in context.cc, session.cc and shared_memory.cc: see entry_points.h).

// Turns the C++ exceptions other than Napi::Error into one (node-addon-api's callback wrapper
// throws a Napi::Error into JS and lets anything else through).
[[noreturn]] void RethrowAsNapi(Napi::Env env) {
  try {
    throw;
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    Napi::Error error = Napi::Error::New(env, "rx-teec: out of memory");
    error.Set("code", Napi::String::New(env, "ERR_TEEC_OUT_OF_MEMORY"));
    throw error;
  } catch (const std::exception& e) {
    throw Napi::Error::New(env, e.what());
  }
}

template <Napi::Value (*Impl)(const Napi::CallbackInfo&)>
Napi::Value Entry(const Napi::CallbackInfo& info) {
  try {
    return Impl(info);
  } catch (...) {
    RethrowAsNapi(info.Env());
  }
}

// The invokes' wrapper (see entry_points.h): as node-addon-api's, around a plain N-API callback.
template <napi_value (*Impl)(Napi::Env, napi_callback_info)>
napi_value RawEntry(napi_env env, napi_callback_info info) {
  try {
    try {
      return Impl(env, info);
    } catch (...) {
      RethrowAsNapi(env);
    }
  } catch (const Napi::Error& error) {
    error.ThrowAsJavaScriptException();
    return nullptr;
  }
}

Napi::Value Configure(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData* data = GetData(env);
  if (info[0].Type() != napi_object) ThrowArgument(env, "options", "must be an object");
  Napi::Object options = info[0].As<Napi::Object>();
  // The error factories, then invokeDone: a function taking the number of records.
  struct Slot {
    const char* key;
    Napi::FunctionReference* ref;
  } slots[] = {{"teecError", &data->make_teec_error},
               {"argumentError", &data->make_argument_error},
               {"rangeError", &data->make_range_error},
               {"stateError", &data->make_state_error},
               {"invokeDone", &data->invoke_done}};
  for (auto& slot : slots) {
    Napi::Value fn = options.Get(slot.key);
    if (fn.Type() != napi_function) ThrowArgument(env, std::string("options.") + slot.key, "must be a function");
    *slot.ref = Napi::Persistent(fn.As<Napi::Function>());
  }
  // The records' buffer, made once.
  constexpr size_t kDoubles = kMaxRecords * kRecordDoubles + kScratchDoubles;
  if (data->results_ref.IsEmpty()) {
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, kDoubles * sizeof(double));
    data->results_ref = Napi::Persistent(buffer);
    data->results = static_cast<double*>(buffer.Data());
  }
  return Napi::Float64Array::New(env, kDoubles, data->results_ref.Value(), 0);
}

Napi::Value StatsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
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
  Napi::Object object = Napi::Object::New(env);
  object.Set("threads", static_cast<double>(pool.threads));
  object.Set("idleThreads", static_cast<double>(pool.sleeping));
  object.Set("queuedJobs", static_cast<double>(pool.queued));
  object.Set("maxThreads", static_cast<double>(pool.max_threads));
  object.Set("contexts", static_cast<double>(contexts));
  object.Set("sessions", static_cast<double>(sessions));
  object.Set("sharedMemory", static_cast<double>(mems));
  object.Set("callsInFlight", static_cast<double>(in_flight));
  object.Set("pendingCallbacks", static_cast<double>(data->loop_holders));
  object.Set("completionWakeups", static_cast<double>(data->wake_count));
  object.Set("completionWaitMicros", data->wake_count == 0 ? 0.0 : static_cast<double>(data->wake_ns_total) / 1000.0 / static_cast<double>(data->wake_count));
  object.Set("pollMicros", static_cast<double>(data->poller.budget_micros()));
  object.Set("usableCpus", UsableCpus());
  object.Set("zeroCopyBlocks", static_cast<double>(data->zero_copy_blocks.size()));
  object.Set("standInMappings", static_cast<double>(StandInMappings()));
  object.Set("polledMillis", static_cast<double>(data->poller.polled_ns()) / 1e6);
  object.Set("polledRoundTripMicros", static_cast<double>(data->poller.polled_round_trip_ns()) / 1e3);
  object.Set("sleptRoundTripMicros", static_cast<double>(data->poller.slept_round_trip_ns()) / 1e3);
  return object;
}

Napi::Value SetPoolOptionsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info[0].Type() != napi_object) ThrowArgument(env, "options", "must be an object");
  Napi::Object options = info[0].As<Napi::Object>();
  Napi::Value max_threads = options.Get("maxThreads");
  Napi::Value spin = options.Get("spinMicros");
  Napi::Value poll = options.Get("pollMicros");
  if (!IsNullish(max_threads)) {
    uint32_t value = ToUint32(max_threads, "options.maxThreads");
    if (value < 1 || value > 4096) ThrowRange(env, "options.maxThreads", "must be in 1..4096");
    WorkerPool::Instance().SetMaxThreads(value);
  }
  if (!IsNullish(spin)) {
    uint32_t value = ToUint32(spin, "options.spinMicros");
    if (value > 10000) ThrowRange(env, "options.spinMicros", "must be in 0..10000");
    WorkerPool::Instance().SetSpinMicros(value);
  }
  if (!IsNullish(poll)) {
    uint32_t value = ToUint32(poll, "options.pollMicros");
    if (value > 10000) ThrowRange(env, "options.pollMicros", "must be in 0..10000");
    GetData(env)->poller.SetBudgetMicros(value);
  }
  return env.Undefined();
}

Napi::Value ForceCopySharedMemoryJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info[0].Type() != napi_boolean) ThrowArgument(env, "force", "must be a boolean");
  GetData(env)->force_copy_shm = info[0].As<Napi::Boolean>().Value();
  return env.Undefined();
}

// Sets (or, with undefined, removes) a variable of the real process environment, which C
// libraries read with getenv (the simulator's client reads RX_TEEC_SIM_SOCKET). Test runners
// such as jest give JS a copy of process.env whose writes never reach it. Call it before any
// context is initialized: setenv is not safe while other threads read the environment.
Napi::Value SetProcessEnvJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string name = ToUtf8(info[0], "name");
  if (name.empty() || name.find('=') != std::string::npos) ThrowArgument(env, "name", "must be a non-empty name without '='");
  int rc = IsNullish(info[1]) ? unsetenv(name.c_str()) : setenv(name.c_str(), ToUtf8(info[1], "value").c_str(), 1);
  if (rc != 0) throw Napi::Error::New(env, "setenv failed");
  return env.Undefined();
}

// ---------------------------------------------------------------------------------------------
// Environment teardown: finalize what the program left open, without waiting forever on a TA
// that ignores cancellation (whatever is still busy after the deadline is left to the OS).

void CleanupEnv(AddonData* data) {
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
    if (static_cast<napi_threadsafe_function>(shared->completions) != nullptr) {
      shared->completions.Abort();
      shared->completions = Completions();
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

Napi::Object DefineExports(Napi::Env env, Napi::Object exports);

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Loaded again in the same environment (e.g. a fresh module registry in a test runner):
  // keep the one state, its completion channel and its cleanup hook.
  if (env.GetInstanceData<AddonData>() != nullptr) return DefineExports(env, exports);
  auto* data = new AddonData();
  data->env = env;
  data->shared = std::make_shared<EnvShared>();
  env.SetInstanceData(data);  // deleted with the environment
  data->poller.Init(env);  // optional: without it completions wake the loop as usual
  data->shared->completions = Completions::New(env, "rx-teec completions", 0, 1, data);
  data->shared->completions.Unref(env);
  // Registered after the thread-safe function so that it runs before Node closes it.
  if (env.AddCleanupHook(CleanupEnv, data).IsEmpty()) return Napi::Object();
  return DefineExports(env, exports);
}

Napi::Object DefineExports(Napi::Env env, Napi::Object exports) {
  struct Export {
    const char* name;
    Napi::Function::Callback fn;
  } functions[] = {
      {"configure", Entry<Configure>},
      {"openLibrary", Entry<OpenLibrary>},
      {"initializeContext", Entry<InitializeContext>},
      {"finalizeContext", Entry<FinalizeContextJs>},
      {"openSession", Entry<OpenSessionJs>},
      {"closeSession", Entry<CloseSessionJs>},
      {"cancel", Entry<CancelJs>},
      {"allocateSharedMemory", Entry<AllocateSharedMemoryJs>},
      {"registerSharedMemory", Entry<RegisterSharedMemoryJs>},
      {"releaseSharedMemory", Entry<ReleaseSharedMemoryJs>},
      {"stats", Entry<StatsJs>},
      {"setPoolOptions", Entry<SetPoolOptionsJs>},
      {"forceCopySharedMemory", Entry<ForceCopySharedMemoryJs>},
      {"setProcessEnv", Entry<SetProcessEnvJs>},
  };
  for (auto& fn : functions) exports.Set(fn.name, Napi::Function::New(env, fn.fn, fn.name));
  // The invokes are plain N-API callbacks (see entry_points.h).
  struct RawExport {
    const char* name;
    napi_callback fn;
  } invokes[] = {{"invokeCommand", RawEntry<InvokeCommandJs>}, {"invokeFast", RawEntry<InvokeFastJs>}};
  for (auto& fn : invokes) {
    napi_value value;
    NAPI_THROW_IF_FAILED(env, napi_create_function(env, fn.name, NAPI_AUTO_LENGTH, fn.fn, nullptr, &value), exports);
    exports.Set(fn.name, value);
  }
  return exports;
}

}  // namespace

}  // namespace rxteec

// NODE_API_MODULE pastes the function's name into an identifier: no qualified name.
static Napi::Object InitRxTeec(Napi::Env env, Napi::Object exports) { return rxteec::Init(env, exports); }

NODE_API_MODULE(NODE_GYP_MODULE_NAME, InitRxTeec)
