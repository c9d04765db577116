/*
 * MACs: HMAC over the SHA family (and MD5).
 *
 * TEE_MACCompareFinal compares in constant time and answers
 * TEE_ERROR_MAC_INVALID for a MAC of the wrong length as for a wrong MAC.
 */
#include <string.h>

#include <openssl/crypto.h>

#include "tee_api_crypto_internal.h"

#define MAC_MAX 64 /* SHA-512 */

void TEE_MACInit(TEE_OperationHandle operation, const void *IV, size_t IVLen)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);

	(void)IV; /* HMAC takes no IV */
	(void)IVLen;
	tee_crypto_op_expect(op, TEE_OPERATION_MAC, false, __func__);
	if (!(op->info.handleState & TEE_HANDLE_FLAG_KEY_SET))
		CRYPTO_PANIC(TEE_ERROR_BAD_STATE, "no key set");
	if (EVP_MAC_init(op->macctx, op->key, op->key_len, NULL) != 1)
		CRYPTO_PANIC(TEE_ERROR_GENERIC, "EVP_MAC_init failed");
	tee_crypto_op_to_initial(op);
	op->state = TEE_OPERATION_STATE_ACTIVE;
	op->info.handleState |= TEE_HANDLE_FLAG_INITIALIZED;
}

static void mac_update(struct __TEE_OperationHandle *op, const void *chunk, size_t len,
		       const char *func)
{
	if (len && !chunk)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "%s: chunk is NULL", func);
	if (len && EVP_MAC_update(op->macctx, chunk, len) != 1)
		CRYPTO_PANIC(TEE_ERROR_GENERIC, "%s: EVP_MAC_update failed", func);
}

void TEE_MACUpdate(TEE_OperationHandle operation, const void *chunk, size_t chunkSize)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);

	tee_crypto_op_expect(op, TEE_OPERATION_MAC, true, __func__);
	mac_update(op, chunk, chunkSize, __func__);
}

/* Finishes the MAC into out (MAC_MAX bytes) and resets the operation. */
static void mac_final(struct __TEE_OperationHandle *op, const void *msg, size_t len,
		      uint8_t *out, const char *func)
{
	size_t outl = 0;

	mac_update(op, msg, len, func);
	if (EVP_MAC_final(op->macctx, out, &outl, MAC_MAX) != 1 || outl != op->alg->digest_len)
		CRYPTO_PANIC(TEE_ERROR_GENERIC, "%s: EVP_MAC_final failed", func);
	tee_crypto_op_to_initial(op);
}

TEE_Result TEE_MACComputeFinal(TEE_OperationHandle operation, const void *message,
			       size_t messageLen, void *mac, size_t *macLen)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);
	uint8_t out[MAC_MAX];

	tee_crypto_op_expect(op, TEE_OPERATION_MAC, true, __func__);
	if (!macLen)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "macLen is NULL");
	if (*macLen < op->alg->digest_len) {
		*macLen = op->alg->digest_len;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (!mac)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "mac is NULL");
	mac_final(op, message, messageLen, out, __func__);
	memcpy(mac, out, op->alg->digest_len);
	OPENSSL_cleanse(out, sizeof(out));
	*macLen = op->alg->digest_len;
	return TEE_SUCCESS;
}

TEE_Result TEE_MACCompareFinal(TEE_OperationHandle operation, const void *message,
			       size_t messageLen, const void *mac, size_t macLen)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);
	uint8_t out[MAC_MAX];
	bool ok;

	tee_crypto_op_expect(op, TEE_OPERATION_MAC, true, __func__);
	if (macLen && !mac)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "mac is NULL");
	mac_final(op, message, messageLen, out, __func__);
	ok = macLen == op->alg->digest_len && CRYPTO_memcmp(out, mac, macLen) == 0;
	OPENSSL_cleanse(out, sizeof(out));
	return ok ? TEE_SUCCESS : TEE_ERROR_MAC_INVALID;
}
