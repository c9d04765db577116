/* Logging for the daemon and TA host: stderr, or the file in RX_TEEC_SIM_LOG. */
#ifndef SIM_LOG_H
#define SIM_LOG_H

enum sim_log_level { SIM_LOG_ERROR = 1, SIM_LOG_INFO = 2, SIM_LOG_DEBUG = 3 };

/* Opens the log file named by RX_TEEC_SIM_LOG (if set) and names the program. */
void sim_log_init(const char *prog);

void sim_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
