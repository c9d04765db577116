#include "entry_points.h"

#include "addon_data.h"
#include "handles.h"
#include "js_values.h"
#include "lifecycle.h"
#include "objects.h"
#include "settle.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>

namespace rxteec {

namespace {

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

}  // namespace

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
  if (!BeginCloseLocked(data, callback, context, &mem->state, &mem->waiters, &lock)) return Undefined(env);
  lock.unlock();
  DetachJsView(env, mem.get());
  Call* call = NewJsCall(data, CallKind::kRelease, context, callback);
  call->shared_mem = mem;
  SubmitJsCall(data, call);
  return Undefined(env);
}

}  // namespace rxteec
