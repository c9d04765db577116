#include "params.h"

#include "addon_data.h"
#include "handles.h"
#include "js_values.h"
#include "lifecycle.h"

#include <cstring>
#include <string>

namespace rxteec {

namespace {

// The GP parameter types by what they carry (anything else: kNone, as TEEC_NONE).
enum class ParamClass : uint8_t { kNone, kValue, kTemp, kShared };

ParamClass ClassOf(uint32_t type) {
  switch (type) {
    case TEEC_VALUE_INPUT:
    case TEEC_VALUE_OUTPUT:
    case TEEC_VALUE_INOUT:
      return ParamClass::kValue;
    case TEEC_MEMREF_TEMP_INPUT:
    case TEEC_MEMREF_TEMP_OUTPUT:
    case TEEC_MEMREF_TEMP_INOUT:
      return ParamClass::kTemp;
    case TEEC_MEMREF_WHOLE:
    case TEEC_MEMREF_PARTIAL_INPUT:
    case TEEC_MEMREF_PARTIAL_OUTPUT:
    case TEEC_MEMREF_PARTIAL_INOUT:
      return ParamClass::kShared;
    default:
      return ParamClass::kNone;
  }
}

// Parameter `index` of the object form, its fields read by name when asked for. Off the hot
// path (openSession, and invokes the TypeScript side could not lay out flat), so property
// names are not cached.
class ObjectParamFields {
 public:
  ObjectParamFields(uint32_t index, Napi::Object param) : index_(index), param_(param) {}
  uint32_t A() const { return ValueField("a"); }
  uint32_t B() const { return ValueField("b"); }
  Napi::Value Buffer() const { return param_.Get("buffer"); }
  Napi::Value Shm() const { return param_.Get("shm"); }
  size_t Offset() const { return ToSize(param_.Get("offset"), ArgName(index_, "offset")); }
  size_t Size() const { return ToSize(param_.Get("size"), ArgName(index_, "size")); }

 private:
  // A value's a or b: 0 when missing.
  uint32_t ValueField(const char* field) const {
    Napi::Value value = param_.Get(field);
    return IsNullish(value) ? 0 : ToUint32(value, ArgName(index_, field));
  }

  uint32_t index_;
  Napi::Object param_;
};

// Parameter `index` of invokeFast's flat form: its object argument (temp memref buffer or
// shared memory handle) and its two scratch numbers (a, b or offset, size). The TypeScript side
// checked them; they are checked again, as anything may call invokeFast.
class FlatParamFields {
 public:
  FlatParamFields(Napi::Env env, uint32_t index, napi_value object, const double* numbers)
      : env_(env), index_(index), object_(object), numbers_(numbers) {}
  uint32_t A() const { return CheckUint32(env_, numbers_[0], ArgName(index_, "a")); }
  uint32_t B() const { return CheckUint32(env_, numbers_[1], ArgName(index_, "b")); }
  Napi::Value Buffer() const { return Napi::Value(env_, object_); }
  Napi::Value Shm() const { return Napi::Value(env_, object_); }
  size_t Offset() const { return CheckSize(env_, numbers_[0], ArgName(index_, "offset")); }
  size_t Size() const { return CheckSize(env_, numbers_[1], ArgName(index_, "size")); }

 private:
  Napi::Env env_;
  uint32_t index_;
  napi_value object_;
  const double* numbers_;
};

// Parameter i as a temporary memref over `buffer` (a Uint8Array/Buffer, or null for NULL/0);
// its memory is kept (pinned) until the call settles.
void ReadTempMemref(const AddonData* data, uint32_t i, Napi::Value buffer, Call* call, TEEC_Parameter& out) {
  out.tmpref.buffer = nullptr;
  out.tmpref.size = 0;
  // One N-API call for a typed array (it fails, with no JS exception, for anything else); the
  // value is looked at only then. A C call: Napi::TypedArray would need a type check first.
  napi_typedarray_type array_type = napi_int8_array;
  size_t length = 0;
  void* bytes = nullptr;
  bool is_typed = napi_get_typedarray_info(buffer.Env(), buffer, &array_type, &length, &bytes, nullptr, nullptr) == napi_ok;
  if (!is_typed && IsNullish(buffer)) return;
  if (!is_typed || (array_type != napi_uint8_array && array_type != napi_uint8_clamped_array)) {
    ThrowArgument(buffer.Env(), ArgName(i, "buffer").str(), "must be a Uint8Array/Buffer or null, got " + Describe(buffer));
  }
  // Keeps the caller's memory alive while the TEE may read or write it, even if JS transfers it.
  PinnedMemory memory = PinMemory(buffer);
  if (MayShrink(memory)) {
    ThrowArgument(buffer.Env(), ArgName(i, "buffer").str(), "must not be over a resizable ArrayBuffer (JS could shrink it under the TEE)");
  }
  // A view of allocated shared memory: releasing the block would unmap it under the call. The
  // block itself, as a memref, makes its release wait for the call.
  if (IsZeroCopyBlock(data, memory)) {
    ThrowArgument(buffer.Env(), ArgName(i, "buffer").str(), "must not be a view of allocated shared memory (pass the block as a WHOLE or PARTIAL memref)");
  }
  out.tmpref.buffer = bytes;
  out.tmpref.size = length;
  call->pinned[i] = std::move(memory);
}

// Parameter i as a registered memref of the block `fields.Shm()`: WHOLE, or PARTIAL at the
// window `fields` gives (read after the block checked out, as the errors are ordered). Whether
// the block is still live is checked at admission, under the context lock.
template <typename Fields>
void ReadSharedMemref(uint32_t i, uint32_t type, const Fields& fields, Call* call,
                      const std::shared_ptr<Context>& context, TEEC_Parameter& out) {
  Napi::Value shm = fields.Shm();
  Napi::Env env = shm.Env();
  auto* holder = UnwrapTagged<SharedMemHolder>(shm, kSharedMemTag, ArgName(i, "shm"), "a shared memory handle");
  const std::shared_ptr<SharedMem>& mem = holder->mem;
  if (mem->context != context) ThrowArgument(env, ArgName(i, "shm").str(), "belongs to another context");
  out.memref.parent = &mem->teec;
  out.memref.offset = 0;
  out.memref.size = 0;
  if (type != TEEC_MEMREF_WHOLE) {
    size_t offset = fields.Offset();
    size_t size = fields.Size();
    if (offset > mem->teec.size) {
      ThrowRange(env, ArgName(i, "offset").str(), "must be <= the block size " + std::to_string(mem->teec.size) + ", got " + std::to_string(offset));
    }
    if (size > mem->teec.size - offset) {
      ThrowRange(env, ArgName(i, "size").str(), "must be <= " + std::to_string(mem->teec.size - offset) + " (block size " +
                                                  std::to_string(mem->teec.size) + " minus offset " + std::to_string(offset) + "), got " + std::to_string(size));
    }
    out.memref.offset = offset;
    out.memref.size = size;
  }
  call->param_mems[i] = mem;
}

// Parameter i, of GP type `type` (0..15), into call->op.params[i]. TEEC_NONE and the values
// that are no GP type leave the payload zeroed: the library reports BAD_PARAMETERS (origin
// API) for the latter, as GP requires. Throws on any invalid field.
template <typename Fields>
void ReadParam(const AddonData* data, uint32_t i, uint32_t type, const Fields& fields, Call* call,
               const std::shared_ptr<Context>& context) {
  TEEC_Parameter& out = call->op.params[i];
  switch (ClassOf(type)) {
    case ParamClass::kValue:
      out.value.a = fields.A();
      out.value.b = fields.B();
      break;
    case ParamClass::kTemp:
      ReadTempMemref(data, i, fields.Buffer(), call, out);
      break;
    case ParamClass::kShared:
      ReadSharedMemref(i, type, fields, call, context, out);
      break;
    case ParamClass::kNone:
      break;
  }
}

}  // namespace

ParamOutput ReadOutput(const TEEC_Operation& op, uint32_t i) {
  const TEEC_Parameter& param = op.params[i];
  switch (ClassOf(TEEC_PARAM_TYPE_GET(op.paramTypes, i))) {
    case ParamClass::kValue:
      return {ParamOutput::kValue, static_cast<double>(param.value.a), static_cast<double>(param.value.b)};
    case ParamClass::kTemp:
      return {ParamOutput::kSize, static_cast<double>(param.tmpref.size), 0};
    case ParamClass::kShared:
      return {ParamOutput::kSize, static_cast<double>(param.memref.size), 0};
    case ParamClass::kNone:
      return {};
  }
  return {};
}

// The bytes an operation's memrefs span, as built (WHOLE: the block's size): with the command
// and the types, what tells the loop poller one kind of call from another.
uint64_t MemrefBytes(const TEEC_Operation& op) {
  uint64_t bytes = 0;
  for (uint32_t i = 0; i < TEEC_CONFIG_PAYLOAD_REF_COUNT; ++i) {
    uint32_t type = TEEC_PARAM_TYPE_GET(op.paramTypes, i);
    const TEEC_Parameter& param = op.params[i];
    switch (ClassOf(type)) {
      case ParamClass::kTemp:
        bytes += param.tmpref.size;
        break;
      case ParamClass::kShared:
        if (type != TEEC_MEMREF_WHOLE) {
          bytes += param.memref.size;
        } else if (param.memref.parent != nullptr) {
          bytes += param.memref.parent->size;
        }
        break;
      default:
        break;
    }
  }
  return bytes;
}

// Parses the UUID string (8-4-4-4-12 hex) into a TEEC_UUID.
TEEC_UUID ParseUuid(Napi::Value value) {
  std::string text = value.Type() == napi_string ? ToUtf8(value, "uuid") : std::string();
  uint8_t bytes[16];
  bool ok = text.size() == 36;
  size_t byte = 0;
  for (size_t i = 0; ok && i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      ok = text[i] == '-';
      continue;
    }
    char c = text[i];
    int nibble = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
    if (nibble < 0) {
      ok = false;
      break;
    }
    if ((byte & 1) == 0) bytes[byte / 2] = static_cast<uint8_t>(nibble << 4);
    else bytes[byte / 2] = static_cast<uint8_t>(bytes[byte / 2] | nibble);
    ++byte;
  }
  if (!ok || byte != 32) ThrowArgument(value.Env(), "uuid", "must be a UUID string like 123e4567-e89b-12d3-a456-426655440000, got " + Describe(value));
  TEEC_UUID uuid;
  uuid.timeLow = (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) | bytes[3];
  uuid.timeMid = static_cast<uint16_t>((bytes[4] << 8) | bytes[5]);
  uuid.timeHiAndVersion = static_cast<uint16_t>((bytes[6] << 8) | bytes[7]);
  std::memcpy(uuid.clockSeqAndNode, bytes + 8, 8);
  return uuid;
}

// Reads the object form's parameters into call->op. Throws on any invalid argument.
void ParseParams(const AddonData* data, Napi::Value params, Call* call, const std::shared_ptr<Context>& context) {
  if (IsNullish(params)) return;
  Napi::Env env = params.Env();
  if (!params.IsArray()) ThrowArgument(env, "params", "must be an array of at most 4 parameters or null, got " + Describe(params));
  auto array = params.As<Napi::Array>();
  uint32_t count = array.Length();
  if (count > TEEC_CONFIG_PAYLOAD_REF_COUNT) ThrowRange(env, "params", "must have at most 4 entries, got " + std::to_string(count));
  uint32_t types = 0;
  for (uint32_t i = 0; i < count; ++i) {
    Napi::Value param = array.Get(i);
    napi_valuetype param_type = param.Type();
    if (param_type == napi_undefined || param_type == napi_null) continue;
    if (param_type != napi_object) ThrowArgument(env, ArgName(i, "").str(), "must be an object with a type, got " + Describe(param));
    auto object = param.As<Napi::Object>();
    uint32_t type = ToUint32(object.Get("type"), ArgName(i, "type"));
    if (type > 0xF) ThrowRange(env, ArgName(i, "type").str(), "must be a GP parameter type (0..15), got " + std::to_string(type));
    ReadParam(data, i, type, ObjectParamFields(i, object), call, context);
    types |= type << (4 * i);
  }
  call->op.paramTypes = types;
}

// Registers a parsed operation call in the in-flight sets (checking the blocks it uses are
// live), returns false with `why` if it may not start.
bool AdmitOperationLocked(Call* call, std::string* why) {
  for (auto& mem : call->param_mems) {
    if (mem && mem->state != LifeState::kLive) {
      *why = "a shared memory block in params was released";
      return false;
    }
  }
  if (call->kind == CallKind::kOpen) {
    call->context->opening.push_back(call);
  } else {
    call->session->in_flight.push_back(call);
  }
  for (int i = 0; i < TEEC_CONFIG_PAYLOAD_REF_COUNT; ++i) {
    if (FirstUseOfBlock(call, i)) call->param_mems[i]->users.push_back(call);
  }
  return true;
}

// invokeFast's paramTypes word: four 4-bit types. Higher bits would reach the library in
// op.paramTypes while no parameter read them.
uint32_t ToParamTypes(Napi::Value value) {
  uint32_t types = ToUint32(value, "types");
  if (types > 0xFFFF) ThrowRange(value.Env(), "types", "must be a GP paramTypes word (0..65535), got " + std::to_string(types));
  return types;
}

// Reads invokeFast's flat parameters into call->op: `types` is the paramTypes word, `objects`
// the four object arguments; the numbers are in the scratch doubles. Throws like ParseParams.
void ParseFlatParams(Napi::Env env, AddonData* data, uint32_t types, const napi_value* objects, Call* call,
                     const std::shared_ptr<Context>& context) {
  const double* numbers = data->results + kMaxRecords * kRecordDoubles;
  for (uint32_t i = 0; i < TEEC_CONFIG_PAYLOAD_REF_COUNT; ++i) {
    ReadParam(data, i, TEEC_PARAM_TYPE_GET(types, i), FlatParamFields(env, i, objects[i], numbers + 2 * i), call, context);
  }
  call->op.paramTypes = types;
}

}  // namespace rxteec
