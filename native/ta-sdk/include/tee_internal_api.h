/*
 * The one header a TA includes: the GP TEE Internal Core API of the rx-teec
 * simulator (types, constants, functions, entry points, trace macros).
 */
#ifndef TEE_INTERNAL_API_H
#define TEE_INTERNAL_API_H

#include "tee_api_defines.h"
#include "tee_api_types.h"
#include "trace.h"
#include "tee_api.h"
#include "tee_api_crypto.h"
#include "tee_ta_api.h"

#endif /* TEE_INTERNAL_API_H */
