/*
 * OP-TEE's extension header. OP-TEE TAs include it; the rx-teec simulator
 * has no extensions yet, so it only pulls in the standard API.
 */
#ifndef TEE_INTERNAL_API_EXTENSIONS_H
#define TEE_INTERNAL_API_EXTENSIONS_H

#include "tee_internal_api.h"

#endif /* TEE_INTERNAL_API_EXTENSIONS_H */
