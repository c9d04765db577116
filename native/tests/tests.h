/* The conformance tests, grouped by file; the table lives in tests_table.c. */
#ifndef TESTS_H
#define TESTS_H

#include <stddef.h>

#include "harness.h"

extern const struct test_case conformance_tests[];
extern const size_t conformance_test_count;

void t_context_init_null_name(void);
void t_context_init_unknown_name(void);
void t_context_init_null_context(void);
void t_open_unknown_uuid(void);
void t_open_real_ta(void);
void t_open_null_arguments(void);
void t_ta_result_origin(void);
void t_null_safe_release(void);
void t_invoke_closed_session(void);
void t_finalize_ends_sessions(void);
void t_invalid_param_nibbles(void);
void t_null_operation_and_zero_types(void);
void t_value_writeback(void);
void t_temp_memref_transform(void);
void t_temp_memref_null(void);
void t_temp_output_no_stale_bytes(void);
void t_short_buffer_temp(void);
void t_register_allocate_bad_args(void);
void t_partial_flag_mismatch(void);
void t_partial_bounds(void);
void t_whole_direction(void);
void t_readonly_memory_as_input(void);
void t_registered_roundtrip(void);
void t_short_buffer_registered(void);
void t_zero_copy_allocated(void);
void t_panic_target_dead(void);
void t_crash_target_dead(void);
void t_multi_instance_isolation(void);
void t_single_instance_sharing(void);
void t_single_instance_busy(void);
void t_keep_alive(void);
void t_cancel_unmasked(void);
void t_cancel_masked(void);
void t_cancel_waiting_for_slot(void);
void t_arena_cancel_waiting(void);
void t_arena_waiters_hold_no_slot(void);
void t_identity_public(void);
void t_identity_user(void);
void t_identity_group(void);
void t_identity_group_refused(void);
void t_identity_application(void);
void t_ta_properties(void);
void t_property_enumeration(void);
void t_check_memory_access_rights(void);
void t_time_and_random(void);
void t_heap_in_ta(void);
void t_threads_own_sessions(void);
void t_pipeline_threads_one_session(void);
void t_pipeline_cancel_queued_in_tee(void);
void t_pipeline_dead_ta_fails_queued(void);
void t_pipeline_dead_wakes_all(void);
void t_pipeline_cancel_all(void);
void t_pipeline_flood(void);
void t_pipeline_copy_outside_send_lock(void);
void t_pipeline_release_while_copying(void);
void t_client_killed_mid_invoke(void);
void t_dead_client_unmasked_wait(void);
void t_dead_client_masked_wait(void);
void t_dead_client_shared_instance_survives(void);
void t_dead_client_shared_instance_cancel(void);
void t_hung_create_opener_dead(void);
void t_hung_create_live_opener_waits(void);
void t_hung_destroy_fresh_instance(void);
void t_open_cancel_hung_create(void);
void t_open_cancel_queued_in_host(void);
void t_open_cancel_in_ta(void);
void t_open_cancel_race_shared(void);
void t_open_cancel_race_fresh(void);
void t_open_hung_context_shared(void);
void t_open_hung_create_multi_instance(void);
void t_demo_value_and_temp(void);
void t_demo_registered_stream(void);
void t_aes_ctr_kat(void);
void t_aes_gcm_kat(void);
void t_aes_gcm_encrypt_matches_openssl(void);
void t_aes_ctr_roundtrip(void);
void t_aes_gcm_roundtrip(void);
void t_aes_ctr_shared_memory(void);
void t_aes_gcm_shared_memory(void);
void t_aes_gcm_tampered(void);
void t_aes_wrong_key(void);
void t_aes_key_not_readable(void);
void t_aes_bad_parameters(void);

#endif
