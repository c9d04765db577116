/*
 * TA properties declared the OP-TEE way. Each TA provides
 * user_ta_header_defines.h defining:
 *
 *   TA_UUID        a TEE_UUID initializer, e.g. { 0x12345678, 0x9abc, 0xdef0, { 1, 2, 3, 4, 5, 6, 7, 8 } }
 *   TA_FLAGS       TA_FLAG_* below, or-ed
 *   TA_STACK_SIZE  stack of the thread that runs the entry points (bytes)
 *   TA_DATA_SIZE   ceiling of the TEE_Malloc heap (bytes)
 * and optionally
 *   TA_VERSION, TA_DESCRIPTION          strings
 *   TA_CURRENT_TA_EXT_PROPERTIES        { "name", USER_TA_PROP_TYPE_*, value-pointer }, ...
 *
 * The SDK's ta_header.c turns these into the header the simulator reads.
 */
#ifndef USER_TA_HEADER_H
#define USER_TA_HEADER_H

#include <stdint.h>

/* Flag values are OP-TEE's, so OP-TEE TA headers mean the same here. */
#define TA_FLAG_USER_MODE            0          /* accepted, no effect */
#define TA_FLAG_EXEC_DDR             0          /* accepted, no effect */
#define TA_FLAG_SINGLE_INSTANCE      (1u << 2)
#define TA_FLAG_MULTI_SESSION        (1u << 3)
#define TA_FLAG_INSTANCE_KEEP_ALIVE  (1u << 4)
#define TA_FLAG_SECURE_DATA_PATH     (1u << 5)  /* accepted, no effect */
#define TA_FLAG_CACHE_MAINTENANCE    (1u << 7)  /* accepted, no effect */

/* Kinds of extension property values (same numbering as OP-TEE). */
enum user_ta_prop_type {
	USER_TA_PROP_TYPE_BOOL = 0,         /* const bool *          */
	USER_TA_PROP_TYPE_U32 = 1,          /* const uint32_t *      */
	USER_TA_PROP_TYPE_UUID = 2,         /* const TEE_UUID *      */
	USER_TA_PROP_TYPE_IDENTITY = 3,     /* const TEE_Identity *  */
	USER_TA_PROP_TYPE_STRING = 4,       /* const char *          */
	USER_TA_PROP_TYPE_BINARY_BLOCK = 5, /* const char *, base64  */
	USER_TA_PROP_TYPE_U64 = 6,          /* const uint64_t *      */
};

/* One entry of TA_CURRENT_TA_EXT_PROPERTIES. */
struct user_ta_property {
	const char *name;
	uint32_t type; /* enum user_ta_prop_type */
	const void *value;
};

/* Standard property names of the current-TA set. */
#define TA_PROP_STR_SINGLE_INSTANCE     "gpd.ta.singleInstance"
#define TA_PROP_STR_MULTI_SESSION       "gpd.ta.multiSession"
#define TA_PROP_STR_KEEP_ALIVE          "gpd.ta.instanceKeepAlive"
#define TA_PROP_STR_DATA_SIZE           "gpd.ta.dataSize"
#define TA_PROP_STR_STACK_SIZE          "gpd.ta.stackSize"
#define TA_PROP_STR_VERSION             "gpd.ta.version"
#define TA_PROP_STR_DESCRIPTION         "gpd.ta.description"
#define TA_PROP_STR_APP_ID              "gpd.ta.appID"

#endif /* USER_TA_HEADER_H */
