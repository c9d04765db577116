#include "entry_points.h"

#include "addon_data.h"
#include "handles.h"
#include "js_values.h"
#include "lifecycle.h"
#include "objects.h"
#include "settle.h"
#include "teec_library.h"

#include <memory>
#include <mutex>
#include <string>

namespace rxteec {

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
  SubmitJsCall(data, call);
  return Undefined(env);
}

napi_value FinalizeContextJs(napi_env env, napi_callback_info info) {
  napi_value args[2];
  GetArgs(env, info, args);
  AddonData* data = GetData(env);
  auto* holder = UnwrapTagged<ContextHolder>(env, args[0], kContextTag, "context", "a context");
  napi_ref callback = CallbackRef(env, args[1]);
  std::shared_ptr<Context> context = holder->context;
  std::unique_lock<std::mutex> lock(context->mutex);
  if (!BeginCloseLocked(data, callback, context, &context->state, &context->waiters, &lock)) return Undefined(env);
  Call* call = NewJsCall(data, CallKind::kFinalize, context, callback);
  TakeChildrenLocked(context, call);
  lock.unlock();
  for (auto& mem : call->mems_to_release) DetachJsView(env, mem.get());
  SubmitJsCall(data, call);
  return Undefined(env);
}

}  // namespace rxteec
