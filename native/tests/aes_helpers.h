/* Shortcuts for driving the aes_stream TA from the C tests (and vectors). */
#ifndef AES_HELPERS_H
#define AES_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "../tas/aes_stream/include/aes_stream_ta.h"
#include "tee_client_api.h"

static const TEEC_UUID aes_uuid = AES_STREAM_TA_UUID;

/* A context and a session on the aes_stream TA; false on failure. */
bool aes_open(TEEC_Context *ctx, TEEC_Session *s);
void aes_close(TEEC_Context *ctx, TEEC_Session *s);

/* Decodes hex into out (at most cap bytes); returns the length. */
size_t aes_unhex(const char *hex, uint8_t *out, size_t cap);

TEEC_Result aes_generate(TEEC_Session *s, uint32_t bits, uint32_t mode, uint8_t *blob,
			 size_t *blob_len);
TEEC_Result aes_import(TEEC_Session *s, const uint8_t *blob, size_t len);
TEEC_Result aes_raw_key(TEEC_Session *s, const uint8_t *key, size_t len, uint32_t mode);
/* START_ENCRYPT: the TA's IV comes back in iv (*iv_len in/out). */
TEEC_Result aes_start_encrypt(TEEC_Session *s, uint8_t *iv, size_t *iv_len, const void *aad,
			      size_t aad_len);
TEEC_Result aes_start_decrypt(TEEC_Session *s, const uint8_t *iv, size_t iv_len,
			      const void *aad, size_t aad_len);
/* One CTR chunk in a temporary memref. */
TEEC_Result aes_ctr(TEEC_Session *s, void *buf, size_t n, uint64_t offset);
/* One GCM chunk (payload || tag) in a temporary memref; *size in/out. */
TEEC_Result aes_gcm(TEEC_Session *s, void *buf, size_t *size, uint32_t index, uint32_t flags);

/* Fills p with n pseudo-random bytes from seed (reproducible). */
void aes_fill(uint8_t *p, size_t n, uint32_t seed);

#endif
