#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "aes_stream_ta.h"

#define TA_UUID AES_STREAM_TA_UUID
/* Multi-instance: each session is its own TA process holding its own key. */
#define TA_FLAGS 0
#define TA_STACK_SIZE (64 * 1024)
#define TA_DATA_SIZE (64 * 1024)
#define TA_VERSION "1.0"
#define TA_DESCRIPTION "rx-teec aes_stream: key-holding AES-CTR/GCM stream TA"

#endif
