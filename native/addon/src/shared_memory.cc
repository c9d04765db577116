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
void AdoptSharedMem(Napi::Env env, const std::shared_ptr<SharedMem>& mem, const char* operation) {
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

void CheckContextLive(Napi::Env env, const std::shared_ptr<Context>& context, const char* operation) {
  std::lock_guard<std::mutex> lock(context->mutex);
  if (context->state != LifeState::kLive) ThrowState(env, "the context is finalized", operation);
}

}  // namespace

bool IsZeroCopyBlock(const AddonData* data, const PinnedMemory& memory) {
  const void* base = PinnedData(memory);
  return base != nullptr && data->zero_copy_blocks.count(base) != 0;
}

Napi::Value AllocateSharedMemoryJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData* data = GetData(env);
  auto* holder = UnwrapTagged<ContextHolder>(info[0], kContextTag, "context", "a context");
  std::shared_ptr<Context> context = holder->context;
  size_t size = ToSize(info[1], "size");
  uint32_t flags = ToUint32(info[2], "flags");
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
  Napi::ArrayBuffer array_buffer;
  bool zero_copy = false;
  if (mem->teec.size > 0 && mem->teec.buffer != nullptr && !data->force_copy_shm && data->external_buffers_allowed) {
    auto* buffer_holder = new SharedMemHolder{mem};
    mem->js_holders.fetch_add(1);
    // A C call: Napi::ArrayBuffer::New over external data is compiled out where
    // NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED is defined, and here a failure is expected and handled.
    napi_value external = nullptr;
    napi_status status = napi_create_external_arraybuffer(env, mem->teec.buffer, mem->teec.size, OnExternalBufferCollected,
                                                          buffer_holder, &external);
    if (status == napi_ok) {
      zero_copy = true;
      array_buffer = Napi::ArrayBuffer(env, external);
      mem->zero_copy_base = mem->teec.buffer;
      mem->view_alive = true;
      data->zero_copy_blocks[mem->zero_copy_base] = mem.get();
    } else {
      mem->js_holders.fetch_sub(1);
      delete buffer_holder;
      // Runtimes with a V8 sandbox (e.g. Electron) forbid external buffers: copy from now on.
      if (env.IsExceptionPending()) env.GetAndClearPendingException();
      data->external_buffers_allowed = false;
    }
  }
  if (zero_copy) {
    mem->zero_copy = true;
    mem->js_memory = Napi::Reference<Napi::Value>::New(array_buffer, 0);
  } else {
    array_buffer = Napi::ArrayBuffer::New(env, mem->teec.size);
    mem->pinned = PinMemory(array_buffer);  // the worker copies to and from it
    mem->js_memory = Napi::Reference<Napi::Value>::New(array_buffer, 1);
    mem->js_copy = static_cast<uint8_t*>(array_buffer.Data());
    if (mem->teec.size > 0 && mem->teec.buffer != nullptr) std::memcpy(mem->js_copy, mem->teec.buffer, mem->teec.size);
  }
  Napi::Uint8Array view = Napi::Uint8Array::New(env, mem->teec.size, array_buffer, 0);
  return MakeSharedMemHandle(env, mem, view);
}

Napi::Value RegisterSharedMemoryJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto* holder = UnwrapTagged<ContextHolder>(info[0], kContextTag, "context", "a context");
  std::shared_ptr<Context> context = holder->context;
  Napi::Value buffer = info[1];
  bool is_typed = buffer.IsTypedArray();
  bool is_array_buffer = buffer.IsArrayBuffer();
  void* bytes = nullptr;
  size_t length = 0;
  Napi::Value view = buffer;
  if (is_typed) {
    Napi::Uint8Array typed(env, buffer);  // any typed array: its type is checked here
    if (typed.TypedArrayType() != napi_uint8_array && typed.TypedArrayType() != napi_uint8_clamped_array) {
      is_typed = false;
    } else {
      bytes = typed.Data();
      length = typed.ByteLength();
    }
  } else if (is_array_buffer) {
    auto array_buffer = buffer.As<Napi::ArrayBuffer>();
    bytes = array_buffer.Data();
    length = array_buffer.ByteLength();
    view = Napi::Uint8Array::New(env, length, array_buffer, 0);
  }
  if (!is_typed && !is_array_buffer) ThrowArgument(env, "buffer", "must be a Uint8Array, Buffer or ArrayBuffer, got " + Describe(buffer));
  // The memory stays registered (and alive) until the block is released, even if JS transfers it.
  PinnedMemory memory = PinMemory(buffer);
  if (MayShrink(memory)) ThrowArgument(env, "buffer", "must not be a resizable ArrayBuffer (JS could shrink it under the TEE)");
  if (IsZeroCopyBlock(GetData(env), memory)) {
    ThrowArgument(env, "buffer", "must not be allocated shared memory (its release would unmap it under this block; use the allocated block itself)");
  }
  uint32_t flags = ToUint32(info[2], "flags");
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
  mem->pinned = std::move(memory);
  mem->js_memory = Napi::Reference<Napi::Value>::New(buffer, 1);
  return MakeSharedMemHandle(env, mem, view);
}

Napi::Value ReleaseSharedMemoryJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData* data = GetData(env);
  auto* holder = UnwrapTagged<SharedMemHolder>(info[0], kSharedMemTag, "shm", "a shared memory handle");
  Napi::Function callback = ToCallback(info[1]);
  std::shared_ptr<SharedMem> mem = holder->mem;
  std::shared_ptr<Context> context = mem->context;
  std::unique_lock<std::mutex> lock(context->mutex);
  if (!BeginCloseLocked(data, callback, context, &mem->state, &mem->waiters, &lock)) return env.Undefined();
  lock.unlock();
  DetachJsView(data, mem.get());
  Call* call = NewJsCall(data, CallKind::kRelease, context, callback);
  call->shared_mem = mem;
  SubmitJsCall(data, call);
  return env.Undefined();
}

}  // namespace rxteec
