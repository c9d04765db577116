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
// See ../README.md for the threading model and lifetimes.
#include <node_api.h>

#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <unordered_map>

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
// JS entry points.

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

napi_value OpenLibrary(napi_env env, napi_callback_info info) {
  napi_value args[1];
  GetArgs(env, info, args);
  std::string path = ToUtf8(env, args[0], "library");
  std::string error;
  std::shared_ptr<TeecLibrary> library = TeecLibrary::Open(path, &error);
  if (!library) {
    napi_throw_error(env, "ERR_TEEC_LIBRARY", error.c_str());
    throw JsException{};
  }
  napi_value handle = MakeHandle(env, new LibraryHolder{library}, kLibraryTag, OnLibraryCollected);
  NAPI_OK(napi_set_named_property(env, handle, "path", MakeString(env, path)));
  return handle;
}

napi_value InitializeContext(napi_env env, napi_callback_info info) {
  napi_value args[3];
  GetArgs(env, info, args);
  AddonData* data = GetData(env);
  auto* library = UnwrapTagged<LibraryHolder>(env, args[0], kLibraryTag, "library", "a library");
  Call* call = new Call(CallKind::kInitialize);
  try {
    if (!IsNullish(env, args[1])) {
      call->context_name = ToUtf8(env, args[1], "name");
      call->has_context_name = true;
    }
    call->callback = CallbackRef(env, args[2]);
  } catch (...) {
    CleanupUnstartedCall(env, data, call);
    throw;
  }
  auto context = std::make_shared<Context>();
  context->library = library->library;
  context->env = data->shared;
  call->env = data->shared;
  call->context = context;
  KeepLoopAlive(data, call);
  SubmitToPool(call);
  return Undefined(env);
}

// Starts an asynchronous close-like call (finalize, close, release) or, when one is already
// in progress, queues a waiter settled with it; when already closed, settles at once.
Call* MakeWaiter(napi_env env, AddonData* data, napi_ref callback, const std::shared_ptr<Context>& context) {
  Call* waiter = new Call(CallKind::kWaiter);
  waiter->env = data->shared;
  waiter->context = context;
  waiter->callback = callback;
  KeepLoopAlive(data, waiter);
  return waiter;
}

// Detaches the JS view of a zero-copy block so JS can no longer reach memory about to be
// released (the view of a detached ArrayBuffer has length 0).
void DetachJsView(napi_env env, SharedMem* mem) {
  if (!mem->zero_copy || mem->js_memory == nullptr) return;
  napi_value buffer = nullptr;
  if (napi_get_reference_value(env, mem->js_memory, &buffer) == napi_ok && buffer != nullptr) {
    bool detached = false;
    if (napi_is_detached_arraybuffer(env, buffer, &detached) == napi_ok && !detached) {
      napi_detach_arraybuffer(env, buffer);
    }
  }
}

// Close, finalize or release asked of an object that is no longer live: the callback settles when
// the close in progress ends, or at once if it already ended. Returns false, doing nothing, for a
// live object. Called with the context's mutex held (`lock`); may release it.
bool WaitForCloseLocked(napi_env env, AddonData* data, napi_ref callback, const std::shared_ptr<Context>& context,
                        LifeState state, std::vector<Call*>* waiters, std::unique_lock<std::mutex>* lock) {
  if (state == LifeState::kLive) return false;
  Call* waiter = MakeWaiter(env, data, callback, context);
  if (state == LifeState::kClosing) {
    waiters->push_back(waiter);
  } else {
    lock->unlock();
    data->shared->Post(waiter);
  }
  return true;
}

napi_value FinalizeContextJs(napi_env env, napi_callback_info info) {
  napi_value args[2];
  GetArgs(env, info, args);
  AddonData* data = GetData(env);
  auto* holder = UnwrapTagged<ContextHolder>(env, args[0], kContextTag, "context", "a context");
  napi_ref callback = CallbackRef(env, args[1]);
  std::shared_ptr<Context> context = holder->context;
  std::unique_lock<std::mutex> lock(context->mutex);
  if (WaitForCloseLocked(env, data, callback, context, context->state, &context->waiters, &lock)) return Undefined(env);
  context->state = LifeState::kClosing;
  Call* call = new Call(CallKind::kFinalize);
  call->env = data->shared;
  call->context = context;
  call->callback = callback;
  TakeChildrenLocked(context, call);
  lock.unlock();
  for (auto& mem : call->mems_to_release) DetachJsView(env, mem.get());
  KeepLoopAlive(data, call);
  SubmitToPool(call);
  return Undefined(env);
}

napi_value StartOperation(napi_env env, AddonData* data, Call* call, bool cancellable) {
  napi_value result = Undefined(env);
  if (cancellable) {
    call->cancel_id = data->next_call_id++;
    data->cancellable.emplace(call->cancel_id, call);
    result = MakeNumber(env, call->cancel_id);
  }
  KeepLoopAlive(data, call);
  SubmitToPool(call);
  return result;
}

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
  if (WaitForCloseLocked(env, data, callback, context, session->state, &session->waiters, &lock)) return Undefined(env);
  session->state = LifeState::kClosing;
  lock.unlock();
  Call* call = new Call(CallKind::kClose);
  call->env = data->shared;
  call->context = context;
  call->session = session;
  call->callback = callback;
  KeepLoopAlive(data, call);
  SubmitToPool(call);
  return Undefined(env);
}

// Adds a fresh block to its context, or releases it again if the context closed meanwhile.
void AdoptSharedMem(napi_env env, const std::shared_ptr<SharedMem>& mem, const char* operation) {
  const std::shared_ptr<Context>& context = mem->context;
  {
    std::lock_guard<std::mutex> lock(context->mutex);
    if (context->state == LifeState::kLive) {
      mem->state = LifeState::kLive;
      context->shared_mems.insert(mem);
      return;
    }
  }
  context->library->ReleaseSharedMemory(&mem->teec);
  mem->state = LifeState::kClosed;
  ThrowState(env, "the context is finalized", operation);
}

void CheckContextLive(napi_env env, const std::shared_ptr<Context>& context, const char* operation) {
  std::lock_guard<std::mutex> lock(context->mutex);
  if (context->state != LifeState::kLive) ThrowState(env, "the context is finalized", operation);
}

napi_value AllocateSharedMemoryJs(napi_env env, napi_callback_info info) {
  napi_value args[3];
  GetArgs(env, info, args);
  AddonData* data = GetData(env);
  auto* holder = UnwrapTagged<ContextHolder>(env, args[0], kContextTag, "context", "a context");
  std::shared_ptr<Context> context = holder->context;
  size_t size = ToSize(env, args[1], "size");
  uint32_t flags = ToUint32(env, args[2], "flags");
  CheckContextLive(env, context, "allocateSharedMemory");
  auto mem = std::make_shared<SharedMem>();
  mem->context = context;
  mem->allocated = true;
  mem->teec.size = size;
  mem->teec.flags = flags;
  TEEC_Result result = context->library->AllocateSharedMemory(&context->teec, &mem->teec);
  if (result != TEEC_SUCCESS) ThrowTeec(env, result, TEEC_ORIGIN_API, "allocateSharedMemory", "");
  AdoptSharedMem(env, mem, "allocateSharedMemory");

  // From here on the block is the context's: a failure below leaves it to be released with it.
  napi_value array_buffer = nullptr;
  bool zero_copy = false;
  if (mem->teec.size > 0 && mem->teec.buffer != nullptr && !data->force_copy_shm && data->external_buffers_allowed) {
    auto* buffer_holder = new SharedMemHolder{mem};
    mem->js_holders.fetch_add(1);
    napi_status status = napi_create_external_arraybuffer(env, mem->teec.buffer, mem->teec.size, OnExternalBufferCollected,
                                                          buffer_holder, &array_buffer);
    if (status == napi_ok) {
      zero_copy = true;
    } else {
      mem->js_holders.fetch_sub(1);
      delete buffer_holder;
      array_buffer = nullptr;
      // Runtimes with a V8 sandbox (e.g. Electron) forbid external buffers: copy from now on.
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (pending) {
        napi_value ignored;
        napi_get_and_clear_last_exception(env, &ignored);
      }
      data->external_buffers_allowed = false;
    }
  }
  if (zero_copy) {
    mem->zero_copy = true;
    NAPI_OK(napi_create_reference(env, array_buffer, 0, &mem->js_memory));
  } else {
    void* bytes = nullptr;
    NAPI_OK(napi_create_arraybuffer(env, mem->teec.size, &bytes, &array_buffer));
    NAPI_OK(napi_create_reference(env, array_buffer, 1, &mem->js_memory));
    mem->js_copy = static_cast<uint8_t*>(bytes);
    if (mem->teec.size > 0 && mem->teec.buffer != nullptr) std::memcpy(bytes, mem->teec.buffer, mem->teec.size);
  }
  napi_value view;
  NAPI_OK(napi_create_typedarray(env, napi_uint8_array, mem->teec.size, array_buffer, 0, &view));
  return MakeSharedMemHandle(env, mem, view);
}

napi_value RegisterSharedMemoryJs(napi_env env, napi_callback_info info) {
  napi_value args[3];
  GetArgs(env, info, args);
  auto* holder = UnwrapTagged<ContextHolder>(env, args[0], kContextTag, "context", "a context");
  std::shared_ptr<Context> context = holder->context;
  napi_value buffer = args[1];
  bool is_typed = false;
  bool is_array_buffer = false;
  NAPI_OK(napi_is_typedarray(env, buffer, &is_typed));
  NAPI_OK(napi_is_arraybuffer(env, buffer, &is_array_buffer));
  void* bytes = nullptr;
  size_t length = 0;
  napi_value view = buffer;
  if (is_typed) {
    napi_typedarray_type type;
    NAPI_OK(napi_get_typedarray_info(env, buffer, &type, &length, &bytes, nullptr, nullptr));
    if (type != napi_uint8_array && type != napi_uint8_clamped_array) is_typed = false;
  } else if (is_array_buffer) {
    NAPI_OK(napi_get_arraybuffer_info(env, buffer, &bytes, &length));
    NAPI_OK(napi_create_typedarray(env, napi_uint8_array, length, buffer, 0, &view));
  }
  if (!is_typed && !is_array_buffer) ThrowArgument(env, "buffer", "must be a Uint8Array, Buffer or ArrayBuffer, got " + Describe(env, buffer));
  uint32_t flags = ToUint32(env, args[2], "flags");
  CheckContextLive(env, context, "registerSharedMemory");
  static uint8_t empty_block;  // GP refuses a NULL buffer; an empty JS buffer may have none
  auto mem = std::make_shared<SharedMem>();
  mem->context = context;
  mem->teec.buffer = (bytes == nullptr && length == 0) ? &empty_block : bytes;
  mem->teec.size = length;
  mem->teec.flags = flags;
  TEEC_Result result = context->library->RegisterSharedMemory(&context->teec, &mem->teec);
  if (result != TEEC_SUCCESS) ThrowTeec(env, result, TEEC_ORIGIN_API, "registerSharedMemory", "");
  AdoptSharedMem(env, mem, "registerSharedMemory");
  // The caller's memory must outlive the registration.
  NAPI_OK(napi_create_reference(env, buffer, 1, &mem->js_memory));
  return MakeSharedMemHandle(env, mem, view);
}

napi_value ReleaseSharedMemoryJs(napi_env env, napi_callback_info info) {
  napi_value args[2];
  GetArgs(env, info, args);
  AddonData* data = GetData(env);
  auto* holder = UnwrapTagged<SharedMemHolder>(env, args[0], kSharedMemTag, "shm", "a shared memory handle");
  napi_ref callback = CallbackRef(env, args[1]);
  std::shared_ptr<SharedMem> mem = holder->mem;
  std::shared_ptr<Context> context = mem->context;
  std::unique_lock<std::mutex> lock(context->mutex);
  if (WaitForCloseLocked(env, data, callback, context, mem->state, &mem->waiters, &lock)) return Undefined(env);
  mem->state = LifeState::kClosing;
  lock.unlock();
  DetachJsView(env, mem.get());
  Call* call = new Call(CallKind::kRelease);
  call->env = data->shared;
  call->context = context;
  call->shared_mem = mem;
  call->callback = callback;
  KeepLoopAlive(data, call);
  SubmitToPool(call);
  return Undefined(env);
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
