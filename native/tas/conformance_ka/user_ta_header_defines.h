#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "conformance_ta.h"

#define TA_UUID CONF_KA_TA_UUID
/* single instance, multi session, keep alive */
#define TA_FLAGS (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION | TA_FLAG_INSTANCE_KEEP_ALIVE)
#include "conformance_defines_common.h"

#endif
