// JS values and arguments (node-addon-api types): short descriptions for messages, the argument
// readers and checks (they throw the errors made by the factories given to configure, as
// Napi::Error: C++ exceptions unwind to the entry point, which throws them into JS).
#ifndef RX_TEEC_JS_VALUES_H
#define RX_TEEC_JS_VALUES_H

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "tee_client_api.h"

namespace rxteec {

[[noreturn]] void ThrowArgument(Napi::Env env, const std::string& argument, const std::string& detail);
[[noreturn]] void ThrowRange(Napi::Env env, const std::string& argument, const std::string& detail);
[[noreturn]] void ThrowState(Napi::Env env, const std::string& message, const char* operation);
[[noreturn]] void ThrowTeec(Napi::Env env, TEEC_Result code, uint32_t origin, const char* operation,
                            const std::string& message);

std::string Describe(Napi::Value value);
// One napi_typeof: undefined or null.
inline bool IsNullish(Napi::Value value) {
  napi_valuetype type = value.Type();
  return type == napi_undefined || type == napi_null;
}

// An argument's name for messages, spelled out only when a message is made: the hot path
// (parsing an invoke's parameters) builds no strings.
struct ArgName {
  ArgName(const char* text_in) : text(text_in) {}                                  // NOLINT: implicit
  ArgName(const std::string& text_in) : text(text_in.c_str()) {}                   // NOLINT: implicit
  ArgName(uint32_t index_in, const char* field_in) : index(static_cast<int>(index_in)), field(field_in) {}
  std::string str() const {
    if (index < 0) return text;
    std::string out = "params[" + std::to_string(index) + "]";
    if (field != nullptr && *field != '\0') out.append(".").append(field);
    return out;
  }
  const char* text = "";
  int index = -1;
  const char* field = nullptr;
};

uint32_t CheckUint32(Napi::Env env, double number, const ArgName& name);
size_t CheckSize(Napi::Env env, double number, const ArgName& name);
uint32_t ToUint32(Napi::Value value, const ArgName& name);
size_t ToSize(Napi::Value value, const ArgName& name);
bool ToBool(Napi::Value value, const ArgName& name);
std::string ToUtf8(Napi::Value value, const std::string& name);
Napi::Function ToCallback(Napi::Value value);

// The native holder napi_wrap'ped into one of our tagged handles (node-addon-api wraps only
// ObjectWrap classes; our handles are plain objects, so napi_wrap/napi_unwrap stay C calls).
template <typename Holder>
Holder* UnwrapTagged(Napi::Value value, const napi_type_tag& tag, const ArgName& name, const char* what) {
  Napi::Env env = value.Env();
  if (value.Type() != napi_object || !value.As<Napi::Object>().CheckTypeTag(&tag)) {
    ThrowArgument(env, name.str(), std::string("must be ") + what + " made by this backend, got " + Describe(value));
  }
  void* raw = nullptr;
  NAPI_THROW_IF_FAILED(env, napi_unwrap(env, value, &raw), nullptr);
  if (raw == nullptr) ThrowArgument(env, name.str(), std::string("must be ") + what + " made by this backend");
  return static_cast<Holder*>(raw);
}

}  // namespace rxteec

#endif
