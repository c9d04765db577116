#include "js_values.h"

#include "addon_data.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace rxteec {

namespace {

// Calls a JS error factory (configured from TypeScript) and throws what it returns; falls
// back to plain errors when the factory is missing. A JS exception already pending (or one the
// factory throws) is thrown instead.
[[noreturn]] void ThrowMade(Napi::Env env, const Napi::FunctionReference& factory,
                            std::initializer_list<napi_value> args, const char* fallback_code,
                            const std::string& fallback_message, bool range) {
  if (env.IsExceptionPending()) throw Napi::Error::New(env);
  if (!factory.IsEmpty()) {
    Napi::Value made = factory.Value().Call(env.Global(), args);
    throw Napi::Error(env, made);
  }
  if (range) {
    Napi::RangeError error = Napi::RangeError::New(env, fallback_message);
    error.Set("code", Napi::String::New(env, fallback_code));
    throw error;
  }
  Napi::TypeError error = Napi::TypeError::New(env, fallback_message);
  error.Set("code", Napi::String::New(env, fallback_code));
  throw error;
}

std::string DescribeNumber(double number) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", number);
  return text;
}

// A number that must be an integer in [0, max] (`range_text` spells the range for messages).
// The checks on JS numbers and on invokeFast's scratch doubles alike.
double CheckInteger(Napi::Env env, double number, const ArgName& name, double max, const char* range_text) {
  if (!std::isfinite(number) || number != std::floor(number) || number < 0 || number > max) {
    ThrowRange(env, name.str(), std::string("must be an integer in ") + range_text + ", got " + DescribeNumber(number));
  }
  return number;
}

// One N-API call for a number; the value is looked at only when it is not one (a C call:
// Napi::Number's DoubleValue throws N-API's own message instead of naming the argument).
double NumberOf(Napi::Value value, const ArgName& name) {
  Napi::Env env = value.Env();
  double number = 0;
  napi_status status = napi_get_value_double(env, value, &number);
  if (status == napi_ok) return number;
  if (status != napi_number_expected) throw Napi::Error::New(env);
  ThrowArgument(env, name.str(), "must be a number, got " + Describe(value));
}

}  // namespace

[[noreturn]] void ThrowArgument(Napi::Env env, const std::string& argument, const std::string& detail) {
  AddonData* data = GetData(env);
  ThrowMade(env, data->make_argument_error, {Napi::String::New(env, argument), Napi::String::New(env, detail)},
            "ERR_TEEC_ARGUMENT", argument + " " + detail, false);
}

[[noreturn]] void ThrowRange(Napi::Env env, const std::string& argument, const std::string& detail) {
  AddonData* data = GetData(env);
  ThrowMade(env, data->make_range_error, {Napi::String::New(env, argument), Napi::String::New(env, detail)},
            "ERR_TEEC_RANGE", argument + " " + detail, true);
}

[[noreturn]] void ThrowState(Napi::Env env, const std::string& message, const char* operation) {
  AddonData* data = GetData(env);
  ThrowMade(env, data->make_state_error, {Napi::String::New(env, message), Napi::String::New(env, operation)},
            "ERR_TEEC_STATE", std::string(operation) + ": " + message, false);
}

[[noreturn]] void ThrowTeec(Napi::Env env, TEEC_Result code, uint32_t origin, const char* operation,
                            const std::string& message) {
  AddonData* data = GetData(env);
  char fallback[160];
  std::snprintf(fallback, sizeof fallback, "%s: TEEC error 0x%08x (origin %u)", operation, code, origin);
  ThrowMade(env, data->make_teec_error,
            {Napi::Number::New(env, code), Napi::Number::New(env, origin), Napi::String::New(env, operation),
             message.empty() ? env.Undefined() : Napi::String::New(env, message)},
            "ERR_TEEC", message.empty() ? fallback : message, false);
}

// A short description of a JS value for messages.
std::string Describe(Napi::Value value) {
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return DescribeNumber(value.As<Napi::Number>().DoubleValue());
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_bigint: return "a bigint";
    default: return value.IsArray() ? "an array" : "an object";
  }
}

uint32_t CheckUint32(Napi::Env env, double number, const ArgName& name) {
  return static_cast<uint32_t>(CheckInteger(env, number, name, 4294967295.0, "0..4294967295"));
}

size_t CheckSize(Napi::Env env, double number, const ArgName& name) {
  double checked = CheckInteger(env, number, name, 9007199254740991.0, "0..2^53-1");
  if (checked > static_cast<double>(SIZE_MAX)) ThrowRange(env, name.str(), "is too large for this platform");
  return static_cast<size_t>(checked);
}

uint32_t ToUint32(Napi::Value value, const ArgName& name) {
  return CheckUint32(value.Env(), NumberOf(value, name), name);
}

size_t ToSize(Napi::Value value, const ArgName& name) {
  return CheckSize(value.Env(), NumberOf(value, name), name);
}

// A flag argument: a boolean, or null/undefined for false. Anything else is a TypeError naming
// it. One N-API call for a boolean (a C call, as in NumberOf).
bool ToBool(Napi::Value value, const ArgName& name) {
  Napi::Env env = value.Env();
  bool flag = false;
  napi_status status = napi_get_value_bool(env, value, &flag);
  if (status == napi_ok) return flag;
  if (status != napi_boolean_expected) throw Napi::Error::New(env);
  if (IsNullish(value)) return false;
  ThrowArgument(env, name.str(), "must be a boolean, got " + Describe(value));
}

// Reads a callback argument.
Napi::Function ToCallback(Napi::Value value) {
  if (value.Type() != napi_function) ThrowArgument(value.Env(), "callback", "must be a function");
  return value.As<Napi::Function>();
}

std::string ToUtf8(Napi::Value value, const std::string& name) {
  if (value.Type() != napi_string) ThrowArgument(value.Env(), name, "must be a string, got " + Describe(value));
  std::string text = value.As<Napi::String>().Utf8Value();
  if (text.find('\0') != std::string::npos) ThrowArgument(value.Env(), name, "must not contain NUL characters");
  return text;
}

}  // namespace rxteec
