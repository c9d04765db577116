// The JS entry points of the GP concepts, exported by addon.cc (see the list at its top); each
// reads and checks its arguments, then queues a call or acts at once. Errors are thrown as
// Napi::Error (see js_values.h).
#ifndef RX_TEEC_ENTRY_POINTS_H
#define RX_TEEC_ENTRY_POINTS_H

#include <napi.h>

namespace rxteec {

// context.cc: openLibrary, initializeContext, finalizeContext.
Napi::Value OpenLibrary(const Napi::CallbackInfo& info);
Napi::Value InitializeContext(const Napi::CallbackInfo& info);
Napi::Value FinalizeContextJs(const Napi::CallbackInfo& info);

// session.cc: openSession, invokeCommand and invokeFast (queued on the session's strand, or
// unordered), cancel, closeSession.
Napi::Value OpenSessionJs(const Napi::CallbackInfo& info);
Napi::Value CancelJs(const Napi::CallbackInfo& info);
Napi::Value CloseSessionJs(const Napi::CallbackInfo& info);
// The invokes take up to 9 arguments: more than Napi::CallbackInfo keeps on the stack (6), past
// which it allocates them and asks N-API for them twice. So they read their arguments with one
// napi_get_cb_info into an array of their own (addon.cc wraps them like the others).
napi_value InvokeCommandJs(Napi::Env env, napi_callback_info info);
napi_value InvokeFastJs(Napi::Env env, napi_callback_info info);

// shared_memory.cc: allocateSharedMemory (a zero-copy view of the block, or a JS copy synced
// around each call), registerSharedMemory, releaseSharedMemory.
Napi::Value AllocateSharedMemoryJs(const Napi::CallbackInfo& info);
Napi::Value RegisterSharedMemoryJs(const Napi::CallbackInfo& info);
Napi::Value ReleaseSharedMemoryJs(const Napi::CallbackInfo& info);

}  // namespace rxteec

#endif
