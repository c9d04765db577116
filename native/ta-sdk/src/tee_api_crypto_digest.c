/*
 * Message digests (SHA-1, SHA-2, MD5 for old protocols).
 *
 * A digest operation needs no key and no init call; TEE_DigestDoFinal
 * returns it to the initial state, ready for the next message.
 */
#include "tee_api_crypto_internal.h"

static void digest_update(struct __TEE_OperationHandle *op, const void *chunk, size_t len,
			  const char *func)
{
	if (len && !chunk)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "%s: chunk is NULL", func);
	if (len && EVP_DigestUpdate(op->mdctx, chunk, len) != 1)
		CRYPTO_PANIC(TEE_ERROR_GENERIC, "%s: EVP_DigestUpdate failed", func);
}

void TEE_DigestUpdate(TEE_OperationHandle operation, const void *chunk, size_t chunkSize)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);

	tee_crypto_op_expect(op, TEE_OPERATION_DIGEST, false, __func__);
	digest_update(op, chunk, chunkSize, __func__);
	op->state = TEE_OPERATION_STATE_ACTIVE;
}

TEE_Result TEE_DigestDoFinal(TEE_OperationHandle operation, const void *chunk, size_t chunkLen,
			     void *hash, size_t *hashLen)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);
	unsigned int outl = 0;

	tee_crypto_op_expect(op, TEE_OPERATION_DIGEST, false, __func__);
	if (!hashLen)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "hashLen is NULL");
	/* Checked before consuming anything, so the TA can retry. */
	if (*hashLen < op->alg->digest_len) {
		*hashLen = op->alg->digest_len;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (!hash)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "hash is NULL");
	digest_update(op, chunk, chunkLen, __func__);
	if (EVP_DigestFinal_ex(op->mdctx, hash, &outl) != 1 || outl != op->alg->digest_len ||
	    EVP_DigestInit_ex(op->mdctx, op->md, NULL) != 1)
		CRYPTO_PANIC(TEE_ERROR_GENERIC, "EVP_DigestFinal_ex failed");
	*hashLen = outl;
	tee_crypto_op_to_initial(op);
	return TEE_SUCCESS;
}
