/* Contexts, opening sessions, return origins, NULL-safety. */
#include <string.h>

#include "conf_helpers.h"
#include "tests.h"

void t_context_init_null_name(void)
{
	TEEC_Context ctx;

	CHECK_HEX(TEEC_InitializeContext(NULL, &ctx), TEEC_SUCCESS);
	TEEC_FinalizeContext(&ctx);
}

void t_context_init_unknown_name(void)
{
	TEEC_Context ctx;

	CHECK_HEX(TEEC_InitializeContext("no-such-tee-anywhere", &ctx), TEEC_ERROR_ITEM_NOT_FOUND);
}

void t_context_init_null_context(void)
{
	CHECK_HEX(TEEC_InitializeContext(NULL, NULL), TEEC_ERROR_BAD_PARAMETERS);
}

void t_open_unknown_uuid(void)
{
	static const TEEC_UUID nowhere = { 0x0badbad0, 0x1111, 0x4222, { 1, 2, 3, 4, 5, 6, 7, 8 } };
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t origin = 0;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	CHECK_RES(h_open(&ctx, &s, &nowhere, &origin), origin, TEEC_ERROR_ITEM_NOT_FOUND,
		  TEEC_ORIGIN_TEE);
	TEEC_FinalizeContext(&ctx);
}

void t_open_real_ta(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	uint32_t origin = 0;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	CHECK_RES(h_open(&ctx, &s, &conf_uuid, &origin), origin, TEEC_SUCCESS,
		  TEEC_ORIGIN_TRUSTED_APP);
	if (origin == TEEC_ORIGIN_TRUSTED_APP)
		TEEC_CloseSession(&s);

	/* The open-session operation is written back like an invoke's. */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 100;
	op.params[0].value.b = 200;
	CHECK_HEX(TEEC_OpenSession(&ctx, &s, &conf_uuid, TEEC_LOGIN_PUBLIC, NULL, &op, &origin),
		  TEEC_SUCCESS);
	CHECK_HEX(op.params[0].value.a, 101);
	CHECK_HEX(op.params[0].value.b, 202);
	TEEC_CloseSession(&s);

	/* A TA that refuses the session: its code, origin TRUSTED_APP. */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = CONF_OPEN_REFUSE;
	CHECK_RES(TEEC_OpenSession(&ctx, &s, &conf_uuid, TEEC_LOGIN_PUBLIC, NULL, &op, &origin),
		  origin, TEEC_ERROR_ACCESS_DENIED, TEEC_ORIGIN_TRUSTED_APP);
	TEEC_FinalizeContext(&ctx);
}

void t_open_null_arguments(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t origin = 0;

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	CHECK_RES(TEEC_OpenSession(NULL, &s, &conf_uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin),
		  origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	origin = 0;
	CHECK_RES(TEEC_OpenSession(&ctx, NULL, &conf_uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin),
		  origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	origin = 0;
	CHECK_RES(TEEC_OpenSession(&ctx, &s, NULL, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin),
		  origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	/* returnOrigin itself may be NULL. */
	CHECK_HEX(TEEC_OpenSession(&ctx, &s, &conf_uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, NULL),
		  TEEC_SUCCESS);
	h_close_context_session(&ctx, &s);
}

void t_ta_result_origin(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	uint32_t origin = 0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].value.a = 0x12345678;
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_RETURN, &op, &origin), origin, 0x12345678,
		  TEEC_ORIGIN_TRUSTED_APP);
	op.params[0].value.a = TEEC_SUCCESS;
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_RETURN, &op, &origin), origin, TEEC_SUCCESS,
		  TEEC_ORIGIN_TRUSTED_APP);
	CHECK_RES(TEEC_InvokeCommand(&s, 0xFFFF, NULL, &origin), origin,
		  TEEC_ERROR_NOT_SUPPORTED, TEEC_ORIGIN_TRUSTED_APP);
	h_close_context_session(&ctx, &s);
}

void t_null_safe_release(void)
{
	TEEC_Context ctx;
	TEEC_SharedMemory a, r;
	char buf[64];

	TEEC_FinalizeContext(NULL);
	TEEC_CloseSession(NULL);
	TEEC_ReleaseSharedMemory(NULL);

	REQUIRE(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	memset(&a, 0, sizeof(a));
	a.size = 128;
	a.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
	CHECK_HEX(TEEC_AllocateSharedMemory(&ctx, &a), TEEC_SUCCESS);
	memset(&r, 0, sizeof(r));
	r.buffer = buf;
	r.size = sizeof(buf);
	r.flags = TEEC_MEM_INPUT;
	CHECK_HEX(TEEC_RegisterSharedMemory(&ctx, &r), TEEC_SUCCESS);
	/* Releasing twice is harmless (GP: release of a released block is a no-op). */
	TEEC_ReleaseSharedMemory(&a);
	TEEC_ReleaseSharedMemory(&a);
	TEEC_ReleaseSharedMemory(&r);
	TEEC_ReleaseSharedMemory(&r);
	TEEC_FinalizeContext(&ctx);
}

void t_invoke_closed_session(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t origin = 0;
	TEEC_Result r;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	CHECK_HEX(conf_invoke_none(&s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	TEEC_CloseSession(&s);
	r = conf_invoke_none(&s, CONF_CMD_NOP, &origin);
	CHECK_HEX(r, TEEC_ERROR_BAD_PARAMETERS);
	/* OP-TEE reports COMMS; an API-level refusal is as good. */
	CHECK(origin == TEEC_ORIGIN_COMMS || origin == TEEC_ORIGIN_API);
	TEEC_FinalizeContext(&ctx);
}

void t_finalize_ends_sessions(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t pid = 0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	CHECK_HEX(conf_instance_info(&s, NULL, NULL, NULL, &pid), TEEC_SUCCESS);
	CHECK(pid > 0 && h_pid_alive((pid_t)pid));
	/* Finalizing with a session still open ends it, and its instance with it. */
	TEEC_FinalizeContext(&ctx);
	CHECK(h_wait_pid_gone((pid_t)pid, 5000));
}
