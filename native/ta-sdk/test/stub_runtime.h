/* Knobs of the fake TA host used by the SDK unit test. */
#ifndef STUB_RUNTIME_H
#define STUB_RUNTIME_H

#include <setjmp.h>
#include <unistd.h>

#include "tee_internal_api.h"
#include "tee_sim_runtime.h"

extern struct tee_sim_ta_head stub_head;
extern TEE_Identity stub_identity;
extern bool stub_have_identity;
extern bool stub_cancel_requested;
extern bool stub_cancel_masked;
extern const void *stub_client_mem;
extern size_t stub_client_mem_size;
extern jmp_buf stub_panic_jmp;
extern bool stub_panic_armed;
extern TEE_Result stub_last_panic;
extern char stub_last_trace[600];
extern int stub_last_trace_level;

#endif
