/*
 * The key-encryption key (KEK) that wraps content keys into blobs.
 *
 * KEK = HMAC-SHA256(root, "rx-teec/aes_stream/kek/v1"), derived at first use
 * and kept as a non-extractable AES-256 object for the life of the instance.
 * Deriving rather than generating it is what lets a blob made by one session
 * be imported by another (every session is a separate TA instance).
 *
 * Trade-off: the simulator has no hardware-unique key, so the root below is
 * compiled into the TA. It keeps keys away from the client process, not from
 * someone who reads the .ta file. A device build replaces kek_root() with a
 * derivation from the TEE's hardware-unique key (e.g. OP-TEE's per-TA
 * storage key), and nothing else changes.
 */
#include <string.h>

#include "aes_stream_internal.h"

static const char kek_label[] = "rx-teec/aes_stream/kek/v1";

static TEE_ObjectHandle kek_obj = TEE_HANDLE_NULL;

/* The root secret of this TA build (see the trade-off above). */
static const uint8_t *kek_root(size_t *len)
{
	static const uint8_t root[32] = {
		0xa9, 0xd9, 0xc2, 0xbc, 0x62, 0x4a, 0x21, 0x72, 0xd1, 0xee, 0x7a,
		0x28, 0xf0, 0xfc, 0x29, 0xb8, 0x8d, 0x67, 0x68, 0x2e, 0x4b, 0xc4,
		0x75, 0xe9, 0xef, 0xe8, 0x93, 0xb6, 0xca, 0x90, 0x60, 0x0a,
	};

	*len = sizeof(root);
	return root;
}

/* out (32 bytes) = HMAC-SHA256(root, label). */
static TEE_Result kek_derive(uint8_t out[32])
{
	TEE_ObjectHandle root_key = TEE_HANDLE_NULL;
	TEE_OperationHandle mac = TEE_HANDLE_NULL;
	TEE_Attribute attr;
	size_t root_len, out_len = 32;
	const uint8_t *root = kek_root(&root_len);
	TEE_Result res;

	res = TEE_AllocateTransientObject(TEE_TYPE_HMAC_SHA256, (uint32_t)root_len * 8, &root_key);
	if (res != TEE_SUCCESS)
		goto out;
	TEE_InitRefAttribute(&attr, TEE_ATTR_SECRET_VALUE, root, root_len);
	res = TEE_PopulateTransientObject(root_key, &attr, 1);
	if (res != TEE_SUCCESS)
		goto out;
	res = TEE_AllocateOperation(&mac, TEE_ALG_HMAC_SHA256, TEE_MODE_MAC,
				    (uint32_t)root_len * 8);
	if (res != TEE_SUCCESS)
		goto out;
	res = TEE_SetOperationKey(mac, root_key);
	if (res != TEE_SUCCESS)
		goto out;
	TEE_MACInit(mac, NULL, 0);
	res = TEE_MACComputeFinal(mac, kek_label, strlen(kek_label), out, &out_len);
	if (res == TEE_SUCCESS && out_len != 32)
		res = TEE_ERROR_GENERIC;
out:
	TEE_FreeOperation(mac);
	TEE_FreeTransientObject(root_key);
	return res;
}

TEE_Result kek_get(TEE_ObjectHandle *kek)
{
	uint8_t raw[32];
	TEE_Attribute attr;
	TEE_ObjectHandle obj = TEE_HANDLE_NULL;
	TEE_Result res;

	if (kek_obj) {
		*kek = kek_obj;
		return TEE_SUCCESS;
	}
	res = kek_derive(raw);
	if (res == TEE_SUCCESS)
		res = TEE_AllocateTransientObject(TEE_TYPE_AES, 256, &obj);
	if (res == TEE_SUCCESS) {
		TEE_InitRefAttribute(&attr, TEE_ATTR_SECRET_VALUE, raw, sizeof(raw));
		res = TEE_PopulateTransientObject(obj, &attr, 1);
	}
	/* From now on the KEK only encrypts and decrypts; no one reads it back. */
	if (res == TEE_SUCCESS)
		res = TEE_RestrictObjectUsage1(obj, TEE_USAGE_ENCRYPT | TEE_USAGE_DECRYPT);
	TEE_MemFill(raw, 0, sizeof(raw));
	if (res != TEE_SUCCESS) {
		TEE_FreeTransientObject(obj);
		return res;
	}
	kek_obj = obj;
	*kek = obj;
	return TEE_SUCCESS;
}

void kek_release(void)
{
	TEE_FreeTransientObject(kek_obj);
	kek_obj = TEE_HANDLE_NULL;
}
