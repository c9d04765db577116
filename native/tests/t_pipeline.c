/*
 * Several threads invoking on one session at once: the client sends each call
 * while earlier ones still await their replies (the TEE queues them for the TA)
 * and gives every caller its own reply.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conf_helpers.h"
#include "tests.h"

#define N_CALLS 150
#define BLOCK_SIZE 4096

/* TRANSFORM through a temporary memref: values and bytes must be this call's. */
static void *transform_worker(void *arg)
{
	struct conf_worker *w = arg;
	uint8_t buf[300];

	for (int i = 0; i < N_CALLS; i++)
		if (!conf_transform_ok(w->s, (uint32_t)(w->id * 100000 + i), (uint8_t)(w->id * 31 + i),
				       buf, sizeof(buf)))
			w->failures++;
	return NULL;
}

/* TOUCH on a block of its own (zero copy): every byte goes up by one per call. */
static void *touch_worker(void *arg)
{
	struct conf_worker *w = arg;
	TEEC_SharedMemory shm;
	TEEC_Operation op;
	uint32_t origin;

	if (conf_alloc_shm(w->ctx, &shm, BLOCK_SIZE,
			   TEEC_MEM_INPUT | TEEC_MEM_OUTPUT) != TEEC_SUCCESS) {
		w->failures++;
		return NULL;
	}
	memset(shm.buffer, w->id, BLOCK_SIZE);
	for (int i = 0; i < N_CALLS; i++) {
		memset(&op, 0, sizeof(op));
		op.paramTypes = TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE,
						 TEEC_NONE);
		op.params[0].memref.parent = &shm;
		op.params[0].memref.size = BLOCK_SIZE;
		if (TEEC_InvokeCommand(w->s, CONF_CMD_TOUCH, &op, &origin) != TEEC_SUCCESS)
			w->failures++;
	}
	for (size_t k = 0; k < BLOCK_SIZE; k++) {
		if (((uint8_t *)shm.buffer)[k] != (uint8_t)(w->id + N_CALLS)) {
			w->failures++;
			break;
		}
	}
	TEEC_ReleaseSharedMemory(&shm);
	return NULL;
}

/* Registers a fresh block per call and releases it after: a region the TA host
 * learns with the call and forgets (TA_FORGET) between other threads' calls. */
static void *churn_worker(void *arg)
{
	struct conf_worker *w = arg;
	uint8_t buf[512];

	for (int i = 0; i < N_CALLS; i++) {
		TEEC_SharedMemory shm = { .buffer = buf, .size = sizeof(buf),
					  .flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT };

		memset(buf, i, sizeof(buf));
		if (TEEC_RegisterSharedMemory(w->ctx, &shm) != TEEC_SUCCESS) {
			w->failures++;
			continue;
		}
		if (conf_touch_whole(w->s, &shm, NULL) != TEEC_SUCCESS ||
		    buf[0] != (uint8_t)(i + 1) || buf[sizeof(buf) - 1] != (uint8_t)(i + 1))
			w->failures++;
		TEEC_ReleaseSharedMemory(&shm);
	}
	return NULL;
}

void t_pipeline_threads_one_session(void)
{
	void *(*const mains[])(void *) = { transform_worker, transform_worker, touch_worker,
					   touch_worker, churn_worker };
	enum { N = sizeof(mains) / sizeof(mains[0]) };
	TEEC_Context ctx;
	TEEC_Session s;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	conf_run_workers(&ctx, &s, mains, N, N, 1);
	/* The session is still in order afterwards. */
	CHECK_HEX(conf_invoke_none(&s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	h_close_context_session(&ctx, &s);
}

/* A call waiting in the TEE behind a masked one is cancelled there: it returns
 * CANCEL from the TEE without entering the TA (a serialized client would have
 * kept it back and answered CANCEL from the API). */
void t_pipeline_cancel_queued_in_tee(void)
{
	struct conf_bg_call first, second;
	TEEC_SharedMemory shm;
	pthread_t t1, t2;
	TEEC_Context ctx;
	TEEC_Session s;
	uint64_t t0;
	bool in_ta;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_touch_block(&ctx, &shm));
	t0 = h_now_ms();
	/* The first touches the block, then waits masked. */
	REQUIRE(conf_bg_touch_start(&t1, &first, &s, &shm, TEEC_MEMREF_WHOLE, 800));
	in_ta = conf_touched(&shm, 0, 10000); /* the first is in the TA */
	CHECK(in_ta);
	if (!in_ta || !conf_bg_start(&t2, &second, &s, CONF_CMD_WAIT_UNMASKED, 20000)) {
		pthread_join(t1, NULL);
		REQUIRE(false);
	}
	CHECK(conf_bg_wait_blocked(&second, 1, 10000)); /* sent: it waits behind the first */
	TEEC_RequestCancellation(&second.op);
	pthread_join(t2, NULL);
	pthread_join(t1, NULL);
	CHECK_RES(first.res, first.origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK_RES(second.res, second.origin, TEEC_ERROR_CANCEL, TEEC_ORIGIN_TEE);
	CHECK_HEX(second.op.params[1].value.a, 0xA5A5A5A5u); /* the TA never ran it */
	CHECK(h_now_ms() - t0 < 10000);
	CHECK_HEX(conf_invoke_none(&s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	TEEC_ReleaseSharedMemory(&shm);
	h_close_context_session(&ctx, &s);
}

/* The TA dies under the running call: the calls queued behind it learn it too. */
void t_pipeline_dead_ta_fails_queued(void)
{
	struct conf_bg_call first, doomed, last;
	TEEC_SharedMemory shm;
	pthread_t t1, t2, t3;
	TEEC_Context ctx;
	TEEC_Session s;
	bool ok;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_touch_block(&ctx, &shm));
	REQUIRE(conf_bg_touch_start(&t1, &first, &s, &shm, TEEC_MEMREF_WHOLE, 1000));
	ok = conf_touched(&shm, 0, 10000); /* the first runs in the TA: the rest queue */
	CHECK(ok);
	ok = ok && conf_bg_start(&t2, &doomed, &s, CONF_CMD_PANIC, 0); /* TEE_Panic(0) */
	if (ok) {
		/* The panic is sent (it waits behind the first): the last call queues after it. */
		CHECK(conf_bg_wait_blocked(&doomed, 1, 10000));
		ok = conf_bg_start(&t3, &last, &s, CONF_CMD_NOP, 0);
		if (ok)
			pthread_join(t3, NULL);
		pthread_join(t2, NULL);
	}
	pthread_join(t1, NULL);
	REQUIRE(ok);
	CHECK_RES(first.res, first.origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK_RES(doomed.res, doomed.origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
	CHECK_RES(last.res, last.origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
	TEEC_ReleaseSharedMemory(&shm);
	h_close_context_session(&ctx, &s);
}

/* Behind the running call: more than fit in the pipeline, so some wait for a slot. */
#define N_QUEUED (CONF_PIPELINE_DEPTH + 4)

/* The TA host dies under a running call with the pipeline full behind it and
 * more calls waiting for a slot: every waiting call is woken and fails. */
void t_pipeline_dead_wakes_all(void)
{
	struct conf_bg_call queued[N_QUEUED], running;
	TEEC_SharedMemory shm;
	pthread_t t0, th[N_QUEUED];
	TEEC_Context ctx;
	TEEC_Session s;
	uint32_t ta_pid = 0;
	int started = 0;
	bool in_ta;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_instance_info(&s, NULL, NULL, NULL, &ta_pid) == TEEC_SUCCESS && ta_pid);
	REQUIRE(conf_touch_block(&ctx, &shm));
	REQUIRE(conf_bg_touch_start(&t0, &running, &s, &shm, TEEC_MEMREF_WHOLE, 20000));
	in_ta = conf_touched(&shm, 0, 10000); /* the calls below queue behind it */
	CHECK(in_ta);
	for (int i = 0; in_ta && i < N_QUEUED; i++) {
		if (!conf_bg_start(&th[i], &queued[i], &s, CONF_CMD_NOP, 0))
			break;
		started++;
	}
	/* All wait, for their turns or for slots: the kill is what wakes them. */
	CHECK(conf_bg_wait_blocked(queued, started, 10000));
	CHECK(kill((pid_t)ta_pid, SIGKILL) == 0);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_join(t0, NULL);
	CHECK_HEX(started, N_QUEUED);
	CHECK_RES(running.res, running.origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
	for (int i = 0; i < started; i++)
		CHECK_RES(queued[i].res, queued[i].origin, TEEC_ERROR_TARGET_DEAD, TEEC_ORIGIN_TEE);
	TEEC_ReleaseSharedMemory(&shm);
	h_close_context_session(&ctx, &s);
}

/* The running call and the two queued behind it are all cancelled: each is
 * told (the cancel page keeps several ids), none waits out its 20 s. */
void t_pipeline_cancel_all(void)
{
	struct conf_bg_call c[3];
	TEEC_SharedMemory shm;
	pthread_t th[3];
	TEEC_Context ctx;
	TEEC_Session s;
	int started = 0;
	uint64_t t0;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_touch_block(&ctx, &shm));
	t0 = h_now_ms();
	REQUIRE(conf_bg_marked_start(&th[0], &c[0], &s, CONF_CMD_WAIT_UNMASKED, 20000, &shm));
	started = 1;
	/* It runs in the TA (it marked the block), where its cancellation must find it. */
	CHECK(conf_touched(&shm, 0, 10000));
	for (; started < 3; started++) {
		if (!conf_bg_start(&th[started], &c[started], &s, CONF_CMD_WAIT_UNMASKED, 20000))
			break;
		/* Sent before the next starts: they queue behind the first in this order. */
		CHECK(conf_bg_wait_blocked(&c[started], 1, 10000));
	}
	/* The queued ones first: once the running one returns, the next may start. */
	for (int i = started; i-- > 0;)
		TEEC_RequestCancellation(&c[i].op);
	for (int i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	REQUIRE(started == 3);
	CHECK(h_now_ms() - t0 < 10000);
	CHECK_RES(c[0].res, c[0].origin, TEEC_ERROR_CANCEL, TEEC_ORIGIN_TRUSTED_APP);
	CHECK_RES(c[1].res, c[1].origin, TEEC_ERROR_CANCEL, TEEC_ORIGIN_TEE);
	CHECK_RES(c[2].res, c[2].origin, TEEC_ERROR_CANCEL, TEEC_ORIGIN_TEE);
	TEEC_ReleaseSharedMemory(&shm);
	h_close_context_session(&ctx, &s);
}

#define N_FLOOD_THREADS 400
#define N_FLOOD_CALLS 25

static void *nop_worker(void *arg)
{
	struct conf_worker *w = arg;

	for (int i = 0; i < N_FLOOD_CALLS; i++)
		if (conf_invoke_none(w->s, CONF_CMD_NOP, NULL) != TEEC_SUCCESS)
			w->failures++;
	return NULL;
}

/* Far more short calls in flight than the TA host may queue replies for: the
 * client keeps the pipeline shallow and the session lives. */
void t_pipeline_flood(void)
{
	void *(*const mains[])(void *) = { nop_worker };
	TEEC_Context ctx;
	TEEC_Session s;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	conf_run_workers(&ctx, &s, mains, 1, N_FLOOD_THREADS, 0);
	h_close_context_session(&ctx, &s);
}

/*
 * A buffer whose first read waits until the test lets it go: anonymous pages
 * registered with userfaultfd and filled only by held_buf_fill. The library's
 * copy of it then waits at a point the test knows, with no timing involved.
 */
struct held_buf {
	int uffd;
	uint8_t *buf;
	size_t len;
};

/* False if userfaultfd is not available here (or anything failed). */
static bool held_buf_open(struct held_buf *h, size_t len)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	void *p;
	int err;

	h->buf = NULL;
	h->len = len;
	h->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (h->uffd < 0) /* unprivileged: faults in user mode are all we need */
		h->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
	if (h->uffd < 0)
		return false;
	if (ioctl(h->uffd, UFFDIO_API, &api) != 0)
		goto fail;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		goto fail;
	h->buf = p;
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)p;
	reg.range.len = len;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(h->uffd, UFFDIO_REGISTER, &reg) != 0)
		goto fail;
	return true;
fail:
	err = errno;
	if (h->buf)
		munmap(h->buf, len);
	h->buf = NULL;
	close(h->uffd);
	h->uffd = -1;
	errno = err; /* for the note */
	return false;
}

/* True once a thread read the buffer and now waits (within ms). */
static bool held_buf_wait_reader(struct held_buf *h, int ms)
{
	struct pollfd pfd = { .fd = h->uffd, .events = POLLIN };
	struct uffd_msg msg;

	if (poll(&pfd, 1, ms) != 1)
		return false;
	if (read(h->uffd, &msg, sizeof(msg)) != (ssize_t)sizeof(msg))
		return false;
	return msg.event == UFFD_EVENT_PAGEFAULT;
}

/* Closing the userfaultfd lets a waiting reader go on, with zero pages. */
static void held_buf_let_go(struct held_buf *h)
{
	if (h->uffd >= 0)
		close(h->uffd);
	h->uffd = -1;
}

/* Fills the whole buffer with byte: the waiting reader goes on. On failure it
 * is let go all the same (zero pages), so no thread waits forever. */
static bool held_buf_fill(struct held_buf *h, uint8_t byte)
{
	struct uffdio_copy c;
	uint8_t *src = malloc(h->len);
	bool ok = false;

	if (src) {
		memset(src, byte, h->len);
		memset(&c, 0, sizeof(c));
		c.dst = (uintptr_t)h->buf;
		c.src = (uintptr_t)src;
		c.len = h->len;
		ok = ioctl(h->uffd, UFFDIO_COPY, &c) == 0 && c.copy == (int64_t)h->len;
		free(src);
	}
	if (!ok)
		held_buf_let_go(h);
	return ok;
}

/* Once no thread reads the buffer any more. */
static void held_buf_close(struct held_buf *h)
{
	held_buf_let_go(h);
	munmap(h->buf, h->len);
}

#define HELD_LEN (1024u * 1024u)
#define HELD_FILL 0x3C

/* What another thread does on the session while a copy waits: a call without
 * parameters, a call on shared memory (the session learns the block) and that
 * block's release (its FORGET goes over the session's channel). */
struct side_calls {
	TEEC_Context *ctx;
	TEEC_Session *s;
	TEEC_Result nop, touch;
	bool released;
};

static void *side_calls_main(void *arg)
{
	struct side_calls *c = arg;
	TEEC_SharedMemory shm;

	c->nop = conf_invoke_none(c->s, CONF_CMD_NOP, NULL);
	c->touch = conf_alloc_shm(c->ctx, &shm, 4096, TEEC_MEM_INPUT | TEEC_MEM_OUTPUT);
	if (c->touch != TEEC_SUCCESS)
		return NULL;
	c->touch = conf_touch_whole(c->s, &shm, NULL);
	TEEC_ReleaseSharedMemory(&shm);
	c->released = true;
	return NULL;
}

static void *release_main(void *arg)
{
	TEEC_ReleaseSharedMemory(arg);
	return NULL;
}

/* Without userfaultfd the copy tests cannot hold a copy; say so, and in CI
 * (where the machine is known to have it) count it as a failure. */
static void note_no_uffd(void)
{
	const char *why = strerror(errno);
	const char *ci = getenv("CI");

	if (ci && strcmp(ci, "true") == 0)
		h_fail(__FILE__, __LINE__, "userfaultfd unavailable (%s)", why);
	else
		printf("    note: userfaultfd unavailable (%s): not run\n", why);
}

/* While h holds a call's copy mid-way, runs fn(arg) on a thread, which must
 * return within 10 s (not held back by the copy); then lets the copy go on and
 * joins the thread. True if the thread started. */
static bool run_beside_held_copy(struct held_buf *h, void *(*fn)(void *), void *arg)
{
	bool waiting = held_buf_wait_reader(h, 10000); /* the call is copying */
	bool started, done = false;
	pthread_t th;

	CHECK(waiting);
	started = waiting && pthread_create(&th, NULL, fn, arg) == 0;
	CHECK(started);
	if (started) {
		done = h_join_within(th, 10000);
		CHECK(done);
	}
	CHECK(held_buf_fill(h, HELD_FILL));
	if (started && !done)
		pthread_join(th, NULL);
	return started;
}

/* A call copying a large temporary buffer into the bounce arena holds back
 * neither a small call on the same session nor a release of shared memory the
 * session knows: marshalling copies outside the send lock. */
void t_pipeline_copy_outside_send_lock(void)
{
	struct conf_bg_call big;
	struct side_calls side;
	struct held_buf h;
	pthread_t tb;
	TEEC_Context ctx;
	TEEC_Session s;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	if (!held_buf_open(&h, HELD_LEN)) {
		note_no_uffd();
		h_close_context_session(&ctx, &s);
		return;
	}
	conf_bg_prepare(&big, &s, CONF_CMD_TRANSFORM,
			TEEC_PARAM_TYPES(TEEC_VALUE_INOUT, TEEC_MEMREF_TEMP_INOUT, TEEC_NONE,
					 TEEC_NONE));
	big.op.params[0].value.a = 7;
	big.op.params[0].value.b = 7;
	big.op.params[1].tmpref.buffer = h.buf;
	big.op.params[1].tmpref.size = HELD_LEN;
	if (!conf_bg_run(&tb, &big)) {
		held_buf_close(&h);
		h_close_context_session(&ctx, &s);
		REQUIRE(false);
	}
	side = (struct side_calls){ .ctx = &ctx, .s = &s };
	run_beside_held_copy(&h, side_calls_main, &side);
	pthread_join(tb, NULL);
	CHECK_HEX(side.nop, TEEC_SUCCESS);
	CHECK_HEX(side.touch, TEEC_SUCCESS);
	CHECK(side.released);
	CHECK_RES(big.res, big.origin, TEEC_SUCCESS, TEEC_ORIGIN_TRUSTED_APP);
	CHECK_HEX(big.op.params[0].value.a, 8);
	CHECK_HEX(big.op.params[0].value.b, 9);
	CHECK_HEX(big.op.params[1].tmpref.size, HELD_LEN);
	for (size_t k = 0; k < HELD_LEN; k++) {
		if (h.buf[k] != (uint8_t)~HELD_FILL) {
			h_fail(__FILE__, __LINE__, "byte %zu = 0x%02x", k, h.buf[k]);
			break;
		}
	}
	held_buf_close(&h);
	h_close_context_session(&ctx, &s);
}

/* Registered memory released while a call still copies it in (not sent yet):
 * the call is refused (BAD_PARAMETERS, origin API) instead of sent, so the TA
 * host never maps a block whose release has passed; the session works on. */
void t_pipeline_release_while_copying(void)
{
	struct conf_bg_call c;
	struct conf_record before, after;
	TEEC_SharedMemory shm;
	struct held_buf h;
	pthread_t tc;
	TEEC_Context ctx;
	TEEC_Session s;

	REQUIRE(h_open_context_session(&ctx, &s, &conf_uuid));
	REQUIRE(conf_invoke_none(&s, CONF_CMD_NOP, NULL) == TEEC_SUCCESS);
	REQUIRE(conf_get_record(&s, &before) == TEEC_SUCCESS);
	if (!held_buf_open(&h, HELD_LEN)) {
		note_no_uffd();
		h_close_context_session(&ctx, &s);
		return;
	}
	memset(&shm, 0, sizeof(shm));
	shm.buffer = h.buf;
	shm.size = HELD_LEN;
	shm.flags = TEEC_MEM_INPUT | TEEC_MEM_OUTPUT;
	if (TEEC_RegisterSharedMemory(&ctx, &shm) != TEEC_SUCCESS) {
		held_buf_close(&h);
		h_close_context_session(&ctx, &s);
		REQUIRE(false);
	}
	conf_bg_prepare(&c, &s, CONF_CMD_TOUCH,
			TEEC_PARAM_TYPES(TEEC_MEMREF_PARTIAL_INOUT, TEEC_NONE, TEEC_NONE,
					 TEEC_NONE));
	c.op.params[0].memref.parent = &shm;
	c.op.params[0].memref.size = HELD_LEN;
	if (!conf_bg_run(&tc, &c)) {
		TEEC_ReleaseSharedMemory(&shm);
		held_buf_close(&h);
		h_close_context_session(&ctx, &s);
		REQUIRE(false);
	}
	/* Released while the call copies into the shadow. */
	if (!run_beside_held_copy(&h, release_main, &shm))
		TEEC_ReleaseSharedMemory(&shm);
	pthread_join(tc, NULL);
	CHECK_RES(c.res, c.origin, TEEC_ERROR_BAD_PARAMETERS, TEEC_ORIGIN_API);
	CHECK_HEX(conf_get_record(&s, &after), TEEC_SUCCESS);
	CHECK_HEX(after.invoke_count, before.invoke_count); /* the TA never saw it */
	CHECK_HEX(conf_invoke_none(&s, CONF_CMD_NOP, NULL), TEEC_SUCCESS);
	held_buf_close(&h);
	h_close_context_session(&ctx, &s);
}
