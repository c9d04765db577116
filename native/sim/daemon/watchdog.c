/*
 * The dead-client watchdog.
 *
 * When a client dies, the daemon asks each TA host to close that client's
 * sessions, and the host's client watch cancels the call the dead client had
 * running (see tahost/watch.c). A TA that keeps cancellation masked, loops,
 * or hangs in TA_CloseSessionEntryPoint still holds its process and the dead
 * client's shared memory for as long as it likes. So: an instance that has
 * a dead client's session whose close it has not acknowledged, and no
 * session of a live client, gets a grace period (d_cfg.dead_client_grace_ms,
 * from the moment the daemon first sees it so); then its host is killed
 * (SIGKILL) and cleaned up as for a crash (reaper / control-channel EOF).
 *
 * An instance a live client still uses is never killed: there only the dead
 * client's session closes, whenever the running call returns.
 */
#include <limits.h>
#include <signal.h>
#include <time.h>

#include "sim_log.h"
#include "sim_uuid.h"
#include "simd.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Which instances a live client holds, and which owe a dead client a close. */
static void mark_holders(void)
{
	for (struct d_instance *in = d_instances; in; in = in->next)
		in->wd_live = in->wd_dead = false;
	for (struct d_session *s = d_sessions; s; s = s->next) {
		if (!s->inst)
			continue;
		if (s->cl)
			s->inst->wd_live = true;
		else
			s->inst->wd_dead = true; /* client dropped, close not yet acknowledged */
	}
}

static bool held_only_by_dead(const struct d_instance *in)
{
	/* READY: a STARTING host has no sessions yet, a DYING one is ending. */
	return in->state == SIM_INST_READY && in->wd_dead && !in->wd_live && !in->queue;
}

static void kill_orphan(struct d_instance *in)
{
	char name[SIM_UUID_STR_LEN];

	sim_uuid_to_str(&in->uuid, name);
	sim_log(SIM_LOG_INFO,
		"TA %s: host %d held only by dead clients, still busy after %lu ms: killing it",
		name, (int)in->pid, d_cfg.dead_client_grace_ms);
	kill(in->pid, SIGKILL);
	/* No new session may join it; the reaper forgets it. */
	in->state = SIM_INST_DYING;
	in->orphaned = false;
}

int d_watchdog(void)
{
	int64_t now = now_ms(), next = -1;

	mark_holders();
	for (struct d_instance *in = d_instances; in; in = in->next) {
		int64_t left;

		if (!held_only_by_dead(in)) {
			in->orphaned = false;
			continue;
		}
		if (!in->orphaned) {
			in->orphaned = true;
			in->orphaned_at = now;
		}
		left = in->orphaned_at + (int64_t)d_cfg.dead_client_grace_ms - now;
		if (left <= 0) {
			kill_orphan(in);
			continue;
		}
		if (next < 0 || left < next)
			next = left;
	}
	return next > INT_MAX ? INT_MAX : (int)next;
}
