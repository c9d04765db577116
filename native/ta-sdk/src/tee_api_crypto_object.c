/*
 * Transient objects: allocation, attributes, population, key generation.
 * Only secret-key types exist so far; an object keeps its attributes in a
 * small array so that RSA/ECC key pairs (several attributes) fit later, and
 * persistent objects (later issue) can share the structure.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "tee_api_crypto_internal.h"

static void attrs_wipe(struct __TEE_ObjectHandle *o)
{
	for (size_t i = 0; i < o->nattrs; i++) {
		if (o->attrs[i].buf) {
			OPENSSL_cleanse(o->attrs[i].buf, o->attrs[i].len);
			free(o->attrs[i].buf);
		}
	}
	OPENSSL_cleanse(o->attrs, sizeof(o->attrs));
	o->nattrs = 0;
}

const struct tee_crypto_attr *tee_crypto_obj_attr(const struct __TEE_ObjectHandle *obj,
						  uint32_t id)
{
	for (size_t i = 0; i < obj->nattrs; i++)
		if (obj->attrs[i].id == id)
			return &obj->attrs[i];
	return NULL;
}

/* Stores a copy of a buffer attribute; false if memory runs out. */
static bool attr_add_buf(struct __TEE_ObjectHandle *o, uint32_t id, const void *p, size_t n)
{
	struct tee_crypto_attr *a;

	if (o->nattrs >= TEE_CRYPTO_MAX_ATTRS)
		return false;
	a = &o->attrs[o->nattrs];
	/* malloc(0) may return NULL: keep one byte so a NULL means failure. */
	a->buf = malloc(n ? n : 1);
	if (!a->buf)
		return false;
	if (n)
		memcpy(a->buf, p, n);
	a->id = id;
	a->len = n;
	o->nattrs++;
	return true;
}

static struct __TEE_ObjectHandle *transient_get(TEE_ObjectHandle h, const char *func)
{
	struct __TEE_ObjectHandle *o = tee_crypto_obj_get(h, func);

	if (o->info.handleFlags & TEE_HANDLE_FLAG_PERSISTENT)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "%s: object is persistent", func);
	return o;
}

static struct __TEE_ObjectHandle *uninitialized_get(TEE_ObjectHandle h, const char *func)
{
	struct __TEE_ObjectHandle *o = transient_get(h, func);

	if (o->info.handleFlags & TEE_HANDLE_FLAG_INITIALIZED)
		CRYPTO_PANIC(TEE_ERROR_BAD_STATE, "%s: object already initialized", func);
	return o;
}

TEE_Result TEE_AllocateTransientObject(TEE_ObjectType objectType, uint32_t maxObjectSize,
				       TEE_ObjectHandle *object)
{
	const struct tee_crypto_type *t = tee_crypto_type_find(objectType);
	struct __TEE_ObjectHandle *o;

	if (!object)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "object is NULL");
	*object = TEE_HANDLE_NULL;
	if (!t || !tee_crypto_type_size_ok(t, maxObjectSize))
		return TEE_ERROR_NOT_SUPPORTED;
	o = calloc(1, sizeof(*o));
	if (!o)
		return TEE_ERROR_OUT_OF_MEMORY;
	o->type = t;
	o->info.objectType = objectType;
	o->info.maxObjectSize = maxObjectSize;
	o->info.objectUsage = TEE_USAGE_DEFAULT;
	tee_crypto_obj_register(o);
	*object = o;
	return TEE_SUCCESS;
}

void TEE_FreeTransientObject(TEE_ObjectHandle object)
{
	struct __TEE_ObjectHandle *o;

	if (object == TEE_HANDLE_NULL)
		return;
	o = transient_get(object, __func__);
	tee_crypto_obj_unregister(o);
	attrs_wipe(o);
	free(o);
}

void TEE_CloseObject(TEE_ObjectHandle object)
{
	/* GP: on a transient object this is TEE_FreeTransientObject. */
	TEE_FreeTransientObject(object);
}

void TEE_ResetTransientObject(TEE_ObjectHandle object)
{
	struct __TEE_ObjectHandle *o;

	if (object == TEE_HANDLE_NULL)
		return;
	o = transient_get(object, __func__);
	attrs_wipe(o);
	o->info.objectSize = 0;
	o->info.objectUsage = TEE_USAGE_DEFAULT;
	o->info.handleFlags &= ~(uint32_t)TEE_HANDLE_FLAG_INITIALIZED;
}

void TEE_InitRefAttribute(TEE_Attribute *attr, uint32_t attributeID, const void *buffer,
			  size_t length)
{
	if (!attr || (attributeID & TEE_ATTR_FLAG_VALUE))
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "bad attribute 0x%08x", (unsigned)attributeID);
	attr->attributeID = attributeID;
	attr->content.ref.buffer = (void *)buffer;
	attr->content.ref.length = length;
}

void TEE_InitValueAttribute(TEE_Attribute *attr, uint32_t attributeID, uint32_t a, uint32_t b)
{
	if (!attr || !(attributeID & TEE_ATTR_FLAG_VALUE))
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "bad attribute 0x%08x", (unsigned)attributeID);
	attr->attributeID = attributeID;
	attr->content.value.a = a;
	attr->content.value.b = b;
}

/* Secret-key types take exactly one attribute: TEE_ATTR_SECRET_VALUE. */
TEE_Result TEE_PopulateTransientObject(TEE_ObjectHandle object, const TEE_Attribute *attrs,
				       uint32_t attrCount)
{
	struct __TEE_ObjectHandle *o = uninitialized_get(object, __func__);
	const TEE_Attribute *secret = NULL;
	size_t bits;

	if (attrCount && !attrs)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "attrs is NULL");
	for (uint32_t i = 0; i < attrCount; i++) {
		if (attrs[i].attributeID != TEE_ATTR_SECRET_VALUE)
			CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS,
				     "attribute 0x%08x is not defined for type 0x%08x",
				     (unsigned)attrs[i].attributeID, (unsigned)o->info.objectType);
		if (secret)
			return TEE_ERROR_BAD_PARAMETERS; /* given twice */
		secret = &attrs[i];
	}
	if (!secret)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "TEE_ATTR_SECRET_VALUE missing");
	if (secret->content.ref.length && !secret->content.ref.buffer)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "attribute buffer is NULL");
	if (secret->content.ref.length > o->info.maxObjectSize / 8)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "key of %zu bytes exceeds %u bits",
			     secret->content.ref.length, (unsigned)o->info.maxObjectSize);
	bits = secret->content.ref.length * 8;
	/* A size the type does not allow (e.g. a 20-byte AES key) is a bad value. */
	if (!tee_crypto_type_size_ok(o->type, (uint32_t)bits))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!attr_add_buf(o, TEE_ATTR_SECRET_VALUE, secret->content.ref.buffer,
			  secret->content.ref.length))
		return TEE_ERROR_OUT_OF_MEMORY;
	o->info.objectSize = (uint32_t)bits;
	o->info.handleFlags |= TEE_HANDLE_FLAG_INITIALIZED;
	return TEE_SUCCESS;
}

TEE_Result TEE_GenerateKey(TEE_ObjectHandle object, uint32_t keySize, const TEE_Attribute *params,
			   uint32_t paramCount)
{
	struct __TEE_ObjectHandle *o = uninitialized_get(object, __func__);
	uint8_t key[4096 / 8];
	bool ok;

	if (keySize > o->info.maxObjectSize || !tee_crypto_type_size_ok(o->type, keySize))
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "key size %u not valid for this object",
			     (unsigned)keySize);
	/* Secret keys take no generation parameters. */
	if (paramCount)
		return TEE_ERROR_BAD_PARAMETERS;
	(void)params;
	TEE_GenerateRandom(key, keySize / 8);
	ok = attr_add_buf(o, TEE_ATTR_SECRET_VALUE, key, keySize / 8);
	OPENSSL_cleanse(key, sizeof(key));
	if (!ok)
		return TEE_ERROR_OUT_OF_MEMORY;
	o->info.objectSize = keySize;
	o->info.handleFlags |= TEE_HANDLE_FLAG_INITIALIZED;
	return TEE_SUCCESS;
}

TEE_Result TEE_CopyObjectAttributes1(TEE_ObjectHandle destObject, TEE_ObjectHandle srcObject)
{
	struct __TEE_ObjectHandle *d = uninitialized_get(destObject, __func__);
	struct __TEE_ObjectHandle *s = tee_crypto_obj_get(srcObject, __func__);

	if (!(s->info.handleFlags & TEE_HANDLE_FLAG_INITIALIZED))
		CRYPTO_PANIC(TEE_ERROR_BAD_STATE, "source object not initialized");
	/* GP: same type, or a generic secret taking any secret key. */
	if (d->info.objectType != s->info.objectType &&
	    d->info.objectType != TEE_TYPE_GENERIC_SECRET)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "object types differ");
	if (s->info.objectSize > d->info.maxObjectSize)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "source key too large for destination");
	for (size_t i = 0; i < s->nattrs; i++) {
		if (!attr_add_buf(d, s->attrs[i].id, s->attrs[i].buf, s->attrs[i].len)) {
			attrs_wipe(d);
			return TEE_ERROR_OUT_OF_MEMORY;
		}
	}
	d->info.objectSize = s->info.objectSize;
	d->info.objectUsage &= s->info.objectUsage;
	d->info.handleFlags |= TEE_HANDLE_FLAG_INITIALIZED;
	return TEE_SUCCESS;
}

void TEE_CopyObjectAttributes(TEE_ObjectHandle destObject, TEE_ObjectHandle srcObject)
{
	if (TEE_CopyObjectAttributes1(destObject, srcObject) != TEE_SUCCESS)
		TEE_Panic(TEE_ERROR_OUT_OF_MEMORY);
}

TEE_Result TEE_GetObjectInfo1(TEE_ObjectHandle object, TEE_ObjectInfo *objectInfo)
{
	struct __TEE_ObjectHandle *o = tee_crypto_obj_get(object, __func__);

	if (!objectInfo)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "objectInfo is NULL");
	*objectInfo = o->info;
	return TEE_SUCCESS;
}

void TEE_GetObjectInfo(TEE_ObjectHandle object, TEE_ObjectInfo *objectInfo)
{
	(void)TEE_GetObjectInfo1(object, objectInfo);
}

TEE_Result TEE_RestrictObjectUsage1(TEE_ObjectHandle object, uint32_t objectUsage)
{
	struct __TEE_ObjectHandle *o = tee_crypto_obj_get(object, __func__);

	/* Usage can only shrink. */
	o->info.objectUsage &= objectUsage;
	return TEE_SUCCESS;
}

void TEE_RestrictObjectUsage(TEE_ObjectHandle object, uint32_t objectUsage)
{
	(void)TEE_RestrictObjectUsage1(object, objectUsage);
}

/* Panics unless attribute id of o may be read (GP: public or extractable). */
static const struct tee_crypto_attr *readable_attr(const struct __TEE_ObjectHandle *o,
						   uint32_t id, bool want_value, const char *func)
{
	if (!(o->info.handleFlags & TEE_HANDLE_FLAG_INITIALIZED))
		CRYPTO_PANIC(TEE_ERROR_BAD_STATE, "%s: object not initialized", func);
	if (!!(id & TEE_ATTR_FLAG_VALUE) != want_value)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "%s: attribute 0x%08x has the wrong kind",
			     func, (unsigned)id);
	if (!(id & TEE_ATTR_FLAG_PUBLIC) && !(o->info.objectUsage & TEE_USAGE_EXTRACTABLE))
		CRYPTO_PANIC(TEE_ERROR_ACCESS_DENIED, "%s: secret attribute of a non-extractable object",
			     func);
	return tee_crypto_obj_attr(o, id);
}

TEE_Result TEE_GetObjectBufferAttribute(TEE_ObjectHandle object, uint32_t attributeID,
					void *buffer, size_t *size)
{
	struct __TEE_ObjectHandle *o = tee_crypto_obj_get(object, __func__);
	const struct tee_crypto_attr *a = readable_attr(o, attributeID, false, __func__);

	if (!size)
		CRYPTO_PANIC(TEE_ERROR_BAD_PARAMETERS, "size is NULL");
	if (!a)
		return TEE_ERROR_ITEM_NOT_FOUND;
	if (!buffer || *size < a->len) {
		*size = a->len;
		return TEE_ERROR_SHORT_BUFFER;
	}
	if (a->len)
		memcpy(buffer, a->buf, a->len);
	*size = a->len;
	return TEE_SUCCESS;
}

TEE_Result TEE_GetObjectValueAttribute(TEE_ObjectHandle object, uint32_t attributeID,
				       uint32_t *a, uint32_t *b)
{
	struct __TEE_ObjectHandle *o = tee_crypto_obj_get(object, __func__);
	const struct tee_crypto_attr *attr = readable_attr(o, attributeID, true, __func__);

	if (!attr)
		return TEE_ERROR_ITEM_NOT_FOUND;
	if (a)
		*a = attr->a;
	if (b)
		*b = attr->b;
	return TEE_SUCCESS;
}
