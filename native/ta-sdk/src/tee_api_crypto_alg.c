/*
 * The algorithms and object types the SDK implements, with the key sizes GP
 * allows for each (GP TEE Internal Core API, TEE_AllocateTransientObject and
 * TEE_AllocateOperation tables). Adding an algorithm starts here.
 */
#include "tee_api_crypto_internal.h"

static const struct tee_crypto_type types[] = {
	/* step 0: AES accepts exactly 128, 192 or 256 bits. */
	{ TEE_TYPE_AES, 128, 256, 0 },
	{ TEE_TYPE_HMAC_MD5, 64, 512, 8 },
	{ TEE_TYPE_HMAC_SHA1, 80, 512, 8 },
	{ TEE_TYPE_HMAC_SHA224, 112, 512, 8 },
	{ TEE_TYPE_HMAC_SHA256, 192, 1024, 8 },
	{ TEE_TYPE_HMAC_SHA384, 256, 1024, 8 },
	{ TEE_TYPE_HMAC_SHA512, 256, 1024, 8 },
	{ TEE_TYPE_GENERIC_SECRET, 8, 4096, 8 },
};

static const struct tee_crypto_alg algs[] = {
	{ TEE_ALG_AES_ECB_NOPAD, TEE_OPERATION_CIPHER, TEE_CRYPTO_IMPL_ECB, TEE_TYPE_AES, NULL, 0 },
	{ TEE_ALG_AES_CBC_NOPAD, TEE_OPERATION_CIPHER, TEE_CRYPTO_IMPL_CBC, TEE_TYPE_AES, NULL, 0 },
	{ TEE_ALG_AES_CTR, TEE_OPERATION_CIPHER, TEE_CRYPTO_IMPL_CTR, TEE_TYPE_AES, NULL, 0 },
	{ TEE_ALG_AES_GCM, TEE_OPERATION_AE, TEE_CRYPTO_IMPL_GCM, TEE_TYPE_AES, NULL, 0 },
	{ TEE_ALG_MD5, TEE_OPERATION_DIGEST, TEE_CRYPTO_IMPL_DIGEST, 0, "MD5", 16 },
	{ TEE_ALG_SHA1, TEE_OPERATION_DIGEST, TEE_CRYPTO_IMPL_DIGEST, 0, "SHA1", 20 },
	{ TEE_ALG_SHA224, TEE_OPERATION_DIGEST, TEE_CRYPTO_IMPL_DIGEST, 0, "SHA224", 28 },
	{ TEE_ALG_SHA256, TEE_OPERATION_DIGEST, TEE_CRYPTO_IMPL_DIGEST, 0, "SHA256", 32 },
	{ TEE_ALG_SHA384, TEE_OPERATION_DIGEST, TEE_CRYPTO_IMPL_DIGEST, 0, "SHA384", 48 },
	{ TEE_ALG_SHA512, TEE_OPERATION_DIGEST, TEE_CRYPTO_IMPL_DIGEST, 0, "SHA512", 64 },
	{ TEE_ALG_HMAC_MD5, TEE_OPERATION_MAC, TEE_CRYPTO_IMPL_HMAC, TEE_TYPE_HMAC_MD5, "MD5", 16 },
	{ TEE_ALG_HMAC_SHA1, TEE_OPERATION_MAC, TEE_CRYPTO_IMPL_HMAC, TEE_TYPE_HMAC_SHA1, "SHA1", 20 },
	{ TEE_ALG_HMAC_SHA224, TEE_OPERATION_MAC, TEE_CRYPTO_IMPL_HMAC, TEE_TYPE_HMAC_SHA224,
	  "SHA224", 28 },
	{ TEE_ALG_HMAC_SHA256, TEE_OPERATION_MAC, TEE_CRYPTO_IMPL_HMAC, TEE_TYPE_HMAC_SHA256,
	  "SHA256", 32 },
	{ TEE_ALG_HMAC_SHA384, TEE_OPERATION_MAC, TEE_CRYPTO_IMPL_HMAC, TEE_TYPE_HMAC_SHA384,
	  "SHA384", 48 },
	{ TEE_ALG_HMAC_SHA512, TEE_OPERATION_MAC, TEE_CRYPTO_IMPL_HMAC, TEE_TYPE_HMAC_SHA512,
	  "SHA512", 64 },
};

const struct tee_crypto_type *tee_crypto_type_find(uint32_t type)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return &types[i];
	return NULL;
}

bool tee_crypto_type_size_ok(const struct tee_crypto_type *t, uint32_t bits)
{
	if (t->step_bits == 0)
		return bits == 128 || bits == 192 || bits == 256;
	return bits >= t->min_bits && bits <= t->max_bits && bits % t->step_bits == 0;
}

const struct tee_crypto_alg *tee_crypto_alg_find(uint32_t alg)
{
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].alg == alg)
			return &algs[i];
	return NULL;
}

TEE_Result TEE_IsAlgorithmSupported(uint32_t algId, uint32_t element)
{
	/* Elements (ECC curves) only qualify asymmetric algorithms, none yet. */
	if (element != TEE_CRYPTO_ELEMENT_NONE || !tee_crypto_alg_find(algId))
		return TEE_ERROR_NOT_SUPPORTED;
	return TEE_SUCCESS;
}
