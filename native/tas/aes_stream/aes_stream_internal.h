/* What the aes_stream TA's source files share. */
#ifndef AES_STREAM_INTERNAL_H
#define AES_STREAM_INTERNAL_H

#include <tee_internal_api.h>

#include "aes_stream_ta.h"

struct aes_stream_session {
	/* The content key: a non-extractable AES object, or TEE_HANDLE_NULL. */
	TEE_ObjectHandle key;
	uint32_t key_bits;
	uint32_t key_mode;  /* AES_STREAM_MODE_* */
	uint32_t key_flags; /* AES_STREAM_KEY_FLAG_* */

	/* The current stream (started by START_ENCRYPT/START_DECRYPT). */
	TEE_OperationHandle op; /* CTR: encrypt op; GCM: op of the direction; NULL: no stream */
	bool encrypt;
	uint8_t iv[AES_STREAM_CTR_IV_SIZE]; /* GCM uses the first 12 bytes */
	uint8_t aad[AES_STREAM_MAX_AAD];
	size_t aad_len;
	uint32_t next_index; /* GCM encrypt: the only index accepted next */
	bool finished;       /* GCM encrypt: the FINAL chunk went through */
};

/* Exact parameter layout check. */
#define AES_STREAM_PT(t0, t1, t2, t3) \
	TEE_PARAM_TYPES(TEE_PARAM_TYPE_##t0, TEE_PARAM_TYPE_##t1, TEE_PARAM_TYPE_##t2, \
			TEE_PARAM_TYPE_##t3)

/* True if memref p is usable: a buffer, or size 0. */
static inline bool memref_ok(const TEE_Param *p)
{
	return p->memref.buffer != NULL || p->memref.size == 0;
}

/* keys.c */
TEE_Result cmd_generate_key(struct aes_stream_session *s, uint32_t pt, TEE_Param p[4]);
TEE_Result cmd_import_key(struct aes_stream_session *s, uint32_t pt, TEE_Param p[4]);
TEE_Result cmd_key_info(struct aes_stream_session *s, uint32_t pt, TEE_Param p[4]);
TEE_Result cmd_test_import_raw_key(struct aes_stream_session *s, uint32_t pt, TEE_Param p[4]);
void session_drop_key(struct aes_stream_session *s);

/* kek.c: the key-encryption key (an AES-256 object owned by kek.c). */
TEE_Result kek_get(TEE_ObjectHandle *kek);
void kek_release(void);

/* streams.c */
TEE_Result cmd_start(struct aes_stream_session *s, bool encrypt, uint32_t pt, TEE_Param p[4]);
TEE_Result cmd_ctr_chunk(struct aes_stream_session *s, uint32_t pt, TEE_Param p[4]);
TEE_Result cmd_gcm_chunk(struct aes_stream_session *s, uint32_t pt, TEE_Param p[4]);
void stream_end(struct aes_stream_session *s);

#endif
