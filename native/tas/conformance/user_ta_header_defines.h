#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "conformance_ta.h"

#define TA_UUID CONF_TA_UUID
#define TA_FLAGS 0 /* multi-instance: every session gets its own instance */
#include "conformance_defines_common.h"

#endif
