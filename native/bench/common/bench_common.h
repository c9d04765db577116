/*
 * What the C benchmarks share: a private simulator daemon for the run, the
 * clock, and the machine description printed with the results.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Starts tee-simd from bin_dir on a socket in a fresh temp directory, with
 * TAs from ta_dir, and points RX_TEEC_SIM_SOCKET / RX_TEEC_SIM_TA_PATH (and
 * RX_TEEC_SIM_LOG, so the daemon's chatter stays out of the table) at it.
 * The daemon dies with the benchmark. False if it did not come up.
 */
bool bench_start_private_daemon(const char *bin_dir, const char *ta_dir);

/* Stops the daemon started above (if any) and removes its directory. */
void bench_stop_private_daemon(void);

/*
 * The daemon a benchmark talks to: the one RX_TEEC_SIM_SOCKET names if set
 * (e.g. the suite's), else a private one as above. On failure prints why,
 * prefixed with prog, and returns false. bench_stop_private_daemon() ends it.
 */
bool bench_use_daemon(const char *prog, const char *bin_dir, const char *ta_dir);

/* The monotonic clock in microseconds. */
double bench_now_us(void);

/* The CPU's model name from /proc/cpuinfo, or "unknown". */
void bench_cpu_model(char *out, size_t cap);

/* Prints a JSON string body: quotes, backslashes and control characters escaped. */
void bench_json_str(const char *s);

#endif /* BENCH_COMMON_H */
