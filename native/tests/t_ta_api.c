/* The Internal Core API as a real TA sees it inside the TA host. */
#include <string.h>
#include <time.h>

#include "conf_helpers.h"
#include "tests.h"

/* TA-side constants (macros only; no TA types are pulled in). */
#include "tee_api_defines.h"

#define RW (TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_WRITE)

static uint32_t check_access(TEEC_Session *s, uint32_t flags, uint32_t target, void *buf,
			     size_t size, TEEC_Result *res)
{
	TEEC_Operation op;
	uint32_t origin;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_INOUT,
					 TEEC_VALUE_OUTPUT, TEEC_NONE);
	op.params[0].value.a = flags;
	op.params[0].value.b = target;
	op.params[1].tmpref.buffer = buf;
	op.params[1].tmpref.size = size;
	op.params[2].value.a = 0x5555;
	*res = TEEC_InvokeCommand(s, CONF_CMD_CHECK_ACCESS, &op, &origin);
	return op.params[2].value.a;
}

void t_check_memory_access_rights(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Result r;
	uint8_t buf[256];
	const uint32_t denied = TEE_ERROR_ACCESS_DENIED;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	memset(buf, 1, sizeof(buf));
	/* Client-shared memory needs ANY_OWNER. */
	CHECK_HEX(check_access(&s, RW, CONF_ACCESS_PARAM, buf, sizeof(buf), &r), denied);
	CHECK_HEX(r, TEEC_SUCCESS);
	CHECK_HEX(check_access(&s, RW | TEE_MEMORY_ACCESS_ANY_OWNER, CONF_ACCESS_PARAM, buf, sizeof(buf),
			       &r), TEEC_SUCCESS);
	CHECK_HEX(check_access(&s, TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_ANY_OWNER,
			       CONF_ACCESS_PARAM_OVERRUN, buf, sizeof(buf), &r), denied);
	/* TA-private memory, checked for real. */
	CHECK_HEX(check_access(&s, RW, CONF_ACCESS_HEAP, buf, 1, &r), TEEC_SUCCESS);
	CHECK_HEX(check_access(&s, RW, CONF_ACCESS_HEAP_OVERRUN, buf, 1, &r), denied);
	CHECK_HEX(check_access(&s, RW, CONF_ACCESS_STACK, buf, 1, &r), TEEC_SUCCESS);
	CHECK_HEX(check_access(&s, TEE_MEMORY_ACCESS_READ, CONF_ACCESS_RODATA, buf, 1, &r), TEEC_SUCCESS);
	CHECK_HEX(check_access(&s, RW, CONF_ACCESS_RODATA, buf, 1, &r), denied);
	CHECK_HEX(check_access(&s, TEE_MEMORY_ACCESS_READ, CONF_ACCESS_NULL, buf, 1, &r), denied);
	h_close_context_session(&ctx, &s);
}

void t_time_and_random(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	uint32_t origin = 0;
	long long ree, now;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE);
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_TIME_RANDOM, &op, &origin), origin, TEEC_SUCCESS,
		  TEEC_ORIGIN_TRUSTED_APP);
	now = (long long)time(NULL);
	ree = (long long)op.params[0].value.a;
	CHECK(ree <= now && now - ree <= 3); /* REE time is the wall clock */
	CHECK(op.params[0].value.b < 1000);
	CHECK_HEX(op.params[1].value.a, CONF_SANE_SYSTEM_TIME | CONF_SANE_RANDOM);
	CHECK(op.params[1].value.b >= 20 && op.params[1].value.b < 5000);
	h_close_context_session(&ctx, &s);
}

void t_heap_in_ta(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	uint32_t origin = 0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_VALUE_OUTPUT;
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_HEAP_TEST, &op, &origin), origin, TEEC_SUCCESS,
		  TEEC_ORIGIN_TRUSTED_APP);
	CHECK_HEX(op.params[0].value.a,
		  CONF_HEAP_CAP_ENFORCED | CONF_HEAP_ZERO_FILLED | CONF_HEAP_REALLOC_KEEPS);
	CHECK_HEX(op.params[0].value.b, CONF_TA_DATA_SIZE);
	h_close_context_session(&ctx, &s);
}
