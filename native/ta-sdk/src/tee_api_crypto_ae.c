/*
 * Authenticated encryption: AES-GCM.
 *
 * GCM produces output as it goes (no held-back bytes), so every update
 * returns exactly its input length. On a failed tag check
 * TEE_AEDecryptFinal wipes what it wrote and returns TEE_ERROR_MAC_INVALID;
 * plaintext earlier TEE_AEUpdate calls released is the TA's to withhold
 * (GP leaves that to the TA, and the aes_stream TA does it per chunk).
 */
#include <string.h>

#include <openssl/crypto.h>

#include "tee_api_crypto_internal.h"

#define GCM_MAX_TAG 16

TEE_Result TEE_AEInit(TEE_OperationHandle operation, const void *nonce, size_t nonceLen,
		      uint32_t tagLen, size_t AADLen, size_t payloadLen)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);

	(void)AADLen;     /* CCM only */
	(void)payloadLen; /* CCM only */
	tee_crypto_op_expect(op, TEE_OPERATION_AE, false, __func__);
	if (!(op->info.handleState & TEE_HANDLE_FLAG_KEY_SET))
		CRYPTO_PANIC(TEE_ERROR_BAD_STATE, "no key set");
	if (op->state != TEE_OPERATION_STATE_INITIAL)
		CRYPTO_PANIC(TEE_ERROR_BAD_STATE, "operation already active (reset it first)");
	if (nonceLen && !nonce)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "nonce is NULL");
	/* GP's GCM tag lengths: 96..128 bits in steps of 8. */
	if (tagLen < 96 || tagLen > 128 || tagLen % 8)
		return TEE_ERROR_NOT_SUPPORTED;
	if (nonceLen == 0 || nonceLen > INT32_MAX)
		return TEE_ERROR_NOT_SUPPORTED;
	/* The IV length first, then the IV; the key schedule stays. */
	if (EVP_CIPHER_CTX_ctrl(op->cctx, EVP_CTRL_AEAD_SET_IVLEN, (int)nonceLen, NULL) != 1 ||
	    EVP_CipherInit_ex(op->cctx, NULL, NULL, NULL, nonce, -1) != 1)
		return TEE_ERROR_NOT_SUPPORTED;
	tee_crypto_op_to_initial(op);
	op->tag_len = tagLen / 8;
	op->state = TEE_OPERATION_STATE_ACTIVE;
	op->info.handleState |= TEE_HANDLE_FLAG_INITIALIZED;
	return TEE_SUCCESS;
}

void TEE_AEUpdateAAD(TEE_OperationHandle operation, const void *AADdata, size_t AADdataLen)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);
	const uint8_t *p = AADdata;
	size_t done = 0;

	tee_crypto_op_expect(op, TEE_OPERATION_AE, true, __func__);
	if (op->payload_started)
		CRYPTO_PANIC(TEE_ERROR_BAD_STATE, "AAD after payload");
	if (AADdataLen && !AADdata)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "AADdata is NULL");
	while (done < AADdataLen) {
		size_t step = AADdataLen - done < ((size_t)1 << 30) ? AADdataLen - done
								    : (size_t)1 << 30;
		int outl = 0;

		if (EVP_CipherUpdate(op->cctx, NULL, &outl, p + done, (int)step) != 1)
			CRYPTO_PANIC(TEE_ERROR_GENERIC, "EVP_CipherUpdate(AAD) failed");
		done += step;
	}
}

/* Checks common to the payload calls; panics on misuse. */
static void check_payload(const void *src, size_t src_len, const void *dst,
			  const size_t *dst_len, const char *func)
{
	if (!dst_len)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "%s: destLen is NULL", func);
	if (src_len && !src)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "%s: srcData is NULL", func);
	if (src_len && *dst_len >= src_len && !dst)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "%s: destData is NULL", func);
}

static TEE_Result payload(struct __TEE_OperationHandle *op, const void *src, size_t src_len,
			  void *dst)
{
	size_t out = 0;
	TEE_Result res;

	op->payload_started = true;
	res = tee_crypto_evp_update(op->cctx, dst, src_len, src, src_len, true, &out);
	if (res == TEE_ERROR_OUT_OF_MEMORY)
		CRYPTO_PANIC(res, "no memory for an overlapping update");
	if (res != TEE_SUCCESS || out != src_len)
		return TEE_ERROR_GENERIC;
	return TEE_SUCCESS;
}

TEE_Result TEE_AEUpdate(TEE_OperationHandle operation, const void *srcData, size_t srcLen,
			void *destData, size_t *destLen)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);
	TEE_Result res;

	tee_crypto_op_expect(op, TEE_OPERATION_AE, true, __func__);
	check_payload(srcData, srcLen, destData, destLen, __func__);
	if (*destLen < srcLen) {
		*destLen = srcLen;
		return TEE_ERROR_SHORT_BUFFER;
	}
	res = payload(op, srcData, srcLen, destData);
	if (res == TEE_SUCCESS)
		*destLen = srcLen;
	return res;
}

TEE_Result TEE_AEEncryptFinal(TEE_OperationHandle operation, const void *srcData, size_t srcLen,
			      void *destData, size_t *destLen, void *tag, size_t *tagLen)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);
	uint8_t scratch[GCM_MAX_TAG];
	int outl = 0;
	TEE_Result res;

	tee_crypto_op_expect(op, TEE_OPERATION_AE, true, __func__);
	if (op->info.mode != TEE_MODE_ENCRYPT)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "not an encrypt operation");
	check_payload(srcData, srcLen, destData, destLen, __func__);
	if (!tagLen)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "tagLen is NULL");
	if (*destLen < srcLen || *tagLen < op->tag_len) {
		*destLen = srcLen;
		*tagLen = op->tag_len;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (!tag)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "tag is NULL");
	res = payload(op, srcData, srcLen, destData);
	if (res != TEE_SUCCESS)
		return res;
	/* GCM writes nothing at the end; the tag comes separately. */
	if (EVP_CipherFinal_ex(op->cctx, scratch, &outl) != 1 || outl != 0 ||
	    EVP_CIPHER_CTX_ctrl(op->cctx, EVP_CTRL_AEAD_GET_TAG, (int)op->tag_len, scratch) != 1)
		return TEE_ERROR_GENERIC;
	memcpy(tag, scratch, op->tag_len);
	*tagLen = op->tag_len;
	*destLen = srcLen;
	tee_crypto_op_to_initial(op);
	return TEE_SUCCESS;
}

TEE_Result TEE_AEDecryptFinal(TEE_OperationHandle operation, const void *srcData, size_t srcLen,
			      void *destData, size_t *destLen, const void *tag, size_t tagLen)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);
	uint8_t expected[GCM_MAX_TAG], scratch[GCM_MAX_TAG];
	int outl = 0;
	TEE_Result res;

	tee_crypto_op_expect(op, TEE_OPERATION_AE, true, __func__);
	if (op->info.mode != TEE_MODE_DECRYPT)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "not a decrypt operation");
	check_payload(srcData, srcLen, destData, destLen, __func__);
	if (tagLen && !tag)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "tag is NULL");
	if (*destLen < srcLen) {
		*destLen = srcLen;
		return TEE_ERROR_SHORT_BUFFER;
	}
	/* A tag of another length than TEE_AEInit chose cannot match. */
	if (tagLen != op->tag_len) {
		tee_crypto_op_to_initial(op);
		return TEE_ERROR_MAC_INVALID;
	}
	/* Copy the tag first: it may sit in memory the client can change. */
	memcpy(expected, tag, tagLen);
	res = payload(op, srcData, srcLen, destData);
	if (res == TEE_SUCCESS &&
	    EVP_CIPHER_CTX_ctrl(op->cctx, EVP_CTRL_AEAD_SET_TAG, (int)tagLen, expected) != 1)
		res = TEE_ERROR_GENERIC;
	if (res == TEE_SUCCESS && EVP_CipherFinal_ex(op->cctx, scratch, &outl) != 1)
		res = TEE_ERROR_MAC_INVALID;
	if (res != TEE_SUCCESS) {
		/* Never leave unauthenticated plaintext behind. */
		if (srcLen)
			OPENSSL_cleanse(destData, srcLen);
		tee_crypto_op_to_initial(op);
		return res;
	}
	*destLen = srcLen;
	tee_crypto_op_to_initial(op);
	return TEE_SUCCESS;
}
