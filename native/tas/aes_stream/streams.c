/*
 * Streams: CTR chunks at any offset, GCM chunks with per-chunk tags
 * (framing in aes_stream_ta.h). Chunks are transformed in place in the
 * client's buffer, with one TEE_CipherUpdate / TEE_AE*Final call over the
 * whole chunk: no copy, no allocation per chunk.
 */
#include "aes_stream_internal.h"

void stream_end(struct aes_stream_session *s)
{
	TEE_FreeOperation(s->op);
	s->op = TEE_HANDLE_NULL;
	s->encrypt = false;
	s->next_index = 0;
	s->finished = false;
	TEE_MemFill(s->iv, 0, sizeof(s->iv));
	TEE_MemFill(s->aad, 0, sizeof(s->aad));
	s->aad_len = 0;
}

TEE_Result cmd_start(struct aes_stream_session *s, bool encrypt, uint32_t pt, TEE_Param p[4])
{
	uint32_t iv_type = encrypt ? TEE_PARAM_TYPE_MEMREF_OUTPUT : TEE_PARAM_TYPE_MEMREF_INPUT;
	bool have_aad = TEE_PARAM_TYPE_GET(pt, 1) == TEE_PARAM_TYPE_MEMREF_INPUT;
	size_t iv_size, aad_len;
	bool gcm;
	uint32_t alg, mode;
	TEE_Result res;

	if (pt != TEE_PARAM_TYPES(iv_type, TEE_PARAM_TYPE_NONE, TEE_PARAM_TYPE_NONE,
				  TEE_PARAM_TYPE_NONE) &&
	    pt != TEE_PARAM_TYPES(iv_type, TEE_PARAM_TYPE_MEMREF_INPUT, TEE_PARAM_TYPE_NONE,
				  TEE_PARAM_TYPE_NONE))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!memref_ok(&p[0]) || (have_aad && !memref_ok(&p[1])))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!s->key)
		return TEE_ERROR_BAD_STATE;
	aad_len = have_aad ? p[1].memref.size : 0;
	gcm = s->key_mode == AES_STREAM_MODE_GCM;
	iv_size = gcm ? AES_STREAM_GCM_IV_SIZE : AES_STREAM_CTR_IV_SIZE;
	/* CTR authenticates nothing, so an AAD would give false comfort. */
	if (aad_len > (gcm ? AES_STREAM_MAX_AAD : 0))
		return TEE_ERROR_BAD_PARAMETERS;
	if (encrypt && p[0].memref.size < iv_size) {
		p[0].memref.size = iv_size;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (!encrypt && p[0].memref.size != iv_size)
		return TEE_ERROR_BAD_PARAMETERS;

	stream_end(s);
	alg = gcm ? TEE_ALG_AES_GCM : TEE_ALG_AES_CTR;
	/* CTR decrypts by encrypting; a GCM operation has one direction. */
	mode = (!gcm || encrypt) ? TEE_MODE_ENCRYPT : TEE_MODE_DECRYPT;
	res = TEE_AllocateOperation(&s->op, alg, mode, s->key_bits);
	if (res == TEE_SUCCESS)
		res = TEE_SetOperationKey(s->op, s->key);
	if (res != TEE_SUCCESS) {
		stream_end(s);
		return res;
	}
	if (encrypt)
		TEE_GenerateRandom(s->iv, iv_size); /* fresh per stream: no reuse */
	else
		TEE_MemMove(s->iv, p[0].memref.buffer, iv_size);
	if (aad_len)
		TEE_MemMove(s->aad, p[1].memref.buffer, aad_len);
	s->aad_len = aad_len;
	s->encrypt = encrypt;
	if (encrypt) {
		TEE_MemMove(p[0].memref.buffer, s->iv, iv_size);
		p[0].memref.size = iv_size;
	}
	return TEE_SUCCESS;
}

/* ctr = iv + blocks, as 128-bit big-endian numbers (mod 2^128). */
static void counter_add(uint8_t ctr[16], const uint8_t iv[16], uint64_t blocks)
{
	unsigned carry = 0;

	for (int i = 15; i >= 0; i--) {
		unsigned sum = iv[i] + (unsigned)(blocks & 0xff) + carry;

		ctr[i] = (uint8_t)sum;
		carry = sum >> 8;
		blocks >>= 8;
	}
}

TEE_Result cmd_ctr_chunk(struct aes_stream_session *s, uint32_t pt, TEE_Param p[4])
{
	uint8_t ctr[16], skip_buf[16] = { 0 };
	uint64_t offset;
	size_t len, skip;
	TEE_Result res;

	if (pt != AES_STREAM_PT(MEMREF_INOUT, VALUE_INPUT, NONE, NONE) || !memref_ok(&p[0]))
		return TEE_ERROR_BAD_PARAMETERS;
	if (s->op == TEE_HANDLE_NULL || s->key_mode != AES_STREAM_MODE_CTR)
		return TEE_ERROR_BAD_STATE;
	offset = (uint64_t)p[1].value.b << 32 | p[1].value.a;
	counter_add(ctr, s->iv, offset / 16);
	TEE_CipherInit(s->op, ctr, sizeof(ctr));
	/* Start mid-block: burn the keystream bytes before the offset. */
	skip = (size_t)(offset % 16);
	if (skip) {
		len = skip;
		res = TEE_CipherUpdate(s->op, skip_buf, skip, skip_buf, &len);
		if (res != TEE_SUCCESS)
			return res;
	}
	len = p[0].memref.size;
	if (len == 0)
		return TEE_SUCCESS;
	return TEE_CipherUpdate(s->op, p[0].memref.buffer, len, p[0].memref.buffer, &len);
}

/* Chunk i's nonce: IV ^ (0^7 || be32(i) || final). */
static void chunk_nonce(uint8_t nonce[12], const uint8_t iv[12], uint32_t index, bool final)
{
	TEE_MemMove(nonce, iv, 12);
	nonce[7] ^= (uint8_t)(index >> 24);
	nonce[8] ^= (uint8_t)(index >> 16);
	nonce[9] ^= (uint8_t)(index >> 8);
	nonce[10] ^= (uint8_t)index;
	nonce[11] ^= final ? 1 : 0;
}

static TEE_Result gcm_encrypt(struct aes_stream_session *s, uint8_t *buf, size_t n)
{
	uint8_t tag[AES_STREAM_GCM_TAG_SIZE];
	size_t len = n, tag_len = sizeof(tag);
	TEE_Result res;

	res = TEE_AEEncryptFinal(s->op, buf, n, buf, &len, tag, &tag_len);
	if (res != TEE_SUCCESS)
		return res;
	if (len != n || tag_len != sizeof(tag))
		return TEE_ERROR_GENERIC;
	TEE_MemMove(buf + n, tag, sizeof(tag));
	return TEE_SUCCESS;
}

static TEE_Result gcm_decrypt(struct aes_stream_session *s, uint8_t *buf, size_t n)
{
	uint8_t tag[AES_STREAM_GCM_TAG_SIZE];
	size_t len = n;

	/* Read the tag once: the client could change it while we decrypt. */
	TEE_MemMove(tag, buf + n, sizeof(tag));
	return TEE_AEDecryptFinal(s->op, buf, n, buf, &len, tag, sizeof(tag));
}

TEE_Result cmd_gcm_chunk(struct aes_stream_session *s, uint32_t pt, TEE_Param p[4])
{
	uint8_t nonce[AES_STREAM_GCM_IV_SIZE];
	uint8_t *buf;
	uint32_t index, flags;
	size_t size, n;
	bool final;
	TEE_Result res;

	if (pt != AES_STREAM_PT(MEMREF_INOUT, VALUE_INPUT, NONE, NONE) || !memref_ok(&p[0]))
		return TEE_ERROR_BAD_PARAMETERS;
	buf = p[0].memref.buffer;
	size = p[0].memref.size;
	index = p[1].value.a;
	flags = p[1].value.b;
	final = flags & AES_STREAM_CHUNK_FINAL;
	if (s->op == TEE_HANDLE_NULL || s->key_mode != AES_STREAM_MODE_GCM)
		return TEE_ERROR_BAD_STATE;
	if (size < AES_STREAM_GCM_TAG_SIZE || (flags & ~(uint32_t)AES_STREAM_CHUNK_FINAL))
		return TEE_ERROR_BAD_PARAMETERS;
	n = size - AES_STREAM_GCM_TAG_SIZE;
	if (s->encrypt) {
		if (s->finished || index != s->next_index)
			return TEE_ERROR_BAD_STATE;
		/* Index 2^32-1 must end the stream, or the next one would wrap. */
		if (index == UINT32_MAX && !final)
			return TEE_ERROR_BAD_PARAMETERS;
		/* Spent before use: even a failed call never frees a nonce for reuse. */
		s->next_index = index + 1;
		s->finished = final;
	}

	chunk_nonce(nonce, s->iv, index, final);
	TEE_ResetOperation(s->op);
	res = TEE_AEInit(s->op, nonce, sizeof(nonce), AES_STREAM_GCM_TAG_SIZE * 8, s->aad_len, n);
	if (res != TEE_SUCCESS)
		return res;
	if (s->aad_len)
		TEE_AEUpdateAAD(s->op, s->aad, s->aad_len);
	if (s->encrypt)
		return gcm_encrypt(s, buf, n);

	res = gcm_decrypt(s, buf, n);
	if (res != TEE_SUCCESS) {
		/* No plaintext (and no ciphertext) left behind. */
		TEE_MemFill(buf, 0, size);
		return res;
	}
	/* The tag's bytes are spent; the client gets n bytes of plaintext. */
	TEE_MemFill(buf + n, 0, AES_STREAM_GCM_TAG_SIZE);
	p[0].memref.size = n;
	return TEE_SUCCESS;
}
