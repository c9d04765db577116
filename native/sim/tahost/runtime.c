/* The tee_sim_rt_* functions the TA SDK is built on (tee_sim_runtime.h). */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "sim_log.h"
#include "sim_util.h"
#include "tahost.h"

struct th_current th_cur = { .cancel_masked = true };

void th_cancel_reset(struct th_session *s, uint32_t op_id)
{
	th_cur.sess = s;
	th_cur.op_id = op_id;
	th_cur.cancel_masked = true; /* GP: every entry point starts masked */
}

const struct tee_sim_ta_head *tee_sim_rt_ta_head(void)
{
	return th_ta.head;
}

const TEE_Identity *tee_sim_rt_client_identity(void)
{
	return th_cur.sess ? &th_cur.sess->identity : NULL;
}

bool tee_sim_rt_cancel_requested(void)
{
	const struct th_session *s = th_cur.sess;

	/* The client died mid-call: as if it had cancelled this operation. */
	if (th_watch_client_gone())
		return true;
	return s && sim_cancel_requested(s->cancel, th_cur.op_id);
}

bool tee_sim_rt_cancel_masked(void)
{
	return th_cur.cancel_masked;
}

void tee_sim_rt_set_cancel_masked(bool masked)
{
	th_cur.cancel_masked = masked;
}

bool tee_sim_rt_wait(uint32_t timeout_ms)
{
	bool forever = timeout_ms == UINT32_MAX;
	int64_t end = sim_now_ms() + timeout_ms;

	for (;;) {
		struct sim_cancel_page *pg = th_cur.sess ? th_cur.sess->cancel : NULL;
		uint32_t seq = pg ? __atomic_load_n(&pg->seq, __ATOMIC_ACQUIRE) : 0;
		int64_t left = forever ? 1000 : end - sim_now_ms();
		struct timespec ts;

		if (!th_cur.cancel_masked && tee_sim_rt_cancel_requested())
			return true;
		if (left <= 0)
			return false;
		if (left > 1000)
			left = 1000; /* re-check the clock at least once a second */
		ts.tv_sec = left / 1000;
		ts.tv_nsec = (left % 1000) * 1000000;
		if (pg && !th_cur.cancel_masked)
			/* Shared (not private) futex: the client is another process. */
			syscall(SYS_futex, &pg->seq, FUTEX_WAIT, seq, &ts, NULL, 0);
		else
			nanosleep(&ts, NULL);
	}
}

bool tee_sim_rt_is_client_memory(const void *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;

	for (unsigned i = 0; i < 4; i++) {
		uint32_t t = (th_cur.param_types >> (4 * i)) & 0xF;
		uintptr_t b = (uintptr_t)th_cur.params[i].memref.buffer;
		size_t size = th_cur.params[i].memref.size;

		if (t < 5 || t > 7 || !b)
			continue;
		if (a >= b && a - b <= size && n <= size - (a - b))
			return true;
	}
	return false;
}

void tee_sim_rt_panic(TEE_Result code)
{
	sim_log(SIM_LOG_ERROR, "TA panic, code 0x%08x: instance ends", (unsigned)code);
	_exit(SIM_TAHOST_PANIC_EXIT);
}

void tee_sim_rt_trace(int level, const char *func, int line, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	int lvl = level <= 1 ? SIM_LOG_ERROR : level == 2 ? SIM_LOG_INFO : SIM_LOG_DEBUG;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sim_log(lvl, "TA %s:%d: %s", func ? func : "?", line, msg);
}
