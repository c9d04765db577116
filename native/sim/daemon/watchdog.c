/*
 * The watchdog: kills TA hosts nobody needs any more that do not end.
 *
 * Nobody needs an instance that is
 * - READY, owes a dead client a session close, and has no session of a live
 *   client. When a client dies, the daemon asks each TA host to close that
 *   client's sessions, and the host's client watch cancels the call the dead
 *   client had running (see tahost/watch.c); but a TA that keeps
 *   cancellation masked, loops, or hangs in TA_CloseSessionEntryPoint still
 *   holds its process and the dead client's shared memory for as long as
 *   it likes.
 * - STARTING with no open waiting for it: its openers died (their queued
 *   opens were dropped) or cancelled their opens while TA_CreateEntryPoint
 *   runs.
 * - DYING and not killed yet: told to end (TA_DestroyEntryPoint, then exit)
 *   or failed to start. Nobody can join it any more; the close of its last
 *   session waits for its end, so that close returns at the kill at most.
 * Such an instance gets a grace period (d_cfg.dead_client_grace_ms, from the
 * moment the daemon first sees it so in its current state: a host told to
 * end after a slow close still gets the whole period for its destroy); then
 * its host is killed (SIGKILL) and cleaned up as for a crash (reaper /
 * control-channel EOF). It is DYING from then on, so a later open starts a
 * fresh instance.
 *
 * An instance a live client still uses is never killed: a session of a live
 * client (only the dead client's session closes, whenever the running call
 * returns), or a live client's open waiting for TA_CreateEntryPoint (GP has
 * no timeout for an open).
 */
#include <limits.h>
#include <stdio.h>

#include "sim_log.h"
#include "sim_util.h"
#include "simd.h"

/* Which instances a live client holds, and which owe a dead client a close. */
static void mark_holders(void)
{
	for (struct d_instance *in = d_instances; in; in = in->next)
		in->wd_live = in->wd_dead = false;
	for (struct d_session *s = d_sessions; s; s = s->next) {
		if (s->cl)
			s->inst->wd_live = true;
		else
			s->inst->wd_dead = true; /* client dropped, close not yet acknowledged */
	}
}

/* Why nobody needs the instance any more, or NULL if someone does. */
static const char *unneeded(const struct d_instance *in)
{
	switch (in->state) {
	case SIM_INST_STARTING:
		/* Opens of dead clients were dropped, cancelled ones answered: any
		 * left are live. */
		return in->queue ? NULL : "still in TA_CreateEntryPoint, its openers gone";
	case SIM_INST_READY:
		/* No open waits on a READY instance: on_ready took its queue, and
		 * opens queue only on STARTING ones. */
		if (!in->wd_dead || in->wd_live)
			return NULL;
		return "held only by dead clients, still busy";
	case SIM_INST_DYING:
		return in->killed ? NULL : "still running since told to end";
	default:
		return NULL;
	}
}

static void kill_unneeded(struct d_instance *in, const char *why)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "%s, past its %lu ms grace", why, d_cfg.dead_client_grace_ms);
	d_kill_instance(in, SIM_LOG_INFO, msg);
}

int d_watchdog(void)
{
	int64_t now = sim_now_ms(), next = -1;

	mark_holders();
	for (struct d_instance *in = d_instances; in; in = in->next) {
		const char *why = unneeded(in);
		int64_t left;

		if (!why) {
			in->unneeded_state = D_NEEDED;
			continue;
		}
		if (in->unneeded_state != in->state) {
			in->unneeded_state = in->state;
			in->unneeded_since = now;
		}
		left = in->unneeded_since + (int64_t)d_cfg.dead_client_grace_ms - now;
		if (left <= 0) {
			kill_unneeded(in, why);
			continue;
		}
		if (next < 0 || left < next)
			next = left;
	}
	return next > INT_MAX ? INT_MAX : (int)next;
}
