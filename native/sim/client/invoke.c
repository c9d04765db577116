/* TEEC_InvokeCommand. */
#include "teec_internal.h"

API TEEC_Result TEEC_InvokeCommand(TEEC_Session *session, uint32_t commandID,
				   TEEC_Operation *operation, uint32_t *returnOrigin)
{
	struct cl_sess *s;
	struct cl_op *o;
	TEEC_Result res;
	uint32_t origin = TEEC_ORIGIN_API;

	if (returnOrigin)
		*returnOrigin = TEEC_ORIGIN_API;
	if (!session)
		return TEEC_ERROR_BAD_PARAMETERS;
	res = cl_params_check(operation);
	if (res)
		return res;
	s = cl_sess_get(session);
	if (!s) {
		/* Closed or never opened: what OP-TEE's driver reports. */
		if (returnOrigin)
			*returnOrigin = TEEC_ORIGIN_COMMS;
		return TEEC_ERROR_BAD_PARAMETERS;
	}
	o = cl_op_begin(operation, s);
	res = cl_call(s, false, commandID, operation, o, &origin);
	cl_op_end(o);
	if (returnOrigin)
		*returnOrigin = origin;
	cl_sess_put(s);
	return res;
}
