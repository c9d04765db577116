/* Parameter types, values and temporary memory references. */
#include <string.h>

#include "conf_helpers.h"
#include "tests.h"

void t_invalid_param_nibbles(void)
{
	static const uint32_t bad[] = { 0x4, 0x8, 0x9, 0xA, 0xB };
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	struct conf_record rec;
	uint32_t origin, before;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	before = rec.invoke_count;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (int pos = 0; pos < 4; pos++) {
			memset(&op, 0, sizeof(op));
			op.paramTypes = bad[i] << (4 * pos);
			origin = 0;
			CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, &op, &origin), origin,
				  TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
		}
	}
	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	CHECK_HEX(rec.invoke_count, before); /* the TA was never entered */

	/* The counter does move for a valid call. */
	CHECK_HEX(conf_invoke_none(&s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	CHECK_HEX(rec.invoke_count, before + 1);
	h_close_context_session(&ctx, &s);
}

void t_null_operation_and_zero_types(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	struct conf_record rec;
	uint32_t origin = 0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, NULL, &origin), origin, TEEC_SUCCESS,
		  TEEC_ORIGIN_TRUSTED_APP);
	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	CHECK_HEX(rec.invoke_count, 1);
	CHECK_HEX(rec.cmd, CONF_CMD_TRANSFORM);
	CHECK_HEX(rec.param_types, 0);

	/* paramTypes 0: parameters are not looked at, whatever they hold. */
	memset(&op, 0xA5, sizeof(op));
	op.started = 0;
	op.paramTypes = 0;
	CHECK_HEX(TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, &op, &origin), TEEC_SUCCESS);
	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	CHECK_HEX(rec.invoke_count, 2);
	CHECK_HEX(rec.param_types, 0);
	h_close_context_session(&ctx, &s);
}

void t_value_writeback(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	struct conf_record rec;
	uint32_t origin = 0, types;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	memset(&op, 0, sizeof(op));
	types = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT, TEEC_VALUE_INOUT, TEEC_NONE);
	op.paramTypes = types;
	op.params[0].value.a = 5;
	op.params[0].value.b = 6;
	op.params[1].value.a = 0x11;
	op.params[1].value.b = 0x22;
	op.params[2].value.a = 10;
	op.params[2].value.b = 20;
	op.params[3].value.a = 0x77; /* NONE: must stay as it is */
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, &op, &origin), origin, TEEC_SUCCESS,
		  TEEC_ORIGIN_TRUSTED_APP);
	/* The TA overwrote its copy of the input: never written back. */
	CHECK_HEX(op.params[0].value.a, 5);
	CHECK_HEX(op.params[0].value.b, 6);
	CHECK_HEX(op.params[1].value.a, CONF_OUT_VALUE_A + 1);
	CHECK_HEX(op.params[1].value.b, types); /* value types reach the TA as 1/2/3 */
	CHECK_HEX(op.params[2].value.a, 11);
	CHECK_HEX(op.params[2].value.b, 22);
	CHECK_HEX(op.params[3].value.a, 0x77);

	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	CHECK_HEX(rec.params[0].a, 5);
	CHECK_HEX(rec.params[0].b, 6);
	CHECK_HEX(rec.params[2].a, 10);
	CHECK_HEX(rec.params[2].b, 20);
	h_close_context_session(&ctx, &s);
}

void t_temp_memref_transform(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	struct conf_record rec;
	uint8_t in[300], out[200], io[100];
	uint32_t origin = 0, sum = 0;
	bool ok = true;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	for (size_t i = 0; i < sizeof(in); i++) {
		in[i] = (uint8_t)(i * 7);
		sum += in[i];
	}
	memset(out, 0x11, sizeof(out));
	for (size_t i = 0; i < sizeof(io); i++)
		io[i] = (uint8_t)i;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_MEMREF_TEMP_INOUT, TEEC_NONE);
	op.params[0].tmpref.buffer = in;
	op.params[0].tmpref.size = sizeof(in);
	op.params[1].tmpref.buffer = out;
	op.params[1].tmpref.size = sizeof(out);
	op.params[2].tmpref.buffer = io;
	op.params[2].tmpref.size = sizeof(io);
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, &op, &origin), origin, TEEC_SUCCESS,
		  TEEC_ORIGIN_TRUSTED_APP);
	for (size_t i = 0; i < sizeof(in); i++)
		ok = ok && in[i] == (uint8_t)(i * 7);
	CHECK(ok); /* input untouched */
	ok = true;
	for (size_t i = 0; i < sizeof(out); i++)
		ok = ok && out[i] == CONF_OUT_FILL_BYTE + 1;
	CHECK(ok); /* output written back */
	ok = true;
	for (size_t i = 0; i < sizeof(io); i++)
		ok = ok && io[i] == (uint8_t)(i ^ 0xFF);
	CHECK(ok); /* inout transformed */
	CHECK_HEX(op.params[0].tmpref.size, sizeof(in));
	CHECK_HEX(op.params[1].tmpref.size, sizeof(out));
	CHECK_HEX(op.params[2].tmpref.size, sizeof(io));

	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	/* Temp memrefs reach the TA as MEMREF_INPUT/OUTPUT/INOUT (5/6/7). */
	CHECK_HEX(rec.param_types, 0x765);
	CHECK_HEX(rec.params[0].size, sizeof(in));
	CHECK_HEX(rec.params[0].sum, sum);
	CHECK_HEX(rec.params[2].size, sizeof(io));
	h_close_context_session(&ctx, &s);
}

void t_temp_memref_null(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	struct conf_record rec;
	uint32_t origin = 0, count;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_MEMREF_TEMP_OUTPUT,
					 TEEC_MEMREF_TEMP_INOUT, TEEC_NONE);
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, &op, &origin), origin, TEEC_SUCCESS,
		  TEEC_ORIGIN_TRUSTED_APP);
	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	count = rec.invoke_count;
	for (int i = 0; i < 3; i++) {
		CHECK_HEX(rec.params[i].buffer_null, 1);
		CHECK_HEX(rec.params[i].size, 0);
	}
	CHECK(op.params[1].tmpref.buffer == NULL && op.params[1].tmpref.size == 0);

	/* NULL with a size is refused before the TA is entered. */
	for (int i = 0; i < 3; i++) {
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_MEMREF_TEMP_INPUT + (uint32_t)i;
		op.params[0].tmpref.size = 8;
		CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, &op, &origin), origin,
			  TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	}
	REQUIRE(conf_get_record(&s, &rec) == TEEC_SUCCESS);
	CHECK_HEX(rec.invoke_count, count);
	h_close_context_session(&ctx, &s);
}

void t_short_buffer_temp(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	uint8_t buf[200];
	uint32_t origin = 0;
	bool ok = true;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	memset(buf, 0x33, sizeof(buf));
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_INPUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].tmpref.buffer = buf;
	op.params[0].tmpref.size = 10;
	op.params[1].value.a = 100;
	op.params[1].value.b = 0x7E;
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_FILL, &op, &origin), origin,
		  TEEC_ERROR_SHORT_BUFFER, TEEC_ORIGIN_TRUSTED_APP);
	CHECK_HEX(op.params[0].tmpref.size, 100);
	for (size_t i = 0; i < sizeof(buf); i++)
		ok = ok && buf[i] == 0x33;
	CHECK(ok); /* nothing copied */

	/* Retried with the size asked for: filled, size = what the TA wrote. */
	op.params[0].tmpref.size = sizeof(buf);
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_FILL, &op, &origin), origin, TEEC_SUCCESS,
		  TEEC_ORIGIN_TRUSTED_APP);
	CHECK_HEX(op.params[0].tmpref.size, 100);
	ok = true;
	for (size_t i = 0; i < 100; i++)
		ok = ok && buf[i] == 0x7E;
	CHECK(ok);
	ok = true;
	for (size_t i = 100; i < sizeof(buf); i++)
		ok = ok && buf[i] == 0x33;
	CHECK(ok); /* only min(returned, original) bytes come back */
	h_close_context_session(&ctx, &s);
}

/*
 * The bounce arena is reused between calls: an output-only temp memref must
 * not carry bytes of an earlier call to the TA or back to the client, even
 * when the TA fails without writing it.
 */
void t_temp_output_no_stale_bytes(void)
{
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	uint8_t secret[64], out[64];
	uint32_t origin = 0;
	bool clean = true;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	memset(secret, 0x5A, sizeof(secret));
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = secret;
	op.params[0].tmpref.size = sizeof(secret);
	CHECK_RES(TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, &op, &origin), origin, TEEC_SUCCESS,
		  TEEC_ORIGIN_TRUSTED_APP);

	memset(out, 0x11, sizeof(out));
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = out;
	op.params[0].tmpref.size = sizeof(out);
	/* An unknown command: the TA fails without touching the output. */
	CHECK(TEEC_InvokeCommand(&s, 0x7FFFFFFF, &op, &origin) != TEEC_SUCCESS);
	for (size_t i = 0; i < sizeof(out); i++)
		clean = clean && out[i] != 0x5A;
	CHECK(clean);
	h_close_context_session(&ctx, &s);
}
