/* Shortcuts for talking to the conformance TA from tests and the benchmark. */
#ifndef CONF_HELPERS_H
#define CONF_HELPERS_H

#include "conformance_ta.h"
#include "tee_client_api.h"

static const TEEC_UUID conf_uuid = CONF_TA_UUID;
static const TEEC_UUID conf_si_uuid = CONF_SI_TA_UUID;
static const TEEC_UUID conf_sims_uuid = CONF_SIMS_TA_UUID;
static const TEEC_UUID conf_ka_uuid = CONF_KA_TA_UUID;

/* What the TA saw at the session's last invoke. */
TEEC_Result conf_get_record(TEEC_Session *s, struct conf_record *rec);

/* Instance token, open sessions, sessions ever, TA process id. */
TEEC_Result conf_instance_info(TEEC_Session *s, uint32_t *token, uint32_t *open_now,
			       uint32_t *ever, uint32_t *pid);

/* Invokes a command with no parameters; returns the result, origin in *origin. */
TEEC_Result conf_invoke_none(TEEC_Session *s, uint32_t cmd, uint32_t *origin);

#endif
