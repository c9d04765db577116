#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "demo_ta.h"

#define TA_UUID DEMO_TA_UUID
#define TA_FLAGS 0 /* multi-instance: each session has its own stream anyway */
#define TA_STACK_SIZE (64 * 1024)
#define TA_DATA_SIZE (64 * 1024)
#define TA_VERSION "1.0"
#define TA_DESCRIPTION "rx-teec demo TA: per-session SHA-256 of the bytes streamed in"

#endif
