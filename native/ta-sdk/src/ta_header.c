/*
 * Compiled into every TA by mk/ta_dev_kit.mk: turns the TA's
 * user_ta_header_defines.h into the header the simulator's TA host reads
 * (symbol tee_sim_ta_head) before calling any entry point.
 */
#include <stddef.h>

#include "tee_internal_api.h"
#include "user_ta_header.h"
#include "user_ta_header_defines.h"
#include "tee_sim_runtime.h"

#ifndef TA_UUID
#error "user_ta_header_defines.h must define TA_UUID"
#endif
#ifndef TA_FLAGS
#error "user_ta_header_defines.h must define TA_FLAGS"
#endif
#ifndef TA_STACK_SIZE
#error "user_ta_header_defines.h must define TA_STACK_SIZE"
#endif
#ifndef TA_DATA_SIZE
#error "user_ta_header_defines.h must define TA_DATA_SIZE"
#endif

/* Authors fill struct user_ta_property; the host reads tee_sim_ta_property. */
_Static_assert(sizeof(struct user_ta_property) == sizeof(struct tee_sim_ta_property),
	       "property layouts differ");
_Static_assert(offsetof(struct user_ta_property, type) ==
	       offsetof(struct tee_sim_ta_property, type), "property layouts differ");
_Static_assert(offsetof(struct user_ta_property, value) ==
	       offsetof(struct tee_sim_ta_property, value), "property layouts differ");
_Static_assert((int)USER_TA_PROP_TYPE_BINARY_BLOCK == (int)TEE_SIM_PROP_BINARY &&
	       (int)USER_TA_PROP_TYPE_U64 == (int)TEE_SIM_PROP_U64 &&
	       (int)USER_TA_PROP_TYPE_STRING == (int)TEE_SIM_PROP_STRING, "property kinds differ");

#ifdef TA_CURRENT_TA_EXT_PROPERTIES
static const struct tee_sim_ta_property ta_ext_props[] = { TA_CURRENT_TA_EXT_PROPERTIES };
#define TA_EXT_PROPS ta_ext_props
#define TA_NUM_EXT_PROPS (sizeof(ta_ext_props) / sizeof(ta_ext_props[0]))
#else
#define TA_EXT_PROPS NULL
#define TA_NUM_EXT_PROPS 0
#endif

#ifdef TA_VERSION
#define TA_VERSION_STR TA_VERSION
#else
#define TA_VERSION_STR NULL
#endif

#ifdef TA_DESCRIPTION
#define TA_DESCRIPTION_STR TA_DESCRIPTION
#else
#define TA_DESCRIPTION_STR NULL
#endif

__attribute__((visibility("default"))) const struct tee_sim_ta_head tee_sim_ta_head = {
	.magic = TEE_SIM_TA_HEAD_MAGIC,
	.abi_version = TEE_SIM_TA_ABI_VERSION,
	.uuid = TA_UUID,
	.flags = TA_FLAGS,
	.stack_size = TA_STACK_SIZE,
	.data_size = TA_DATA_SIZE,
	.version = TA_VERSION_STR,
	.description = TA_DESCRIPTION_STR,
	.ext_props = TA_EXT_PROPS,
	.num_ext_props = TA_NUM_EXT_PROPS,
};
