/*
 * The simulator's own smoke test: a quick end-to-end pass over the IPC
 * runtime (daemon, TA host, client library) with the conformance TAs.
 * The full GP conformance suite lives in native/tests; this only guards the
 * plumbing while working on native/sim. Run through run-smoke.sh, which
 * gives it a private daemon.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "conformance_ta.h"
#include "tee_client_api.h"

static int failures;

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: FAILED: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                                   \
		}                                                                     \
	} while (0)

static const TEEC_UUID conf_uuid = CONF_TA_UUID;
static const TEEC_UUID si_uuid = CONF_SI_TA_UUID;
static const TEEC_UUID sims_uuid = CONF_SIMS_TA_UUID;

static TEEC_Context ctx;

static TEEC_Result open_conf(TEEC_Session *s, const TEEC_UUID *u, uint32_t *origin)
{
	return TEEC_OpenSession(&ctx, s, u, TEEC_LOGIN_PUBLIC, NULL, NULL, origin);
}

static void test_basics(void)
{
	TEEC_Session s;
	TEEC_Operation op;
	uint32_t origin;
	const TEEC_UUID nope = { 1, 2, 3, { 4 } };
	char in[16] = "hello", out[8];

	CHECK(TEEC_InitializeContext("bogus", &ctx) == TEEC_ERROR_ITEM_NOT_FOUND);
	CHECK(TEEC_InitializeContext(NULL, NULL) == TEEC_ERROR_BAD_PARAMETERS);
	CHECK(open_conf(&s, &nope, &origin) == TEEC_ERROR_ITEM_NOT_FOUND && origin == TEEC_ORIGIN_TEE);
	CHECK(open_conf(&s, &conf_uuid, &origin) == TEEC_SUCCESS && origin == TEEC_ORIGIN_TRUSTED_APP);
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_NOP, NULL, &origin) == TEEC_SUCCESS);

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_MEMREF_TEMP_INOUT,
					 TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_INPUT);
	op.params[0].value.a = 10;
	op.params[0].value.b = 20;
	op.params[1].tmpref.buffer = in;
	op.params[1].tmpref.size = 5;
	op.params[2].tmpref.buffer = out;
	op.params[2].tmpref.size = sizeof(out);
	op.params[3].value.a = 7;
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, &op, &origin) == TEEC_SUCCESS);
	CHECK(op.params[0].value.a == 11 && op.params[0].value.b == 22);
	CHECK((unsigned char)in[0] == (unsigned char)~'h' && in[5] == 0);
	CHECK((unsigned char)out[0] == CONF_OUT_FILL_BYTE + 2 && op.params[2].tmpref.size == 8);
	CHECK(op.params[3].value.a == 7);

	/* SHORT_BUFFER: size updated, nothing copied. */
	memset(out, 0x55, sizeof(out));
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_VALUE_INPUT, 0, 0);
	op.params[0].tmpref.buffer = out;
	op.params[0].tmpref.size = 4;
	op.params[1].value.a = 6;
	op.params[1].value.b = 0x77;
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_FILL, &op, &origin) == TEEC_ERROR_SHORT_BUFFER &&
	      origin == TEEC_ORIGIN_TRUSTED_APP);
	CHECK(op.params[0].tmpref.size == 6 && out[0] == 0x55);
	op.params[0].tmpref.size = 8;
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_FILL, &op, &origin) == TEEC_SUCCESS);
	CHECK(op.params[0].tmpref.size == 6 && out[5] == 0x77 && out[6] == 0x55);

	/* Empty temporary buffers, NULL and not. */
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_MEMREF_TEMP_OUTPUT, 0, 0);
	op.params[0].tmpref.buffer = out;
	op.params[1].tmpref.buffer = NULL;
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, &op, &origin) == TEEC_SUCCESS);
	CHECK(op.params[0].tmpref.size == 0 && op.params[1].tmpref.size == 0);

	/* Bad nibble: origin API. */
	memset(&op, 0, sizeof(op));
	op.paramTypes = 0x4;
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_NOP, &op, &origin) == TEEC_ERROR_BAD_PARAMETERS &&
	      origin == TEEC_ORIGIN_API);
	TEEC_CloseSession(&s);
	TEEC_CloseSession(&s);
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_NOP, NULL, &origin) == TEEC_ERROR_BAD_PARAMETERS &&
	      origin == TEEC_ORIGIN_COMMS);
}

static void test_shm(void)
{
	TEEC_SharedMemory a = { .size = 1 << 20, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT };
	TEEC_SharedMemory r, big = { .size = SIZE_MAX, .flags = TEEC_MEM_INPUT };
	static const char ro[32] = "read only";
	TEEC_Session s;
	TEEC_Operation op;
	uint32_t origin;

	CHECK(TEEC_AllocateSharedMemory(&ctx, &big) == TEEC_ERROR_OUT_OF_MEMORY);
	CHECK(TEEC_AllocateSharedMemory(&ctx, &a) == TEEC_SUCCESS);
	CHECK(open_conf(&s, &conf_uuid, &origin) == TEEC_SUCCESS);
	memset(a.buffer, 1, a.size);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, 0, 0, 0);
	op.params[0].memref.parent = &a;
	op.params[0].memref.offset = 0;
	op.params[0].memref.size = a.size;
	for (int i = 0; i < 3; i++)
		CHECK(TEEC_InvokeCommand(&s, CONF_CMD_TOUCH, &op, &origin) == TEEC_SUCCESS);
	CHECK(((unsigned char *)a.buffer)[0] == 4 && ((unsigned char *)a.buffer)[a.size - 1] == 4);
	op.params[0].memref.offset = 1;
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_TOUCH, &op, &origin) == TEEC_ERROR_BAD_PARAMETERS &&
	      origin == TEEC_ORIGIN_API);

	/* Registered read-only memory as input. */
	memset(&r, 0, sizeof(r));
	r.buffer = (void *)ro;
	r.size = sizeof(ro);
	r.flags = TEEC_MEM_INPUT;
	CHECK(TEEC_RegisterSharedMemory(&ctx, &r) == TEEC_SUCCESS);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, 0, 0, 0);
	op.params[0].memref.parent = &r;
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, &op, &origin) == TEEC_SUCCESS);
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_OUTPUT, 0, 0, 0);
	op.params[0].memref.size = 1;
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, &op, &origin) == TEEC_ERROR_BAD_PARAMETERS &&
	      origin == TEEC_ORIGIN_API);
	TEEC_ReleaseSharedMemory(&r);
	TEEC_ReleaseSharedMemory(&r);
	TEEC_ReleaseSharedMemory(&a);
	TEEC_ReleaseSharedMemory(&a);
	TEEC_ReleaseSharedMemory(NULL);
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_NOP, NULL, &origin) == TEEC_SUCCESS);
	TEEC_CloseSession(&s);
}

static void test_dead(void)
{
	TEEC_Session s, s2;
	uint32_t origin;

	CHECK(open_conf(&s, &conf_uuid, &origin) == TEEC_SUCCESS);
	CHECK(open_conf(&s2, &conf_uuid, &origin) == TEEC_SUCCESS);
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_PANIC, NULL, &origin) == TEEC_ERROR_TARGET_DEAD &&
	      origin == TEEC_ORIGIN_TEE);
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_NOP, NULL, &origin) == TEEC_ERROR_TARGET_DEAD &&
	      origin == TEEC_ORIGIN_TEE);
	CHECK(TEEC_InvokeCommand(&s2, CONF_CMD_NOP, NULL, &origin) == TEEC_SUCCESS);
	TEEC_CloseSession(&s);
	CHECK(open_conf(&s, &conf_uuid, &origin) == TEEC_SUCCESS);
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_CRASH, NULL, &origin) == TEEC_ERROR_TARGET_DEAD &&
	      origin == TEEC_ORIGIN_TEE);
	TEEC_CloseSession(&s);
	TEEC_CloseSession(&s2);
}

static void test_single_instance(void)
{
	TEEC_Session a, b;
	uint32_t origin;

	CHECK(open_conf(&a, &si_uuid, &origin) == TEEC_SUCCESS);
	CHECK(open_conf(&b, &si_uuid, &origin) == TEEC_ERROR_BUSY && origin == TEEC_ORIGIN_TEE);
	TEEC_CloseSession(&a);
	CHECK(open_conf(&a, &si_uuid, &origin) == TEEC_SUCCESS);
	TEEC_CloseSession(&a);
	CHECK(open_conf(&a, &sims_uuid, &origin) == TEEC_SUCCESS);
	CHECK(open_conf(&b, &sims_uuid, &origin) == TEEC_SUCCESS);
	TEEC_CloseSession(&a);
	TEEC_CloseSession(&b);
}

struct waiter {
	TEEC_Session *s;
	TEEC_Operation op;
	uint32_t cmd;
	TEEC_Result res;
	uint32_t origin;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;

	w->res = TEEC_InvokeCommand(w->s, w->cmd, &w->op, &w->origin);
	return NULL;
}

static void test_cancel(void)
{
	struct timespec ms200 = { 0, 200 * 1000 * 1000 };
	TEEC_Session s;
	struct waiter w;
	pthread_t th;
	uint32_t origin;

	CHECK(open_conf(&s, &conf_uuid, &origin) == TEEC_SUCCESS);
	for (int masked = 0; masked < 2; masked++) {
		memset(&w, 0, sizeof(w));
		w.s = &s;
		w.cmd = masked ? CONF_CMD_WAIT_MASKED : CONF_CMD_WAIT_UNMASKED;
		w.op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, 0, 0, 0);
		w.op.params[0].value.a = masked ? 600 : 10000;
		CHECK(pthread_create(&th, NULL, wait_thread, &w) == 0);
		nanosleep(&ms200, NULL);
		TEEC_RequestCancellation(&w.op);
		pthread_join(th, NULL);
		if (masked)
			CHECK(w.res == TEEC_SUCCESS);
		else
			CHECK(w.res == TEEC_ERROR_CANCEL && w.origin == TEEC_ORIGIN_TRUSTED_APP);
	}
	TEEC_CloseSession(&s);
}

static void *parallel_thread(void *arg)
{
	TEEC_Session s;
	uint32_t origin;
	long fails = 0;

	(void)arg;
	if (open_conf(&s, &conf_uuid, &origin) != TEEC_SUCCESS)
		return (void *)1;
	for (int i = 0; i < 200; i++) {
		TEEC_Operation op;
		char buf[64] = { 0 };

		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_MEMREF_TEMP_INOUT, 0, 0);
		op.params[0].value.a = (uint32_t)i;
		op.params[1].tmpref.buffer = buf;
		op.params[1].tmpref.size = sizeof(buf);
		if (TEEC_InvokeCommand(&s, CONF_CMD_TRANSFORM, &op, &origin) != TEEC_SUCCESS ||
		    op.params[0].value.a != (uint32_t)i + 1 || (unsigned char)buf[10] != 0xFF)
			fails++;
	}
	TEEC_CloseSession(&s);
	return (void *)fails;
}

static void test_threads(void)
{
	pthread_t th[8];
	void *ret;

	for (int i = 0; i < 8; i++)
		CHECK(pthread_create(&th[i], NULL, parallel_thread, NULL) == 0);
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], &ret);
		CHECK(ret == NULL);
	}
}

/* Junk on the daemon socket drops that connection only. */
static void test_garbage(void)
{
	const char *path = getenv("RX_TEEC_SIM_SOCKET");
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	unsigned char junk[200];
	TEEC_Session s;
	uint32_t origin;

	if (!path || strlen(path) >= sizeof(addr.sun_path))
		return;
	strcpy(addr.sun_path, path);
	for (int round = 0; round < 4; round++) {
		int fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
		size_t len = round == 0 ? 3 : round == 1 ? sizeof(junk) : 16;

		CHECK(fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0);
		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = (unsigned char)(i * 37 + round);
		if (round >= 2) {
			/* A plausible header with a wrong size / unknown type. */
			uint32_t hdr[4] = { 0x4d535852u, round == 2 ? 0x00010001u : 0x7fff0001u, 16, 0 };

			memcpy(junk, hdr, sizeof(hdr));
		}
		CHECK(send(fd, junk, len, MSG_NOSIGNAL) == (ssize_t)len);
		/* The daemon hangs up on us. */
		CHECK(recv(fd, junk, sizeof(junk), 0) <= 0);
		close(fd);
	}
	CHECK(open_conf(&s, &conf_uuid, &origin) == TEEC_SUCCESS);
	CHECK(TEEC_InvokeCommand(&s, CONF_CMD_NOP, NULL, &origin) == TEEC_SUCCESS);
	TEEC_CloseSession(&s);
}

/* Number of TA instances the daemon reports, -1 if unknown. */
static int daemon_instances(void)
{
	const char *bin = getenv("RX_TEEC_SIM_BIN");
	char cmd[512], out[4096];
	const char *p;
	size_t n;
	FILE *f;

	if (!bin)
		return -1;
	snprintf(cmd, sizeof(cmd), "%s/tee-sim-ctl --json status", bin);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, sizeof(out) - 1, f);
	pclose(f);
	out[n] = 0;
	p = strstr(out, "\"instances\":");
	return p ? atoi(p + 12) : -1;
}

/* A client killed in the middle of an invoke leaves nothing behind. */
static void test_killed_client(void)
{
	struct timespec ms100 = { 0, 100 * 1000 * 1000 };
	int status, n = -1;
	pid_t pid;

	if (daemon_instances() < 0)
		return;
	pid = fork();
	if (pid == 0) {
		TEEC_Context c;
		TEEC_Session s;
		TEEC_Operation op;
		TEEC_SharedMemory m = { .size = 4096, .flags = TEEC_MEM_INPUT };

		if (TEEC_InitializeContext(NULL, &c) || TEEC_AllocateSharedMemory(&c, &m) ||
		    TEEC_OpenSession(&c, &s, &conf_uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, NULL))
			_exit(1);
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_WHOLE, 0, 0);
		op.params[0].value.a = 800;
		op.params[1].memref.parent = &m;
		TEEC_InvokeCommand(&s, CONF_CMD_WAIT_MASKED, &op, NULL);
		_exit(0);
	}
	CHECK(pid > 0);
	for (int i = 0; i < 30 && daemon_instances() < 1; i++)
		nanosleep(&ms100, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	for (int i = 0; i < 50 && (n = daemon_instances()) != 0; i++)
		nanosleep(&ms100, NULL);
	CHECK(n == 0);
}

int main(void)
{
	CHECK(TEEC_InitializeContext(NULL, &ctx) == TEEC_SUCCESS);
	test_basics();
	test_shm();
	test_dead();
	test_single_instance();
	test_cancel();
	test_threads();
	test_garbage();
	test_killed_client();
	TEEC_FinalizeContext(&ctx);
	TEEC_FinalizeContext(&ctx);
	TEEC_FinalizeContext(NULL);
	if (failures)
		fprintf(stderr, "sim_smoke: %d failure(s)\n", failures);
	else
		printf("sim_smoke: ok\n");
	return failures ? 1 : 0;
}
