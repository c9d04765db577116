// JS thread: the JS handles of libraries, contexts, sessions and blocks (objects tagged as ours,
// wrapping a holder of the native object) and their GC safety net: a handle collected while its
// object is still live closes it on a worker (see Lifetimes in ../README.md).
#ifndef RX_TEEC_HANDLES_H
#define RX_TEEC_HANDLES_H

#include <napi.h>

#include <memory>

#include "js_values.h"
#include "objects.h"
#include "teec_library.h"

namespace rxteec {

// Type tags tell our handles apart from any other object (Napi::Object::CheckTypeTag).
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

// Tags `object` (a new plain object by default) and wraps `holder` into it; `finalize` deletes
// the holder when the object is collected. napi_wrap is a C call: node-addon-api wraps only
// ObjectWrap classes, and our handles are plain objects.
template <typename Holder>
Napi::Object MakeHandle(Napi::Env env, Holder* holder, const napi_type_tag& tag, napi_finalize finalize,
                        Napi::Object object = Napi::Object()) {
  try {
    if (object.IsEmpty()) object = Napi::Object::New(env);
    object.TypeTag(&tag);
    NAPI_THROW_IF_FAILED(env, napi_wrap(env, object, holder, finalize, nullptr, nullptr), object);
  } catch (...) {
    delete holder;
    throw;
  }
  return object;
}

Napi::Object MakeContextHandle(Napi::Env env, const std::shared_ptr<Context>& context);
Napi::Object MakeSessionHandle(Napi::Env env, const std::shared_ptr<Session>& session);
Napi::Object MakeSharedMemHandle(Napi::Env env, const std::shared_ptr<SharedMem>& mem, Napi::Value view);

}  // namespace rxteec

#endif
