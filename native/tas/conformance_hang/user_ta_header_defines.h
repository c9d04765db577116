#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "conformance_ta.h"

#define TA_UUID CONF_HANG_TA_UUID
/* single instance, multi session: a second opener waits for the same create */
#define TA_FLAGS (TA_FLAG_SINGLE_INSTANCE | TA_FLAG_MULTI_SESSION)
#include "conformance_defines_common.h"

#endif
