/*
 * aes_stream TA: tampering, wrong keys, the key staying inside the TA, and
 * hostile parameters (the TA answers with an error and stays alive).
 */
#include <stdlib.h>
#include <string.h>

#include "aes_helpers.h"
#include "tests.h"

#define CHUNK 100

struct gcm_stream {
	TEEC_Context ctx;
	TEEC_Session s;
	uint8_t blob[AES_STREAM_BLOB_MAX_SIZE];
	size_t blob_len;
	uint8_t iv[12];
	uint8_t pt[3][CHUNK];
	uint8_t frame[3][CHUNK + 16]; /* chunk 2 is FINAL */
};

/* A generated GCM key and a 3-chunk stream encrypted with it. */
static bool make_stream(struct gcm_stream *g)
{
	size_t iv_len = sizeof(g->iv);

	g->blob_len = sizeof(g->blob);
	if (!aes_open(&g->ctx, &g->s))
		return false;
	if (aes_generate(&g->s, 128, AES_STREAM_MODE_GCM, g->blob, &g->blob_len) != TEEC_SUCCESS ||
	    aes_start_encrypt(&g->s, g->iv, &iv_len, NULL, 0) != TEEC_SUCCESS)
		return false;
	for (uint32_t k = 0; k < 3; k++) {
		size_t size = CHUNK + 16;

		aes_fill(g->pt[k], CHUNK, k + 1);
		memcpy(g->frame[k], g->pt[k], CHUNK);
		if (aes_gcm(&g->s, g->frame[k], &size, k, k == 2 ? AES_STREAM_CHUNK_FINAL : 0) !=
		    TEEC_SUCCESS)
			return false;
	}
	return aes_start_decrypt(&g->s, g->iv, sizeof(g->iv), NULL, 0) == TEEC_SUCCESS;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Decrypts a copy of frame as chunk index/flags; returns the result. */
static TEEC_Result try_chunk(struct gcm_stream *g, const uint8_t *frame, uint32_t index,
			     uint32_t flags, uint8_t out[CHUNK + 16])
{
	size_t size = CHUNK + 16;

	memcpy(out, frame, size);
	return aes_gcm(&g->s, out, &size, index, flags);
}

void t_aes_gcm_tampered(void)
{
	static struct gcm_stream g;
	uint8_t buf[CHUNK + 16];

	REQUIRE(make_stream(&g));
	/* One flipped ciphertext bit in chunk 1: MAC_INVALID, buffer zeroed. */
	memcpy(buf, g.frame[1], sizeof(buf));
	buf[50] ^= 0x04;
	{
		size_t size = sizeof(buf);

		CHECK_HEX(aes_gcm(&g.s, buf, &size, 1, 0), AES_STREAM_ERROR_MAC_INVALID);
		CHECK(all_zero(buf, sizeof(buf)));
	}
	/* A flipped tag bit. */
	memcpy(buf, g.frame[0], sizeof(buf));
	buf[CHUNK + 15] ^= 0x80;
	{
		size_t size = sizeof(buf);

		CHECK_HEX(aes_gcm(&g.s, buf, &size, 0, 0), AES_STREAM_ERROR_MAC_INVALID);
		CHECK(all_zero(buf, sizeof(buf)));
	}
	/* Reordered: chunk 0's frame presented as chunk 1. */
	CHECK_HEX(try_chunk(&g, g.frame[0], 1, 0, buf), AES_STREAM_ERROR_MAC_INVALID);
	/* Truncated: the stream cut after chunk 1 (which was not FINAL). */
	CHECK_HEX(try_chunk(&g, g.frame[1], 1, AES_STREAM_CHUNK_FINAL, buf),
		  AES_STREAM_ERROR_MAC_INVALID);
	/* Extended: the FINAL chunk presented as not final. */
	CHECK_HEX(try_chunk(&g, g.frame[2], 2, 0, buf), AES_STREAM_ERROR_MAC_INVALID);
	/* The genuine chunks still decrypt afterwards (the TA kept going). */
	for (uint32_t k = 0; k < 3; k++) {
		CHECK_HEX(try_chunk(&g, g.frame[k], k, k == 2 ? AES_STREAM_CHUNK_FINAL : 0, buf),
			  TEEC_SUCCESS);
		CHECK(memcmp(buf, g.pt[k], CHUNK) == 0);
	}
	/* Another stream AAD than the one the stream was made with. */
	CHECK_HEX(aes_start_decrypt(&g.s, g.iv, sizeof(g.iv), "x", 1), TEEC_SUCCESS);
	CHECK_HEX(try_chunk(&g, g.frame[0], 0, 0, buf), AES_STREAM_ERROR_MAC_INVALID);
	h_close_context_session(&g.ctx, &g.s);
}

void t_aes_wrong_key(void)
{
	static struct gcm_stream g;
	uint8_t other[AES_STREAM_BLOB_MAX_SIZE], bad[AES_STREAM_BLOB_MAX_SIZE], buf[CHUNK + 16];
	size_t other_len = sizeof(other);
	TEEC_Session s2;

	REQUIRE(make_stream(&g));
	REQUIRE(h_open(&g.ctx, &s2, &aes_uuid, NULL) == TEEC_SUCCESS);
	/* Another generated key cannot decrypt the stream. */
	CHECK_HEX(aes_generate(&s2, 128, AES_STREAM_MODE_GCM, other, &other_len), TEEC_SUCCESS);
	CHECK_HEX(aes_start_decrypt(&s2, g.iv, sizeof(g.iv), NULL, 0), TEEC_SUCCESS);
	memcpy(buf, g.frame[0], sizeof(buf));
	{
		size_t size = sizeof(buf);

		CHECK_HEX(aes_gcm(&s2, buf, &size, 0, 0), AES_STREAM_ERROR_MAC_INVALID);
		CHECK(all_zero(buf, sizeof(buf)));
	}
	/* Tampered blobs are refused, and the session is left without a key. */
	memcpy(bad, g.blob, g.blob_len);
	bad[25] ^= 1; /* the encrypted key */
	CHECK_HEX(aes_import(&s2, bad, g.blob_len), AES_STREAM_ERROR_MAC_INVALID);
	CHECK_HEX(aes_start_decrypt(&s2, g.iv, sizeof(g.iv), NULL, 0), TEEC_ERROR_BAD_STATE);
	memcpy(bad, g.blob, g.blob_len);
	bad[5] = AES_STREAM_MODE_CTR; /* the header is authenticated too */
	CHECK_HEX(aes_import(&s2, bad, g.blob_len), AES_STREAM_ERROR_MAC_INVALID);
	bad[5] = AES_STREAM_MODE_GCM;
	bad[0] = 'X';
	CHECK_HEX(aes_import(&s2, bad, g.blob_len), TEEC_ERROR_BAD_FORMAT);
	CHECK_HEX(aes_import(&s2, g.blob, g.blob_len - 1), TEEC_ERROR_BAD_FORMAT);
	CHECK_HEX(aes_import(&s2, g.blob, 0), TEEC_ERROR_BAD_FORMAT);
	/* The genuine blob works. */
	CHECK_HEX(aes_import(&s2, g.blob, g.blob_len), TEEC_SUCCESS);
	CHECK_HEX(aes_start_decrypt(&s2, g.iv, sizeof(g.iv), NULL, 0), TEEC_SUCCESS);
	{
		size_t size = sizeof(buf);

		memcpy(buf, g.frame[0], sizeof(buf));
		CHECK_HEX(aes_gcm(&s2, buf, &size, 0, 0), TEEC_SUCCESS);
		CHECK(memcmp(buf, g.pt[0], CHUNK) == 0);
	}
	TEEC_CloseSession(&s2);
	h_close_context_session(&g.ctx, &g.s);
}

/* True if any 8-byte window of key appears in p[0..n). */
static bool leaks(const uint8_t *p, size_t n, const uint8_t *key, size_t kn)
{
	for (size_t k = 0; k + 8 <= kn; k++)
		for (size_t i = 0; i + 8 <= n; i++)
			if (memcmp(p + i, key + k, 8) == 0)
				return true;
	return false;
}

/*
 * With a known (test) key loaded, no command, with any output layout, hands
 * back key bytes; KEY_INFO says what the key is, never the key. The key goes
 * in through a temporary memref, so this also shows that the client's bounce
 * arena hands no earlier call's bytes back through an output buffer.
 */
void t_aes_key_not_readable(void)
{
	static const uint32_t layouts[] = {
		TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_MEMREF_TEMP_OUTPUT,
				 TEEC_MEMREF_TEMP_OUTPUT, TEEC_MEMREF_TEMP_OUTPUT),
		TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE),
		TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_INOUT, TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE),
		TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE),
	};
	uint8_t key[32], out[4][256];
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	uint32_t origin;

	aes_fill(key, sizeof(key), 99);
	REQUIRE(aes_open(&ctx, &s));
	for (uint32_t cmd = 0; cmd <= 16; cmd++) {
		for (size_t l = 0; l < sizeof(layouts) / sizeof(layouts[0]); l++) {
			/* Re-import: a command may have replaced or dropped the key. */
			CHECK_HEX(aes_raw_key(&s, key, sizeof(key), AES_STREAM_MODE_GCM), TEEC_SUCCESS);
			memset(&op, 0, sizeof(op));
			memset(out, 0, sizeof(out));
			op.paramTypes = layouts[l];
			for (int i = 0; i < 4; i++) {
				op.params[i].tmpref.buffer = out[i];
				op.params[i].tmpref.size = sizeof(out[i]);
			}
			if (l == 1) {
				op.params[0].value.a = 256;
				op.params[0].value.b = AES_STREAM_MODE_GCM;
			} else if (l == 2) {
				op.params[1].value.a = 0;
				op.params[1].value.b = 0;
			}
			(void)TEEC_InvokeCommand(&s, cmd, &op, &origin);
			if (leaks(&out[0][0], sizeof(out), key, sizeof(key)))
				h_fail(__FILE__, __LINE__, "command %u layout %zu shows key bytes",
				       (unsigned)cmd, l);
		}
	}
	/* KEY_INFO: size, mode and the test flag. */
	CHECK_HEX(aes_raw_key(&s, key, sizeof(key), AES_STREAM_MODE_GCM), TEEC_SUCCESS);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE);
	CHECK_HEX(TEEC_InvokeCommand(&s, AES_STREAM_CMD_KEY_INFO, &op, &origin), TEEC_SUCCESS);
	CHECK(op.params[0].value.a == 256 && op.params[0].value.b == AES_STREAM_MODE_GCM);
	CHECK(op.params[1].value.a == AES_STREAM_KEY_FLAG_TEST);
	h_close_context_session(&ctx, &s);
}

/* Hostile or wrong parameters: an error, never a crash; the TA goes on. */
void t_aes_bad_parameters(void)
{
	uint8_t blob[AES_STREAM_BLOB_MAX_SIZE], iv[16], buf[64] = { 0 };
	size_t len, size;
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_Operation op;
	uint32_t origin;

	REQUIRE(aes_open(&ctx, &s));
	/* No key, no stream. */
	CHECK_HEX(aes_ctr(&s, buf, 16, 0), TEEC_ERROR_BAD_STATE);
	len = sizeof(iv);
	CHECK_HEX(aes_start_encrypt(&s, iv, &len, NULL, 0), TEEC_ERROR_BAD_STATE);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	CHECK_HEX(TEEC_InvokeCommand(&s, AES_STREAM_CMD_KEY_INFO, &op, &origin),
		  TEEC_ERROR_ITEM_NOT_FOUND);
	/* GENERATE: bad sizes/modes, short blob buffer (needed size back). */
	len = sizeof(blob);
	CHECK_HEX(aes_generate(&s, 100, AES_STREAM_MODE_CTR, blob, &len), TEEC_ERROR_BAD_PARAMETERS);
	len = sizeof(blob);
	CHECK_HEX(aes_generate(&s, 128, 9, blob, &len), TEEC_ERROR_BAD_PARAMETERS);
	len = 10;
	CHECK_HEX(aes_generate(&s, 256, AES_STREAM_MODE_CTR, blob, &len), TEEC_ERROR_SHORT_BUFFER);
	CHECK(len == AES_STREAM_BLOB_SIZE_256);
	len = sizeof(blob);
	CHECK_HEX(aes_generate(&s, 192, AES_STREAM_MODE_CTR, blob, &len), TEEC_SUCCESS);
	CHECK(len == AES_STREAM_BLOB_SIZE_192);
	CHECK_HEX(aes_raw_key(&s, buf, 20, AES_STREAM_MODE_CTR), TEEC_ERROR_BAD_PARAMETERS);
	/* A CTR key: START sizes, no AAD, no GCM chunks. */
	CHECK_HEX(aes_start_decrypt(&s, iv, 12, NULL, 0), TEEC_ERROR_BAD_PARAMETERS);
	CHECK_HEX(aes_start_decrypt(&s, iv, 16, "aad", 3), TEEC_ERROR_BAD_PARAMETERS);
	len = 4;
	CHECK_HEX(aes_start_encrypt(&s, iv, &len, NULL, 0), TEEC_ERROR_SHORT_BUFFER);
	CHECK(len == 16);
	CHECK_HEX(aes_start_decrypt(&s, iv, 16, NULL, 0), TEEC_SUCCESS);
	size = 32;
	CHECK_HEX(aes_gcm(&s, buf, &size, 0, 0), TEEC_ERROR_BAD_STATE);
	CHECK_HEX(aes_ctr(&s, buf, 0, 0), TEEC_SUCCESS);
	CHECK_HEX(aes_ctr(&s, buf, 5, UINT64_MAX), TEEC_SUCCESS); /* the counter wraps */
	/* Wrong layouts for every command. */
	for (uint32_t cmd = 1; cmd <= 7; cmd++) {
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_VALUE_INOUT,
						 TEEC_VALUE_INOUT, TEEC_VALUE_INOUT);
		CHECK_HEX(TEEC_InvokeCommand(&s, cmd, &op, &origin), TEEC_ERROR_BAD_PARAMETERS);
		CHECK_HEX(origin, TEEC_ORIGIN_TRUSTED_APP);
	}
	memset(&op, 0, sizeof(op));
	CHECK_HEX(TEEC_InvokeCommand(&s, 0x1234, &op, &origin), TEEC_ERROR_NOT_SUPPORTED);
	/* A GCM key: chunk size, flags, AAD size, encrypt order and FINAL. */
	len = sizeof(blob);
	CHECK_HEX(aes_generate(&s, 128, AES_STREAM_MODE_GCM, blob, &len), TEEC_SUCCESS);
	{
		static uint8_t big_aad[AES_STREAM_MAX_AAD + 1];

		len = sizeof(iv);
		CHECK_HEX(aes_start_encrypt(&s, iv, &len, big_aad, sizeof(big_aad)),
			  TEEC_ERROR_BAD_PARAMETERS);
	}
	len = sizeof(iv);
	CHECK_HEX(aes_start_encrypt(&s, iv, &len, NULL, 0), TEEC_SUCCESS);
	CHECK(len == 12);
	CHECK_HEX(aes_ctr(&s, buf, 16, 0), TEEC_ERROR_BAD_STATE);
	size = 15;
	CHECK_HEX(aes_gcm(&s, buf, &size, 0, 0), TEEC_ERROR_BAD_PARAMETERS);
	size = 32;
	CHECK_HEX(aes_gcm(&s, buf, &size, 0, 2), TEEC_ERROR_BAD_PARAMETERS);
	CHECK_HEX(aes_gcm(&s, buf, &size, 1, 0), TEEC_ERROR_BAD_STATE); /* 0 comes first */
	CHECK_HEX(aes_gcm(&s, buf, &size, 0, 0), TEEC_SUCCESS);
	size = 32;
	CHECK_HEX(aes_gcm(&s, buf, &size, 0, 0), TEEC_ERROR_BAD_STATE); /* no nonce reuse */
	CHECK_HEX(aes_gcm(&s, buf, &size, 1, AES_STREAM_CHUNK_FINAL), TEEC_SUCCESS);
	size = 32;
	CHECK_HEX(aes_gcm(&s, buf, &size, 2, 0), TEEC_ERROR_BAD_STATE); /* after FINAL */
	/* Still alive and working. */
	len = sizeof(iv);
	CHECK_HEX(aes_start_encrypt(&s, iv, &len, NULL, 0), TEEC_SUCCESS);
	h_close_context_session(&ctx, &s);
}
