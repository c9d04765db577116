#include "entry_points.h"

#include "addon_data.h"
#include "handles.h"
#include "js_values.h"
#include "lifecycle.h"
#include "objects.h"
#include "teec_library.h"

#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace rxteec {

Napi::Value OpenLibrary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = ToUtf8(info[0], "library");
  std::string error;
  std::shared_ptr<TeecLibrary> library = TeecLibrary::Open(path, &error);
  if (!library) {
    Napi::Error failure = Napi::Error::New(env, error);
    failure.Set("code", Napi::String::New(env, "ERR_TEEC_LIBRARY"));
    throw failure;
  }
  Napi::Object handle = MakeHandle(env, new LibraryHolder{library}, kLibraryTag, OnLibraryCollected);
  handle.Set("path", Napi::String::New(env, path));
  return handle;
}

Napi::Value InitializeContext(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData* data = GetData(env);
  auto* library = UnwrapTagged<LibraryHolder>(info[0], kLibraryTag, "library", "a library");
  bool named = !IsNullish(info[1]);
  std::string name = named ? ToUtf8(info[1], "name") : std::string();
  Napi::Function callback = ToCallback(info[2]);
  auto context = std::make_shared<Context>();
  context->library = library->library;
  context->env = data->shared;
  Call* call = NewJsCall(data, CallKind::kInitialize, context, callback);
  call->context_name = std::move(name);
  call->has_context_name = named;
  SubmitJsCall(data, call);
  return env.Undefined();
}

Napi::Value FinalizeContextJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData* data = GetData(env);
  auto* holder = UnwrapTagged<ContextHolder>(info[0], kContextTag, "context", "a context");
  Napi::Function callback = ToCallback(info[1]);
  std::shared_ptr<Context> context = holder->context;
  std::unique_lock<std::mutex> lock(context->mutex);
  if (!BeginCloseLocked(data, callback, context, &context->state, &context->waiters, &lock)) return env.Undefined();
  Call* call = NewJsCall(data, CallKind::kFinalize, context, callback);
  TakeChildrenLocked(context, call);
  lock.unlock();
  for (auto& mem : call->mems_to_release) DetachJsView(data, mem.get());
  SubmitJsCall(data, call);
  return env.Undefined();
}

}  // namespace rxteec
