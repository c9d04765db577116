#include "pinned_memory.h"

#include <v8.h>

#include <cstring>

namespace rxteec {

PinnedMemory PinMemory(napi_value value) {
  // Node's napi_value is a v8::Local<v8::Value> (its N-API implementation converts one to the
  // other by this same copy).
  static_assert(sizeof(v8::Local<v8::Value>) == sizeof(napi_value), "napi_value is not a v8::Local");
  v8::Local<v8::Value> local;
  std::memcpy(static_cast<void*>(&local), &value, sizeof value);
  if (local.IsEmpty()) return nullptr;
  if (local->IsArrayBufferView()) {
    // A view's buffer is an ArrayBuffer or a SharedArrayBuffer (V8 types both as ArrayBuffer here).
    v8::Local<v8::Value> buffer = local.As<v8::ArrayBufferView>()->Buffer();
    if (buffer->IsSharedArrayBuffer()) return buffer.As<v8::SharedArrayBuffer>()->GetBackingStore();
    return buffer.As<v8::ArrayBuffer>()->GetBackingStore();
  }
  if (local->IsArrayBuffer()) return local.As<v8::ArrayBuffer>()->GetBackingStore();
  return nullptr;
}

bool MayShrink(const PinnedMemory& memory) {
  return memory != nullptr && memory->IsResizableByUserJavaScript() && !memory->IsShared();
}

const void* PinnedData(const PinnedMemory& memory) { return memory != nullptr ? memory->Data() : nullptr; }

}  // namespace rxteec
