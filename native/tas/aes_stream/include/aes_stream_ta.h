/*
 * aes_stream TA — a key-holding AES TA that encrypts and decrypts streams
 * (AES-128/192/256 in CTR or GCM mode) in place, chunk by chunk, in the
 * client's shared memory. The key never leaves the TA in the clear.
 * UUID cff37e1c-5b7e-44e2-b77e-724a1986231e.
 *
 * This header is the protocol. C tests and TypeScript share it: every
 * constant is a plain `#define NAME number` line.
 *
 * ---- Threat model -------------------------------------------------------
 * The client (rich OS) may be hostile to the key but is the recipient of the
 * plaintext. So: no command returns key bytes; every parameter type, size
 * and offset is checked; GCM plaintext is only released (the invoke returns
 * success) after the chunk's tag verified; on a failed tag the buffer is
 * zeroed. During a call the TA works in place in shared memory, so a client
 * thread reading the buffer mid-call sees work in progress; it learns nothing
 * it could not get by asking the TA to decrypt the genuine chunk.
 *
 * ---- Keys ---------------------------------------------------------------
 * A session holds at most one content key, bound to one mode (CTR or GCM) so
 * the same key never runs both modes (their counter blocks could collide).
 *
 *   AES_STREAM_CMD_GENERATE_KEY (1)
 *     p0 VALUE_INPUT   a = key bits (128, 192, 256), b = mode (AES_STREAM_MODE_*)
 *     p1 MEMREF_OUTPUT the wrapped key blob, AES_STREAM_BLOB_SIZE_<bits> bytes
 *   A fresh random key, generated inside the TA, becomes the session's key;
 *   the client keeps only the blob. Short p1: TEE_ERROR_SHORT_BUFFER with the
 *   needed size, nothing generated.
 *
 *   AES_STREAM_CMD_IMPORT_KEY (2)
 *     p0 MEMREF_INPUT  a blob from GENERATE_KEY (this TA, any session/instance)
 *     p1 VALUE_OUTPUT  a = key bits, b = mode            (or NONE)
 *   TEE_ERROR_BAD_FORMAT: not a blob (size, magic, version, bits, mode).
 *   TEE_ERROR_MAC_INVALID: the blob was altered or wrapped by another KEK.
 *   On any error the session's previous key is gone too.
 *
 *   AES_STREAM_CMD_KEY_INFO (3)
 *     p0 VALUE_OUTPUT  a = key bits, b = mode
 *     p1 VALUE_OUTPUT  a = AES_STREAM_KEY_FLAG_* , b = 0   (or NONE)
 *   TEE_ERROR_ITEM_NOT_FOUND if the session has no key.
 *
 *   AES_STREAM_CMD_TEST_IMPORT_RAW_KEY (0x7E570001)  -- TESTS ONLY
 *     p0 MEMREF_INPUT  the raw key, 16/24/32 bytes
 *     p1 VALUE_INPUT   a = mode
 *   Exists so that published known-answer vectors (NIST SP 800-38A/38D) can
 *   run through the TA. It defeats the point of the TA for that key: the
 *   client chose and knows it. Such a key is flagged AES_STREAM_KEY_FLAG_TEST
 *   and can never be wrapped (no command wraps a client-supplied key, so a
 *   test key cannot pass for a TA-generated one). Build the TA with
 *   CFG_AES_STREAM_TEST_KEYS=0 for production: the command then answers
 *   TEE_ERROR_NOT_SUPPORTED.
 *
 * Key blob (AES_STREAM_BLOB_SIZE_<bits> = 36 + bits/8 bytes):
 *     0   4  magic "RXKB"
 *     4   1  version (1)
 *     5   1  mode (AES_STREAM_MODE_*)
 *     6   2  key bits, big-endian
 *     8  12  random nonce
 *    20   n  the key, AES-256-GCM encrypted under the KEK (n = bits/8)
 *  20+n  16  GCM tag; the 8-byte header is the AAD (binds mode and size)
 * KEK = HMAC-SHA256(TA root secret, "rx-teec/aes_stream/kek/v1"). In the
 * simulator the root secret is compiled into the TA (kek.c), so whoever can
 * read the .ta file can unwrap blobs: the simulator protects the key from
 * the client process, not from the machine's owner. On a device, kek.c
 * derives the KEK from the TEE's hardware-unique key instead.
 *
 * ---- Streams ------------------------------------------------------------
 *   AES_STREAM_CMD_START_ENCRYPT (4)
 *     p0 MEMREF_OUTPUT IV chosen by the TA: 16 bytes (CTR) / 12 bytes (GCM)
 *     p1 MEMREF_INPUT  GCM: stream AAD, <= AES_STREAM_MAX_AAD bytes (or NONE)
 *   AES_STREAM_CMD_START_DECRYPT (5)
 *     p0 MEMREF_INPUT  the stream's IV (as START_ENCRYPT gave it)
 *     p1 MEMREF_INPUT  GCM: the same stream AAD (or NONE)
 *   Begin a stream with the session's key (TEE_ERROR_BAD_STATE if none).
 *   A CTR stream ignores the AAD (must be NONE or empty).
 *
 *   AES_STREAM_CMD_CTR_CHUNK (6)
 *     p0 MEMREF_INOUT  data, transformed in place (encrypt = decrypt in CTR)
 *     p1 VALUE_INPUT   a, b = byte offset of p0 in the stream (low, high 32 bits)
 *   The counter block is IV + offset/16 (128-bit big-endian addition), and
 *   offset%16 keystream bytes are skipped: chunks are independent, any size,
 *   in any order, seekable. TEE_ERROR_BAD_STATE if the stream is not CTR.
 *
 *   AES_STREAM_CMD_GCM_CHUNK (7)
 *     p0 MEMREF_INOUT  a chunk: encrypt: plaintext (n) || 16 spare bytes
 *                                         -> ciphertext (n) || tag (16)
 *                               decrypt: ciphertext (n) || tag (16)
 *                                         -> plaintext (n), size set to n
 *                      (n >= 0; p0 must hold at least the 16 tag bytes)
 *     p1 VALUE_INPUT   a = chunk index, b = flags (AES_STREAM_CHUNK_FINAL)
 *   Chunk i's nonce is the stream IV with be32(i) XORed into bytes 7..10 and
 *   the FINAL flag XORed into byte 11 (chunk 0, not final, uses the IV as is);
 *   the stream AAD is the AAD of every chunk. So a chunk moved to another
 *   index, or a stream cut short (its last chunk lacks FINAL) or extended
 *   (after a FINAL chunk), fails the tag.
 *   Encrypt: indices must be 0, 1, 2... and nothing follows FINAL
 *   (TEE_ERROR_BAD_STATE otherwise): a nonce is never used twice.
 *   Decrypt: any index, any order. Tag mismatch: TEE_ERROR_MAC_INVALID and
 *   the whole p0 buffer zeroed; the client knows which chunk it sent.
 *
 * Anything else: TEE_ERROR_BAD_PARAMETERS for a wrong parameter layout or
 * value, TEE_ERROR_NOT_SUPPORTED for an unknown command.
 */
#ifndef AES_STREAM_TA_H
#define AES_STREAM_TA_H

#define AES_STREAM_TA_UUID_STR "cff37e1c-5b7e-44e2-b77e-724a1986231e"
#define AES_STREAM_TA_UUID \
	{ 0xcff37e1c, 0x5b7e, 0x44e2, { 0xb7, 0x7e, 0x72, 0x4a, 0x19, 0x86, 0x23, 0x1e } }

/* Commands */
#define AES_STREAM_CMD_GENERATE_KEY 1
#define AES_STREAM_CMD_IMPORT_KEY 2
#define AES_STREAM_CMD_KEY_INFO 3
#define AES_STREAM_CMD_START_ENCRYPT 4
#define AES_STREAM_CMD_START_DECRYPT 5
#define AES_STREAM_CMD_CTR_CHUNK 6
#define AES_STREAM_CMD_GCM_CHUNK 7
#define AES_STREAM_CMD_TEST_IMPORT_RAW_KEY 0x7E570001

/* Key modes */
#define AES_STREAM_MODE_CTR 1
#define AES_STREAM_MODE_GCM 2

/* KEY_INFO flags */
#define AES_STREAM_KEY_FLAG_TEST 1

/* GCM_CHUNK flags */
#define AES_STREAM_CHUNK_FINAL 1

/* Result codes a client sees that the GP Client API header does not name:
 * TEE_ERROR_MAC_INVALID (GCM chunk or key blob failed authentication). */
#define AES_STREAM_ERROR_MAC_INVALID 0xFFFF3071

/* Sizes (bytes) */
#define AES_STREAM_CTR_IV_SIZE 16
#define AES_STREAM_GCM_IV_SIZE 12
#define AES_STREAM_GCM_TAG_SIZE 16
#define AES_STREAM_MAX_AAD 1024
#define AES_STREAM_BLOB_SIZE_128 52
#define AES_STREAM_BLOB_SIZE_192 60
#define AES_STREAM_BLOB_SIZE_256 68
#define AES_STREAM_BLOB_MAX_SIZE 68

#endif /* AES_STREAM_TA_H */
