/*
 * teec-bench: the C floor of the GP Client API on the simulator.
 *
 *   teec-bench [--json] [--quick] [--mib-ops N] [--only NAME[,NAME...]]
 *              [--bin-dir DIR] [--ta-dir DIR]
 *
 * Measures, against the conformance TA:
 *   empty_invoke            CONF_CMD_NOP with no operation (round trip)
 *   shm_1mib_partial_inout  1 MiB PARTIAL_INOUT of allocated shared memory,
 *                           CONF_CMD_TOUCH (the TA adds 1 to every byte)
 *   tmp_1mib_inout          the same 1 MiB as a temporary memref (bounce copies)
 *   shm_1mib_pipelined      the shm measure from two threads on the one session,
 *                           a block each: a call is queued in the TEE while the
 *                           other runs (us/op = wall time / calls; p50/p99 are
 *                           the calls' round trips, queueing included)
 * --mib-ops N sets how many 1 MiB invokes are timed (default 200, 20 with --quick),
 * e.g. to match the length of a TypeScript stream it is compared with.
 * --only runs just the named measures (still in the order above), e.g. for a
 * caller that uses only some of them.
 *
 * Uses the daemon named by RX_TEEC_SIM_SOCKET when that is set; otherwise
 * starts a private one (fresh mktemp directory) and stops it by PID at the end.
 * Prints a table, or with --json one JSON line.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench_common.h"
#include "conformance_ta.h"
#include "tee_client_api.h"

#define MIB (1024 * 1024)

struct result {
	const char *name;
	unsigned iterations;
	double us_mean;
	double us_p50;
	double us_p99;
	double mib_per_s; /* 0 when not a throughput measure */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : (x > y ? 1 : 0);
}

/* Fills r from per-operation timings (sorted in place). */
static void summarize(struct result *r, double *t, unsigned n, size_t bytes)
{
	double sum = 0;

	for (unsigned i = 0; i < n; i++)
		sum += t[i];
	qsort(t, n, sizeof(*t), cmp_double);
	r->iterations = n;
	r->us_mean = sum / n;
	r->us_p50 = t[n / 2];
	r->us_p99 = t[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
	r->mib_per_s = bytes ? ((double)bytes / MIB) / (r->us_mean / 1e6) : 0;
}

static TEEC_Result bench_empty(TEEC_Session *s, unsigned n, double *t, struct result *r)
{
	uint32_t origin;
	TEEC_Result res;

	for (unsigned i = 0; i < n / 10 + 10; i++) { /* warm-up */
		res = TEEC_InvokeCommand(s, CONF_CMD_NOP, NULL, &origin);
		if (res != TEEC_SUCCESS)
			return res;
	}
	for (unsigned i = 0; i < n; i++) {
		double t0 = bench_now_us();

		res = TEEC_InvokeCommand(s, CONF_CMD_NOP, NULL, &origin);
		t[i] = bench_now_us() - t0;
		if (res != TEEC_SUCCESS)
			return res;
	}
	summarize(r, t, n, 0);
	return TEEC_SUCCESS;
}

/* True if every byte of buf equals want (the TA's work really happened). */
static bool all_bytes(const uint8_t *buf, size_t n, uint8_t want)
{
	for (size_t i = 0; i < n; i++)
		if (buf[i] != want)
			return false;
	return true;
}

static TEEC_Result bench_touch(TEEC_Session *s, TEEC_Context *ctx, bool shared, unsigned n,
			       double *t, struct result *r)
{
	TEEC_SharedMemory shm;
	TEEC_Operation op;
	uint8_t *buf = NULL;
	uint32_t origin;
	TEEC_Result res = TEEC_SUCCESS;
	unsigned warm = 5;

	memset(&shm, 0, sizeof(shm));
	if (shared) {
		shm.size = MIB;
		shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
		res = TEEC_AllocateSharedMemory(ctx, &shm);
		if (res != TEEC_SUCCESS)
			return res;
		buf = shm.buffer;
	} else {
		buf = malloc(MIB);
		if (!buf)
			return TEEC_ERROR_OUT_OF_MEMORY;
	}
	memset(buf, 0, MIB);

	for (unsigned i = 0; i < warm + n && res == TEEC_SUCCESS; i++) {
		double t0;

		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(shared ? TEEC_MEMREF_PARTIAL_INOUT
							: TEEC_MEMREF_TEMP_INOUT,
						 TEEC_NONE, TEEC_NONE, TEEC_NONE);
		if (shared) {
			op.params[0].memref.parent = &shm;
			op.params[0].memref.offset = 0;
			op.params[0].memref.size = MIB;
		} else {
			op.params[0].tmpref.buffer = buf;
			op.params[0].tmpref.size = MIB;
		}
		t0 = bench_now_us();
		res = TEEC_InvokeCommand(s, CONF_CMD_TOUCH, &op, &origin);
		if (i >= warm)
			t[i - warm] = bench_now_us() - t0;
	}
	if (res == TEEC_SUCCESS && !all_bytes(buf, MIB, (uint8_t)(warm + n))) {
		fprintf(stderr, "teec-bench: the TA did not touch every byte\n");
		res = TEEC_ERROR_GENERIC;
	}
	if (shared)
		TEEC_ReleaseSharedMemory(&shm);
	else
		free(buf);
	if (res != TEEC_SUCCESS)
		return res;
	summarize(r, t, n, MIB);
	return TEEC_SUCCESS;
}

struct pipe_half {
	TEEC_Session *s;
	TEEC_SharedMemory shm; /* this thread's 1 MiB block */
	unsigned n;
	double *t;
	TEEC_Result res;
};

static void *pipe_half_main(void *arg)
{
	struct pipe_half *h = arg;
	TEEC_Operation op;
	uint32_t origin;

	for (unsigned i = 0; i < h->n && h->res == TEEC_SUCCESS; i++) {
		double t0 = bench_now_us();

		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE,
						 TEEC_NONE);
		op.params[0].memref.parent = &h->shm;
		op.params[0].memref.size = MIB;
		h->res = TEEC_InvokeCommand(h->s, CONF_CMD_TOUCH, &op, &origin);
		h->t[i] = bench_now_us() - t0;
	}
	return NULL;
}

/* Runs both halves, n calls each, on threads; returns the wall time in µs (< 0: failed). */
static double run_halves(struct pipe_half h[2], unsigned n, double *t)
{
	pthread_t th[2];
	unsigned started = 0;
	double t0 = bench_now_us(), wall;

	for (int i = 0; i < 2; i++) {
		h[i].n = n;
		h[i].t = t + (size_t)i * n;
		if (pthread_create(&th[i], NULL, pipe_half_main, &h[i]) != 0)
			break;
		started++;
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	wall = bench_now_us() - t0;
	return started == 2 && h[0].res == TEEC_SUCCESS && h[1].res == TEEC_SUCCESS ? wall : -1;
}

/* Two threads, one session: each call finds the other queued in the TEE. The
 * blocks are allocated and checked outside the timed part. */
static TEEC_Result bench_pipelined(TEEC_Session *s, TEEC_Context *ctx, unsigned n, double *t,
				   struct result *r)
{
	const unsigned warm = 5, per = (n + 1) / 2;
	struct pipe_half h[2];
	TEEC_Result res = TEEC_SUCCESS;
	double wall = -1;

	memset(h, 0, sizeof(h));
	for (int i = 0; i < 2 && res == TEEC_SUCCESS; i++) {
		h[i].s = s;
		h[i].shm.size = MIB;
		h[i].shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
		res = TEEC_AllocateSharedMemory(ctx, &h[i].shm);
		if (res == TEEC_SUCCESS)
			memset(h[i].shm.buffer, 0, MIB);
	}
	if (res == TEEC_SUCCESS && run_halves(h, warm, t) >= 0)
		wall = run_halves(h, per, t);
	if (wall < 0)
		res = h[0].res != TEEC_SUCCESS ? h[0].res : h[1].res != TEEC_SUCCESS ? h[1].res : TEEC_ERROR_GENERIC;
	for (int i = 0; i < 2; i++) {
		if (res == TEEC_SUCCESS && !all_bytes(h[i].shm.buffer, MIB, (uint8_t)(warm + per))) {
			fprintf(stderr, "teec-bench: the TA did not touch every byte\n");
			res = TEEC_ERROR_GENERIC;
		}
		TEEC_ReleaseSharedMemory(&h[i].shm);
	}
	if (res != TEEC_SUCCESS)
		return res;
	summarize(r, t, 2 * per, MIB);
	/* Throughput from the wall time: the round trips overlap. */
	r->us_mean = wall / (2 * per);
	r->mib_per_s = 1e6 / r->us_mean;
	return TEEC_SUCCESS;
}

/* The measures, in the order they run. */
enum measure { M_EMPTY, M_SHM, M_TMP, M_PIPELINED, N_MEASURES };
static const char *const measures[N_MEASURES] = {
	[M_EMPTY] = "empty_invoke",
	[M_SHM] = "shm_1mib_partial_inout",
	[M_TMP] = "tmp_1mib_inout",
	[M_PIPELINED] = "shm_1mib_pipelined",
};

static TEEC_Result run_measure(enum measure m, TEEC_Session *s, TEEC_Context *ctx,
			       unsigned n_empty, unsigned n_mib, double *t, struct result *r)
{
	TEEC_Result res;

	switch (m) {
	case M_EMPTY:
		res = bench_empty(s, n_empty, t, r);
		break;
	case M_SHM:
	case M_TMP:
		res = bench_touch(s, ctx, m == M_SHM, n_mib, t, r);
		break;
	default:
		res = bench_pipelined(s, ctx, n_mib, t, r);
		break;
	}
	r->name = measures[m];
	return res;
}

/* Adds the measures named in list (comma separated) to *mask; false on a name
 * that is not one. */
static bool parse_only(const char *list, unsigned *mask)
{
	for (const char *p = list;; p++) {
		size_t len = strcspn(p, ",");
		int i = 0;

		while (i < N_MEASURES && !(strlen(measures[i]) == len && !strncmp(p, measures[i], len)))
			i++;
		if (i == N_MEASURES) {
			fprintf(stderr, "teec-bench: no measure named '%.*s'\n", (int)len, p);
			return false;
		}
		*mask |= 1u << i;
		p += len;
		if (*p == '\0')
			return true;
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: teec-bench [--json] [--quick] [--mib-ops N] [--only NAME[,NAME...]] "
			"[--bin-dir DIR] [--ta-dir DIR]\nmeasures:");
	for (int i = 0; i < N_MEASURES; i++)
		fprintf(stderr, " %s", measures[i]);
	fputc('\n', stderr);
	return 2;
}

int main(int argc, char **argv)
{
	static const TEEC_UUID uuid = CONF_TA_UUID;
	const char *bin_dir = BENCH_BIN_DIR, *ta_dir = BENCH_TA_DIR;
	bool json = false, quick = false;
	unsigned n_empty, n_mib, mib_ops = 0, only = 0;
	struct result r[N_MEASURES];
	int n_r = 0;
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Result res;
	uint32_t origin;
	double *t;
	char cpu[256];
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = true;
		else if (!strcmp(argv[i], "--quick"))
			quick = true;
		else if (!strcmp(argv[i], "--mib-ops") && i + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);

			if (*end != '\0' || v == 0 || v > 1000000) {
				fprintf(stderr, "teec-bench: --mib-ops must be in 1..1000000\n");
				return 2;
			}
			mib_ops = (unsigned)v;
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			if (!parse_only(argv[++i], &only))
				return usage();
		} else if (!strcmp(argv[i], "--bin-dir") && i + 1 < argc)
			bin_dir = argv[++i];
		else if (!strcmp(argv[i], "--ta-dir") && i + 1 < argc)
			ta_dir = argv[++i];
		else
			return usage();
	}
	if (!only)
		only = (1u << N_MEASURES) - 1;
	n_empty = quick ? 2000 : 20000;
	n_mib = mib_ops ? mib_ops : quick ? 20 : 200;
	t = calloc(n_empty > n_mib + 1 ? n_empty : n_mib + 1, sizeof(*t));
	if (!t)
		return 1;

	if (!bench_use_daemon("teec-bench", bin_dir, ta_dir)) {
		free(t);
		return 1;
	}
	res = TEEC_InitializeContext(NULL, &ctx);
	if (res != TEEC_SUCCESS) {
		fprintf(stderr, "teec-bench: TEEC_InitializeContext: 0x%08x\n", (unsigned)res);
		rc = 1;
		goto out;
	}
	res = TEEC_OpenSession(&ctx, &s, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	if (res != TEEC_SUCCESS) {
		fprintf(stderr, "teec-bench: open conformance TA: 0x%08x origin %u\n", (unsigned)res,
			(unsigned)origin);
		TEEC_FinalizeContext(&ctx);
		rc = 1;
		goto out;
	}
	memset(r, 0, sizeof(r));
	res = TEEC_SUCCESS;
	for (int m = 0; m < N_MEASURES && res == TEEC_SUCCESS; m++)
		if (only & (1u << m))
			res = run_measure((enum measure)m, &s, &ctx, n_empty, n_mib, t, &r[n_r++]);
	TEEC_CloseSession(&s);
	TEEC_FinalizeContext(&ctx);
	if (res != TEEC_SUCCESS) {
		fprintf(stderr, "teec-bench: failed: 0x%08x\n", (unsigned)res);
		rc = 1;
		goto out;
	}

	bench_cpu_model(cpu, sizeof(cpu));
	if (json) {
		printf("{\"bench\":\"teec-bench\",\"backend\":\"rx-teec-sim\",\"nproc\":%ld,\"cpu\":\"",
		       sysconf(_SC_NPROCESSORS_ONLN));
		bench_json_str(cpu);
		printf("\",\"results\":[");
		for (int i = 0; i < n_r; i++)
			printf("%s{\"name\":\"%s\",\"iterations\":%u,\"us_per_op\":%.2f,"
			       "\"p50_us\":%.2f,\"p99_us\":%.2f,\"mib_per_s\":%.1f}",
			       i ? "," : "", r[i].name, r[i].iterations, r[i].us_mean, r[i].us_p50,
			       r[i].us_p99, r[i].mib_per_s);
		printf("]}\n");
	} else {
		printf("teec-bench on %s (%ld CPUs), simulator backend\n", cpu,
		       sysconf(_SC_NPROCESSORS_ONLN));
		printf("%-24s %10s %12s %10s %10s %10s\n", "measure", "ops", "us/op", "p50 us",
		       "p99 us", "MiB/s");
		for (int i = 0; i < n_r; i++) {
			printf("%-24s %10u %12.2f %10.2f %10.2f ", r[i].name, r[i].iterations,
			       r[i].us_mean, r[i].us_p50, r[i].us_p99);
			if (r[i].mib_per_s > 0)
				printf("%10.1f\n", r[i].mib_per_s);
			else
				printf("%10s\n", "-");
		}
	}
out:
	bench_stop_private_daemon();
	free(t);
	return rc;
}
