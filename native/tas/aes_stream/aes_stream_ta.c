/*
 * aes_stream TA: entry points and command dispatch (protocol in
 * include/aes_stream_ta.h). Only the GP Internal Core API is used, so the
 * same source builds for a device TEE.
 */
#include "aes_stream_internal.h"

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
	kek_release();
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t paramTypes, TEE_Param params[TEE_NUM_PARAMS],
				    void **sessionContext)
{
	struct aes_stream_session *s;

	(void)params;
	if (paramTypes != AES_STREAM_PT(NONE, NONE, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	s = TEE_Malloc(sizeof(*s), TEE_MALLOC_FILL_ZERO);
	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	*sessionContext = s;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *sessionContext)
{
	struct aes_stream_session *s = sessionContext;

	if (!s)
		return;
	session_drop_key(s);
	TEE_MemFill(s, 0, sizeof(*s)); /* IV and AAD too */
	TEE_Free(s);
}

TEE_Result TA_InvokeCommandEntryPoint(void *sessionContext, uint32_t commandID,
				      uint32_t paramTypes, TEE_Param params[TEE_NUM_PARAMS])
{
	struct aes_stream_session *s = sessionContext;

	switch (commandID) {
	case AES_STREAM_CMD_CTR_CHUNK:
		return cmd_ctr_chunk(s, paramTypes, params);
	case AES_STREAM_CMD_GCM_CHUNK:
		return cmd_gcm_chunk(s, paramTypes, params);
	case AES_STREAM_CMD_START_ENCRYPT:
		return cmd_start(s, true, paramTypes, params);
	case AES_STREAM_CMD_START_DECRYPT:
		return cmd_start(s, false, paramTypes, params);
	case AES_STREAM_CMD_GENERATE_KEY:
		return cmd_generate_key(s, paramTypes, params);
	case AES_STREAM_CMD_IMPORT_KEY:
		return cmd_import_key(s, paramTypes, params);
	case AES_STREAM_CMD_KEY_INFO:
		return cmd_key_info(s, paramTypes, params);
	case AES_STREAM_CMD_TEST_IMPORT_RAW_KEY:
		return cmd_test_import_raw_key(s, paramTypes, params);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
