/*
 * Symmetric ciphers: AES-ECB/CBC without padding and AES-CTR.
 *
 * Output sizes follow GP: a stream mode (CTR) returns as many bytes as it
 * takes; a block mode returns whole blocks and holds back the rest until the
 * next call. A too-small destination gives TEE_ERROR_SHORT_BUFFER with the
 * needed size in *destLen and consumes nothing, so the TA can retry.
 */
#include <string.h>

#include "tee_api_crypto_internal.h"

static bool is_block_mode(const struct __TEE_OperationHandle *op)
{
	return op->alg->impl == TEE_CRYPTO_IMPL_ECB || op->alg->impl == TEE_CRYPTO_IMPL_CBC;
}

void TEE_CipherInit(TEE_OperationHandle operation, const void *IV, size_t IVLen)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);
	const void *iv = NULL;

	tee_crypto_op_expect(op, TEE_OPERATION_CIPHER, false, __func__);
	if (!(op->info.handleState & TEE_HANDLE_FLAG_KEY_SET))
		CRYPTO_PANIC(TEE_ERROR_BAD_STATE, "no key set");
	/* ECB ignores the IV; CBC and CTR need exactly one block. */
	if (op->alg->impl != TEE_CRYPTO_IMPL_ECB) {
		if (!IV || IVLen != TEE_CRYPTO_AES_BLOCK)
			CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "IV of %zu bytes, 16 needed", IVLen);
		iv = IV;
	}
	/* Re-initialising an active operation restarts it (as OP-TEE does).
	 * NULL cipher and key: the key schedule of TEE_SetOperationKey stays. */
	if (EVP_CipherInit_ex(op->cctx, NULL, NULL, NULL, iv, -1) != 1)
		CRYPTO_PANIC(TEE_ERROR_GENERIC, "EVP_CipherInit_ex failed");
	tee_crypto_op_to_initial(op);
	op->state = TEE_OPERATION_STATE_ACTIVE;
	op->info.handleState |= TEE_HANDLE_FLAG_INITIALIZED;
}

/*
 * Bytes an update of src_len produces, or panics if the running total would
 * overflow. *total gets held-back + src_len.
 */
static size_t output_size(const struct __TEE_OperationHandle *op, size_t src_len, size_t *total)
{
	if (!is_block_mode(op)) {
		*total = src_len;
		return src_len;
	}
	if (src_len > SIZE_MAX - op->buffered)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "input length overflows");
	*total = op->buffered + src_len;
	return *total - *total % TEE_CRYPTO_AES_BLOCK;
}

/* Common checks of TEE_CipherUpdate / TEE_CipherDoFinal's buffers. */
static void check_buffers(const void *src, size_t src_len, const void *dst, size_t need,
			  const size_t *dst_len, const char *func)
{
	if (!dst_len)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "%s: destLen is NULL", func);
	if (src_len && !src)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "%s: srcData is NULL", func);
	if (need && *dst_len >= need && !dst)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "%s: destData is NULL", func);
}

static TEE_Result run_update(struct __TEE_OperationHandle *op, const void *src, size_t src_len,
			     void *dst, size_t need)
{
	/* A block mode holding bytes back shifts output against input. */
	bool in_place_ok = !is_block_mode(op) || op->buffered == 0;
	size_t out = 0;
	TEE_Result res;

	res = tee_crypto_evp_update(op->cctx, dst, need, src, src_len, in_place_ok, &out);
	if (res == TEE_ERROR_OUT_OF_MEMORY)
		CRYPTO_PANIC(res, "no memory for an overlapping update");
	if (res != TEE_SUCCESS || out != need)
		return TEE_ERROR_GENERIC;
	return TEE_SUCCESS;
}

TEE_Result TEE_CipherUpdate(TEE_OperationHandle operation, const void *srcData, size_t srcLen,
			    void *destData, size_t *destLen)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);
	size_t total, need;
	TEE_Result res;

	tee_crypto_op_expect(op, TEE_OPERATION_CIPHER, true, __func__);
	need = output_size(op, srcLen, &total);
	check_buffers(srcData, srcLen, destData, need, destLen, __func__);
	if (*destLen < need) {
		*destLen = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	res = run_update(op, srcData, srcLen, destData, need);
	if (res != TEE_SUCCESS)
		return res;
	if (is_block_mode(op))
		op->buffered = total % TEE_CRYPTO_AES_BLOCK;
	*destLen = need;
	return TEE_SUCCESS;
}

TEE_Result TEE_CipherDoFinal(TEE_OperationHandle operation, const void *srcData, size_t srcLen,
			     void *destData, size_t *destLen)
{
	struct __TEE_OperationHandle *op = tee_crypto_op_get(operation, __func__);
	uint8_t tail[TEE_CRYPTO_AES_BLOCK];
	size_t total, need;
	int outl = 0;
	TEE_Result res;

	tee_crypto_op_expect(op, TEE_OPERATION_CIPHER, true, __func__);
	need = output_size(op, srcLen, &total);
	check_buffers(srcData, srcLen, destData, need, destLen, __func__);
	/* NOPAD: the whole message must be a multiple of the block size. */
	if (is_block_mode(op) && total % TEE_CRYPTO_AES_BLOCK)
		return TEE_ERROR_BAD_PARAMETERS;
	if (*destLen < need) {
		*destLen = need;
		return TEE_ERROR_SHORT_BUFFER;
	}
	res = run_update(op, srcData, srcLen, destData, need);
	if (res != TEE_SUCCESS)
		return res;
	/* Nothing is held back any more, so the final call writes nothing. */
	if (EVP_CipherFinal_ex(op->cctx, tail, &outl) != 1 || outl != 0)
		return TEE_ERROR_GENERIC;
	*destLen = need;
	tee_crypto_op_to_initial(op);
	return TEE_SUCCESS;
}
