// Operation parameters. They come in two layouts: the object form (openSession and
// invokeCommand: an array of { type, a, b, buffer, shm, offset, size }) and invokeFast's flat
// form (the paramTypes word, one object argument per parameter, two numbers per parameter in
// the scratch doubles after the result records). A layout only fetches a parameter's fields
// (ObjectParamFields, FlatParamFields); what each GP type carries, the checks and errors naming
// the argument, and which JS memory is kept for the call (pinned) live once, in ReadParam.
// Also: the UUID of openSession, what the TA returned through the parameters, and the admission
// of a parsed call to the in-flight sets.
#ifndef RX_TEEC_PARAMS_H
#define RX_TEEC_PARAMS_H

#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>

#include "objects.h"
#include "tee_client_api.h"

namespace rxteec {

struct AddonData;

TEEC_UUID ParseUuid(Napi::Value value);
void ParseParams(const AddonData* data, Napi::Value params, Call* call, const std::shared_ptr<Context>& context);
uint32_t ToParamTypes(Napi::Value value);
void ParseFlatParams(Napi::Env env, AddonData* data, uint32_t types, const napi_value* objects, Call* call,
                     const std::shared_ptr<Context>& context);
bool AdmitOperationLocked(Call* call, std::string* why);

// What the TA returned through parameter i: a value's a and b, or a memref's size (after
// SHORT_BUFFER, the size it needs). Read for openSession's outputs (MakeOutputs) and for an
// invoke's record (WriteInvokeRecord).
struct ParamOutput {
  enum Kind : uint8_t { kNothing, kValue, kSize };
  Kind kind = kNothing;
  double first = 0;   // a, or the size
  double second = 0;  // b
};

ParamOutput ReadOutput(const TEEC_Operation& op, uint32_t i);
uint64_t MemrefBytes(const TEEC_Operation& op);

}  // namespace rxteec

#endif
