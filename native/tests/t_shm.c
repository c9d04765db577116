/* Shared memory: register/allocate, WHOLE and PARTIAL memrefs, zero copy. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "conf_helpers.h"
#include "tests.h"

/* Invokes TRANSFORM with one registered memref; returns the result. */
static TEEC_Result transform_memref(TEEC_Session *s, uint32_t type, TEEC_SharedMemory *shm,
				    size_t offset, size_t size, uint32_t *origin)
{
	TEEC_Operation op;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(type, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].memref.parent = shm;
	op.params[0].memref.offset = offset;
	op.params[0].memref.size = size;
	return TEEC_InvokeCommand(s, CONF_CMD_TRANSFORM, &op, origin);
}

void t_register_allocate_bad_args(void)
{
	TEEC_Context ctx;
	TEEC_SharedMemory shm;
	char buf[16];

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	CHECK_HEX(conf_alloc_shm(&ctx, &shm, 64, 0), TEEC_ERROR_BAD_PARAMETERS);
	CHECK_HEX(conf_alloc_shm(&ctx, &shm, 64, 0x4), TEEC_ERROR_BAD_PARAMETERS);
	CHECK_HEX(conf_alloc_shm(&ctx, &shm, 64, TEEC_MEM_INPUT | 0x100), TEEC_ERROR_BAD_PARAMETERS);
	CHECK_HEX(conf_alloc_shm(&ctx, &shm, SIZE_MAX, TEEC_MEM_INPUT), TEEC_ERROR_OUT_OF_MEMORY);
	CHECK_HEX(conf_alloc_shm(NULL, &shm, 64, TEEC_MEM_INPUT), TEEC_ERROR_BAD_PARAMETERS);
	CHECK_HEX(TEEC_AllocateSharedMemory(&ctx, NULL), TEEC_ERROR_BAD_PARAMETERS);
	/* Size 0 is allowed. */
	CHECK_HEX(conf_alloc_shm(&ctx, &shm, 0, TEEC_MEM_INPUT), TEEC_SUCCESS);
	TEEC_ReleaseSharedMemory(&shm);

	memset(&shm, 0, sizeof(shm));
	shm.buffer = buf;
	shm.size = sizeof(buf);
	shm.flags = 0;
	CHECK_HEX(TEEC_RegisterSharedMemory(&ctx, &shm), TEEC_ERROR_BAD_PARAMETERS);
	shm.flags = 0x8;
	CHECK_HEX(TEEC_RegisterSharedMemory(&ctx, &shm), TEEC_ERROR_BAD_PARAMETERS);
	shm.flags = TEEC_MEM_INPUT;
	shm.buffer = NULL;
	CHECK_HEX(TEEC_RegisterSharedMemory(&ctx, &shm), TEEC_ERROR_BAD_PARAMETERS);
	CHECK_HEX(TEEC_RegisterSharedMemory(NULL, &shm), TEEC_ERROR_BAD_PARAMETERS);
	CHECK_HEX(TEEC_RegisterSharedMemory(&ctx, NULL), TEEC_ERROR_BAD_PARAMETERS);
	shm.buffer = buf;
	shm.size = 0;
	CHECK_HEX(TEEC_RegisterSharedMemory(&ctx, &shm), TEEC_SUCCESS);
	TEEC_ReleaseSharedMemory(&shm);
	TEEC_FinalizeContext(&ctx);
}

void t_partial_flag_mismatch(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_SharedMemory in, out;
	struct conf_record rec;
	uint32_t origin = 0, count;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_alloc_shm(&ctx, &in, 256, TEEC_MEM_INPUT) == TEEC_SUCCESS);
	REQUIRE(conf_alloc_shm(&ctx, &out, 256, TEEC_MEM_OUTPUT) == TEEC_SUCCESS);
	CHECK_HEX(conf_invoke_none(&s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	count = rec.invoke_count;

	CHECK_RES(transform_memref(&s, TEEC_MEMREF_PARTIAL_OUTPUT, &in, 0, 16, &origin), origin,
		  TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	CHECK_RES(transform_memref(&s, TEEC_MEMREF_PARTIAL_INOUT, &in, 0, 16, &origin), origin,
		  TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	CHECK_RES(transform_memref(&s, TEEC_MEMREF_PARTIAL_INPUT, &out, 0, 16, &origin), origin,
		  TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	CHECK_RES(transform_memref(&s, TEEC_MEMREF_PARTIAL_INOUT, &out, 0, 16, &origin), origin,
		  TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	/* A NULL parent is refused too. */
	CHECK_RES(transform_memref(&s, TEEC_MEMREF_PARTIAL_INPUT, NULL, 0, 16, &origin), origin,
		  TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	CHECK_RES(transform_memref(&s, TEEC_MEMREF_WHOLE, NULL, 0, 0, &origin), origin,
		  TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	CHECK_HEX(rec.invoke_count, count);

	/* The matching directions work. */
	CHECK_HEX(transform_memref(&s, TEEC_MEMREF_PARTIAL_INPUT, &in, 0, 16, &origin), TEEC_SUCCESS);
	CHECK_HEX(transform_memref(&s, TEEC_MEMREF_PARTIAL_OUTPUT, &out, 0, 16, &origin),
		  TEEC_SUCCESS);
	TEEC_ReleaseSharedMemory(&in);
	TEEC_ReleaseSharedMemory(&out);
	h_close_context_session(&ctx, &s);
}

void t_partial_bounds(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_SharedMemory shm;
	struct conf_record rec;
	uint8_t *b;
	uint32_t origin = 0, count, sum = 0;
	bool ok = true;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_alloc_shm(&ctx, &shm, 4096, TEEC_MEM_INPUT | TEEC_MEM_OUTPUT) == TEEC_SUCCESS);
	b = shm.buffer;
	for (size_t i = 0; i < 4096; i++)
		b[i] = (uint8_t)(i * 3);
	CHECK_HEX(conf_invoke_none(&s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	count = rec.invoke_count;

	CHECK_RES(transform_memref(&s, TEEC_MEMREF_PARTIAL_INOUT, &shm, 4000, 200, &origin),
		  origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	CHECK_RES(transform_memref(&s, TEEC_MEMREF_PARTIAL_INOUT, &shm, 0, 4097, &origin),
		  origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	CHECK_RES(transform_memref(&s, TEEC_MEMREF_PARTIAL_INOUT, &shm, 4097, 0, &origin),
		  origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	/* offset + size wraps around: must not pass as small. */
	CHECK_RES(transform_memref(&s, TEEC_MEMREF_PARTIAL_INOUT, &shm, SIZE_MAX, 2, &origin),
		  origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	CHECK_RES(transform_memref(&s, TEEC_MEMREF_PARTIAL_INOUT, &shm, 16, SIZE_MAX - 8, &origin),
		  origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	CHECK_HEX(rec.invoke_count, count);

	/* Exactly at the end is fine, and the TA sees only the window. */
	CHECK_HEX(transform_memref(&s, TEEC_MEMREF_PARTIAL_INOUT, &shm, 4096, 0, &origin),
		  TEEC_SUCCESS);
	for (size_t i = 100; i < 150; i++)
		sum += (uint8_t)(i * 3);
	CHECK_RES(transform_memref(&s, TEEC_MEMREF_PARTIAL_INOUT, &shm, 100, 50, &origin), origin,
		  TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	CHECK_HEX(rec.param_types, TEEC_MEMREF_TEMP_INOUT); /* 7 */
	CHECK_HEX(rec.params[0].size, 50);
	CHECK_HEX(rec.params[0].sum, sum);
	for (size_t i = 0; i < 4096; i++) {
		uint8_t want = (uint8_t)(i * 3);

		if (i >= 100 && i < 150)
			want ^= 0xFF;
		ok = ok && b[i] == want;
	}
	CHECK(ok); /* the window, and only the window, changed */
	TEEC_ReleaseSharedMemory(&shm);
	h_close_context_session(&ctx, &s);
}

/* WHOLE takes its direction from the block's flags and ignores offset/size. */
static void whole_case(TEEC_Context *ctx, TEEC_Session *s, uint32_t flags, uint32_t want_type,
		       bool want_changed, bool allocate)
{
	TEEC_SharedMemory shm;
	struct conf_record rec;
	uint8_t *mem = NULL, *b;
	uint32_t origin = 0;
	bool changed = false;

	if (allocate) {
		REQUIRE(conf_alloc_shm(ctx, &shm, 512, flags) == TEEC_SUCCESS);
	} else {
		mem = malloc(512);
		REQUIRE(mem != NULL);
		memset(&shm, 0, sizeof(shm));
		shm.buffer = mem;
		shm.size = 512;
		shm.flags = flags;
		if (TEEC_RegisterSharedMemory(ctx, &shm) != TEEC_SUCCESS) {
			free(mem);
			REQUIRE(false);
		}
	}
	b = shm.buffer;
	memset(b, 0x0F, 512);
	CHECK_RES(transform_memref(s, TEEC_MEMREF_WHOLE, &shm, 123, 1, &origin), origin,
		  TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	if (conf_get_record(s, &rec) == TEEC_SUCCESS) {
		CHECK_HEX(rec.param_types, want_type);
		CHECK_HEX(rec.params[0].size, 512);
		if (flags & TEEC_MEM_INPUT)
			CHECK_HEX(rec.params[0].sum, 512 * 0x0F);
	} else {
		CHECK(false);
	}
	for (size_t i = 0; i < 512; i++)
		changed = changed || b[i] != 0x0F;
	CHECK(changed == want_changed);
	if (want_type == TEEC_MEMREF_TEMP_INOUT)
		CHECK_HEX(b[0], 0xF0);
	if (want_type == TEEC_MEMREF_TEMP_OUTPUT)
		CHECK_HEX(b[511], CONF_OUT_FILL_BYTE);
	TEEC_ReleaseSharedMemory(&shm);
	free(mem);
}

void t_whole_direction(void)
{
	TEEC_Context ctx;
	TEEC_Session s;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	for (int allocate = 0; allocate < 2; allocate++) {
		whole_case(&ctx, &s, TEEC_MEM_INPUT, 5, false, allocate);
		whole_case(&ctx, &s, TEEC_MEM_OUTPUT, 6, true, allocate);
		whole_case(&ctx, &s, TEEC_MEM_INPUT | TEEC_MEM_OUTPUT, 7, true, allocate);
	}
	h_close_context_session(&ctx, &s);
}

void t_readonly_memory_as_input(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_SharedMemory shm;
	struct conf_record rec;
	uint8_t *page;
	uint32_t origin = 0, sum = 0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(page != MAP_FAILED);
	for (size_t i = 0; i < 4096; i++) {
		page[i] = (uint8_t)(i ^ 0x5A);
		sum += page[i];
	}
	REQUIRE(mprotect(page, 4096, PROT_READ) == 0);

	memset(&shm, 0, sizeof(shm));
	shm.buffer = page;
	shm.size = 4096;
	shm.flags = TEEC_MEM_INPUT;
	CHECK_HEX(TEEC_RegisterSharedMemory(&ctx, &shm), TEEC_SUCCESS);
	CHECK_RES(transform_memref(&s, TEEC_MEMREF_WHOLE, &shm, 0, 0, &origin), origin,
		  TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK_HEX(conf_get_record(&s, &rec), TEEC_SUCCESS);
	CHECK_HEX(rec.params[0].sum, sum);
	CHECK_RES(transform_memref(&s, TEEC_MEMREF_PARTIAL_INPUT, &shm, 1000, 24, &origin), origin,
		  TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	TEEC_ReleaseSharedMemory(&shm);

	/* And as a temporary input buffer. */
	{
		TEEC_Operation op;

		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_MEMREF_TEMP_INPUT;
		op.params[0].tmpref.buffer = page;
		op.params[0].tmpref.size = 4096;
		CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, &op, &origin), origin,
			  TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
		CHECK_HEX(conf_get_record(&s, &rec), TEEC_SUCCESS);
		CHECK_HEX(rec.params[0].sum, sum);
	}
	munmap(page, 4096);
	h_close_context_session(&ctx, &s);
}

void t_registered_roundtrip(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_SharedMemory shm;
	uint8_t *mem;
	uint32_t origin = 0;
	bool ok = true;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	mem = malloc(1000);
	REQUIRE(mem != NULL);
	for (size_t i = 0; i < 1000; i++)
		mem[i] = (uint8_t)i;
	memset(&shm, 0, sizeof(shm));
	shm.buffer = mem;
	shm.size = 1000;
	shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
	if (TEEC_RegisterSharedMemory(&ctx, &shm) != TEEC_SUCCESS) {
		free(mem);
		REQUIRE(false);
	}
	CHECK_RES(transform_memref(&s, TEEC_MEMREF_PARTIAL_INOUT, &shm, 10, 20, &origin), origin,
		  TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	for (size_t i = 0; i < 1000; i++) {
		uint8_t want = (uint8_t)i;

		if (i >= 10 && i < 30)
			want ^= 0xFF;
		ok = ok && mem[i] == want;
	}
	CHECK(ok); /* the shadow copy came back into the client's own memory */
	TEEC_ReleaseSharedMemory(&shm);
	free(mem);
	h_close_context_session(&ctx, &s);
}

void t_short_buffer_registered(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_SharedMemory shm;
	TEEC_Operation op;
	uint8_t *b;
	uint32_t origin = 0;
	bool ok = true;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_alloc_shm(&ctx, &shm, 256, TEEC_MEM_OUTPUT) == TEEC_SUCCESS);
	b = shm.buffer;
	memset(b, 0x44, 256);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_OUTPUT, TEEC_VALUE_INPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].memref.parent = &shm;
	op.params[0].memref.offset = 8;
	op.params[0].memref.size = 16;
	op.params[1].value.a = 64;
	op.params[1].value.b = 0x99;
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_FILL, &op, &origin), origin,
		  TEEC_ERROR_SHORT_BUFFER, TEEC_ORIGIN_TRUSTED_APP);
	CHECK_HEX(op.params[0].memref.size, 64);
	for (size_t i = 0; i < 256; i++)
		ok = ok && b[i] == 0x44;
	CHECK(ok);
	op.params[0].memref.size = 100;
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_FILL, &op, &origin), origin, TEEC_SUCCESS,
		  TEEC_ORIGIN_TRUSTED_APP);
	CHECK_HEX(op.params[0].memref.size, 64);
	CHECK_HEX(b[8], 0x99);
	CHECK_HEX(b[71], 0x99);
	CHECK_HEX(b[72], 0x44);
	CHECK_HEX(b[7], 0x44);
	TEEC_ReleaseSharedMemory(&shm);
	h_close_context_session(&ctx, &s);
}

void t_zero_copy_allocated(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_SharedMemory shm;
	struct conf_bg_call call;
	pthread_t th;
	volatile uint8_t *b;
	bool seen;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_alloc_shm(&ctx, &shm, 64 * 1024, TEEC_MEM_INPUT | TEEC_MEM_OUTPUT) ==
		TEEC_SUCCESS);
	b = shm.buffer;
	memset(shm.buffer, 0x10, shm.size);
	/* The TA waits 1.5 s after touching. */
	REQUIRE(conf_bg_touch_start(&th, &call, &s, &shm, TEEC_MEMREF_PARTIAL_INOUT, 1500));
	/* The TA's writes show up while the command is still running: no copy. */
	seen = conf_touched(&shm, 0x10, 1200) && b[0] == 0x11 && b[shm.size - 1] == 0x11;
	CHECK(seen); /* within 1.2 s, while the TA still waits (1.5 s) */
	pthread_join(th, NULL);
	CHECK_HEX(call.res, TEEC_SUCCESS);
	CHECK_HEX(b[100], 0x11);
	TEEC_ReleaseSharedMemory(&shm);
	h_close_context_session(&ctx, &s);
}
