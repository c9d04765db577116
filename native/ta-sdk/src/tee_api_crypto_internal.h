/*
 * What the SDK's crypto source files share (not for TAs): the structures
 * behind TEE_ObjectHandle and TEE_OperationHandle, the algorithm and object
 * type tables, the handle registry and the OpenSSL update helper.
 *
 * Key material lives in plain process memory of the TA host (not the TA's
 * TEE_Malloc heap, as on a device where the TEE core holds it) and is wiped
 * with OPENSSL_cleanse before it is freed.
 */
#ifndef TEE_API_CRYPTO_INTERNAL_H
#define TEE_API_CRYPTO_INTERNAL_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tee_internal_api.h"

/* Logs why, then ends the TA instance as GP requires for misuse. */
#define CRYPTO_PANIC(code, ...)                                                   \
	do {                                                                      \
		tee_sim_trace_printf(TRACE_ERROR, __func__, __LINE__, __VA_ARGS__); \
		TEE_Panic(code);                                                  \
	} while (0)

/* ---- Object types ---- */

/* Room for an RSA key pair (8 attributes) when asymmetric keys arrive. */
#define TEE_CRYPTO_MAX_ATTRS 8

struct tee_crypto_type {
	uint32_t type;      /* TEE_TYPE_* */
	uint32_t min_bits;  /* key sizes accepted... */
	uint32_t max_bits;
	uint32_t step_bits; /* ...in steps of this; 0: only the AES sizes */
};

/* The descriptor of an object type, or NULL if not supported. */
const struct tee_crypto_type *tee_crypto_type_find(uint32_t type);
/* True if bits is a valid key size for the type. */
bool tee_crypto_type_size_ok(const struct tee_crypto_type *t, uint32_t bits);

struct tee_crypto_attr {
	uint32_t id;
	uint32_t a, b;  /* value attributes */
	uint8_t *buf;   /* buffer attributes: owned, wiped on free */
	size_t len;
};

#define TEE_CRYPTO_OBJ_MAGIC 0x4a424f54u /* "TOBJ" */

struct __TEE_ObjectHandle {
	uint32_t magic;
	TEE_ObjectInfo info;
	const struct tee_crypto_type *type;
	size_t nattrs;
	struct tee_crypto_attr attrs[TEE_CRYPTO_MAX_ATTRS];
	struct __TEE_ObjectHandle *next; /* registry link */
};

/* The attribute id of obj, or NULL. */
const struct tee_crypto_attr *tee_crypto_obj_attr(const struct __TEE_ObjectHandle *obj,
						  uint32_t id);

/* ---- Algorithms ---- */

enum tee_crypto_impl {
	TEE_CRYPTO_IMPL_ECB,
	TEE_CRYPTO_IMPL_CBC,
	TEE_CRYPTO_IMPL_CTR,
	TEE_CRYPTO_IMPL_GCM,
	TEE_CRYPTO_IMPL_DIGEST,
	TEE_CRYPTO_IMPL_HMAC,
};

struct tee_crypto_alg {
	uint32_t alg;          /* TEE_ALG_* */
	uint32_t op_class;     /* TEE_OPERATION_* */
	enum tee_crypto_impl impl;
	uint32_t key_type;     /* TEE_TYPE_* of the key; 0 for digests */
	const char *md_name;   /* OpenSSL digest name (digests, HMAC) */
	uint32_t digest_len;   /* bytes of the digest / MAC */
};

const struct tee_crypto_alg *tee_crypto_alg_find(uint32_t alg);

/* ---- Operations ---- */

#define TEE_CRYPTO_OP_MAGIC 0x504f4f54u /* "TOOP" */
#define TEE_CRYPTO_AES_BLOCK 16

struct __TEE_OperationHandle {
	uint32_t magic;
	TEE_OperationInfo info;
	uint32_t state;                 /* TEE_OPERATION_STATE_* */
	const struct tee_crypto_alg *alg;
	uint8_t *key;                   /* maxKeySize/8 bytes, allocated up front */
	size_t key_cap;
	size_t key_len;                 /* bytes of the key set, 0 if none */
	EVP_CIPHER_CTX *cctx;           /* ciphers and AE */
	EVP_CIPHER *cipher;             /* fetched for the key size set */
	EVP_MD_CTX *mdctx;              /* digests */
	EVP_MD *md;
	EVP_MAC_CTX *macctx;            /* MACs */
	size_t buffered;                /* ECB/CBC: input bytes held back (< 16) */
	size_t tag_len;                 /* AE: tag bytes chosen at TEE_AEInit */
	bool payload_started;           /* AE: TEE_AEUpdate* seen, no more AAD */
	struct __TEE_OperationHandle *next; /* registry link */
};

/* ---- Handle registry: a bogus handle panics instead of being dereferenced ---- */

void tee_crypto_obj_register(struct __TEE_ObjectHandle *obj);
void tee_crypto_obj_unregister(struct __TEE_ObjectHandle *obj);
/* The live object behind h; panics if h is not one. */
struct __TEE_ObjectHandle *tee_crypto_obj_get(TEE_ObjectHandle h, const char *func);

void tee_crypto_op_register(struct __TEE_OperationHandle *op);
void tee_crypto_op_unregister(struct __TEE_OperationHandle *op);
/* The live operation behind h; panics if h is not one. */
struct __TEE_OperationHandle *tee_crypto_op_get(TEE_OperationHandle h, const char *func);

/* Panics unless op is of class cls (and, if state_active, in the active state). */
void tee_crypto_op_expect(const struct __TEE_OperationHandle *op, uint32_t cls,
			  bool state_active, const char *func);

/* Moves op to the initial state (GP: after a final call or a reset). */
void tee_crypto_op_to_initial(struct __TEE_OperationHandle *op);

/*
 * EVP_CipherUpdate over len bytes of src into dst (len may exceed INT_MAX).
 * dst == src is done in place when in_place_ok (stream modes, or a block mode
 * holding nothing back); any other overlap goes through a bounce copy, since
 * OpenSSL refuses partial overlap and corrupts in-place input when a held-back
 * partial block shifts the output. *out gets the bytes written.
 * TEE_ERROR_GENERIC if OpenSSL fails, TEE_ERROR_OUT_OF_MEMORY if the bounce
 * copy cannot be allocated.
 */
TEE_Result tee_crypto_evp_update(EVP_CIPHER_CTX *ctx, void *dst, size_t dst_span,
				 const void *src, size_t len, bool in_place_ok, size_t *out);

/* True if [a, a+an) and [b, b+bn) share a byte. */
bool tee_crypto_overlap(const void *a, size_t an, const void *b, size_t bn);

#endif /* TEE_API_CRYPTO_INTERNAL_H */
