/*
 * aes_stream TA: round trips of odd sizes through generated (wrapped) keys,
 * chunks in registered shared memory, blob portability across sessions.
 */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "aes_helpers.h"
#include "tests.h"

/* Stream sizes: 1 byte, block-1, block+1, many blocks, a few MiB. */
static const size_t sizes[] = { 1, 15, 17, 16 * 1000 + 3, 3 * 1024 * 1024 + 5 };

/* Chunk sizes used to cut those streams (none a multiple of 16 but one). */
static const size_t chunks[] = { 7, 4096, 65536 + 1 };

/* CTR: encrypt with one chunking, decrypt with another; seek a slice. */
void t_aes_ctr_roundtrip(void)
{
	uint8_t blob[AES_STREAM_BLOB_MAX_SIZE], iv[16];
	size_t blob_len = sizeof(blob), iv_len = sizeof(iv);
	TEEC_Context ctx;
	TEEC_Session s;

	REQUIRE(aes_open(&ctx, &s));
	CHECK_HEX(aes_generate(&s, 128, AES_STREAM_MODE_CTR, blob, &blob_len), TEEC_SUCCESS);
	CHECK(blob_len == AES_STREAM_BLOB_SIZE_128);
	CHECK_HEX(aes_start_encrypt(&s, iv, &iv_len, NULL, 0), TEEC_SUCCESS);
	CHECK(iv_len == 16);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i], ce = chunks[i % 3], cd = chunks[(i + 1) % 3];
		uint8_t *pt = malloc(n), *buf = malloc(n);

		if (!pt || !buf) {
			free(pt);
			free(buf);
			h_fail(__FILE__, __LINE__, "out of memory");
			break;
		}
		aes_fill(pt, n, (uint32_t)i);
		memcpy(buf, pt, n);
		for (size_t off = 0; off < n; off += ce)
			CHECK_HEX(aes_ctr(&s, buf + off, n - off < ce ? n - off : ce, off), TEEC_SUCCESS);
		CHECK(n < 16 || memcmp(buf, pt, n) != 0);
		/* A slice decrypts on its own at its offset. */
		if (n > 40) {
			uint8_t slice[23];

			memcpy(slice, buf + 17, sizeof(slice));
			CHECK_HEX(aes_ctr(&s, slice, sizeof(slice), 17), TEEC_SUCCESS);
			CHECK(memcmp(slice, pt + 17, sizeof(slice)) == 0);
		}
		for (size_t off = 0; off < n; off += cd)
			CHECK_HEX(aes_ctr(&s, buf + off, n - off < cd ? n - off : cd, off), TEEC_SUCCESS);
		if (memcmp(buf, pt, n) != 0)
			h_fail(__FILE__, __LINE__, "size %zu: round trip differs", n);
		free(pt);
		free(buf);
	}
	h_close_context_session(&ctx, &s);
}

/*
 * GCM: a stream cut into chunks (last one FINAL) with a generated key; the
 * blob is imported in a new session (a new TA instance), which decrypts.
 */
void t_aes_gcm_roundtrip(void)
{
	static const char aad[] = "stream header";
	uint8_t blob[AES_STREAM_BLOB_MAX_SIZE], iv[12];
	size_t blob_len = sizeof(blob), iv_len = sizeof(iv);
	TEEC_Context ctx;
	TEEC_Session enc, dec;

	REQUIRE(aes_open(&ctx, &enc));
	CHECK_HEX(aes_generate(&enc, 256, AES_STREAM_MODE_GCM, blob, &blob_len), TEEC_SUCCESS);
	CHECK(blob_len == AES_STREAM_BLOB_SIZE_256);
	REQUIRE(h_open(&ctx, &dec, &aes_uuid, NULL) == TEEC_SUCCESS);
	CHECK_HEX(aes_import(&dec, blob, blob_len), TEEC_SUCCESS);

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i], c = chunks[i % 3], nchunks = n / c + 1, done;
		uint8_t *pt = malloc(n), *frames = malloc(n + 16 * nchunks);

		if (!pt || !frames) {
			free(pt);
			free(frames);
			h_fail(__FILE__, __LINE__, "out of memory");
			break;
		}
		aes_fill(pt, n, (uint32_t)i + 100);
		iv_len = sizeof(iv);
		CHECK_HEX(aes_start_encrypt(&enc, iv, &iv_len, aad, sizeof(aad)), TEEC_SUCCESS);
		CHECK_HEX(aes_start_decrypt(&dec, iv, iv_len, aad, sizeof(aad)), TEEC_SUCCESS);
		/* Chunk k: payload at k*(c+16); the last chunk may be short (or empty). */
		for (size_t k = 0; k < nchunks; k++) {
			size_t len = k + 1 < nchunks ? c : n - k * c, size = len + 16;
			uint8_t *f = frames + k * (c + 16);
			uint32_t flags = k + 1 == nchunks ? AES_STREAM_CHUNK_FINAL : 0;

			memcpy(f, pt + k * c, len);
			CHECK_HEX(aes_gcm(&enc, f, &size, (uint32_t)k, flags), TEEC_SUCCESS);
			CHECK(size == len + 16);
		}
		done = 0;
		for (size_t k = 0; k < nchunks; k++) {
			size_t len = k + 1 < nchunks ? c : n - k * c, size = len + 16;
			uint8_t *f = frames + k * (c + 16);
			uint32_t flags = k + 1 == nchunks ? AES_STREAM_CHUNK_FINAL : 0;

			CHECK_HEX(aes_gcm(&dec, f, &size, (uint32_t)k, flags), TEEC_SUCCESS);
			CHECK(size == len);
			if (size == len && memcmp(f, pt + k * c, len) == 0)
				done += len;
		}
		if (done != n)
			h_fail(__FILE__, __LINE__, "size %zu: %zu bytes round-tripped", n, done);
		free(pt);
		free(frames);
	}
	TEEC_CloseSession(&dec);
	h_close_context_session(&ctx, &enc);
}

/*
 * The pipeline's shape: one allocated shared memory block, chunks as
 * PARTIAL_INOUT windows of it, AES-128-CTR checked against OpenSSL (test key).
 */
void t_aes_ctr_shared_memory(void)
{
	static const uint8_t key[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	const size_t n = 4 * 1024 * 1024, chunk = 1024 * 1024 + 3;
	uint8_t iv[16], *want = malloc(n);
	size_t iv_len = sizeof(iv);
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	TEEC_SharedMemory shm = { .size = n, .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT };
	TEEC_Context ctx;
	TEEC_Session s;
	int outl = 0;

	if (!want || !c || !aes_open(&ctx, &s)) {
		free(want);
		EVP_CIPHER_CTX_free(c);
		REQUIRE(false);
	}
	CHECK_HEX(aes_raw_key(&s, key, sizeof(key), AES_STREAM_MODE_CTR), TEEC_SUCCESS);
	CHECK_HEX(aes_start_encrypt(&s, iv, &iv_len, NULL, 0), TEEC_SUCCESS);
	CHECK_HEX(TEEC_AllocateSharedMemory(&ctx, &shm), TEEC_SUCCESS);
	if (shm.buffer) {
		aes_fill(shm.buffer, n, 42);
		CHECK(EVP_EncryptInit_ex(c, EVP_aes_128_ctr(), NULL, key, iv) == 1 &&
		      EVP_EncryptUpdate(c, want, &outl, shm.buffer, (int)n) == 1);
		for (size_t off = 0; off < n; off += chunk)
			CHECK_HEX(aes_ctr_shm(&s, &shm, off, n - off < chunk ? n - off : chunk, off),
				  TEEC_SUCCESS);
		CHECK(memcmp(shm.buffer, want, n) == 0);
		TEEC_ReleaseSharedMemory(&shm);
	}
	EVP_CIPHER_CTX_free(c);
	free(want);
	h_close_context_session(&ctx, &s);
}

/*
 * In shared memory the client sees the TA's buffer itself: after a good
 * chunk the tag bytes are zero and the size is the payload's; after a bad
 * one the whole window is zero and nothing around it was touched.
 */
void t_aes_gcm_shared_memory(void)
{
	const size_t n = 256 * 1024 + 3, off = 64;
	uint8_t blob[AES_STREAM_BLOB_MAX_SIZE], iv[12], *pt = malloc(n), *p;
	size_t blob_len = sizeof(blob), iv_len = sizeof(iv), size;
	TEEC_SharedMemory shm = { .size = n + 16 + 2 * off,
				  .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT };
	TEEC_Context ctx;
	TEEC_Session s;
	bool zero = true;

	if (!pt || !aes_open(&ctx, &s)) {
		free(pt);
		REQUIRE(false);
	}
	CHECK_HEX(aes_generate(&s, 128, AES_STREAM_MODE_GCM, blob, &blob_len), TEEC_SUCCESS);
	CHECK_HEX(TEEC_AllocateSharedMemory(&ctx, &shm), TEEC_SUCCESS);
	p = shm.buffer;
	if (p) {
		aes_fill(pt, n, 5);
		memset(p, 0xee, shm.size);
		memcpy(p + off, pt, n);
		CHECK_HEX(aes_start_encrypt(&s, iv, &iv_len, NULL, 0), TEEC_SUCCESS);
		size = n + 16;
		CHECK_HEX(aes_gcm_shm(&s, &shm, off, &size, 0, AES_STREAM_CHUNK_FINAL), TEEC_SUCCESS);
		CHECK(size == n + 16);
		CHECK_HEX(aes_start_decrypt(&s, iv, iv_len, NULL, 0), TEEC_SUCCESS);
		CHECK_HEX(aes_gcm_shm(&s, &shm, off, &size, 0, AES_STREAM_CHUNK_FINAL), TEEC_SUCCESS);
		CHECK(size == n && memcmp(p + off, pt, n) == 0);
		for (size_t i = 0; i < 16; i++)
			zero = zero && p[off + n + i] == 0;
		CHECK(zero);

		/* Encrypt again, flip a bit, decrypt: all zero, neighbours intact. */
		CHECK_HEX(aes_start_encrypt(&s, iv, &iv_len, NULL, 0), TEEC_SUCCESS);
		size = n + 16;
		CHECK_HEX(aes_gcm_shm(&s, &shm, off, &size, 0, AES_STREAM_CHUNK_FINAL), TEEC_SUCCESS);
		p[off + n / 2] ^= 1;
		CHECK_HEX(aes_start_decrypt(&s, iv, iv_len, NULL, 0), TEEC_SUCCESS);
		CHECK_HEX(aes_gcm_shm(&s, &shm, off, &size, 0, AES_STREAM_CHUNK_FINAL),
			  AES_STREAM_ERROR_MAC_INVALID);
		zero = true;
		for (size_t i = 0; i < n + 16; i++)
			zero = zero && p[off + i] == 0;
		CHECK(zero);
		CHECK(p[off - 1] == 0xee && p[off + n + 16] == 0xee);
		TEEC_ReleaseSharedMemory(&shm);
	}
	free(pt);
	h_close_context_session(&ctx, &s);
}
