// The JS entry points of the GP concepts, exported by addon.cc (see the list at its top); each
// reads and checks its arguments, then queues a call or acts at once.
#ifndef RX_TEEC_ENTRY_POINTS_H
#define RX_TEEC_ENTRY_POINTS_H

#include <node_api.h>

namespace rxteec {

// context.cc: openLibrary, initializeContext, finalizeContext.
napi_value OpenLibrary(napi_env env, napi_callback_info info);
napi_value InitializeContext(napi_env env, napi_callback_info info);
napi_value FinalizeContextJs(napi_env env, napi_callback_info info);

// session.cc: openSession, invokeCommand and invokeFast (queued on the session's strand, or
// unordered), cancel, closeSession.
napi_value OpenSessionJs(napi_env env, napi_callback_info info);
napi_value InvokeCommandJs(napi_env env, napi_callback_info info);
napi_value InvokeFastJs(napi_env env, napi_callback_info info);
napi_value CancelJs(napi_env env, napi_callback_info info);
napi_value CloseSessionJs(napi_env env, napi_callback_info info);

// shared_memory.cc: allocateSharedMemory (a zero-copy view of the block, or a JS copy synced
// around each call), registerSharedMemory, releaseSharedMemory.
napi_value AllocateSharedMemoryJs(napi_env env, napi_callback_info info);
napi_value RegisterSharedMemoryJs(napi_env env, napi_callback_info info);
napi_value ReleaseSharedMemoryJs(napi_env env, napi_callback_info info);

}  // namespace rxteec

#endif
