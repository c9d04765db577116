/*
 * The client watch: notices that a client hung up its session channel while
 * a call of that session runs in the TA, and cancels that call.
 *
 * Why a thread: the TA thread both serves the event loop and runs the entry
 * points, so while a call runs nobody polls the session channels. A small
 * watcher thread keeps every session channel in an epoll set with no events
 * requested (EPOLLHUP and EPOLLERR are always reported) and EPOLLONESHOT
 * (a hang-up is final; once is enough, and level-triggered would spin).
 *
 * What it does: when the channel of the session whose call is running hangs
 * up, it requests cancellation of that call as TEEC_RequestCancellation
 * would: it raises a "client gone" flag that tee_sim_rt_cancel_requested
 * reports (so it also works for calls without an operation, op id 0), then
 * bumps the cancel page's seq and futex-wakes, so a TEE_Wait with
 * cancellation unmasked returns TEE_ERROR_CANCEL at once. A TA that keeps
 * cancellation masked runs on; the daemon's dead-client watchdog ends it.
 *
 * Why it is race-free: everything the two threads share is guarded by one
 * mutex: the list of watched channels with their hung_up bits, and which
 * call is armed. A hang-up seen before the call is armed leaves hung_up set
 * and the arm raises the flag itself; one seen while armed goes to the
 * armed call; one seen after the disarm only sets hung_up. The watcher
 * reaches a session only through the list, and a session leaves the list
 * before its channel is closed or it is freed. Events carry a 64-bit key
 * that is never reused, not a pointer, so a stale event matches nothing.
 * The flag is published before seq is bumped, and the TA thread reads seq
 * before the flag, so a wake-up is never lost (FUTEX_WAIT sees seq moved).
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sim_log.h"
#include "tahost.h"

#define WATCH_STACK (PTHREAD_STACK_MIN + 128u * 1024u)

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int ep = -1;
static uint64_t next_key;              /* TA thread only */
static struct th_watch *watched;       /* guarded by mu */
static struct th_watch *armed;         /* guarded by mu: the running call's session */
static struct sim_cancel_page *armed_page; /* guarded by mu */
static bool gone;                      /* atomic: the armed call's client is gone */

/* Requests cancellation of the armed call. Called with mu held. */
static void raise_gone(void)
{
	if (__atomic_load_n(&gone, __ATOMIC_RELAXED))
		return;
	sim_log(SIM_LOG_INFO, "session %u: client gone during a call, cancelling it",
		armed->session_id);
	__atomic_store_n(&gone, true, __ATOMIC_RELEASE);
	if (armed_page) {
		__atomic_add_fetch(&armed_page->seq, 1, __ATOMIC_RELEASE);
		/* Shared futex: the page is a MAP_SHARED memfd, as for the client. */
		syscall(SYS_futex, &armed_page->seq, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
	}
}

/* A watched channel hung up. Called with mu held. */
static void on_hangup(uint64_t key)
{
	for (struct th_watch *w = watched; w; w = w->next) {
		if (w->key != key)
			continue;
		w->hung_up = true;
		if (w == armed)
			raise_gone();
		return;
	}
}

static void *watcher(void *arg)
{
	struct epoll_event ev[16];

	(void)arg;
	for (;;) {
		int n = epoll_wait(ep, ev, (int)(sizeof(ev) / sizeof(ev[0])), -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* Without the watch, the daemon's watchdog still ends a
			 * TA whose dead client's call does not return. */
			sim_log(SIM_LOG_ERROR, "client watch stopped: epoll_wait: %s",
				strerror(errno));
			return NULL;
		}
		pthread_mutex_lock(&mu);
		for (int i = 0; i < n; i++)
			on_hangup(ev[i].data.u64);
		pthread_mutex_unlock(&mu);
	}
}

int th_watch_start(void)
{
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t th;
	int err;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return -errno;
	err = pthread_attr_init(&attr);
	if (err)
		goto fail;
	err = pthread_attr_setstacksize(&attr, WATCH_STACK);
	if (!err)
		err = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (!err) {
		/* Signals are for the TA thread; the watcher blocks them all. */
		sigfillset(&all);
		err = pthread_sigmask(SIG_SETMASK, &all, &old);
		if (!err) {
			err = pthread_create(&th, &attr, watcher, NULL);
			/* Cannot fail: `old` came from the same call. */
			pthread_sigmask(SIG_SETMASK, &old, NULL);
		}
	}
	pthread_attr_destroy(&attr);
	if (!err)
		return 0;
fail:
	close(ep);
	ep = -1;
	return -err;
}

int th_watch_add(struct th_session *s)
{
	struct th_watch *w = &s->watch;
	struct epoll_event ev;
	int err;

	memset(&ev, 0, sizeof(ev));
	w->key = ++next_key;
	w->session_id = s->id;
	w->hung_up = false;
	ev.events = EPOLLONESHOT; /* + the implicit EPOLLHUP | EPOLLERR */
	ev.data.u64 = w->key;
	/* Listed first, so an event that fires at once finds it. */
	pthread_mutex_lock(&mu);
	w->next = watched;
	watched = w;
	pthread_mutex_unlock(&mu);
	if (epoll_ctl(ep, EPOLL_CTL_ADD, s->chan, &ev) == 0)
		return 0;
	err = errno;
	th_watch_remove(s);
	return -err;
}

void th_watch_remove(struct th_session *s)
{
	struct th_watch *w = &s->watch, **pp;

	if (w->key == 0)
		return;
	pthread_mutex_lock(&mu);
	for (pp = &watched; *pp && *pp != w; pp = &(*pp)->next)
		;
	if (*pp)
		*pp = w->next;
	if (armed == w) /* not expected: channels are dropped between calls */
		armed = NULL;
	pthread_mutex_unlock(&mu);
	/* Before the caller closes the channel (a closed fd could be reused). */
	if (epoll_ctl(ep, EPOLL_CTL_DEL, s->chan, NULL) != 0 && errno != ENOENT)
		sim_log(SIM_LOG_ERROR, "session %u: epoll_ctl(DEL): %s", s->id, strerror(errno));
	w->key = 0;
	w->next = NULL;
}

void th_watch_arm(struct th_session *s)
{
	pthread_mutex_lock(&mu);
	__atomic_store_n(&gone, false, __ATOMIC_RELAXED);
	armed = s->watch.key ? &s->watch : NULL;
	armed_page = s->cancel;
	/* The client may have sent this request and died before we got here. */
	if (armed && armed->hung_up)
		raise_gone();
	pthread_mutex_unlock(&mu);
}

void th_watch_disarm(void)
{
	pthread_mutex_lock(&mu);
	armed = NULL;
	armed_page = NULL;
	__atomic_store_n(&gone, false, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&mu);
}

bool th_watch_client_gone(void)
{
	return __atomic_load_n(&gone, __ATOMIC_ACQUIRE);
}
