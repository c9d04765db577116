// JS thread: the JS handles of libraries, contexts, sessions and blocks (objects tagged as ours,
// wrapping a holder of the native object) and their GC safety net: a handle collected while its
// object is still live closes it on a worker (see Lifetimes in ../README.md).
#ifndef RX_TEEC_HANDLES_H
#define RX_TEEC_HANDLES_H

#include <node_api.h>

#include <memory>

#include "js_values.h"
#include "objects.h"
#include "teec_library.h"

namespace rxteec {

// Type tags tell our handles apart from any other object (napi_check_object_type_tag).
const napi_type_tag kLibraryTag = {0x7278746565634c49ull, 0x6272617279000001ull};
const napi_type_tag kContextTag = {0x7278746565634374ull, 0x7874000000000002ull};
const napi_type_tag kSessionTag = {0x7278746565635365ull, 0x7373696f6e000003ull};
const napi_type_tag kSharedMemTag = {0x727874656563536dull, 0x656d000000000004ull};

struct LibraryHolder {
  std::shared_ptr<TeecLibrary> library;
};
struct ContextHolder {
  std::shared_ptr<Context> context;
};
struct SessionHolder {
  std::shared_ptr<Session> session;
};
struct SharedMemHolder {
  std::shared_ptr<SharedMem> mem;
};

void OnLibraryCollected(napi_env env, void* raw, void* hint);
void OnExternalBufferCollected(napi_env env, void* data, void* hint);

template <typename Holder>
napi_value MakeHandle(napi_env env, Holder* holder, const napi_type_tag& tag, napi_finalize finalize, napi_value object = nullptr) {
  if (object == nullptr) NAPI_OK(napi_create_object(env, &object));
  if (napi_type_tag_object(env, object, &tag) != napi_ok || napi_wrap(env, object, holder, finalize, nullptr, nullptr) != napi_ok) {
    delete holder;
    throw JsException{};
  }
  return object;
}

napi_value MakeContextHandle(napi_env env, const std::shared_ptr<Context>& context);
napi_value MakeSessionHandle(napi_env env, const std::shared_ptr<Session>& session);
napi_value MakeSharedMemHandle(napi_env env, const std::shared_ptr<SharedMem>& mem, napi_value view);

}  // namespace rxteec

#endif
