/*
 * Panic, time, cancellation, random numbers and the trace sink.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>

#include "tee_internal_api.h"
#include "tee_sim_runtime.h"

void TEE_Panic(TEE_Result panicCode)
{
	tee_sim_rt_panic(panicCode);
}

/* ---- Cancellation: the TA host keeps the flag and the mask per operation ---- */

bool TEE_GetCancellationFlag(void)
{
	/* GP: while masked the TA must see "not cancelled". */
	if (tee_sim_rt_cancel_masked())
		return false;
	return tee_sim_rt_cancel_requested();
}

bool TEE_UnmaskCancellation(void)
{
	bool was_masked = tee_sim_rt_cancel_masked();

	tee_sim_rt_set_cancel_masked(false);
	return was_masked;
}

bool TEE_MaskCancellation(void)
{
	bool was_masked = tee_sim_rt_cancel_masked();

	tee_sim_rt_set_cancel_masked(true);
	return was_masked;
}

/* ---- Time ---- */

static void clock_to_tee_time(clockid_t clk, TEE_Time *t)
{
	struct timespec ts;

	if (!t)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	if (clock_gettime(clk, &ts) != 0)
		TEE_Panic(TEE_ERROR_GENERIC);
	t->seconds = (uint32_t)ts.tv_sec;
	t->millis = (uint32_t)(ts.tv_nsec / 1000000);
}

/* System time: monotonic, arbitrary origin (GP allows that). */
void TEE_GetSystemTime(TEE_Time *time)
{
	clock_to_tee_time(CLOCK_MONOTONIC, time);
}

/* REE time: the rich OS wall clock, seconds since 1970. */
void TEE_GetREETime(TEE_Time *time)
{
	clock_to_tee_time(CLOCK_REALTIME, time);
}

TEE_Result TEE_Wait(uint32_t timeout)
{
	/* A cancellation that arrives while unmasked ends the wait early. */
	if (TEE_GetCancellationFlag())
		return TEE_ERROR_CANCEL;
	if (tee_sim_rt_wait(timeout))
		return TEE_ERROR_CANCEL;
	return TEE_SUCCESS;
}

/* ---- Random numbers ---- */

void TEE_GenerateRandom(void *randomBuffer, size_t randomBufferLen)
{
	unsigned char *p = randomBuffer;
	size_t done = 0;

	if (randomBufferLen == 0)
		return;
	if (!p)
		TEE_Panic(TEE_ERROR_BAD_PARAMETERS);
	while (done < randomBufferLen) {
		ssize_t n = getrandom(p + done, randomBufferLen - done, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* No entropy source: a TEE must not hand out weak bytes. */
			TEE_Panic(TEE_ERROR_GENERIC);
		}
		done += (size_t)n;
	}
}

/* ---- Trace ---- */

void tee_sim_trace_printf(int level, const char *func, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	/* Long messages are cut, never overflow. */
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tee_sim_rt_trace(level, func ? func : "?", line, "%s", msg);
}
