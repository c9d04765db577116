/*
 * A fake TA host for the SDK unit test: implements tee_sim_rt_* over plain
 * globals the test sets, and turns TEE_Panic into a longjmp back into the test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "stub_runtime.h"

static const uint32_t ext_u32 = 0x10;
static const uint64_t ext_u64 = 0x123456789ULL;
static const bool ext_bool = true;
static const TEE_UUID ext_uuid = { 0x11223344, 0x5566, 0x7788, { 1, 2, 3, 4, 5, 6, 7, 8 } };

static const struct tee_sim_ta_property ext_props[] = {
	{ "test.string", TEE_SIM_PROP_STRING, "hello world" },
	{ "test.u32", TEE_SIM_PROP_U32, &ext_u32 },
	{ "test.u64", TEE_SIM_PROP_U64, &ext_u64 },
	{ "test.bool", TEE_SIM_PROP_BOOL, &ext_bool },
	{ "test.uuid", TEE_SIM_PROP_UUID, &ext_uuid },
	{ "test.binary", TEE_SIM_PROP_BINARY, "aGVsbG8=" },
	{ "test.numstr", TEE_SIM_PROP_STRING, "0x20" },
	{ "test.boolstr", TEE_SIM_PROP_STRING, "FALSE" },
	{ "test.uuidstr", TEE_SIM_PROP_STRING, "8aaaf200-2450-11e4-abe2-0002a5d5c51b" },
};

struct tee_sim_ta_head stub_head = {
	.magic = TEE_SIM_TA_HEAD_MAGIC,
	.abi_version = TEE_SIM_TA_ABI_VERSION,
	.uuid = { 0xe7e3e509, 0xf4e1, 0x492b, { 0x8d, 0xf8, 0x5c, 0xa2, 0x0e, 0xb5, 0x99, 0xf0 } },
	.flags = (1u << 2) | (1u << 3),
	.stack_size = 8192,
	.data_size = 64 * 1024,
	.version = "1.2.3",
	.description = "stub TA",
	.ext_props = ext_props,
	.num_ext_props = sizeof(ext_props) / sizeof(ext_props[0]),
};

TEE_Identity stub_identity;
bool stub_have_identity;
bool stub_cancel_requested;
bool stub_cancel_masked = true;
const void *stub_client_mem;
size_t stub_client_mem_size;
jmp_buf stub_panic_jmp;
bool stub_panic_armed;
TEE_Result stub_last_panic;
char stub_last_trace[600];
int stub_last_trace_level;

const struct tee_sim_ta_head *tee_sim_rt_ta_head(void)
{
	return &stub_head;
}

const TEE_Identity *tee_sim_rt_client_identity(void)
{
	return stub_have_identity ? &stub_identity : NULL;
}

bool tee_sim_rt_cancel_requested(void)
{
	return stub_cancel_requested;
}

bool tee_sim_rt_cancel_masked(void)
{
	return stub_cancel_masked;
}

void tee_sim_rt_set_cancel_masked(bool masked)
{
	stub_cancel_masked = masked;
}

bool tee_sim_rt_wait(uint32_t timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };

	if (stub_cancel_requested && !stub_cancel_masked)
		return true;
	nanosleep(&ts, NULL);
	return false;
}

bool tee_sim_rt_is_client_memory(const void *p, size_t n)
{
	uintptr_t s = (uintptr_t)stub_client_mem, q = (uintptr_t)p;

	if (!stub_client_mem)
		return false;
	return q >= s && n <= stub_client_mem_size && q - s <= stub_client_mem_size - n;
}

void tee_sim_rt_panic(TEE_Result code)
{
	stub_last_panic = code;
	if (stub_panic_armed) {
		stub_panic_armed = false;
		longjmp(stub_panic_jmp, 1);
	}
	fprintf(stderr, "unexpected TEE_Panic(0x%08x)\n", (unsigned)code);
	_exit(2);
}

void tee_sim_rt_trace(int level, const char *func, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(stub_last_trace, sizeof(stub_last_trace), "%s:%d: ", func, line);
	if (n < 0 || (size_t)n >= sizeof(stub_last_trace))
		return;
	va_start(ap, fmt);
	vsnprintf(stub_last_trace + n, sizeof(stub_last_trace) - (size_t)n, fmt, ap);
	va_end(ap);
	stub_last_trace_level = level;
}
