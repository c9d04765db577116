/*
 * The seed's demo TA: a per-session SHA-256 stream (protocol in
 * include/demo_ta.h). SHA-256 comes from OpenSSL's libcrypto until the SDK
 * grows the GP crypto API.
 */
#include <openssl/evp.h>

#include <tee_internal_api.h>

#include "demo_ta.h"

struct demo_session {
	EVP_MD_CTX *stream;  /* the running digest */
	uint64_t count;      /* bytes in the running stream */
	bool have_result;
	uint8_t result[DEMO_DIGEST_SIZE];
	uint64_t result_count;
};

static TEE_Result stream_restart(struct demo_session *s)
{
	if (EVP_DigestInit_ex(s->stream, EVP_sha256(), NULL) != 1)
		return TEE_ERROR_GENERIC;
	s->count = 0;
	return TEE_SUCCESS;
}

TEE_Result TA_CreateEntryPoint(void)
{
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t paramTypes, TEE_Param params[TEE_NUM_PARAMS],
				    void **sessionContext)
{
	struct demo_session *s = TEE_Malloc(sizeof(*s), TEE_MALLOC_FILL_ZERO);

	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	s->stream = EVP_MD_CTX_new();
	if (!s->stream || stream_restart(s) != TEE_SUCCESS) {
		EVP_MD_CTX_free(s->stream);
		TEE_Free(s);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	*sessionContext = s;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *sessionContext)
{
	struct demo_session *s = sessionContext;

	if (!s)
		return;
	EVP_MD_CTX_free(s->stream);
	TEE_Free(s);
}

/* The digest of the stream so far, leaving the stream open. */
static TEE_Result stream_peek(struct demo_session *s, uint8_t out[DEMO_DIGEST_SIZE])
{
	EVP_MD_CTX *copy = EVP_MD_CTX_new();
	unsigned int n = 0;
	TEE_Result res = TEE_ERROR_GENERIC;

	if (!copy)
		return TEE_ERROR_OUT_OF_MEMORY;
	if (EVP_MD_CTX_copy_ex(copy, s->stream) == 1 && EVP_DigestFinal_ex(copy, out, &n) == 1 &&
	    n == DEMO_DIGEST_SIZE)
		res = TEE_SUCCESS;
	EVP_MD_CTX_free(copy);
	return res;
}

static TEE_Result end_stream(struct demo_session *s)
{
	unsigned int n = 0;

	if (EVP_DigestFinal_ex(s->stream, s->result, &n) != 1 || n != DEMO_DIGEST_SIZE)
		return TEE_ERROR_GENERIC;
	s->result_count = s->count;
	s->have_result = true;
	return stream_restart(s);
}

static TEE_Result process(struct demo_session *s, uint32_t types, TEE_Param params[TEE_NUM_PARAMS])
{
	TEE_Result res;

	/* Validate everything first so that a refused call changes nothing. */
	for (int i = 0; i < TEE_NUM_PARAMS; i++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, i);

		switch (t) {
		case TEE_PARAM_TYPE_NONE:
		case TEE_PARAM_TYPE_VALUE_INPUT:
		case TEE_PARAM_TYPE_VALUE_OUTPUT:
		case TEE_PARAM_TYPE_VALUE_INOUT:
			break;
		case TEE_PARAM_TYPE_MEMREF_INPUT:
		case TEE_PARAM_TYPE_MEMREF_INOUT:
			if (params[i].memref.size && !params[i].memref.buffer)
				return TEE_ERROR_BAD_PARAMETERS;
			break;
		case TEE_PARAM_TYPE_MEMREF_OUTPUT:
			if (params[i].memref.size < DEMO_DIGEST_SIZE || !params[i].memref.buffer) {
				params[i].memref.size = DEMO_DIGEST_SIZE;
				return TEE_ERROR_SHORT_BUFFER;
			}
			break;
		default:
			return TEE_ERROR_BAD_PARAMETERS;
		}
	}

	for (int i = 0; i < TEE_NUM_PARAMS; i++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, i);

		if (t == TEE_PARAM_TYPE_MEMREF_INPUT || t == TEE_PARAM_TYPE_MEMREF_INOUT) {
			size_t n = params[i].memref.size;

			if (n && EVP_DigestUpdate(s->stream, params[i].memref.buffer, n) != 1)
				return TEE_ERROR_GENERIC;
			s->count += n;
		}
	}

	for (int i = 0; i < TEE_NUM_PARAMS; i++) {
		switch (TEE_PARAM_TYPE_GET(types, i)) {
		case TEE_PARAM_TYPE_VALUE_INOUT:
			params[i].value.a += params[i].value.b;
			params[i].value.b = (uint32_t)s->count;
			break;
		case TEE_PARAM_TYPE_VALUE_OUTPUT:
			params[i].value.a = (uint32_t)s->count;
			params[i].value.b = (uint32_t)(s->count >> 32);
			break;
		case TEE_PARAM_TYPE_MEMREF_OUTPUT:
			res = stream_peek(s, params[i].memref.buffer);
			if (res != TEE_SUCCESS)
				return res;
			params[i].memref.size = DEMO_DIGEST_SIZE;
			break;
		default:
			break;
		}
	}
	return TEE_SUCCESS;
}

static TEE_Result get_result(struct demo_session *s, uint32_t types,
			     TEE_Param params[TEE_NUM_PARAMS])
{
	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_VALUE_OUTPUT,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!s->have_result)
		return TEE_ERROR_NO_DATA;
	if (params[0].memref.size < DEMO_DIGEST_SIZE || !params[0].memref.buffer) {
		params[0].memref.size = DEMO_DIGEST_SIZE;
		return TEE_ERROR_SHORT_BUFFER;
	}
	TEE_MemMove(params[0].memref.buffer, s->result, DEMO_DIGEST_SIZE);
	params[0].memref.size = DEMO_DIGEST_SIZE;
	params[1].value.a = (uint32_t)s->result_count;
	params[1].value.b = (uint32_t)(s->result_count >> 32);
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *sessionContext, uint32_t commandID,
				      uint32_t paramTypes, TEE_Param params[TEE_NUM_PARAMS])
{
	struct demo_session *s = sessionContext;

	switch (commandID) {
	case DEMO_CMD_PROCESS:
		if (paramTypes == 0)
			return end_stream(s);
		return process(s, paramTypes, params);
	case DEMO_CMD_GET_RESULT:
		return get_result(s, paramTypes, params);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
