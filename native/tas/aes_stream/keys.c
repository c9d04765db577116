/*
 * Content keys: generation inside the TA, wrapping into blobs under the KEK,
 * import of blobs, and the test-only raw import (protocol in aes_stream_ta.h).
 *
 * Raw key bytes exist only in local buffers of these functions, which wipe
 * them; the session keeps a non-extractable key object. Client memory is
 * read once into local buffers before it is parsed (the client may change it
 * while we look) and written only once a result is complete.
 */
#include "aes_stream_internal.h"

#define BLOB_HDR 8
#define BLOB_NONCE 12
#define BLOB_TAG 16
#define BLOB_VERSION 1
#define MAX_KEY_BYTES 32

/* Set by sub.mk; a build that bypasses it gets no test-key command. */
#ifndef CFG_AES_STREAM_TEST_KEYS
#define CFG_AES_STREAM_TEST_KEYS 0
#endif

static size_t blob_size(uint32_t bits)
{
	return BLOB_HDR + BLOB_NONCE + bits / 8 + BLOB_TAG;
}

static bool bits_ok(uint32_t bits)
{
	return bits == 128 || bits == 192 || bits == 256;
}

static bool mode_ok(uint32_t mode)
{
	return mode == AES_STREAM_MODE_CTR || mode == AES_STREAM_MODE_GCM;
}

static void blob_header(uint8_t h[BLOB_HDR], uint32_t mode, uint32_t bits)
{
	h[0] = 'R';
	h[1] = 'X';
	h[2] = 'K';
	h[3] = 'B';
	h[4] = BLOB_VERSION;
	h[5] = (uint8_t)mode;
	h[6] = (uint8_t)(bits >> 8);
	h[7] = (uint8_t)bits;
}

void session_drop_key(struct aes_stream_session *s)
{
	stream_end(s);
	TEE_FreeTransientObject(s->key);
	s->key = TEE_HANDLE_NULL;
	s->key_bits = 0;
	s->key_mode = 0;
	s->key_flags = 0;
}

/* Makes raw (bits/8 bytes) the session's key, usable for AES only. */
static TEE_Result session_set_key(struct aes_stream_session *s, const uint8_t *raw,
				  uint32_t bits, uint32_t mode, uint32_t flags)
{
	TEE_ObjectHandle obj = TEE_HANDLE_NULL;
	TEE_Attribute attr;
	TEE_Result res;

	session_drop_key(s);
	res = TEE_AllocateTransientObject(TEE_TYPE_AES, bits, &obj);
	if (res != TEE_SUCCESS)
		return res;
	TEE_InitRefAttribute(&attr, TEE_ATTR_SECRET_VALUE, raw, bits / 8);
	res = TEE_PopulateTransientObject(obj, &attr, 1);
	/* Not extractable: even this TA's code cannot read it back. */
	if (res == TEE_SUCCESS)
		res = TEE_RestrictObjectUsage1(obj, TEE_USAGE_ENCRYPT | TEE_USAGE_DECRYPT);
	if (res != TEE_SUCCESS) {
		TEE_FreeTransientObject(obj);
		return res;
	}
	s->key = obj;
	s->key_bits = bits;
	s->key_mode = mode;
	s->key_flags = flags;
	return TEE_SUCCESS;
}

/* An AES-256-GCM operation keyed with the KEK. */
static TEE_Result kek_op(uint32_t mode, TEE_OperationHandle *op)
{
	TEE_ObjectHandle kek;
	TEE_Result res = kek_get(&kek);

	*op = TEE_HANDLE_NULL;
	if (res == TEE_SUCCESS)
		res = TEE_AllocateOperation(op, TEE_ALG_AES_GCM, mode, 256);
	if (res == TEE_SUCCESS)
		res = TEE_SetOperationKey(*op, kek);
	if (res != TEE_SUCCESS) {
		TEE_FreeOperation(*op);
		*op = TEE_HANDLE_NULL;
	}
	return res;
}

/* blob (blob_size(bits) bytes) = header || nonce || GCM_KEK(raw) || tag. */
static TEE_Result wrap(const uint8_t *raw, uint32_t bits, uint32_t mode, uint8_t *blob)
{
	size_t n = bits / 8, ct_len = n, tag_len = BLOB_TAG;
	uint8_t *nonce = blob + BLOB_HDR, *ct = nonce + BLOB_NONCE;
	TEE_OperationHandle op;
	TEE_Result res = kek_op(TEE_MODE_ENCRYPT, &op);

	if (res != TEE_SUCCESS)
		return res;
	blob_header(blob, mode, bits);
	TEE_GenerateRandom(nonce, BLOB_NONCE);
	res = TEE_AEInit(op, nonce, BLOB_NONCE, BLOB_TAG * 8, BLOB_HDR, n);
	if (res == TEE_SUCCESS) {
		TEE_AEUpdateAAD(op, blob, BLOB_HDR);
		res = TEE_AEEncryptFinal(op, raw, n, ct, &ct_len, ct + n, &tag_len);
	}
	if (res == TEE_SUCCESS && (ct_len != n || tag_len != BLOB_TAG))
		res = TEE_ERROR_GENERIC;
	TEE_FreeOperation(op);
	return res;
}

/* Checks and decrypts a blob (already copied out of client memory). */
static TEE_Result unwrap(const uint8_t *blob, size_t len, uint8_t raw[MAX_KEY_BYTES],
			 uint32_t *bits, uint32_t *mode)
{
	const uint8_t *nonce = blob + BLOB_HDR, *ct = nonce + BLOB_NONCE;
	TEE_OperationHandle op;
	size_t n, out_len;
	TEE_Result res;

	if (len < BLOB_HDR || blob[0] != 'R' || blob[1] != 'X' || blob[2] != 'K' ||
	    blob[3] != 'B' || blob[4] != BLOB_VERSION)
		return TEE_ERROR_BAD_FORMAT;
	*mode = blob[5];
	*bits = (uint32_t)blob[6] << 8 | blob[7];
	if (!mode_ok(*mode) || !bits_ok(*bits) || len != blob_size(*bits))
		return TEE_ERROR_BAD_FORMAT;
	n = out_len = *bits / 8;
	res = kek_op(TEE_MODE_DECRYPT, &op);
	if (res != TEE_SUCCESS)
		return res;
	res = TEE_AEInit(op, nonce, BLOB_NONCE, BLOB_TAG * 8, BLOB_HDR, n);
	if (res == TEE_SUCCESS) {
		TEE_AEUpdateAAD(op, blob, BLOB_HDR);
		/* On a bad tag the SDK wipes raw and answers MAC_INVALID. */
		res = TEE_AEDecryptFinal(op, ct, n, raw, &out_len, ct + n, BLOB_TAG);
	}
	TEE_FreeOperation(op);
	return res;
}

TEE_Result cmd_generate_key(struct aes_stream_session *s, uint32_t pt, TEE_Param p[4])
{
	uint8_t raw[MAX_KEY_BYTES], blob[AES_STREAM_BLOB_MAX_SIZE];
	uint32_t bits, mode;
	size_t need;
	TEE_Result res;

	if (pt != AES_STREAM_PT(VALUE_INPUT, MEMREF_OUTPUT, NONE, NONE) || !memref_ok(&p[1]))
		return TEE_ERROR_BAD_PARAMETERS;
	bits = p[0].value.a;
	mode = p[0].value.b;
	if (!bits_ok(bits) || !mode_ok(mode))
		return TEE_ERROR_BAD_PARAMETERS;
	need = blob_size(bits);
	if (p[1].memref.size < need) {
		p[1].memref.size = need;
		return TEE_ERROR_SHORT_BUFFER;
	}

	TEE_GenerateRandom(raw, bits / 8);
	res = wrap(raw, bits, mode, blob);
	if (res == TEE_SUCCESS)
		res = session_set_key(s, raw, bits, mode, 0);
	TEE_MemFill(raw, 0, sizeof(raw));
	if (res != TEE_SUCCESS)
		return res;
	TEE_MemMove(p[1].memref.buffer, blob, need);
	p[1].memref.size = need;
	return TEE_SUCCESS;
}

TEE_Result cmd_import_key(struct aes_stream_session *s, uint32_t pt, TEE_Param p[4])
{
	uint8_t raw[MAX_KEY_BYTES], blob[AES_STREAM_BLOB_MAX_SIZE];
	uint32_t bits = 0, mode = 0;
	size_t len;
	TEE_Result res;

	if ((pt != AES_STREAM_PT(MEMREF_INPUT, NONE, NONE, NONE) &&
	     pt != AES_STREAM_PT(MEMREF_INPUT, VALUE_OUTPUT, NONE, NONE)) ||
	    !memref_ok(&p[0]))
		return TEE_ERROR_BAD_PARAMETERS;
	/* Whatever happens, the old key is gone: no silent fallback to it. */
	session_drop_key(s);
	len = p[0].memref.size;
	if (len > sizeof(blob))
		return TEE_ERROR_BAD_FORMAT;
	TEE_MemMove(blob, p[0].memref.buffer, len);

	res = unwrap(blob, len, raw, &bits, &mode);
	if (res == TEE_SUCCESS)
		res = session_set_key(s, raw, bits, mode, 0);
	TEE_MemFill(raw, 0, sizeof(raw));
	if (res != TEE_SUCCESS)
		return res;
	if (TEE_PARAM_TYPE_GET(pt, 1) == TEE_PARAM_TYPE_VALUE_OUTPUT) {
		p[1].value.a = bits;
		p[1].value.b = mode;
	}
	return TEE_SUCCESS;
}

TEE_Result cmd_key_info(struct aes_stream_session *s, uint32_t pt, TEE_Param p[4])
{
	if (pt != AES_STREAM_PT(VALUE_OUTPUT, NONE, NONE, NONE) &&
	    pt != AES_STREAM_PT(VALUE_OUTPUT, VALUE_OUTPUT, NONE, NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!s->key)
		return TEE_ERROR_ITEM_NOT_FOUND;
	p[0].value.a = s->key_bits;
	p[0].value.b = s->key_mode;
	if (TEE_PARAM_TYPE_GET(pt, 1) == TEE_PARAM_TYPE_VALUE_OUTPUT) {
		p[1].value.a = s->key_flags;
		p[1].value.b = 0;
	}
	return TEE_SUCCESS;
}

TEE_Result cmd_test_import_raw_key(struct aes_stream_session *s, uint32_t pt, TEE_Param p[4])
{
#if CFG_AES_STREAM_TEST_KEYS
	uint8_t raw[MAX_KEY_BYTES];
	size_t len;
	uint32_t mode;
	TEE_Result res;

	if (pt != AES_STREAM_PT(MEMREF_INPUT, VALUE_INPUT, NONE, NONE) || !memref_ok(&p[0]))
		return TEE_ERROR_BAD_PARAMETERS;
	len = p[0].memref.size;
	mode = p[1].value.a;
	if (len > sizeof(raw) || !bits_ok((uint32_t)len * 8) || !mode_ok(mode))
		return TEE_ERROR_BAD_PARAMETERS;
	TEE_MemMove(raw, p[0].memref.buffer, len);
	res = session_set_key(s, raw, (uint32_t)len * 8, mode, AES_STREAM_KEY_FLAG_TEST);
	TEE_MemFill(raw, 0, sizeof(raw));
	return res;
#else
	(void)s;
	(void)pt;
	(void)p;
	return TEE_ERROR_NOT_SUPPORTED;
#endif
}
