// Keeps the memory of a JS ArrayBuffer alive while the TEE may use it, even if JS detaches the
// buffer meanwhile. A transfer (postMessage, structuredClone) moves an ArrayBuffer's memory to a
// new one, which may be collected long before the call that still uses the memory returns: a
// reference to the old, detached object does not keep the memory. N-API has no way to hold the
// memory itself, so this takes V8's BackingStore, as Node's own asynchronous APIs (zlib, fs) do.
// A transfer then behaves as in Node: the JS side is detached, the memory lives on until the TEE
// is done with it.
#ifndef RX_TEEC_PINNED_MEMORY_H
#define RX_TEEC_PINNED_MEMORY_H

#include <node_api.h>

#include <memory>

namespace v8 {
class BackingStore;
}

namespace rxteec {

using PinnedMemory = std::shared_ptr<v8::BackingStore>;

// The memory of `value`, an ArrayBuffer or a view (typed array, Buffer, DataView) the caller has
// checked; null for anything else. JS thread only; the result may be dropped on any thread.
PinnedMemory PinMemory(napi_value value);

// True if JS may shrink the memory in place (a resizable ArrayBuffer): pinning cannot keep a
// shrunk buffer's pages, so the TEE must not be given such memory. A growable
// SharedArrayBuffer only grows, and is accepted.
bool MayShrink(const PinnedMemory& memory);

// Where the memory starts (null for none).
const void* PinnedData(const PinnedMemory& memory);

}  // namespace rxteec

#endif
