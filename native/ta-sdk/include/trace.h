/*
 * OP-TEE style trace macros for TAs: EMSG (error), IMSG (info), DMSG (debug),
 * FMSG (flow). Messages above TRACE_LEVEL are removed at compile time; the
 * rest go to the simulator's trace sink with the function name and line.
 *
 * TRACE_LEVEL defaults to CFG_TEE_TA_LOG_LEVEL (as set by ta_dev_kit.mk),
 * else to TRACE_ERROR.
 */
#ifndef TRACE_H
#define TRACE_H

#define TRACE_MIN   1
#define TRACE_ERROR 1
#define TRACE_INFO  2
#define TRACE_DEBUG 3
#define TRACE_FLOW  4
#define TRACE_MAX   TRACE_FLOW

#ifndef TRACE_LEVEL
#ifdef CFG_TEE_TA_LOG_LEVEL
#define TRACE_LEVEL CFG_TEE_TA_LOG_LEVEL
#else
#define TRACE_LEVEL TRACE_ERROR
#endif
#endif

/* Formats and forwards one message (implemented by the SDK library). */
void tee_sim_trace_printf(int level, const char *func, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Always-compiled message at info level (OP-TEE's MSG). */
#define MSG(...) tee_sim_trace_printf(TRACE_INFO, __func__, __LINE__, __VA_ARGS__)

#if TRACE_LEVEL >= TRACE_ERROR
#define EMSG(...) tee_sim_trace_printf(TRACE_ERROR, __func__, __LINE__, __VA_ARGS__)
#else
#define EMSG(...) ((void)0)
#endif

#if TRACE_LEVEL >= TRACE_INFO
#define IMSG(...) tee_sim_trace_printf(TRACE_INFO, __func__, __LINE__, __VA_ARGS__)
#else
#define IMSG(...) ((void)0)
#endif

#if TRACE_LEVEL >= TRACE_DEBUG
#define DMSG(...) tee_sim_trace_printf(TRACE_DEBUG, __func__, __LINE__, __VA_ARGS__)
#else
#define DMSG(...) ((void)0)
#endif

#if TRACE_LEVEL >= TRACE_FLOW
#define FMSG(...) tee_sim_trace_printf(TRACE_FLOW, __func__, __LINE__, __VA_ARGS__)
#else
#define FMSG(...) ((void)0)
#endif

#endif /* TRACE_H */
