#ifndef USER_TA_HEADER_DEFINES_H
#define USER_TA_HEADER_DEFINES_H

#include "conformance_ta.h"

#define TA_UUID CONF_SI_TA_UUID
/* single instance without MULTI_SESSION */
#define TA_FLAGS (TA_FLAG_SINGLE_INSTANCE)
#include "conformance_defines_common.h"

#endif
