// JS values and arguments: the exception that unwinds to an entry point, value makers, short
// descriptions for messages, the argument readers (they check and throw the errors made by the
// factories given to configure) and N-API reference helpers.
#ifndef RX_TEEC_JS_VALUES_H
#define RX_TEEC_JS_VALUES_H

#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "tee_client_api.h"

namespace rxteec {

// A JS exception is pending: unwind to the entry point, which returns nullptr to JS.
struct JsException {};

#define NAPI_OK(call)                                    \
  do {                                                   \
    if ((call) != napi_ok) throw JsException{};          \
  } while (0)

napi_value MakeString(napi_env env, const std::string& text);
napi_value MakeNumber(napi_env env, double number);
napi_value Undefined(napi_env env);

[[noreturn]] void ThrowArgument(napi_env env, const std::string& argument, const std::string& detail);
[[noreturn]] void ThrowRange(napi_env env, const std::string& argument, const std::string& detail);
[[noreturn]] void ThrowState(napi_env env, const std::string& message, const char* operation);
[[noreturn]] void ThrowTeec(napi_env env, TEEC_Result code, uint32_t origin, const char* operation,
                            const std::string& message);

std::string Describe(napi_env env, napi_value value);
napi_valuetype TypeOf(napi_env env, napi_value value);
bool IsNullish(napi_env env, napi_value value);

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

uint32_t CheckUint32(napi_env env, double number, const ArgName& name);
size_t CheckSize(napi_env env, double number, const ArgName& name);
uint32_t ToUint32(napi_env env, napi_value value, const ArgName& name);
size_t ToSize(napi_env env, napi_value value, const ArgName& name);
bool ToBool(napi_env env, napi_value value, const ArgName& name);
std::string ToUtf8(napi_env env, napi_value value, const std::string& name);
napi_value GetProperty(napi_env env, napi_value object, const char* key);

template <typename Holder>
Holder* UnwrapTagged(napi_env env, napi_value value, const napi_type_tag& tag, const ArgName& name,
                     const char* what) {
  bool tagged = false;
  if (TypeOf(env, value) == napi_object) NAPI_OK(napi_check_object_type_tag(env, value, &tag, &tagged));
  if (!tagged) ThrowArgument(env, name.str(), std::string("must be ") + what + " made by this backend, got " + Describe(env, value));
  void* raw = nullptr;
  NAPI_OK(napi_unwrap(env, value, &raw));
  if (raw == nullptr) ThrowArgument(env, name.str(), std::string("must be ") + what + " made by this backend");
  return static_cast<Holder*>(raw);
}

napi_ref CallbackRef(napi_env env, napi_value value);
void DeleteRef(napi_env env, napi_ref* ref);

template <size_t N>
void GetArgs(napi_env env, napi_callback_info info, napi_value (&args)[N]) {
  size_t argc = N;
  NAPI_OK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  for (size_t i = argc; i < N; ++i) args[i] = Undefined(env);
}

}  // namespace rxteec

#endif
