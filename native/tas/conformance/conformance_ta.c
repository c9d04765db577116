/*
 * The rx-teec conformance TA (see include/conformance_ta.h for the protocol).
 * One source, six TAs: the variants differ in user_ta_header_defines.h (and
 * conformance_hang and conformance_hang_mi in CONF_HANG_IN_CREATE).
 */
#include <string.h>
#include <unistd.h>

#include <tee_internal_api.h>

#include "conformance_ta.h"

struct conf_session {
	struct conf_record record;
};

/* Per instance: lets the suite tell instances apart and count sessions. */
static uint32_t instance_token;
static uint32_t sessions_open;
static uint32_t sessions_ever;
/* Set by CONF_CMD_HANG_IN_DESTROY and CONF_CMD_SLOW_DESTROY. */
static bool hang_in_destroy;
static uint32_t destroy_wait_ms;

/* Never returns: entry points start with cancellation masked, and it stays so. */
static void hang(void)
{
	for (;;)
		TEE_Wait(TEE_TIMEOUT_INFINITE);
}

TEE_Result TA_CreateEntryPoint(void)
{
#ifdef CONF_HANG_IN_CREATE
	hang(); /* the conformance_hang and conformance_hang_mi variants */
#endif
	do {
		TEE_GenerateRandom(&instance_token, sizeof(instance_token));
	} while (instance_token == 0);
	return TEE_SUCCESS;
}

void TA_DestroyEntryPoint(void)
{
	if (hang_in_destroy)
		hang();
	if (destroy_wait_ms)
		TEE_Wait(destroy_wait_ms);
}

/* Adds 1 to every byte of a MEMREF_INOUT parameter of type t (TOUCH's marking,
 * for the waits): a client watching allocated shared memory sees it happen. */
static void mark(uint32_t t, TEE_Param *p)
{
	uint8_t *buf = p->memref.buffer;
	size_t n = p->memref.size; /* a local: the stores to buf could alias *p */

	if (t != TEE_PARAM_TYPE_MEMREF_INOUT || !buf)
		return;
	for (size_t k = 0; k < n; k++)
		buf[k]++;
}

TEE_Result TA_OpenSessionEntryPoint(uint32_t paramTypes, TEE_Param params[TEE_NUM_PARAMS],
				    void **sessionContext)
{
	struct conf_session *s;
	uint32_t t0 = TEE_PARAM_TYPE_GET(paramTypes, 0);

	if (t0 == TEE_PARAM_TYPE_VALUE_INPUT && params[0].value.a == CONF_OPEN_REFUSE)
		return TEE_ERROR_ACCESS_DENIED;
	if (t0 == TEE_PARAM_TYPE_VALUE_INPUT && params[0].value.a == CONF_OPEN_WAIT_UNMASKED) {
		/* An open the client can cancel while it runs in the TA. */
		TEE_UnmaskCancellation();
		mark(TEE_PARAM_TYPE_GET(paramTypes, 1), &params[1]);
		if (TEE_Wait(params[0].value.b) == TEE_ERROR_CANCEL)
			return TEE_ERROR_CANCEL;
	}
	if (t0 == TEE_PARAM_TYPE_VALUE_INOUT) {
		params[0].value.a += 1;
		params[0].value.b += 2;
	}
	s = TEE_Malloc(sizeof(*s), TEE_MALLOC_FILL_ZERO);
	if (!s)
		return TEE_ERROR_OUT_OF_MEMORY;
	sessions_open++;
	sessions_ever++;
	*sessionContext = s;
	return TEE_SUCCESS;
}

void TA_CloseSessionEntryPoint(void *sessionContext)
{
	sessions_open--;
	TEE_Free(sessionContext);
}

static bool is_value(uint32_t t)
{
	return t == TEE_PARAM_TYPE_VALUE_INPUT || t == TEE_PARAM_TYPE_VALUE_OUTPUT ||
	       t == TEE_PARAM_TYPE_VALUE_INOUT;
}

static bool is_memref(uint32_t t)
{
	return t == TEE_PARAM_TYPE_MEMREF_INPUT || t == TEE_PARAM_TYPE_MEMREF_OUTPUT ||
	       t == TEE_PARAM_TYPE_MEMREF_INOUT;
}

static void record_invoke(struct conf_session *s, uint32_t cmd, uint32_t types,
			  TEE_Param params[TEE_NUM_PARAMS])
{
	struct conf_record *r = &s->record;

	r->invoke_count++;
	r->cmd = cmd;
	r->param_types = types;
	for (int i = 0; i < TEE_NUM_PARAMS; i++) {
		uint32_t t = TEE_PARAM_TYPE_GET(types, i);
		struct conf_param_record *p = &r->params[i];

		memset(p, 0, sizeof(*p));
		if (is_value(t)) {
			p->a = params[i].value.a;
			p->b = params[i].value.b;
		} else if (is_memref(t)) {
			const uint8_t *buf = params[i].memref.buffer;
			size_t n = params[i].memref.size;
			uint32_t sum = 0;

			p->size = n;
			p->buffer_null = buf == NULL;
			/* The benchmark's TOUCH measures transport, not this loop. */
			if (cmd == CONF_CMD_TOUCH)
				continue;
			/* A local sum: stores through p could alias buf and defeat vectorizing. */
			for (size_t k = 0; buf && k < n; k++)
				sum += buf[k];
			p->sum = sum;
		}
	}
}

static TEE_Result cmd_transform(uint32_t types, TEE_Param params[TEE_NUM_PARAMS])
{
	for (int i = 0; i < TEE_NUM_PARAMS; i++) {
		uint8_t *buf = params[i].memref.buffer;
		size_t n = params[i].memref.size;

		switch (TEE_PARAM_TYPE_GET(types, i)) {
		case TEE_PARAM_TYPE_VALUE_INPUT:
			params[i].value.a = ~params[i].value.a;
			params[i].value.b = ~params[i].value.b;
			break;
		case TEE_PARAM_TYPE_VALUE_OUTPUT:
			params[i].value.a = CONF_OUT_VALUE_A + (uint32_t)i;
			params[i].value.b = types;
			break;
		case TEE_PARAM_TYPE_VALUE_INOUT:
			params[i].value.a += 1;
			params[i].value.b += 2;
			break;
		case TEE_PARAM_TYPE_MEMREF_OUTPUT:
			if (buf)
				TEE_MemFill(buf, CONF_OUT_FILL_BYTE + (uint32_t)i, n);
			break;
		case TEE_PARAM_TYPE_MEMREF_INOUT:
			for (size_t k = 0; buf && k < n; k++)
				buf[k] ^= 0xFF;
			break;
		default:
			break;
		}
	}
	return TEE_SUCCESS;
}

static TEE_Result cmd_get_record(struct conf_session *s, uint32_t types,
				 TEE_Param params[TEE_NUM_PARAMS])
{
	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_NONE,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (params[0].memref.size < sizeof(s->record) || !params[0].memref.buffer) {
		params[0].memref.size = sizeof(s->record);
		return TEE_ERROR_SHORT_BUFFER;
	}
	TEE_MemMove(params[0].memref.buffer, &s->record, sizeof(s->record));
	params[0].memref.size = sizeof(s->record);
	return TEE_SUCCESS;
}

static TEE_Result cmd_fill(uint32_t types, TEE_Param params[TEE_NUM_PARAMS])
{
	uint32_t t0 = TEE_PARAM_TYPE_GET(types, 0);
	size_t len;

	if ((t0 != TEE_PARAM_TYPE_MEMREF_OUTPUT && t0 != TEE_PARAM_TYPE_MEMREF_INOUT) ||
	    TEE_PARAM_TYPE_GET(types, 1) != TEE_PARAM_TYPE_VALUE_INPUT)
		return TEE_ERROR_BAD_PARAMETERS;
	len = params[1].value.a;
	if (params[0].memref.size < len) {
		/* GP: report the size needed and write nothing. */
		params[0].memref.size = len;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (len && !params[0].memref.buffer)
		return TEE_ERROR_BAD_PARAMETERS;
	if (len)
		TEE_MemFill(params[0].memref.buffer, params[1].value.b, len);
	params[0].memref.size = len;
	return TEE_SUCCESS;
}

static TEE_Result cmd_wait(bool unmask, uint32_t types, TEE_Param params[TEE_NUM_PARAMS])
{
	TEE_Time t0, t1;
	TEE_Result res;
	uint64_t ms0, ms1;

	if (TEE_PARAM_TYPE_GET(types, 0) != TEE_PARAM_TYPE_VALUE_INPUT)
		return TEE_ERROR_BAD_PARAMETERS;
	if (unmask)
		TEE_UnmaskCancellation();
	mark(TEE_PARAM_TYPE_GET(types, 2), &params[2]);
	TEE_GetSystemTime(&t0);
	res = TEE_Wait(params[0].value.a);
	TEE_GetSystemTime(&t1);
	if (TEE_PARAM_TYPE_GET(types, 1) == TEE_PARAM_TYPE_VALUE_OUTPUT) {
		ms0 = (uint64_t)t0.seconds * 1000 + t0.millis;
		ms1 = (uint64_t)t1.seconds * 1000 + t1.millis;
		params[1].value.a = (uint32_t)(ms1 - ms0);
		params[1].value.b = TEE_GetCancellationFlag();
	}
	return res;
}

/* UUID to the 16 bytes of RFC 4122 (fields big-endian). */
static void uuid_to_octets(const TEE_UUID *u, uint8_t out[16])
{
	out[0] = (uint8_t)(u->timeLow >> 24);
	out[1] = (uint8_t)(u->timeLow >> 16);
	out[2] = (uint8_t)(u->timeLow >> 8);
	out[3] = (uint8_t)u->timeLow;
	out[4] = (uint8_t)(u->timeMid >> 8);
	out[5] = (uint8_t)u->timeMid;
	out[6] = (uint8_t)(u->timeHiAndVersion >> 8);
	out[7] = (uint8_t)u->timeHiAndVersion;
	memcpy(out + 8, u->clockSeqAndNode, 8);
}

/* Copies 16 UUID octets into a memref output, or reports the size needed. */
static TEE_Result put_uuid(TEE_Param *p, const TEE_UUID *u)
{
	if (p->memref.size < 16 || !p->memref.buffer) {
		p->memref.size = 16;
		return TEE_ERROR_SHORT_BUFFER;
	}
	uuid_to_octets(u, p->memref.buffer);
	p->memref.size = 16;
	return TEE_SUCCESS;
}

static TEE_Result cmd_get_identity(uint32_t types, TEE_Param params[TEE_NUM_PARAMS])
{
	TEE_Identity id;
	TEE_Result res;

	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	res = TEE_GetPropertyAsIdentity(TEE_PROPSET_CURRENT_CLIENT, "gpd.client.identity", &id);
	if (res != TEE_SUCCESS)
		return res;
	params[0].value.a = id.login;
	params[0].value.b = 0;
	return put_uuid(&params[1], &id.uuid);
}

static TEE_PropSetHandle propset_of(uint32_t sel)
{
	switch (sel) {
	case CONF_PROPSET_CURRENT_TA: return TEE_PROPSET_CURRENT_TA;
	case CONF_PROPSET_CURRENT_CLIENT: return TEE_PROPSET_CURRENT_CLIENT;
	case CONF_PROPSET_TEE_IMPLEMENTATION: return TEE_PROPSET_TEE_IMPLEMENTATION;
	default: return NULL;
	}
}

static TEE_Result cmd_get_property(uint32_t types, TEE_Param params[TEE_NUM_PARAMS])
{
	TEE_PropSetHandle set;
	char name[128];
	size_t n, len;
	TEE_Result res;
	bool b;
	uint32_t u32;
	uint64_t u64;
	TEE_UUID uuid;
	TEE_Identity id;

	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_MEMREF_INPUT,
				     TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_VALUE_OUTPUT))
		return TEE_ERROR_BAD_PARAMETERS;
	set = propset_of(params[0].value.a);
	n = params[1].memref.size;
	if (!set || n >= sizeof(name) || (n && !params[1].memref.buffer))
		return TEE_ERROR_BAD_PARAMETERS;
	if (n)
		TEE_MemMove(name, params[1].memref.buffer, n);
	name[n] = '\0';
	params[3].value.a = 0;
	params[3].value.b = 0;

	switch (params[0].value.b) {
	case CONF_PROP_AS_STRING:
		len = params[2].memref.size;
		res = TEE_GetPropertyAsString(set, name, params[2].memref.buffer, &len);
		if (res == TEE_SUCCESS || res == TEE_ERROR_SHORT_BUFFER)
			params[2].memref.size = len;
		return res;
	case CONF_PROP_AS_BINARY:
		len = params[2].memref.size;
		res = TEE_GetPropertyAsBinaryBlock(set, name, params[2].memref.buffer, &len);
		if (res == TEE_SUCCESS || res == TEE_ERROR_SHORT_BUFFER)
			params[2].memref.size = len;
		return res;
	case CONF_PROP_AS_BOOL:
		res = TEE_GetPropertyAsBool(set, name, &b);
		if (res == TEE_SUCCESS)
			params[3].value.a = b;
		return res;
	case CONF_PROP_AS_U32:
		res = TEE_GetPropertyAsU32(set, name, &u32);
		if (res == TEE_SUCCESS)
			params[3].value.a = u32;
		return res;
	case CONF_PROP_AS_U64:
		res = TEE_GetPropertyAsU64(set, name, &u64);
		if (res == TEE_SUCCESS) {
			params[3].value.a = (uint32_t)u64;
			params[3].value.b = (uint32_t)(u64 >> 32);
		}
		return res;
	case CONF_PROP_AS_UUID:
		res = TEE_GetPropertyAsUUID(set, name, &uuid);
		if (res != TEE_SUCCESS)
			return res;
		return put_uuid(&params[2], &uuid);
	case CONF_PROP_AS_IDENTITY:
		res = TEE_GetPropertyAsIdentity(set, name, &id);
		if (res != TEE_SUCCESS)
			return res;
		params[3].value.a = id.login;
		return put_uuid(&params[2], &id.uuid);
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}
}

static TEE_Result cmd_list_properties(uint32_t types, TEE_Param params[TEE_NUM_PARAMS])
{
	TEE_PropSetHandle set, e = NULL;
	char name[128];
	size_t n, used = 0, cap = params[1].memref.size;
	char *out = params[1].memref.buffer;
	TEE_Result res;

	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	set = propset_of(params[0].value.a);
	if (!set)
		return TEE_ERROR_BAD_PARAMETERS;
	res = TEE_AllocatePropertyEnumerator(&e);
	if (res != TEE_SUCCESS)
		return res;
	TEE_StartPropertyEnumerator(e, set);
	for (;;) {
		n = sizeof(name);
		if (TEE_GetPropertyName(e, name, &n) != TEE_SUCCESS)
			break;
		/* n counts the NUL; the list puts '\n' in its place. */
		if (out && used + n <= cap) {
			TEE_MemMove(out + used, name, n - 1);
			out[used + n - 1] = '\n';
		}
		used += n;
		if (TEE_GetNextProperty(e) != TEE_SUCCESS)
			break;
	}
	TEE_FreePropertyEnumerator(e);
	params[1].memref.size = used;
	return used > cap ? TEE_ERROR_SHORT_BUFFER : TEE_SUCCESS;
}

static TEE_Result cmd_touch(uint32_t types, TEE_Param params[TEE_NUM_PARAMS])
{
	uint8_t *buf = params[0].memref.buffer;
	size_t n = params[0].memref.size;

	if (TEE_PARAM_TYPE_GET(types, 0) != TEE_PARAM_TYPE_MEMREF_INOUT || (n && !buf))
		return TEE_ERROR_BAD_PARAMETERS;
	mark(TEE_PARAM_TYPE_MEMREF_INOUT, &params[0]);
	if (TEE_PARAM_TYPE_GET(types, 1) == TEE_PARAM_TYPE_VALUE_INPUT)
		return TEE_Wait(params[1].value.a);
	return TEE_SUCCESS;
}

static TEE_Result cmd_check_access(uint32_t types, TEE_Param params[TEE_NUM_PARAMS])
{
	static const char rodata[] = "a constant the TA cannot write";
	char stackbuf[64];
	uint8_t *heap = NULL;
	uint32_t flags = params[0].value.a;
	uint32_t t1 = TEE_PARAM_TYPE_GET(types, 1);
	TEE_Result res;

	if (TEE_PARAM_TYPE_GET(types, 0) != TEE_PARAM_TYPE_VALUE_INPUT ||
	    TEE_PARAM_TYPE_GET(types, 2) != TEE_PARAM_TYPE_VALUE_OUTPUT)
		return TEE_ERROR_BAD_PARAMETERS;
	memset(stackbuf, 0, sizeof(stackbuf));

	switch (params[0].value.b) {
	case CONF_ACCESS_PARAM:
	case CONF_ACCESS_PARAM_OVERRUN:
		if (!is_memref(t1))
			return TEE_ERROR_BAD_PARAMETERS;
		res = TEE_CheckMemoryAccessRights(flags, params[1].memref.buffer,
						  params[1].memref.size +
						  (params[0].value.b == CONF_ACCESS_PARAM_OVERRUN));
		break;
	case CONF_ACCESS_HEAP:
	case CONF_ACCESS_HEAP_OVERRUN:
		heap = TEE_Malloc(64, TEE_MALLOC_FILL_ZERO);
		if (!heap)
			return TEE_ERROR_OUT_OF_MEMORY;
		res = TEE_CheckMemoryAccessRights(flags, heap,
						  64 + (params[0].value.b == CONF_ACCESS_HEAP_OVERRUN));
		TEE_Free(heap);
		break;
	case CONF_ACCESS_STACK:
		res = TEE_CheckMemoryAccessRights(flags, stackbuf, sizeof(stackbuf));
		break;
	case CONF_ACCESS_RODATA:
		res = TEE_CheckMemoryAccessRights(flags, (void *)rodata, sizeof(rodata));
		break;
	case CONF_ACCESS_NULL:
		res = TEE_CheckMemoryAccessRights(flags, NULL, 16);
		break;
	default:
		return TEE_ERROR_BAD_PARAMETERS;
	}
	params[2].value.a = res;
	params[2].value.b = 0;
	return TEE_SUCCESS;
}

static TEE_Result cmd_time_random(uint32_t types, TEE_Param params[TEE_NUM_PARAMS])
{
	TEE_Time ree, s0, s1;
	uint8_t r1[32], r2[32], zero[32];
	uint32_t bits = 0;
	uint64_t ms0, ms1;

	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_VALUE_OUTPUT,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_GetREETime(&ree);
	TEE_GetSystemTime(&s0);
	if (TEE_Wait(20) != TEE_SUCCESS)
		return TEE_ERROR_GENERIC;
	TEE_GetSystemTime(&s1);
	ms0 = (uint64_t)s0.seconds * 1000 + s0.millis;
	ms1 = (uint64_t)s1.seconds * 1000 + s1.millis;
	if (ms1 >= ms0 + 20 && s0.millis < 1000 && s1.millis < 1000)
		bits |= CONF_SANE_SYSTEM_TIME;
	memset(zero, 0, sizeof(zero));
	TEE_GenerateRandom(r1, sizeof(r1));
	TEE_GenerateRandom(r2, sizeof(r2));
	if (TEE_MemCompare(r1, r2, sizeof(r1)) != 0 && TEE_MemCompare(r1, zero, sizeof(r1)) != 0)
		bits |= CONF_SANE_RANDOM;
	params[0].value.a = ree.seconds;
	params[0].value.b = ree.millis;
	params[1].value.a = bits;
	params[1].value.b = ms1 >= ms0 ? (uint32_t)(ms1 - ms0) : 0;
	return TEE_SUCCESS;
}

static TEE_Result cmd_instance_info(uint32_t types, TEE_Param params[TEE_NUM_PARAMS])
{
	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_VALUE_OUTPUT,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	params[0].value.a = instance_token;
	params[0].value.b = sessions_open;
	params[1].value.a = sessions_ever;
	params[1].value.b = (uint32_t)getpid();
	return TEE_SUCCESS;
}

static TEE_Result cmd_heap_test(uint32_t types, TEE_Param params[TEE_NUM_PARAMS])
{
	uint32_t data_size = 0, bits = 0;
	uint8_t *p, *q;
	bool zero = true;

	if (types != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_PARAM_TYPE_NONE,
				     TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_TA, "gpd.ta.dataSize", &data_size) !=
	    TEE_SUCCESS)
		return TEE_ERROR_GENERIC;
	p = TEE_Malloc((size_t)data_size + 1, 0);
	if (!p)
		bits |= CONF_HEAP_CAP_ENFORCED;
	TEE_Free(p);
	p = TEE_Malloc(4096, TEE_MALLOC_FILL_ZERO);
	if (!p)
		return TEE_ERROR_OUT_OF_MEMORY;
	for (size_t i = 0; i < 4096; i++)
		zero = zero && p[i] == 0;
	if (zero)
		bits |= CONF_HEAP_ZERO_FILLED;
	TEE_MemFill(p, 0x5C, 4096);
	q = TEE_Realloc(p, 8192);
	if (!q) {
		TEE_Free(p);
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	if (q[0] == 0x5C && q[4095] == 0x5C)
		bits |= CONF_HEAP_REALLOC_KEEPS;
	TEE_Free(q);
	params[0].value.a = bits;
	params[0].value.b = data_size;
	return TEE_SUCCESS;
}

TEE_Result TA_InvokeCommandEntryPoint(void *sessionContext, uint32_t commandID,
				      uint32_t paramTypes, TEE_Param params[TEE_NUM_PARAMS])
{
	struct conf_session *s = sessionContext;

	if (commandID == CONF_CMD_GET_RECORD)
		return cmd_get_record(s, paramTypes, params);
	record_invoke(s, commandID, paramTypes, params);

	switch (commandID) {
	case CONF_CMD_NOP:
		return TEE_SUCCESS;
	case CONF_CMD_TRANSFORM:
		return cmd_transform(paramTypes, params);
	case CONF_CMD_FILL:
		return cmd_fill(paramTypes, params);
	case CONF_CMD_PANIC:
		if (TEE_PARAM_TYPE_GET(paramTypes, 0) == TEE_PARAM_TYPE_VALUE_INPUT)
			TEE_Panic(params[0].value.a);
		TEE_Panic(CONF_PANIC_CODE);
	case CONF_CMD_CRASH: {
		/* volatile: the compiler must emit the faulting store. */
		volatile uint32_t *volatile null_ptr = NULL;

		*null_ptr = 0xDEAD;
		return TEE_ERROR_GENERIC;
	}
	case CONF_CMD_WAIT_UNMASKED:
		return cmd_wait(true, paramTypes, params);
	case CONF_CMD_WAIT_MASKED:
		return cmd_wait(false, paramTypes, params);
	case CONF_CMD_GET_IDENTITY:
		return cmd_get_identity(paramTypes, params);
	case CONF_CMD_GET_PROPERTY:
		return cmd_get_property(paramTypes, params);
	case CONF_CMD_LIST_PROPERTIES:
		return cmd_list_properties(paramTypes, params);
	case CONF_CMD_TOUCH:
		return cmd_touch(paramTypes, params);
	case CONF_CMD_CHECK_ACCESS:
		return cmd_check_access(paramTypes, params);
	case CONF_CMD_TIME_RANDOM:
		return cmd_time_random(paramTypes, params);
	case CONF_CMD_INSTANCE_INFO:
		return cmd_instance_info(paramTypes, params);
	case CONF_CMD_HEAP_TEST:
		return cmd_heap_test(paramTypes, params);
	case CONF_CMD_RETURN:
		if (TEE_PARAM_TYPE_GET(paramTypes, 0) != TEE_PARAM_TYPE_VALUE_INPUT)
			return TEE_ERROR_BAD_PARAMETERS;
		return params[0].value.a;
	case CONF_CMD_HANG_IN_DESTROY:
		hang_in_destroy = true;
		return TEE_SUCCESS;
	case CONF_CMD_SLOW_DESTROY:
		if (paramTypes != TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_NONE,
						  TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		destroy_wait_ms = params[0].value.a;
		return TEE_SUCCESS;
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}
