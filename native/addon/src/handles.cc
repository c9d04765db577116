#include "handles.h"

#include "lifecycle.h"
#include "released_view.h"

#include <memory>
#include <mutex>
#include <utility>

namespace rxteec {

namespace {

// False once the environment's cleanup has begun: from then on it finalizes what is left.
bool EnvOpen(const Context& context) {
  std::lock_guard<std::mutex> lock(context.env->mutex);
  return context.env->open;
}

// The GC safety net for a session or block whose JS handle was collected while still live:
// moves it to kClosing and submits its close (`kind`, with the child in the call's `slot`).
// Nothing if it was already closing or closed, or if the env cleanup has begun (it closes what
// is left).
template <typename Child>
void SubmitGcClose(const std::shared_ptr<Child>& child, CallKind kind, std::shared_ptr<Child> Call::*slot) {
  const std::shared_ptr<Context>& context = child->context;
  if (!EnvOpen(*context)) return;
  std::lock_guard<std::mutex> lock(context->mutex);
  if (child->state != LifeState::kLive) return;
  child->state = LifeState::kClosing;
  Call* call = new Call(kind);
  call->env = context->env;
  call->context = context;
  call->gc_initiated = true;
  call->*slot = child;
  SubmitToPool(call);
}

void OnContextCollected(napi_env, void* raw, void*) {
  auto* holder = static_cast<ContextHolder*>(raw);
  std::shared_ptr<Context> context = std::move(holder->context);
  delete holder;
  if (!EnvOpen(*context)) return;  // the env cleanup finalizes what is left
  std::lock_guard<std::mutex> lock(context->mutex);
  context->handle_collected = true;
  MaybeFinalizeOrphanLocked(context);
}

void OnSessionCollected(napi_env, void* raw, void*) {
  auto* holder = static_cast<SessionHolder*>(raw);
  std::shared_ptr<Session> session = std::move(holder->session);
  delete holder;
  SubmitGcClose(session, CallKind::kClose, &Call::session);
}

// One JS holder of a block (its handle, or its external ArrayBuffer) is gone.
void DropSharedMemHolder(std::shared_ptr<SharedMem> mem) {
  if (mem->js_holders.fetch_sub(1) != 1) return;
  SubmitGcClose(mem, CallKind::kRelease, &Call::shared_mem);
}

void OnSharedMemCollected(napi_env, void* raw, void*) {
  auto* holder = static_cast<SharedMemHolder*>(raw);
  std::shared_ptr<SharedMem> mem = std::move(holder->mem);
  delete holder;
  DropSharedMemHolder(std::move(mem));
}

}  // namespace

void OnLibraryCollected(napi_env, void* raw, void*) { delete static_cast<LibraryHolder*>(raw); }

void OnExternalBufferCollected(napi_env env, void* /*data*/, void* hint) {
  auto* holder = static_cast<SharedMemHolder*>(hint);
  std::shared_ptr<SharedMem> mem = std::move(holder->mem);
  delete holder;
  EndView(mem.get());
  // Its address may be reused now. Not once the environment is being torn down: its data may
  // be gone then, and no JS is left to pass a buffer.
  void* data = nullptr;
  if (EnvOpen(*mem->context) && napi_get_instance_data(env, &data) == napi_ok && data != nullptr) {
    ForgetZeroCopyBlock(static_cast<AddonData*>(data), mem.get());
  }
  DropSharedMemHolder(std::move(mem));
}

Napi::Object MakeContextHandle(Napi::Env env, const std::shared_ptr<Context>& context) {
  return MakeHandle(env, new ContextHolder{context}, kContextTag, OnContextCollected);
}

Napi::Object MakeSessionHandle(Napi::Env env, const std::shared_ptr<Session>& session) {
  return MakeHandle(env, new SessionHolder{session}, kSessionTag, OnSessionCollected);
}

// Builds the JS handle of a block: { size, flags, buffer, zeroCopy, kind }, all read-only.
Napi::Object MakeSharedMemHandle(Napi::Env env, const std::shared_ptr<SharedMem>& mem, Napi::Value view) {
  Napi::Object object = Napi::Object::New(env);
  napi_property_attributes attrs = napi_enumerable;
  object.DefineProperties({
      Napi::PropertyDescriptor::Value("size", Napi::Number::New(env, static_cast<double>(mem->teec.size)), attrs),
      Napi::PropertyDescriptor::Value("flags", Napi::Number::New(env, mem->teec.flags), attrs),
      Napi::PropertyDescriptor::Value("buffer", view, attrs),
      Napi::PropertyDescriptor::Value("zeroCopy", Napi::Boolean::New(env, mem->zero_copy), attrs),
      Napi::PropertyDescriptor::Value("kind", Napi::String::New(env, mem->allocated ? "allocated" : "registered"), attrs),
  });
  mem->js_holders.fetch_add(1);
  return MakeHandle(env, new SharedMemHolder{mem}, kSharedMemTag, OnSharedMemCollected, object);
}

}  // namespace rxteec
