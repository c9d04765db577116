/* The seed's demo TA, driven the way the Tizen samples drive it. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "demo_ta.h"
#include "tests.h"

static const TEEC_UUID demo_uuid = DEMO_TA_UUID;

static void sha256(const void *data, size_t n, uint8_t out[32])
{
	unsigned int len = 0;

	memset(out, 0, 32);
	if (EVP_Digest(data, n, out, &len, EVP_sha256(), NULL) != 1 || len != 32)
		memset(out, 0, 32);
}

static TEEC_Result get_result(TEEC_Session *s, uint8_t digest[32], uint64_t *count,
			      uint32_t *origin)
{
	TEEC_Operation op;
	TEEC_Result r;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_OUTPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = digest;
	op.params[0].tmpref.size = 32;
	r = TEEC_InvokeCommand(s, DEMO_CMD_GET_RESULT, &op, origin);
	*count = (uint64_t)op.params[1].value.b << 32 | op.params[1].value.a;
	return r;
}

void t_demo_value_and_temp(void)
{
	static const uint8_t data[] = { 1, 2, 3, 4, 45, 6, 7, 7, 7 };
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	uint8_t want[32], got[32];
	uint64_t count = 0;
	uint32_t origin = 0;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	REQUIRE(TEEC_OpenSession(&ctx, &s, &demo_uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin) ==
		TEEC_SUCCESS);
	CHECK_RES(get_result(&s, got, &count, &origin), origin, TEEC_ERROR_NO_DATA,
		  TEEC_ORIGIN_TRUSTED_APP);

	/* The first sample: a value pair (10, 100) and a temporary buffer. */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_MEMREF_TEMP_INPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].value.a = 10;
	op.params[0].value.b = 100;
	op.params[1].tmpref.buffer = (void *)data;
	op.params[1].tmpref.size = sizeof(data);
	CHECK_RES(TEEC_InvokeCommand(&s, DEMO_CMD_PROCESS, &op, &origin), origin, TEEC_SUCCESS,
		  TEEC_ORIGIN_TRUSTED_APP);
	CHECK_HEX(op.params[0].value.a, 110);
	CHECK_HEX(op.params[0].value.b, sizeof(data));

	/* A too-small digest output changes nothing. */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = (void *)data;
	op.params[0].tmpref.size = sizeof(data);
	op.params[1].tmpref.buffer = got;
	op.params[1].tmpref.size = 16;
	CHECK_RES(TEEC_InvokeCommand(&s, DEMO_CMD_PROCESS, &op, &origin), origin,
		  TEEC_ERROR_SHORT_BUFFER, TEEC_ORIGIN_TRUSTED_APP);
	CHECK_HEX(op.params[1].tmpref.size, 32);

	/* No parameters: the stream ends; its digest and count are the result. */
	CHECK_RES(TEEC_InvokeCommand(&s, DEMO_CMD_PROCESS, NULL, &origin), origin, TEEC_SUCCESS,
		  TEEC_ORIGIN_TRUSTED_APP);
	CHECK_HEX(get_result(&s, got, &count, &origin), TEEC_SUCCESS);
	sha256(data, sizeof(data), want);
	CHECK(memcmp(got, want, 32) == 0);
	CHECK_HEX(count, sizeof(data));

	/* The next stream starts empty. */
	CHECK_HEX(TEEC_InvokeCommand(&s, DEMO_CMD_PROCESS, NULL, &origin), TEEC_SUCCESS);
	CHECK_HEX(get_result(&s, got, &count, &origin), TEEC_SUCCESS);
	sha256("", 0, want);
	CHECK(memcmp(got, want, 32) == 0);
	CHECK_HEX(count, 0);
	h_close_context_session(&ctx, &s);
}

void t_demo_registered_stream(void)
{
	const size_t chunk = 1024 * 1024;
	const int n_chunks = 4;
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_SharedMemory shm;
	TEEC_Operation op;
	uint8_t *all, want[32], got[32], mid[32];
	uint64_t count = 0;
	uint32_t origin = 0;
	EVP_MD_CTX *md;
	unsigned int len;

	all = malloc(chunk * (size_t)n_chunks);
	REQUIRE(all != NULL);
	for (size_t i = 0; i < chunk * (size_t)n_chunks; i++)
		all[i] = (uint8_t)(i * 31 + (i >> 12));
	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS) {
		free(all);
		REQUIRE(false);
	}
	memset(&shm, 0, sizeof(shm));
	shm.size = chunk;
	shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
	if (TEEC_OpenSession(&ctx, &s, &demo_uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin) !=
	    TEEC_SUCCESS || TEEC_AllocateSharedMemory(&ctx, &shm) != TEEC_SUCCESS) {
		TEEC_FinalizeContext(&ctx);
		free(all);
		REQUIRE(false);
	}
	/* The shared-memory sample: one block refilled per chunk, WHOLE or PARTIAL. */
	for (int c = 0; c < n_chunks; c++) {
		memcpy(shm.buffer, all + (size_t)c * chunk, chunk);
		memset(&op, 0, sizeof(op));
		if (c % 2 == 0) {
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE,
							 TEEC_NONE);
		} else {
			op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INPUT, TEEC_VALUE_OUTPUT,
							 TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE);
			op.params[0].memref.offset = 0;
			op.params[0].memref.size = chunk;
			op.params[2].tmpref.buffer = mid;
			op.params[2].tmpref.size = sizeof(mid);
		}
		op.params[0].memref.parent = &shm;
		CHECK_RES(TEEC_InvokeCommand(&s, DEMO_CMD_PROCESS, &op, &origin), origin,
			  TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
		if (c == 1) {
			/* The running digest and count after two chunks. */
			sha256(all, 2 * chunk, want);
			CHECK(memcmp(mid, want, 32) == 0);
			CHECK_HEX(op.params[1].value.a, 2 * chunk);
			CHECK_HEX(op.params[1].value.b, 0);
		}
	}
	CHECK_HEX(TEEC_InvokeCommand(&s, DEMO_CMD_PROCESS, NULL, &origin), TEEC_SUCCESS);
	CHECK_HEX(get_result(&s, got, &count, &origin), TEEC_SUCCESS);
	md = EVP_MD_CTX_new();
	if (md) {
		len = 0;
		EVP_DigestInit_ex(md, EVP_sha256(), NULL);
		EVP_DigestUpdate(md, all, chunk * (size_t)n_chunks);
		EVP_DigestFinal_ex(md, want, &len);
		EVP_MD_CTX_free(md);
		CHECK(len == 32 && memcmp(got, want, 32) == 0);
	} else {
		CHECK(md != NULL);
	}
	CHECK(count == chunk * (uint64_t)n_chunks);
	TEEC_ReleaseSharedMemory(&shm);
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&ctx);
	free(all);
}
