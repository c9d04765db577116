/*
 * aes-bench: the C pipeline of AES-128-CTR stream decryption through the
 * aes_stream TA on the simulator — what the TypeScript teecInvoke pipeline is
 * measured against.
 *
 *   aes-bench [--json] [--quick] [--rounds N] [--chunk BYTES] [--bin-dir DIR] [--ta-dir DIR]
 *
 * For chunk sizes of 64 KiB, 256 KiB, 1 MiB and 4 MiB:
 *   ta_ctr_shm    one allocated shared memory block, a PARTIAL_INOUT window
 *                 per chunk, AES_STREAM_CMD_CTR_CHUNK in place (zero copy)
 *   ta_ctr_tmp    the same chunk as a temporary memref (copied both ways)
 *   ta_gcm_shm    AES-128-GCM decryption of framed chunks in shared memory
 *   evp_ctr       OpenSSL EVP AES-128-CTR in this process on the same chunks
 *                 (the ceiling; `openssl speed -evp aes-128-ctr` is similar)
 * One chunk is in flight at a time (depth 1), as in a simple C loop. Each
 * cell is measured in N rounds (default 3) and the best round is reported:
 * on a shared machine the best is the least disturbed.
 * The key is generated inside the TA (GENERATE_KEY), as in real use.
 *
 * Uses the daemon named by RX_TEEC_SIM_SOCKET when that is set; otherwise
 * starts a private one (fresh mktemp directory) and stops it by PID at the end.
 * Prints a table, or with --json one JSON line.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "aes_stream_client.h"
#include "bench_common.h"

#define KIB 1024u
#define MIB (1024u * 1024u)
#define TAG 16

enum method { M_TA_CTR_SHM, M_TA_CTR_TMP, M_TA_GCM_SHM, M_EVP_CTR, M_COUNT };

static const char *const method_names[M_COUNT] = { "ta_ctr_shm", "ta_ctr_tmp", "ta_gcm_shm",
						    "evp_ctr" };
static const size_t chunk_sizes[] = { 64 * KIB, 256 * KIB, 1 * MIB, 4 * MIB };
#define N_CHUNKS (sizeof(chunk_sizes) / sizeof(chunk_sizes[0]))

struct result {
	size_t chunk;
	uint64_t bytes;
	double seconds;
};

static double now_s(void)
{
	return bench_now_us() / 1e6;
}

static double mib_s(const struct result *r)
{
	return r->seconds > 0 ? (double)r->bytes / MIB / r->seconds : 0;
}

/* ---- the TA side ---- */

struct bench {
	TEEC_Context ctx;
	TEEC_Session ctr;   /* a session with a generated AES-128 CTR key */
	TEEC_Session gcm;   /* a session with a generated AES-128 GCM key */
	TEEC_SharedMemory shm;
	uint8_t *tmp;       /* the temporary memref's buffer */
	size_t cap;         /* bytes of shm and tmp */
	bool have_ctx, have_shm, have_ctr, have_gcm;
};

/* A CTR key generated in s, and a decryption stream started (any IV will do). */
static TEEC_Result setup_ctr(TEEC_Session *s)
{
	static const uint8_t iv[AES_STREAM_CTR_IV_SIZE];
	uint8_t blob[AES_STREAM_BLOB_MAX_SIZE];
	size_t blob_len = sizeof(blob);
	TEEC_Result r = aes_generate(s, 128, AES_STREAM_MODE_CTR, blob, &blob_len);

	return r != TEEC_SUCCESS ? r : aes_start_decrypt(s, iv, sizeof(iv), NULL, 0);
}

/* One CTR chunk at stream offset off, from shm or the temporary buffer. */
static TEEC_Result ctr_chunk(struct bench *b, bool shared, size_t n, uint64_t off)
{
	return shared ? aes_ctr_shm(&b->ctr, &b->shm, 0, n, off) : aes_ctr(&b->ctr, b->tmp, n, off);
}

/* Decrypts a copy of a genuine GCM frame (chunk 0, FINAL) in shared memory. */
static TEEC_Result gcm_chunk(struct bench *b, size_t n, uint8_t *frame)
{
	size_t size = n + TAG;

	memcpy(b->shm.buffer, frame, size);
	return aes_gcm_shm(&b->gcm, &b->shm, 0, &size, 0, AES_STREAM_CHUNK_FINAL);
}

/* ---- measurements ---- */

static uint64_t target_bytes(bool quick, size_t chunk)
{
	uint64_t t = quick ? 256ull * MIB : 1024ull * MIB;

	/* At least a few chunks even for the largest size. */
	return t < 8ull * chunk ? 8ull * chunk : t;
}

/*
 * CTR is its own inverse: a call must change the chunk and a second call at the
 * same offset must restore it, whichever way the bytes travel (in place in
 * shared memory, or copied through the temporary memref).
 */
static TEEC_Result check_ctr(struct bench *b, bool shared, size_t n)
{
	uint8_t *buf = shared ? b->shm.buffer : b->tmp, *orig = malloc(n);
	TEEC_Result res;
	bool changed;

	if (!orig)
		return TEEC_ERROR_OUT_OF_MEMORY;
	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(i * 7 + 1);
	memcpy(orig, buf, n);
	res = ctr_chunk(b, shared, n, 0);
	changed = memcmp(buf, orig, n) != 0;
	if (res == TEEC_SUCCESS)
		res = ctr_chunk(b, shared, n, 0);
	if (res == TEEC_SUCCESS && (!changed || memcmp(buf, orig, n) != 0)) {
		fprintf(stderr, "aes-bench: the TA's CTR output is wrong (%s)\n", shared ? "shm" : "tmp");
		res = TEEC_ERROR_GENERIC;
	}
	free(orig);
	return res;
}

static TEEC_Result run_ctr(struct bench *b, bool shared, size_t chunk, bool quick,
			   struct result *r)
{
	uint64_t want = target_bytes(quick, chunk), off = 0;
	TEEC_Result res = check_ctr(b, shared, chunk);
	double t0;

	for (int i = 0; i < 2 && res == TEEC_SUCCESS; i++) /* warm-up */
		res = ctr_chunk(b, shared, chunk, off);
	t0 = now_s();
	while (res == TEEC_SUCCESS && off < want) {
		res = ctr_chunk(b, shared, chunk, off);
		off += chunk;
	}
	r->chunk = chunk;
	r->bytes = off;
	r->seconds = now_s() - t0;
	return res;
}

/*
 * GCM: the measured loop copies a saved frame into shared memory before each
 * call (the decryption consumes it); that memcpy is timed too, as a
 * pipeline's read into the block would be.
 */
static TEEC_Result run_gcm(struct bench *b, size_t chunk, bool quick, struct result *r)
{
	uint64_t want = target_bytes(quick, chunk) / 2, done = 0;
	uint8_t *frame = malloc(chunk + TAG);
	uint8_t iv[AES_STREAM_GCM_IV_SIZE];
	size_t iv_len = sizeof(iv), size = chunk + TAG;
	TEEC_Result res;
	double t0;

	if (!frame)
		return TEEC_ERROR_OUT_OF_MEMORY;
	/* The frame: encrypted by the same session (a fresh IV per stream), which then decrypts. */
	res = aes_start_encrypt(&b->gcm, iv, &iv_len, NULL, 0);
	if (res == TEEC_SUCCESS) {
		memset(b->shm.buffer, 0x5a, chunk);
		res = aes_gcm_shm(&b->gcm, &b->shm, 0, &size, 0, AES_STREAM_CHUNK_FINAL);
		memcpy(frame, b->shm.buffer, chunk + TAG);
	}
	if (res == TEEC_SUCCESS)
		res = aes_start_decrypt(&b->gcm, iv, iv_len, NULL, 0);
	if (res == TEEC_SUCCESS)
		res = gcm_chunk(b, chunk, frame); /* warm-up */
	t0 = now_s();
	while (res == TEEC_SUCCESS && done < want) {
		res = gcm_chunk(b, chunk, frame);
		done += chunk;
	}
	r->chunk = chunk;
	r->bytes = done;
	r->seconds = now_s() - t0;
	free(frame);
	return res;
}

static bool run_evp(uint8_t *buf, size_t chunk, bool quick, struct result *r)
{
	static const uint8_t key[16], iv[16];
	uint64_t want = target_bytes(quick, chunk), done = 0;
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	bool ok;
	double t0;
	int outl;

	ok = c && EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), NULL, key, iv) == 1;
	t0 = now_s();
	while (ok && done < want) {
		ok = EVP_EncryptUpdate(c, buf, &outl, buf, (int)chunk) == 1;
		done += chunk;
	}
	r->chunk = chunk;
	r->bytes = done;
	r->seconds = now_s() - t0;
	EVP_CIPHER_CTX_free(c);
	return ok;
}

/* Keeps in *best whichever of *best and *r ran faster. */
static void keep_best(struct result *best, const struct result *r)
{
	if (best->seconds <= 0 || mib_s(r) > mib_s(best))
		*best = *r;
}

/* Measures every method at chunk size c, rounds times, keeping the best. */
static TEEC_Result measure(struct bench *b, size_t c, bool quick, unsigned rounds,
			   struct result r[M_COUNT][N_CHUNKS])
{
	TEEC_Result res = TEEC_SUCCESS;
	size_t chunk = chunk_sizes[c];

	for (unsigned i = 0; i < rounds && res == TEEC_SUCCESS; i++) {
		struct result one[M_COUNT];

		memset(one, 0, sizeof(one));
		res = run_ctr(b, true, chunk, quick, &one[M_TA_CTR_SHM]);
		if (res == TEEC_SUCCESS)
			res = run_ctr(b, false, chunk, quick, &one[M_TA_CTR_TMP]);
		if (res == TEEC_SUCCESS)
			res = run_gcm(b, chunk, quick, &one[M_TA_GCM_SHM]);
		if (res == TEEC_SUCCESS && !run_evp(b->tmp, chunk, quick, &one[M_EVP_CTR]))
			res = TEEC_ERROR_GENERIC;
		for (int m = 0; m < M_COUNT && res == TEEC_SUCCESS; m++)
			keep_best(&r[m][c], &one[m]);
	}
	return res;
}

/* 1 + the index of the chunk size named by arg in chunk_sizes, or 0 if none. */
static size_t chunk_index(const char *arg)
{
	char *end;
	unsigned long long v = strtoull(arg, &end, 10);

	if (*arg == '\0' || *end != '\0')
		return 0;
	for (size_t c = 0; c < N_CHUNKS; c++)
		if (v == chunk_sizes[c])
			return c + 1;
	return 0;
}

/* ---- output ---- */

static void print_results(bool json, unsigned rounds, struct result r[M_COUNT][N_CHUNKS])
{
	char cpu[256];
	bool first = true;

	bench_cpu_model(cpu, sizeof(cpu));
	if (json) {
		printf("{\"bench\":\"aes-bench\",\"backend\":\"rx-teec-sim\",\"cipher\":\"aes-128\","
		       "\"depth\":1,\"rounds\":%u,\"nproc\":%ld,\"cpu\":",
		       rounds, sysconf(_SC_NPROCESSORS_ONLN));
		putchar('"');
		bench_json_str(cpu);
		putchar('"');
		printf(",\"results\":[");
		for (int m = 0; m < M_COUNT; m++)
			for (size_t c = 0; c < N_CHUNKS; c++) {
				if (r[m][c].chunk == 0) /* not measured (--chunk) */
					continue;
				printf("%s{\"name\":\"%s\",\"chunk\":%zu,\"bytes\":%llu,"
				       "\"seconds\":%.6f,\"mib_per_s\":%.1f}",
				       first ? "" : ",", method_names[m], r[m][c].chunk,
				       (unsigned long long)r[m][c].bytes, r[m][c].seconds,
				       mib_s(&r[m][c]));
				first = false;
			}
		printf("]}\n");
		return;
	}
	printf("aes-bench on %s (%ld CPUs), simulator backend, depth 1, MiB/s (best of %u)\n",
	       cpu, sysconf(_SC_NPROCESSORS_ONLN), rounds);
	printf("%-12s", "chunk");
	for (int m = 0; m < M_COUNT; m++)
		printf(" %12s", method_names[m]);
	printf(" %14s\n", "shm/evp");
	for (size_t c = 0; c < N_CHUNKS; c++) {
		double evp = mib_s(&r[M_EVP_CTR][c]);

		if (r[M_TA_CTR_SHM][c].chunk == 0) /* not measured (--chunk) */
			continue;
		printf("%-12zu", chunk_sizes[c]);
		for (int m = 0; m < M_COUNT; m++)
			printf(" %12.1f", mib_s(&r[m][c]));
		printf(" %14.2f\n", evp > 0 ? mib_s(&r[M_TA_CTR_SHM][c]) / evp : 0);
	}
}

/* ---- main ---- */

static TEEC_Result bench_open(struct bench *b)
{
	static const TEEC_UUID uuid = AES_STREAM_TA_UUID;
	uint32_t origin;
	TEEC_Result r;

	memset(b, 0, sizeof(*b));
	b->cap = chunk_sizes[N_CHUNKS - 1] + TAG;
	b->tmp = malloc(b->cap);
	if (!b->tmp)
		return TEEC_ERROR_OUT_OF_MEMORY;
	r = TEEC_InitializeContext(NULL, &b->ctx);
	if (r != TEEC_SUCCESS)
		return r;
	b->have_ctx = true;
	b->shm.size = b->cap;
	b->shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
	r = TEEC_AllocateSharedMemory(&b->ctx, &b->shm);
	b->have_shm = r == TEEC_SUCCESS;
	if (r == TEEC_SUCCESS)
		r = TEEC_OpenSession(&b->ctx, &b->ctr, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
	b->have_ctr = b->have_shm && r == TEEC_SUCCESS;
	if (r == TEEC_SUCCESS)
		r = setup_ctr(&b->ctr);
	if (r == TEEC_SUCCESS) {
		r = TEEC_OpenSession(&b->ctx, &b->gcm, &uuid, TEEC_LOGIN_PUBLIC, NULL, NULL, &origin);
		b->have_gcm = r == TEEC_SUCCESS;
	}
	if (r == TEEC_SUCCESS) {
		uint8_t blob[AES_STREAM_BLOB_MAX_SIZE];
		size_t blob_len = sizeof(blob);

		r = aes_generate(&b->gcm, 128, AES_STREAM_MODE_GCM, blob, &blob_len);
	}
	if (r == TEEC_SUCCESS) {
		memset(b->shm.buffer, 0xa5, b->cap);
		memset(b->tmp, 0xa5, b->cap);
	}
	return r;
}

static void bench_close(struct bench *b)
{
	if (b->have_gcm)
		TEEC_CloseSession(&b->gcm);
	if (b->have_ctr)
		TEEC_CloseSession(&b->ctr);
	if (b->have_shm)
		TEEC_ReleaseSharedMemory(&b->shm);
	if (b->have_ctx)
		TEEC_FinalizeContext(&b->ctx);
	free(b->tmp);
}

int main(int argc, char **argv)
{
	const char *bin_dir = BENCH_BIN_DIR, *ta_dir = BENCH_TA_DIR;
	static struct result r[M_COUNT][N_CHUNKS];
	bool json = false, quick = false;
	unsigned long rounds = 3;
	size_t only_chunk = 0; /* 0: every size in chunk_sizes */
	struct bench b;
	TEEC_Result res;
	int rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--quick")) {
			quick = true;
		} else if (!strcmp(argv[i], "--rounds") && i + 1 < argc) {
			char *end;

			rounds = strtoul(argv[++i], &end, 10);
			if (*end || rounds == 0 || rounds > 100) {
				fprintf(stderr, "aes-bench: --rounds takes 1..100\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--chunk") && i + 1 < argc) {
			only_chunk = chunk_index(argv[++i]);
			if (only_chunk == 0) {
				fprintf(stderr, "aes-bench: --chunk takes one of 65536, 262144, 1048576, "
						"4194304\n");
				return 2;
			}
		} else if (!strcmp(argv[i], "--bin-dir") && i + 1 < argc) {
			bin_dir = argv[++i];
		} else if (!strcmp(argv[i], "--ta-dir") && i + 1 < argc) {
			ta_dir = argv[++i];
		} else {
			fprintf(stderr,
				"usage: aes-bench [--json] [--quick] [--rounds N] [--chunk BYTES] "
				"[--bin-dir DIR] [--ta-dir DIR]\n");
			return 2;
		}
	}
	if (!bench_use_daemon("aes-bench", bin_dir, ta_dir))
		return 1;
	res = bench_open(&b);
	for (size_t c = 0; c < N_CHUNKS && res == TEEC_SUCCESS; c++)
		if (only_chunk == 0 || only_chunk == c + 1)
			res = measure(&b, c, quick, (unsigned)rounds, r);
	bench_close(&b);
	if (res != TEEC_SUCCESS) {
		fprintf(stderr, "aes-bench: failed: 0x%08x\n", (unsigned)res);
		rc = 1;
	} else {
		print_results(json, (unsigned)rounds, r);
	}
	bench_stop_private_daemon();
	return rc;
}
