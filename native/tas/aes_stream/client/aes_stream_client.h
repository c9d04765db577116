/* The aes_stream TA's commands as plain C calls, for C clients of the TA. */
#ifndef AES_STREAM_CLIENT_H
#define AES_STREAM_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "aes_stream_ta.h"
#include "tee_client_api.h"

/* GENERATE_KEY: a new key of `bits` for `mode`; its wrapped blob comes back in blob (*blob_len in/out). */
TEEC_Result aes_generate(TEEC_Session *s, uint32_t bits, uint32_t mode, uint8_t *blob,
			 size_t *blob_len);
/* IMPORT_KEY: a blob from aes_generate (or wrapped to the TA's KEK). */
TEEC_Result aes_import(TEEC_Session *s, const uint8_t *blob, size_t len);
/* TEST_IMPORT_RAW_KEY: a raw key, for known-answer tests (test builds of the TA only). */
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
/* The same two in place in shared memory: the chunk is the PARTIAL_INOUT window of n (*size)
 * bytes at shm_off in the block. */
TEEC_Result aes_ctr_shm(TEEC_Session *s, TEEC_SharedMemory *shm, size_t shm_off, size_t n,
			uint64_t offset);
TEEC_Result aes_gcm_shm(TEEC_Session *s, TEEC_SharedMemory *shm, size_t shm_off, size_t *size,
			uint32_t index, uint32_t flags);

#endif
