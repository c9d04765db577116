/*
 * Unit test of the TA SDK (TEE_* functions) against the stub runtime.
 * Prints one line per test and "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "stub_runtime.h"
#include "tee_sdk_internal.h"

static int failures_in_test;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			printf("    check failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			failures_in_test++;                                          \
		}                                                                    \
	} while (0)

/* Runs f and reports whether it called TEE_Panic. */
static bool panics(void (*f)(void))
{
	stub_panic_armed = true;
	if (setjmp(stub_panic_jmp) != 0)
		return true;
	f();
	stub_panic_armed = false;
	return false;
}

/* ---- heap ---- */

static void test_malloc_fill_and_hints(void)
{
	unsigned char *p = TEE_Malloc(100, TEE_MALLOC_FILL_ZERO);
	bool zero = true;

	CHECK(p != NULL);
	for (size_t i = 0; p && i < 100; i++)
		zero = zero && p[i] == 0;
	CHECK(zero);
	TEE_Free(p);

	p = TEE_Malloc(16, TEE_MALLOC_NO_FILL);
	CHECK(p != NULL);
	TEE_Free(p);

	CHECK(TEE_Malloc(16, 0x40) == NULL); /* reserved hint */
	p = TEE_Malloc(0, 0);
	CHECK(p != NULL);
	TEE_Free(p);
	TEE_Free(NULL);
	p = TEE_Malloc(3, 0);
	CHECK(p != NULL && ((uintptr_t)p % _Alignof(max_align_t)) == 0);
	TEE_Free(p);
}

static void test_heap_cap(void)
{
	size_t half = stub_head.data_size / 2;
	void *a, *b, *c;

	CHECK(TEE_Malloc(stub_head.data_size + 1, 0) == NULL);
	CHECK(TEE_Malloc(SIZE_MAX, 0) == NULL);
	a = TEE_Malloc(half, 0);
	b = TEE_Malloc(half - 64, 0);
	CHECK(a != NULL && b != NULL);
	c = TEE_Malloc(128, 0); /* over the data size */
	CHECK(c == NULL);
	TEE_Free(b);
	c = TEE_Malloc(128, 0);
	CHECK(c != NULL);
	TEE_Free(a);
	TEE_Free(c);
}

static void test_realloc(void)
{
	unsigned char *p = TEE_Malloc(8, 0), *q;
	bool ok = true;

	CHECK(p != NULL);
	if (!p)
		return;
	memset(p, 0xAB, 8);
	q = TEE_Realloc(p, 4096);
	CHECK(q != NULL);
	if (!q)
		return;
	for (size_t i = 0; i < 8; i++)
		ok = ok && q[i] == 0xAB;
	for (size_t i = 8; i < 4096; i++)
		ok = ok && q[i] == 0;
	CHECK(ok);
	/* Growing past the data size fails and leaves the block intact. */
	CHECK(TEE_Realloc(q, stub_head.data_size + 1) == NULL);
	CHECK(q[0] == 0xAB);
	q = TEE_Realloc(q, 2);
	CHECK(q != NULL && q[1] == 0xAB);
	TEE_Free(q);
	p = TEE_Realloc(NULL, 32);
	CHECK(p != NULL && p[31] == 0);
	TEE_Free(p);
}

static void free_bogus(void)
{
	static int not_heap;

	TEE_Free(&not_heap);
}

static void test_free_bogus_panics(void)
{
	CHECK(panics(free_bogus));
	CHECK(stub_last_panic == TEE_ERROR_BAD_PARAMETERS);
}

static void test_mem_helpers(void)
{
	char buf[16] = "abcdefghij";
	unsigned char f[4];

	CHECK(TEE_MemCompare("abc", "abd", 3) < 0);
	CHECK(TEE_MemCompare("abd", "abc", 3) > 0);
	CHECK(TEE_MemCompare("abc", "abc", 3) == 0);
	CHECK(TEE_MemCompare(NULL, NULL, 0) == 0);
	TEE_MemMove(buf + 2, buf, 5); /* overlapping */
	CHECK(memcmp(buf, "ababcdehij", 10) == 0);
	TEE_MemFill(f, 0x1234, sizeof(f)); /* only the low byte counts */
	CHECK(f[0] == 0x34 && f[3] == 0x34);
}

/* ---- cancellation, time, random ---- */

static void test_cancellation(void)
{
	stub_cancel_masked = true;
	stub_cancel_requested = true;
	CHECK(TEE_GetCancellationFlag() == false);
	CHECK(TEE_Wait(5) == TEE_SUCCESS);
	CHECK(TEE_UnmaskCancellation() == true);
	CHECK(TEE_UnmaskCancellation() == false);
	CHECK(TEE_GetCancellationFlag() == true);
	CHECK(TEE_Wait(10000) == TEE_ERROR_CANCEL);
	CHECK(TEE_MaskCancellation() == false);
	CHECK(TEE_MaskCancellation() == true);
	stub_cancel_requested = false;
	CHECK(TEE_UnmaskCancellation() == true);
	CHECK(TEE_Wait(1) == TEE_SUCCESS);
	TEE_MaskCancellation();
}

static void test_time(void)
{
	TEE_Time a, b, r;
	uint64_t ams, bms;

	TEE_GetSystemTime(&a);
	TEE_Wait(20);
	TEE_GetSystemTime(&b);
	ams = (uint64_t)a.seconds * 1000 + a.millis;
	bms = (uint64_t)b.seconds * 1000 + b.millis;
	CHECK(bms >= ams + 19);
	CHECK(a.millis < 1000 && b.millis < 1000);
	TEE_GetREETime(&r);
	CHECK(llabs((long long)r.seconds - (long long)time(NULL)) <= 2);
}

static void test_random(void)
{
	uint8_t a[32] = { 0 }, b[32] = { 0 }, zero[32] = { 0 };

	TEE_GenerateRandom(a, sizeof(a));
	TEE_GenerateRandom(b, sizeof(b));
	CHECK(memcmp(a, zero, 32) != 0);
	CHECK(memcmp(a, b, 32) != 0);
	TEE_GenerateRandom(NULL, 0);
}

/* ---- memory access rights ---- */

static void test_access_rights(void)
{
	const uint32_t rw = TEE_MEMORY_ACCESS_READ | TEE_MEMORY_ACCESS_WRITE;
	char stackbuf[64];
	static const char rodata[] = "read only constant";
	char *heap = TEE_Malloc(256, 0);
	unsigned char *client = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned char *guard = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(heap != NULL && client != MAP_FAILED && guard != MAP_FAILED);
	if (!heap || client == MAP_FAILED || guard == MAP_FAILED)
		return;
	CHECK(TEE_CheckMemoryAccessRights(rw, heap, 256) == TEE_SUCCESS);
	CHECK(TEE_CheckMemoryAccessRights(rw, heap + 10, 20) == TEE_SUCCESS);
	CHECK(TEE_CheckMemoryAccessRights(rw, heap, 257) == TEE_ERROR_ACCESS_DENIED);
	CHECK(TEE_CheckMemoryAccessRights(rw, stackbuf, sizeof(stackbuf)) == TEE_SUCCESS);
	CHECK(TEE_CheckMemoryAccessRights(TEE_MEMORY_ACCESS_READ, (void *)rodata,
					  sizeof(rodata)) == TEE_SUCCESS);
	CHECK(TEE_CheckMemoryAccessRights(rw, (void *)rodata, sizeof(rodata)) ==
	      TEE_ERROR_ACCESS_DENIED);
	CHECK(TEE_CheckMemoryAccessRights(TEE_MEMORY_ACCESS_READ, NULL, 8) ==
	      TEE_ERROR_ACCESS_DENIED);
	CHECK(TEE_CheckMemoryAccessRights(TEE_MEMORY_ACCESS_READ, guard, 16) ==
	      TEE_ERROR_ACCESS_DENIED);
	CHECK(TEE_CheckMemoryAccessRights(TEE_MEMORY_ACCESS_READ, (void *)(UINTPTR_MAX - 4), 16) ==
	      TEE_ERROR_ACCESS_DENIED);
	CHECK(TEE_CheckMemoryAccessRights(0x80, heap, 16) == TEE_ERROR_ACCESS_DENIED);
	CHECK(TEE_CheckMemoryAccessRights(TEE_MEMORY_ACCESS_READ, NULL, 0) == TEE_SUCCESS);

	/* Client-shared memory needs ANY_OWNER. */
	stub_client_mem = client;
	stub_client_mem_size = 4096;
	CHECK(TEE_CheckMemoryAccessRights(rw, client, 100) == TEE_ERROR_ACCESS_DENIED);
	CHECK(TEE_CheckMemoryAccessRights(rw | TEE_MEMORY_ACCESS_ANY_OWNER, client, 100) ==
	      TEE_SUCCESS);
	CHECK(TEE_CheckMemoryAccessRights(rw | TEE_MEMORY_ACCESS_ANY_OWNER, client + 4000, 200) ==
	      TEE_ERROR_ACCESS_DENIED);
	stub_client_mem = NULL;
	TEE_Free(heap);
	munmap(client, 4096);
	munmap(guard, 4096);
}

/* ---- properties ---- */

static void test_ta_properties(void)
{
	char s[64];
	size_t n;
	bool b;
	uint32_t u;
	uint64_t u64;
	TEE_UUID uuid;
	uint8_t bin[8];

	n = sizeof(s);
	CHECK(TEE_GetPropertyAsString(TEE_PROPSET_CURRENT_TA, "gpd.ta.appID", s, &n) == TEE_SUCCESS);
	CHECK(strcmp(s, "e7e3e509-f4e1-492b-8df8-5ca20eb599f0") == 0 && n == 37);
	n = 5;
	CHECK(TEE_GetPropertyAsString(TEE_PROPSET_CURRENT_TA, "gpd.ta.appID", s, &n) ==
	      TEE_ERROR_SHORT_BUFFER);
	CHECK(n == 37);
	CHECK(TEE_GetPropertyAsBool(TEE_PROPSET_CURRENT_TA, "gpd.ta.singleInstance", &b) ==
	      TEE_SUCCESS && b);
	CHECK(TEE_GetPropertyAsBool(TEE_PROPSET_CURRENT_TA, "gpd.ta.instanceKeepAlive", &b) ==
	      TEE_SUCCESS && !b);
	CHECK(TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_TA, "gpd.ta.dataSize", &u) == TEE_SUCCESS &&
	      u == 64 * 1024);
	CHECK(TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_TA, "gpd.ta.stackSize", &u) == TEE_SUCCESS &&
	      u == 8192);
	CHECK(TEE_GetPropertyAsUUID(TEE_PROPSET_CURRENT_TA, "gpd.ta.appID", &uuid) == TEE_SUCCESS &&
	      memcmp(&uuid, &stub_head.uuid, sizeof(uuid)) == 0);
	n = sizeof(s);
	CHECK(TEE_GetPropertyAsString(TEE_PROPSET_CURRENT_TA, "gpd.ta.version", s, &n) ==
	      TEE_SUCCESS && strcmp(s, "1.2.3") == 0);
	n = sizeof(s);
	CHECK(TEE_GetPropertyAsString(TEE_PROPSET_CURRENT_TA, "gpd.ta.singleInstance", s, &n) ==
	      TEE_SUCCESS && strcmp(s, "true") == 0 && n == 5);
	CHECK(TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_TA, "gpd.ta.description", &u) ==
	      TEE_ERROR_BAD_FORMAT);
	CHECK(TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_TA, "no.such.property", &u) ==
	      TEE_ERROR_ITEM_NOT_FOUND);

	/* Extension properties, with the GP string conversions. */
	n = sizeof(s);
	CHECK(TEE_GetPropertyAsString(TEE_PROPSET_CURRENT_TA, "test.string", s, &n) ==
	      TEE_SUCCESS && strcmp(s, "hello world") == 0 && n == 12);
	CHECK(TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_TA, "test.u32", &u) == TEE_SUCCESS &&
	      u == 0x10);
	CHECK(TEE_GetPropertyAsU64(TEE_PROPSET_CURRENT_TA, "test.u64", &u64) == TEE_SUCCESS &&
	      u64 == 0x123456789ULL);
	CHECK(TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_TA, "test.u64", &u) == TEE_ERROR_BAD_FORMAT);
	CHECK(TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_TA, "test.numstr", &u) == TEE_SUCCESS &&
	      u == 0x20);
	CHECK(TEE_GetPropertyAsBool(TEE_PROPSET_CURRENT_TA, "test.bool", &b) == TEE_SUCCESS && b);
	CHECK(TEE_GetPropertyAsBool(TEE_PROPSET_CURRENT_TA, "test.boolstr", &b) == TEE_SUCCESS && !b);
	CHECK(TEE_GetPropertyAsUUID(TEE_PROPSET_CURRENT_TA, "test.uuidstr", &uuid) == TEE_SUCCESS &&
	      uuid.timeLow == 0x8aaaf200 && uuid.clockSeqAndNode[7] == 0x1b);
	n = sizeof(bin);
	CHECK(TEE_GetPropertyAsBinaryBlock(TEE_PROPSET_CURRENT_TA, "test.binary", bin, &n) ==
	      TEE_SUCCESS && n == 5 && memcmp(bin, "hello", 5) == 0);
	n = 2;
	CHECK(TEE_GetPropertyAsBinaryBlock(TEE_PROPSET_CURRENT_TA, "test.binary", bin, &n) ==
	      TEE_ERROR_SHORT_BUFFER && n == 5);
	n = sizeof(s);
	CHECK(TEE_GetPropertyAsString(TEE_PROPSET_CURRENT_TA, "test.uuid", s, &n) == TEE_SUCCESS &&
	      strcmp(s, "11223344-5566-7788-0102-030405060708") == 0);
}

static void test_client_and_tee_properties(void)
{
	TEE_Identity id;
	uint32_t u;
	char s[80];
	size_t n;

	stub_have_identity = false;
	CHECK(TEE_GetPropertyAsIdentity(TEE_PROPSET_CURRENT_CLIENT, "gpd.client.identity", &id) ==
	      TEE_ERROR_ITEM_NOT_FOUND);
	stub_have_identity = true;
	stub_identity.login = TEE_LOGIN_USER;
	stub_identity.uuid.timeLow = 0xabcdef01;
	CHECK(TEE_GetPropertyAsIdentity(TEE_PROPSET_CURRENT_CLIENT, "gpd.client.identity", &id) ==
	      TEE_SUCCESS && id.login == TEE_LOGIN_USER && id.uuid.timeLow == 0xabcdef01);
	n = sizeof(s);
	CHECK(TEE_GetPropertyAsString(TEE_PROPSET_CURRENT_CLIENT, "gpd.client.identity", s, &n) ==
	      TEE_SUCCESS && strcmp(s, "1:abcdef01-0000-0000-0000-000000000000") == 0);
	CHECK(TEE_GetPropertyAsU32(TEE_PROPSET_CURRENT_CLIENT, "gpd.client.endian", &u) ==
	      TEE_SUCCESS && u == 0);
	n = sizeof(s);
	CHECK(TEE_GetPropertyAsString(TEE_PROPSET_TEE_IMPLEMENTATION, "gpd.tee.apiversion", s, &n) ==
	      TEE_SUCCESS && n > 1);
	CHECK(TEE_GetPropertyAsU32(TEE_PROPSET_TEE_IMPLEMENTATION,
				   "gpd.tee.systemTime.protectionLevel", &u) == TEE_SUCCESS);
	stub_have_identity = false;
}

static void test_enumerator(void)
{
	TEE_PropSetHandle e = NULL;
	char name[64];
	size_t n;
	int count = 0;
	bool saw_ext = false, saw_appid = false;
	char value[64];

	CHECK(TEE_AllocatePropertyEnumerator(&e) == TEE_SUCCESS);
	n = sizeof(name);
	CHECK(TEE_GetPropertyName(e, name, &n) == TEE_ERROR_ITEM_NOT_FOUND); /* not started */
	TEE_StartPropertyEnumerator(e, TEE_PROPSET_CURRENT_TA);
	do {
		n = sizeof(name);
		if (TEE_GetPropertyName(e, name, &n) != TEE_SUCCESS)
			break;
		count++;
		saw_appid = saw_appid || strcmp(name, "gpd.ta.appID") == 0;
		if (strcmp(name, "test.string") == 0) {
			n = sizeof(value);
			saw_ext = TEE_GetPropertyAsString(e, NULL, value, &n) == TEE_SUCCESS &&
				  strcmp(value, "hello world") == 0;
		}
	} while (TEE_GetNextProperty(e) == TEE_SUCCESS);
	CHECK(count == 8 + 9); /* 6 fixed + version + description + 9 extension */
	CHECK(saw_appid && saw_ext);
	CHECK(TEE_GetNextProperty(e) == TEE_ERROR_ITEM_NOT_FOUND);
	n = 3;
	TEE_ResetPropertyEnumerator(e);
	TEE_StartPropertyEnumerator(e, TEE_PROPSET_CURRENT_TA);
	CHECK(TEE_GetPropertyName(e, name, &n) == TEE_ERROR_SHORT_BUFFER && n == 13);
	TEE_FreePropertyEnumerator(e);
	TEE_FreePropertyEnumerator(NULL);
}

static void bad_enum(void)
{
	TEE_ResetPropertyEnumerator((TEE_PropSetHandle)0x1234);
}

static void test_bad_enumerator_panics(void)
{
	CHECK(panics(bad_enum));
}

/* ---- trace ---- */

static void test_trace(void)
{
	stub_last_trace[0] = '\0';
	EMSG("value %d", 42);
	CHECK(strstr(stub_last_trace, "value 42") != NULL);
	CHECK(strstr(stub_last_trace, "test_trace") != NULL);
	CHECK(stub_last_trace_level == TRACE_ERROR);
	stub_last_trace[0] = '\0';
	DMSG("filtered %d", 1); /* above the default TRACE_LEVEL: compiled out */
	CHECK(stub_last_trace[0] == '\0');
}

struct test {
	const char *name;
	void (*fn)(void);
};

/* The GP crypto API tests live in crypto_unit_test.c (one line each). */
int sdk_crypto_unit_tests(void);
static void test_crypto(void)
{
	CHECK(sdk_crypto_unit_tests() == 0);
}

static const struct test tests[] = {
	{ "malloc fill and hints", test_malloc_fill_and_hints },
	{ "heap capped at TA_DATA_SIZE", test_heap_cap },
	{ "realloc", test_realloc },
	{ "free of a foreign pointer panics", test_free_bogus_panics },
	{ "memmove/memcompare/memfill", test_mem_helpers },
	{ "cancellation mask and wait", test_cancellation },
	{ "system and REE time", test_time },
	{ "random", test_random },
	{ "memory access rights", test_access_rights },
	{ "TA properties", test_ta_properties },
	{ "client and TEE properties", test_client_and_tee_properties },
	{ "property enumerator", test_enumerator },
	{ "bad enumerator handle panics", test_bad_enumerator_panics },
	{ "trace macros", test_trace },
	{ "crypto API", test_crypto },
};

int main(void)
{
	int passed = 0, failed = 0;

	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		failures_in_test = 0;
		tests[i].fn();
		/* Every test frees what it allocates: the heap must be empty again. */
		CHECK(tee_sdk_heap_used() == 0);
		if (failures_in_test == 0) {
			printf("PASS sdk: %s\n", tests[i].name);
			passed++;
		} else {
			printf("FAIL sdk: %s\n", tests[i].name);
			failed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
