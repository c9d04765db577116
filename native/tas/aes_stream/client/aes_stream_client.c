/*
 * The aes_stream TA's commands as plain C calls through the GP Client API
 * (see aes_stream_client.h). Shared by the C tests and the benchmark.
 */
#include "aes_stream_client.h"

static TEEC_Result invoke(TEEC_Session *s, uint32_t cmd, TEEC_Operation *op)
{
	uint32_t origin = 0;

	return TEEC_InvokeCommand(s, cmd, op, &origin);
}

TEEC_Result aes_generate(TEEC_Session *s, uint32_t bits, uint32_t mode, uint8_t *blob,
			 size_t *blob_len)
{
	TEEC_Operation op = { 0 };
	TEEC_Result r;

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].value.a = bits;
	op.params[0].value.b = mode;
	op.params[1].tmpref.buffer = blob;
	op.params[1].tmpref.size = *blob_len;
	r = invoke(s, AES_STREAM_CMD_GENERATE_KEY, &op);
	*blob_len = op.params[1].tmpref.size;
	return r;
}

TEEC_Result aes_import(TEEC_Session *s, const uint8_t *blob, size_t len)
{
	TEEC_Operation op = { 0 };

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)blob;
	op.params[0].tmpref.size = len;
	return invoke(s, AES_STREAM_CMD_IMPORT_KEY, &op);
}

TEEC_Result aes_raw_key(TEEC_Session *s, const uint8_t *key, size_t len, uint32_t mode)
{
	TEEC_Operation op = { 0 };

	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_VALUE_INPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)key;
	op.params[0].tmpref.size = len;
	op.params[1].value.a = mode;
	return invoke(s, AES_STREAM_CMD_TEST_IMPORT_RAW_KEY, &op);
}

static TEEC_Result start(TEEC_Session *s, uint32_t cmd, uint32_t iv_type, void *iv,
			 size_t *iv_len, const void *aad, size_t aad_len)
{
	TEEC_Operation op = { 0 };
	TEEC_Result r;

	op.paramTypes = TEEC_PARAM_TYPES(iv_type, aad ? TEEC_MEMREF_TEMP_INPUT : TEEC_NONE,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = iv;
	op.params[0].tmpref.size = *iv_len;
	op.params[1].tmpref.buffer = (void *)aad;
	op.params[1].tmpref.size = aad_len;
	r = invoke(s, cmd, &op);
	*iv_len = op.params[0].tmpref.size;
	return r;
}

TEEC_Result aes_start_encrypt(TEEC_Session *s, uint8_t *iv, size_t *iv_len, const void *aad,
			      size_t aad_len)
{
	return start(s, AES_STREAM_CMD_START_ENCRYPT, TEEC_MEMREF_TEMP_OUTPUT, iv, iv_len, aad,
		     aad_len);
}

TEEC_Result aes_start_decrypt(TEEC_Session *s, const uint8_t *iv, size_t iv_len,
			      const void *aad, size_t aad_len)
{
	return start(s, AES_STREAM_CMD_START_DECRYPT, TEEC_MEMREF_TEMP_INPUT, (void *)iv, &iv_len,
		     aad, aad_len);
}

/* A chunk command: p0 (the chunk, set by the caller) of type p0_type, p1 VALUE_INPUT a, b. */
static TEEC_Result chunk_cmd(TEEC_Session *s, uint32_t cmd, TEEC_Operation *op, uint32_t p0_type,
			     uint32_t a, uint32_t b)
{
	op->paramTypes = TEEC_PARAM_TYPES(p0_type, TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE);
	op->params[1].value.a = a;
	op->params[1].value.b = b;
	return invoke(s, cmd, op);
}

TEEC_Result aes_ctr(TEEC_Session *s, void *buf, size_t n, uint64_t offset)
{
	TEEC_Operation op = { 0 };

	op.params[0].tmpref.buffer = buf;
	op.params[0].tmpref.size = n;
	return chunk_cmd(s, AES_STREAM_CMD_CTR_CHUNK, &op, TEEC_MEMREF_TEMP_INOUT, (uint32_t)offset,
			 (uint32_t)(offset >> 32));
}

TEEC_Result aes_ctr_shm(TEEC_Session *s, TEEC_SharedMemory *shm, size_t shm_off, size_t n,
			uint64_t offset)
{
	TEEC_Operation op = { 0 };

	op.params[0].memref.parent = shm;
	op.params[0].memref.offset = shm_off;
	op.params[0].memref.size = n;
	return chunk_cmd(s, AES_STREAM_CMD_CTR_CHUNK, &op, TEEC_MEMREF_PARTIAL_INOUT,
			 (uint32_t)offset, (uint32_t)(offset >> 32));
}

TEEC_Result aes_gcm(TEEC_Session *s, void *buf, size_t *size, uint32_t index, uint32_t flags)
{
	TEEC_Operation op = { 0 };
	TEEC_Result r;

	op.params[0].tmpref.buffer = buf;
	op.params[0].tmpref.size = *size;
	r = chunk_cmd(s, AES_STREAM_CMD_GCM_CHUNK, &op, TEEC_MEMREF_TEMP_INOUT, index, flags);
	*size = op.params[0].tmpref.size;
	return r;
}

TEEC_Result aes_gcm_shm(TEEC_Session *s, TEEC_SharedMemory *shm, size_t shm_off, size_t *size,
			uint32_t index, uint32_t flags)
{
	TEEC_Operation op = { 0 };
	TEEC_Result r;

	op.params[0].memref.parent = shm;
	op.params[0].memref.offset = shm_off;
	op.params[0].memref.size = *size;
	r = chunk_cmd(s, AES_STREAM_CMD_GCM_CHUNK, &op, TEEC_MEMREF_PARTIAL_INOUT, index, flags);
	*size = op.params[0].memref.size;
	return r;
}
