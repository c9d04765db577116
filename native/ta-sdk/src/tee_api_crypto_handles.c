/*
 * Registry of live object and operation handles, and the shared OpenSSL
 * update helper.
 *
 * A TA may pass any pointer as a handle. Looking it up in the registry
 * before touching it turns a stale or forged handle into the panic GP asks
 * for, instead of undefined behaviour inside the TA host.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "tee_api_crypto_internal.h"

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct __TEE_ObjectHandle *objects;
static struct __TEE_OperationHandle *operations;

void tee_crypto_obj_register(struct __TEE_ObjectHandle *obj)
{
	pthread_mutex_lock(&registry_lock);
	obj->magic = TEE_CRYPTO_OBJ_MAGIC;
	obj->next = objects;
	objects = obj;
	pthread_mutex_unlock(&registry_lock);
}

void tee_crypto_obj_unregister(struct __TEE_ObjectHandle *obj)
{
	pthread_mutex_lock(&registry_lock);
	for (struct __TEE_ObjectHandle **pp = &objects; *pp; pp = &(*pp)->next) {
		if (*pp == obj) {
			*pp = obj->next;
			break;
		}
	}
	obj->magic = 0;
	pthread_mutex_unlock(&registry_lock);
}

struct __TEE_ObjectHandle *tee_crypto_obj_get(TEE_ObjectHandle h, const char *func)
{
	struct __TEE_ObjectHandle *o;

	pthread_mutex_lock(&registry_lock);
	for (o = objects; o; o = o->next)
		if (o == h)
			break;
	pthread_mutex_unlock(&registry_lock);
	if (!o)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "%s: %p is not an object handle", func,
			     (void *)h);
	return o;
}

void tee_crypto_op_register(struct __TEE_OperationHandle *op)
{
	pthread_mutex_lock(&registry_lock);
	op->magic = TEE_CRYPTO_OP_MAGIC;
	op->next = operations;
	operations = op;
	pthread_mutex_unlock(&registry_lock);
}

void tee_crypto_op_unregister(struct __TEE_OperationHandle *op)
{
	pthread_mutex_lock(&registry_lock);
	for (struct __TEE_OperationHandle **pp = &operations; *pp; pp = &(*pp)->next) {
		if (*pp == op) {
			*pp = op->next;
			break;
		}
	}
	op->magic = 0;
	pthread_mutex_unlock(&registry_lock);
}

struct __TEE_OperationHandle *tee_crypto_op_get(TEE_OperationHandle h, const char *func)
{
	struct __TEE_OperationHandle *op;

	pthread_mutex_lock(&registry_lock);
	for (op = operations; op; op = op->next)
		if (op == h)
			break;
	pthread_mutex_unlock(&registry_lock);
	if (!op)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "%s: %p is not an operation handle", func,
			     (void *)h);
	return op;
}

void tee_crypto_op_expect(const struct __TEE_OperationHandle *op, uint32_t cls,
			  bool state_active, const char *func)
{
	if (op->info.operationClass != cls)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS,
			     "%s: operation of class %u used as class %u", func,
			     (unsigned)op->info.operationClass, (unsigned)cls);
	if (state_active && op->state != TEE_OPERATION_STATE_ACTIVE)
		CRYPTO_PANIC(TEE_ERROR_BAD_STATE, "%s: operation not initialized", func);
}

void tee_crypto_op_to_initial(struct __TEE_OperationHandle *op)
{
	op->state = TEE_OPERATION_STATE_INITIAL;
	/* Digests stay usable without an init call, so they keep the flag. */
	if (op->info.operationClass != TEE_OPERATION_DIGEST)
		op->info.handleState &= ~(uint32_t)TEE_HANDLE_FLAG_INITIALIZED;
	op->buffered = 0;
	op->payload_started = false;
}

bool tee_crypto_overlap(const void *a, size_t an, const void *b, size_t bn)
{
	uintptr_t as = (uintptr_t)a, bs = (uintptr_t)b;

	if (an == 0 || bn == 0)
		return false;
	/* Written as differences so that no end pointer can overflow. */
	return as <= bs ? bs - as < an : as - bs < bn;
}

/* OpenSSL counts in int: feed at most 1 GiB (a multiple of the block) at once. */
#define EVP_STEP ((size_t)1 << 30)

static TEE_Result evp_update_loop(EVP_CIPHER_CTX *ctx, uint8_t *dst, const uint8_t *src,
				  size_t len, size_t *out)
{
	size_t done = 0, written = 0;

	while (done < len) {
		size_t step = len - done < EVP_STEP ? len - done : EVP_STEP;
		int outl = 0;

		if (EVP_CipherUpdate(ctx, dst + written, &outl, src + done, (int)step) != 1 ||
		    outl < 0)
			return TEE_ERROR_GENERIC;
		done += step;
		written += (size_t)outl;
	}
	*out = written;
	return TEE_SUCCESS;
}

TEE_Result tee_crypto_evp_update(EVP_CIPHER_CTX *ctx, void *dst, size_t dst_span,
				 const void *src, size_t len, bool in_place_ok, size_t *out)
{
	uint8_t *bounce;
	TEE_Result res;

	*out = 0;
	if (len == 0)
		return TEE_SUCCESS;
	if (!tee_crypto_overlap(dst, dst_span, src, len) || (dst == src && in_place_ok))
		return evp_update_loop(ctx, dst, src, len, out);

	bounce = malloc(len);
	if (!bounce)
		return TEE_ERROR_OUT_OF_MEMORY;
	memcpy(bounce, src, len);
	res = evp_update_loop(ctx, dst, bounce, len, out);
	/* The copy may hold plaintext. */
	OPENSSL_cleanse(bounce, len);
	free(bounce);
	return res;
}
