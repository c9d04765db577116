/* Helpers shared between the SDK's own source files (not for TAs). */
#ifndef TEE_SDK_INTERNAL_H
#define TEE_SDK_INTERNAL_H

#include <stddef.h>

enum {
	TEE_SDK_HEAP_NONE = 0,      /* range touches no TEE_Malloc block */
	TEE_SDK_HEAP_INSIDE = 1,    /* range lies inside one block */
	TEE_SDK_HEAP_STRADDLES = 2, /* range overlaps a block but leaves it */
};

/* How [p, p+n) relates to the live TEE_Malloc blocks. p+n must not overflow. */
int tee_sdk_heap_owner(const void *p, size_t n);

/* Bytes currently allocated through TEE_Malloc/TEE_Realloc. */
size_t tee_sdk_heap_used(void);

#endif /* TEE_SDK_INTERNAL_H */
