/* tee-simd internals. Single-threaded: one poll loop owns everything. */
#ifndef SIMD_H
#define SIMD_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sim_msg.h"
#include "sim_proto.h"
#include "tee_client_api.h" /* the TEEC_ERROR_* and TEEC_ORIGIN_* it answers with */

struct d_client {
	int fd;
	pid_t pid; /* SO_PEERCRED, taken at accept */
	uid_t uid;
	gid_t gid;
	unsigned pending; /* requests read and not answered yet (SIM_MAX_REQUESTS at most;
			   * each reply answers one of them) */
	bool dead; /* to be dropped by d_sweep_clients */
	struct d_client *next;
};

struct d_instance;

struct d_session {
	uint32_t id;
	struct d_client *cl; /* NULL once the client is gone */
	struct d_instance *inst; /* set before it joins d_sessions, for good */
	bool closing;
	struct d_client *close_waiter; /* client waiting for CLOSE_REP */
	uint64_t close_tag;            /* ...the tag of its CLOSE_REQ */
	struct d_session *next;
};

struct d_pending_open {
	struct d_client *cl;
	uint64_t tag; /* of the OPEN_REQ: its reply's, and what OPEN_CANCEL names */
	struct sim_uuid uuid;
	uint32_t login;
	struct sim_uuid identity;
	struct d_pending_open *next;
};

struct d_instance {
	struct sim_uuid uuid;
	pid_t pid;
	int ctl; /* control channel, closed as the instance is forgotten */
	int state; /* enum sim_inst_state */
	bool loaded; /* CTL_LOADED came: flags are the TA's */
	uint32_t flags;
	unsigned nsessions; /* of d_sessions with inst == this one */
	struct d_pending_open *queue; /* opens waiting for READY */
	struct d_client *end_waiter; /* its last session's closer, answered as it ends */
	uint64_t end_tag;            /* ...the tag of that CLOSE_REQ */
	/* Watchdog (watchdog.c). */
	bool wd_live;         /* scratch: a session of a live client is here */
	bool wd_dead;         /* scratch: a dead client's session awaits its close */
	int unneeded_state;   /* nobody needs it since unneeded_since, in this state
			       * (a new state restarts the grace); D_NEEDED: somebody does */
	int64_t unneeded_since; /* CLOCK_MONOTONIC, ms */
	bool killed;          /* d_kill_instance killed it; the reaper forgets it */
	struct d_instance *next;
};

struct d_config {
	char socket_path[108];
	char ta_path[4096];
	char tahost[PATH_MAX];
	unsigned long idle_exit; /* seconds, 0 = never */
	unsigned long dead_client_grace_ms; /* watchdog.c */
};

extern struct d_config d_cfg;
extern struct d_client *d_clients;
extern struct d_session *d_sessions;
extern struct d_instance *d_instances;
extern bool d_stop_requested;

/* clients.c */
void d_client_accept(int listen_fd);
void d_client_readable(struct d_client *cl);
void d_sweep_clients(void);
bool d_reply(struct d_client *cl, uint64_t tag, struct sim_hdr *hdr, const int *fds);
void d_reply_open(struct d_client *cl, uint64_t tag, uint32_t res, uint32_t origin, uint32_t sid,
		  int fd);

/* instances.c */
void d_open_dispatch(struct d_pending_open *p);
void d_open_cancel(struct d_client *cl, uint64_t tag);
/* Forgets a client that is gone: frees the opens it still waits for,
 * unanswered, and the close it waits on for an instance's end. */
void d_instances_drop_client(struct d_client *cl);
void d_instance_readable(struct d_instance *in);
void d_instance_dead(struct d_instance *in);
/* SIGKILLs a host (logged at level, saying why) and marks it DYING and
 * killed: nothing joins it any more, and the reaper forgets it. */
void d_kill_instance(struct d_instance *in, int level, const char *why);
void d_session_close(struct d_session *s, struct d_client *waiter, uint64_t tag);
void d_reap_children(void);
void d_kill_all_instances(void);

/* watchdog.c: kills TA hosts nobody needs any more (held only by dead
 * clients, their openers gone or cancelled during TA_CreateEntryPoint, or
 * told to end)
 * that have not ended within the grace period; returns ms until the next
 * deadline, -1 if none. Called at the top of every turn of the poll loop. */
#define D_NEEDED (-1) /* d_instance.unneeded_state: no state of sim_inst_state */
#define D_DEAD_CLIENT_GRACE_MS_DEFAULT 2000ul
#define D_DEAD_CLIENT_GRACE_MS_MAX 3600000ul
int d_watchdog(void);

/* identity.c: the client identity for a login; TEEC result code. */
uint32_t d_identity(const struct d_client *cl, uint32_t login, uint32_t gid,
		    struct sim_uuid *out, uint32_t *origin);

/* tafind.c: finds <uuid>.ta in the search path. */
bool d_find_ta(const struct sim_uuid *uuid, char *out, size_t cap);

#endif
