#include <string.h>

#include "conf_helpers.h"

TEEC_Result conf_get_record(TEEC_Session *s, struct conf_record *rec)
{
	TEEC_Operation op;
	uint32_t origin;

	memset(&op, 0, sizeof(op));
	memset(rec, 0, sizeof(*rec));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = rec;
	op.params[0].tmpref.size = sizeof(*rec);
	return TEEC_InvokeCommand(s, CONF_CMD_GET_RECORD, &op, &origin);
}

TEEC_Result conf_instance_info(TEEC_Session *s, uint32_t *token, uint32_t *open_now,
			       uint32_t *ever, uint32_t *pid)
{
	TEEC_Operation op;
	uint32_t origin;
	TEEC_Result r;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE);
	r = TEEC_InvokeCommand(s, CONF_CMD_INSTANCE_INFO, &op, &origin);
	if (token)
		*token = op.params[0].value.a;
	if (open_now)
		*open_now = op.params[0].value.b;
	if (ever)
		*ever = op.params[1].value.a;
	if (pid)
		*pid = op.params[1].value.b;
	return r;
}

TEEC_Result conf_invoke_none(TEEC_Session *s, uint32_t cmd, uint32_t *origin)
{
	uint32_t o = 0;
	TEEC_Result r = TEEC_InvokeCommand(s, cmd, NULL, &o);

	if (origin)
		*origin = o;
	return r;
}
