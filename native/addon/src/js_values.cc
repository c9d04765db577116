#include "js_values.h"

#include "addon_data.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace rxteec {

namespace {

// Calls a JS error factory (configured from TypeScript) and throws what it returns; falls
// back to plain errors when the factory is missing.
[[noreturn]] void ThrowMade(napi_env env, napi_ref factory, napi_value* args, size_t argc,
                            const char* fallback_code, const std::string& fallback_message,
                            bool range) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) throw JsException{};
  napi_value made = nullptr;
  if (factory != nullptr) {
    napi_value fn = nullptr;
    napi_value global = nullptr;
    if (napi_get_reference_value(env, factory, &fn) == napi_ok && fn != nullptr &&
        napi_get_global(env, &global) == napi_ok &&
        napi_call_function(env, global, fn, argc, args, &made) == napi_ok) {
      napi_throw(env, made);
      throw JsException{};
    }
    napi_is_exception_pending(env, &pending);
    if (pending) throw JsException{};
  }
  if (range) {
    napi_throw_range_error(env, fallback_code, fallback_message.c_str());
  } else {
    napi_throw_type_error(env, fallback_code, fallback_message.c_str());
  }
  throw JsException{};
}

std::string DescribeNumber(double number) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", number);
  return text;
}

// A number that must be an integer in [0, max] (`range_text` spells the range for messages).
// The checks on JS numbers and on invokeFast's scratch doubles alike.
double CheckInteger(napi_env env, double number, const ArgName& name, double max, const char* range_text) {
  if (!std::isfinite(number) || number != std::floor(number) || number < 0 || number > max) {
    ThrowRange(env, name.str(), std::string("must be an integer in ") + range_text + ", got " + DescribeNumber(number));
  }
  return number;
}

// One N-API call for a number; the value is looked at only when it is not one.
double NumberOf(napi_env env, napi_value value, const ArgName& name) {
  double number = 0;
  napi_status status = napi_get_value_double(env, value, &number);
  if (status == napi_ok) return number;
  if (status != napi_number_expected) throw JsException{};
  ThrowArgument(env, name.str(), "must be a number, got " + Describe(env, value));
}

}  // namespace

napi_value MakeString(napi_env env, const std::string& text) {
  napi_value value;
  NAPI_OK(napi_create_string_utf8(env, text.data(), text.size(), &value));
  return value;
}

napi_value MakeNumber(napi_env env, double number) {
  napi_value value;
  NAPI_OK(napi_create_double(env, number, &value));
  return value;
}

napi_value Undefined(napi_env env) {
  napi_value value;
  napi_get_undefined(env, &value);
  return value;
}

[[noreturn]] void ThrowArgument(napi_env env, const std::string& argument, const std::string& detail) {
  AddonData* data = GetData(env);
  napi_value args[2] = {MakeString(env, argument), MakeString(env, detail)};
  ThrowMade(env, data->make_argument_error, args, 2, "ERR_TEEC_ARGUMENT", argument + " " + detail, false);
}

[[noreturn]] void ThrowRange(napi_env env, const std::string& argument, const std::string& detail) {
  AddonData* data = GetData(env);
  napi_value args[2] = {MakeString(env, argument), MakeString(env, detail)};
  ThrowMade(env, data->make_range_error, args, 2, "ERR_TEEC_RANGE", argument + " " + detail, true);
}

[[noreturn]] void ThrowState(napi_env env, const std::string& message, const char* operation) {
  AddonData* data = GetData(env);
  napi_value args[2] = {MakeString(env, message), MakeString(env, operation)};
  ThrowMade(env, data->make_state_error, args, 2, "ERR_TEEC_STATE", std::string(operation) + ": " + message, false);
}

[[noreturn]] void ThrowTeec(napi_env env, TEEC_Result code, uint32_t origin, const char* operation,
                            const std::string& message) {
  AddonData* data = GetData(env);
  napi_value args[4] = {MakeNumber(env, code), MakeNumber(env, origin), MakeString(env, operation),
                        message.empty() ? Undefined(env) : MakeString(env, message)};
  char fallback[160];
  std::snprintf(fallback, sizeof fallback, "%s: TEEC error 0x%08x (origin %u)", operation, code, origin);
  ThrowMade(env, data->make_teec_error, args, 4, "ERR_TEEC", message.empty() ? fallback : message, false);
}

// A short description of a JS value for messages.
std::string Describe(napi_env env, napi_value value) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok) return "a value";
  switch (type) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: {
      double number = 0;
      if (napi_get_value_double(env, value, &number) != napi_ok) return "a number";
      return DescribeNumber(number);
    }
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_bigint: return "a bigint";
    default: {
      bool is_array = false;
      napi_is_array(env, value, &is_array);
      return is_array ? "an array" : "an object";
    }
  }
}

napi_valuetype TypeOf(napi_env env, napi_value value) {
  napi_valuetype type;
  NAPI_OK(napi_typeof(env, value, &type));
  return type;
}

bool IsNullish(napi_env env, napi_value value) {
  napi_valuetype type = TypeOf(env, value);
  return type == napi_undefined || type == napi_null;
}

uint32_t CheckUint32(napi_env env, double number, const ArgName& name) {
  return static_cast<uint32_t>(CheckInteger(env, number, name, 4294967295.0, "0..4294967295"));
}

size_t CheckSize(napi_env env, double number, const ArgName& name) {
  double checked = CheckInteger(env, number, name, 9007199254740991.0, "0..2^53-1");
  if (checked > static_cast<double>(SIZE_MAX)) ThrowRange(env, name.str(), "is too large for this platform");
  return static_cast<size_t>(checked);
}

uint32_t ToUint32(napi_env env, napi_value value, const ArgName& name) {
  return CheckUint32(env, NumberOf(env, value, name), name);
}

size_t ToSize(napi_env env, napi_value value, const ArgName& name) {
  return CheckSize(env, NumberOf(env, value, name), name);
}

// A flag argument: a boolean, or null/undefined for false. Anything else is a TypeError naming
// it (napi_get_value_bool alone fails without a JS exception, and JS would see undefined).
bool ToBool(napi_env env, napi_value value, const ArgName& name) {
  bool flag = false;
  napi_status status = napi_get_value_bool(env, value, &flag);
  if (status == napi_ok) return flag;
  if (status != napi_boolean_expected) throw JsException{};
  if (IsNullish(env, value)) return false;
  ThrowArgument(env, name.str(), "must be a boolean, got " + Describe(env, value));
}

napi_value GetProperty(napi_env env, napi_value object, const char* key) {
  napi_value value;
  NAPI_OK(napi_get_named_property(env, object, key, &value));
  return value;
}

// Reads `arg` as a callback function.
napi_ref CallbackRef(napi_env env, napi_value value) {
  if (TypeOf(env, value) != napi_function) ThrowArgument(env, "callback", "must be a function");
  napi_ref ref;
  NAPI_OK(napi_create_reference(env, value, 1, &ref));
  return ref;
}

void DeleteRef(napi_env env, napi_ref* ref) {
  if (*ref != nullptr) {
    napi_delete_reference(env, *ref);
    *ref = nullptr;
  }
}

std::string ToUtf8(napi_env env, napi_value value, const std::string& name) {
  if (TypeOf(env, value) != napi_string) ThrowArgument(env, name, "must be a string, got " + Describe(env, value));
  size_t length = 0;
  NAPI_OK(napi_get_value_string_utf8(env, value, nullptr, 0, &length));
  std::string text(length, '\0');
  NAPI_OK(napi_get_value_string_utf8(env, value, &text[0], length + 1, &length));
  if (text.find('\0') != std::string::npos) ThrowArgument(env, name, "must not contain NUL characters");
  return text;
}

}  // namespace rxteec
