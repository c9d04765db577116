#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "conformance_ta.h"

#define TA_UUID CONF_HANG_MI_TA_UUID
/* multi-instance: every opener waits for a create of its own */
#define TA_FLAGS 0
#include "conformance_defines_common.h"

#endif
