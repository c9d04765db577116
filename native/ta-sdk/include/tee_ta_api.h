/*
 * The five entry points every TA implements (GP TEE Internal Core API).
 * The TA host calls them; TA_EXPORT keeps them visible although TAs are
 * compiled with -fvisibility=hidden.
 */
#ifndef TEE_TA_API_H
#define TEE_TA_API_H

#include "tee_api_defines.h"
#include "tee_api_types.h"

#ifndef TA_EXPORT
#define TA_EXPORT __attribute__((visibility("default")))
#endif

TEE_Result TA_EXPORT TA_CreateEntryPoint(void);
void TA_EXPORT TA_DestroyEntryPoint(void);
TEE_Result TA_EXPORT TA_OpenSessionEntryPoint(uint32_t paramTypes,
					      TEE_Param params[TEE_NUM_PARAMS],
					      void **sessionContext);
void TA_EXPORT TA_CloseSessionEntryPoint(void *sessionContext);
TEE_Result TA_EXPORT TA_InvokeCommandEntryPoint(void *sessionContext, uint32_t commandID,
						uint32_t paramTypes,
						TEE_Param params[TEE_NUM_PARAMS]);

#endif /* TEE_TA_API_H */
