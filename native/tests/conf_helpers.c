#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf_helpers.h"
#include "harness.h"

TEEC_Result conf_alloc_shm(TEEC_Context *ctx, TEEC_SharedMemory *shm, size_t size,
			   uint32_t flags)
{
	memset(shm, 0, sizeof(*shm));
	shm->size = size;
	shm->flags = flags;
	return TEEC_AllocateSharedMemory(ctx, shm);
}

bool conf_transform_ok(TEEC_Session *s, uint32_t a, uint8_t fill, uint8_t *buf, size_t n)
{
	const uint8_t want = (uint8_t)(255 - fill); /* TRANSFORM inverts every byte */
	TEEC_Operation op;
	uint32_t origin;

	memset(buf, fill, n);
	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_MEMREF_TEMP_INOUT, TEEC_NONE,
					 TEEC_NONE);
	op.params[0].value.a = a;
	op.params[0].value.b = a;
	op.params[1].tmpref.buffer = buf;
	op.params[1].tmpref.size = n;
	if (TEEC_InvokeCommand(s, CONF_CMD_TRANSFORM, &op, &origin) != TEEC_SUCCESS ||
	    op.params[0].value.a != a + 1 || op.params[0].value.b != a + 2)
		return false;
	for (size_t k = 0; k < n; k++)
		if (buf[k] != want)
			return false;
	return true;
}

static void *bg_call_main(void *arg)
{
	struct conf_bg_call *c = arg;
	uint64_t t0 = h_now_ms();

	__atomic_store_n(&c->tid, gettid(), __ATOMIC_RELEASE);
	c->res = TEEC_InvokeCommand(c->s, c->cmd, &c->op, &c->origin);
	c->took_ms = h_now_ms() - t0;
	__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	return NULL;
}

bool conf_bg_run(pthread_t *th, struct conf_bg_call *c)
{
	return pthread_create(th, NULL, bg_call_main, c) == 0;
}

void conf_bg_prepare(struct conf_bg_call *c, TEEC_Session *s, uint32_t cmd, uint32_t types)
{
	memset(c, 0, sizeof(*c));
	c->s = s;
	c->cmd = cmd;
	c->op.paramTypes = types;
}

/* Prepares conf_bg_start's wait, with shm as p2 if not NULL. */
static void bg_wait_prepare(struct conf_bg_call *c, TEEC_Session *s, uint32_t cmd, uint32_t ms,
			    TEEC_SharedMemory *shm)
{
	conf_bg_prepare(c, s, cmd,
			TEEC_PARAM_TYPES(TEEC_VALUE_INPUT, TEEC_VALUE_OUTPUT,
					 shm ? TEEC_MEMREF_WHOLE : TEEC_NONE, TEEC_NONE));
	c->op.params[0].value.a = ms;
	c->op.params[1].value.a = 0xA5A5A5A5u;
	c->op.params[2].memref.parent = shm;
}

bool conf_bg_start(pthread_t *th, struct conf_bg_call *c, TEEC_Session *s, uint32_t cmd,
		   uint32_t ms)
{
	bg_wait_prepare(c, s, cmd, ms, NULL);
	return conf_bg_run(th, c);
}

bool conf_bg_marked_start(pthread_t *th, struct conf_bg_call *c, TEEC_Session *s, uint32_t cmd,
			  uint32_t ms, TEEC_SharedMemory *shm)
{
	bg_wait_prepare(c, s, cmd, ms, shm);
	return conf_bg_run(th, c);
}

bool conf_touch_block(TEEC_Context *ctx, TEEC_SharedMemory *shm)
{
	if (conf_alloc_shm(ctx, shm, 4096, TEEC_MEM_INPUT | TEEC_MEM_OUTPUT) != TEEC_SUCCESS)
		return false;
	/* conf_touched sees the TA's touch as the 0 changing. */
	memset(shm->buffer, 0, shm->size);
	return true;
}

void conf_bg_touch_prepare(struct conf_bg_call *c, TEEC_Session *s, TEEC_SharedMemory *shm,
			   uint32_t type, uint32_t ms)
{
	conf_bg_prepare(c, s, CONF_CMD_TOUCH,
			TEEC_PARAM_TYPES(type, TEEC_VALUE_INPUT, TEEC_NONE, TEEC_NONE));
	c->op.params[0].memref.parent = shm;
	if (type != TEEC_MEMREF_WHOLE)
		c->op.params[0].memref.size = shm->size; /* offset 0: all of it */
	c->op.params[1].value.a = ms;
}

bool conf_bg_touch_start(pthread_t *th, struct conf_bg_call *c, TEEC_Session *s,
			 TEEC_SharedMemory *shm, uint32_t type, uint32_t ms)
{
	conf_bg_touch_prepare(c, s, shm, type, ms);
	return conf_bg_run(th, c);
}

bool conf_touched(const TEEC_SharedMemory *shm, uint8_t was, unsigned ms)
{
	/* The TA host writes them: volatile reads see its stores. */
	const volatile uint8_t *b = shm->buffer;
	uint64_t end = h_now_ms() + ms;

	/* TOUCH goes through the block in order: the last byte changes last. */
	while (b[0] == was || b[shm->size - 1] == was) {
		if (h_now_ms() >= end)
			return false;
		h_sleep_ms(2);
	}
	return true;
}

void conf_run_workers(TEEC_Context *ctx, TEEC_Session *s, void *(*const mains[])(void *),
		      size_t n_mains, int n, int first_id)
{
	/* On the heap: a flood runs hundreds. */
	struct conf_worker *w = calloc((size_t)n, sizeof(*w));
	pthread_t *th = calloc((size_t)n, sizeof(*th));
	int started = 0, failures = 0;

	if (!w || !th) {
		h_fail(__FILE__, __LINE__, "no memory for %d workers", n);
		free(th);
		free(w);
		return;
	}
	for (int i = 0; i < n; i++) {
		w[i] = (struct conf_worker){ .ctx = ctx, .s = s, .id = first_id + i };
		if (pthread_create(&th[i], NULL, mains[(size_t)i % n_mains], &w[i]) != 0)
			break;
		started++;
	}
	for (int i = 0; i < started; i++) {
		pthread_join(th[i], NULL);
		failures += w[i].failures;
	}
	CHECK_HEX(started, n);
	CHECK_HEX(failures, 0);
	free(th);
	free(w);
}

TEEC_Result conf_get_record(TEEC_Session *s, struct conf_record *rec)
{
	TEEC_Operation op;
	uint32_t origin;

	memset(&op, 0, sizeof(op));
	memset(rec, 0, sizeof(*rec));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_TEMP_OUTPUT, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].tmpref.buffer = rec;
	op.params[0].tmpref.size = sizeof(*rec);
	return TEEC_InvokeCommand(s, CONF_CMD_GET_RECORD, &op, &origin);
}

TEEC_Result conf_instance_info(TEEC_Session *s, uint32_t *token, uint32_t *open_now,
			       uint32_t *ever, uint32_t *pid)
{
	TEEC_Operation op;
	uint32_t origin;
	TEEC_Result r;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_VALUE_OUTPUT, TEEC_VALUE_OUTPUT, TEEC_NONE, TEEC_NONE);
	r = TEEC_InvokeCommand(s, CONF_CMD_INSTANCE_INFO, &op, &origin);
	if (token)
		*token = op.params[0].value.a;
	if (open_now)
		*open_now = op.params[0].value.b;
	if (ever)
		*ever = op.params[1].value.a;
	if (pid)
		*pid = op.params[1].value.b;
	return r;
}

TEEC_Result conf_invoke_none(TEEC_Session *s, uint32_t cmd, uint32_t *origin)
{
	uint32_t o = 0;
	TEEC_Result r = TEEC_InvokeCommand(s, cmd, NULL, &o);

	if (origin)
		*origin = o;
	return r;
}

/* One look at an operation run on a thread of its own: 1 if it blocks in the
 * client library (begun, not returned, its thread asleep), 0 if not yet, -1
 * if it returned. */
static int op_blocked(const TEEC_Operation *op, const pid_t *tid_p, const bool *done)
{
	pid_t tid = __atomic_load_n(tid_p, __ATOMIC_ACQUIRE);

	if (__atomic_load_n(done, __ATOMIC_ACQUIRE))
		return -1;
	return __atomic_load_n(&op->started, __ATOMIC_ACQUIRE) && tid && h_thread_asleep(tid);
}

/* What wait_blocked looks at: the n calls of c, or else one operation. */
struct blocked_look {
	struct conf_bg_call *c;
	int n;
	const TEEC_Operation *op;
	const pid_t *tid;
	const bool *done;
};

/* One look: 1 if all block, 0 if not yet, -1 if one returned. */
static int all_blocked(const struct blocked_look *l)
{
	int all = 1;

	if (!l->c)
		return op_blocked(l->op, l->tid, l->done);
	for (int i = 0; i < l->n; i++) {
		int r = op_blocked(&l->c[i].op, &l->c[i].tid, &l->c[i].done);

		if (r < 0)
			return -1;
		all &= r;
	}
	return all;
}

static bool wait_blocked(const struct blocked_look *l, unsigned ms)
{
	uint64_t until = h_now_ms() + ms;
	int in_row = 0;

	/* Twice in a row, 1 ms apart: a thread asleep on one of the library's
	 * locks (a moment's wait) is running again by then. */
	for (;;) {
		int r = all_blocked(l);

		if (r < 0)
			return false;
		in_row = r ? in_row + 1 : 0;
		if (in_row == 2)
			return true;
		if (h_now_ms() >= until)
			return false;
		h_sleep_ms(1);
	}
}

bool conf_bg_wait_blocked(struct conf_bg_call *c, int n, unsigned ms)
{
	const struct blocked_look l = { .c = c, .n = n };

	return wait_blocked(&l, ms);
}

bool conf_op_wait_blocked(const TEEC_Operation *op, const pid_t *tid, const bool *done,
			  unsigned ms)
{
	const struct blocked_look l = { .op = op, .tid = tid, .done = done };

	return wait_blocked(&l, ms);
}

TEEC_Result conf_touch_whole(TEEC_Session *s, TEEC_SharedMemory *shm, uint32_t *origin)
{
	TEEC_Operation op;
	uint32_t o = 0;
	TEEC_Result r;

	memset(&op, 0, sizeof(op));
	op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_WHOLE, TEEC_NONE, TEEC_NONE, TEEC_NONE);
	op.params[0].memref.parent = shm;
	r = TEEC_InvokeCommand(s, CONF_CMD_TOUCH, &op, &o);
	if (origin)
		*origin = o;
	return r;
}

/*
 * Child: opens a session on `uuid`, runs `cmd` (a conformance wait) for `ms`,
 * which it never gets to return from, and reports its TA host pid on
 * report_fd once the wait is in the TA.
 */
struct doomed_call {
	const TEEC_UUID *uuid;
	uint32_t cmd;
	uint32_t ms;
};

static void doomed_client(int report_fd, void *arg)
{
	const struct doomed_call *call = arg;
	struct conf_bg_call c;
	TEEC_Context ctx;
	TEEC_Session s;
	TEEC_SharedMemory shm;
	pthread_t th;
	uint32_t pid = 0;

	if (TEEC_InitializeContext(NULL, &ctx) != TEEC_SUCCESS ||
	    h_open(&ctx, &s, call->uuid, NULL) != TEEC_SUCCESS)
		_exit(3);
	/* Shared memory the TA has mapped, to see it released with the host. */
	if (conf_alloc_shm(&ctx, &shm, 64 * 1024, TEEC_MEM_INPUT | TEEC_MEM_OUTPUT) != TEEC_SUCCESS)
		_exit(4);
	memset(shm.buffer, 0, shm.size);
	if (conf_touch_whole(&s, &shm, NULL) != TEEC_SUCCESS ||
	    conf_instance_info(&s, NULL, NULL, NULL, &pid) != TEEC_SUCCESS)
		_exit(5);
	/* The wait marks the block too (its bytes, 1 since the TOUCH, become 2)
	 * as it begins in the TA; this thread reports it. */
	if (!conf_bg_marked_start(&th, &c, &s, call->cmd, call->ms, &shm) ||
	    !conf_touched(&shm, 1, 10000))
		_exit(6);
	if (write(report_fd, &pid, sizeof(pid)) != sizeof(pid))
		_exit(7);
	pthread_join(th, NULL);
	_exit(8);
}

pid_t conf_start_doomed_client(const TEEC_UUID *uuid, uint32_t cmd, uint32_t ms, uint32_t *ta_pid)
{
	struct doomed_call call = { uuid, cmd, ms };
	pid_t child;

	*ta_pid = 0;
	child = h_fork_reporting(doomed_client, &call, ta_pid, sizeof(*ta_pid));
	if (child && *ta_pid == 0) {
		conf_kill_client(child);
		return 0;
	}
	return child;
}

uint64_t conf_kill_client(pid_t child)
{
	int status = 0;

	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	return h_now_ms();
}

void conf_check_all_killed_after_grace(const uint32_t *hosts, int n, uint64_t since)
{
	uint64_t mid = since + CONF_GRACE_MS / 2, now = h_now_ms();

	/* Half way through the grace every host still lives... */
	if (now < mid)
		h_sleep_ms((unsigned)(mid - now));
	for (int i = 0; i < n; i++)
		CHECK(h_pid_alive((pid_t)hosts[i]));
	/* ...and each is killed once it is over. */
	for (int i = 0; i < n; i++) {
		uint64_t took;

		CHECK(h_wait_pid_gone((pid_t)hosts[i], 10000));
		took = h_now_ms() - since;
		if (took < CONF_GRACE_MS - 100 || took >= CONF_GRACE_MS + 3000)
			h_fail(__FILE__, __LINE__, "TA host %u ended %llu ms after nobody needed it",
			       (unsigned)hosts[i], (unsigned long long)took);
		CHECK(h_wait_status_lacks_pid(0, hosts[i], 5000));
	}
}

void conf_check_killed_after_grace(uint32_t host, uint64_t since)
{
	conf_check_all_killed_after_grace(&host, 1, since);
}
