/*
 * libteec (simulator) internals.
 *
 * The public structs only carry handles (context fd, session id, shm id);
 * the state behind them lives in the tables below, found again from those
 * handles under one library-wide lock. So a client built against OP-TEE's
 * header works too, a copied or zeroed struct cannot make us touch freed or
 * foreign memory, and double close/release is harmless.
 *
 * Lock order: a context's lock, then cl_lock; a session's locks (call.c),
 * then cl_lock. cl_lock is never held while taking another lock.
 */
#ifndef TEEC_INTERNAL_H
#define TEEC_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_msg.h"
#include "sim_proto.h"
#include "tee_client_api.h"

#define API __attribute__((visibility("default")))

/* The only TEE name we accept besides NULL (the default TEE). */
#define CL_TEE_NAME "rx-teec-sim"

/* At most this many calls of a session in the TEE at once (see call.c). */
#define CL_PIPELINE_DEPTH 8u

/* A request to the daemon from send to reply (context.c). */
struct cl_req {
	uint64_t tag;
	struct sim_rx *rx; /* where its reply lands */
	bool sent;
	bool answered;
	bool cancelled; /* its open's operation was cancelled (OPEN_CANCEL sent if it was sent) */
	struct cl_req *next;
};

struct cl_ctx {
	TEEC_Context *pub;
	int fd;                 /* connection to the daemon */
	pthread_mutex_t lock;   /* guards what follows, and sending on fd */
	pthread_cond_t changed; /* a reply came, a request left, or one was cancelled */
	struct cl_req *reqs;    /* requests not answered yet */
	unsigned nsent;         /* of those, sent (SIM_MAX_REQUESTS at most) */
	uint64_t last_tag;
	bool reading;           /* a waiter is receiving on fd for everyone */
	bool broken;            /* fd failed: every request fails */
	unsigned refs;
	struct cl_ctx *next;
};

struct cl_shm {
	int32_t id;      /* TEEC_SharedMemory.imp.id; also the region id */
	int fd;          /* sealed memfd */
	void *map;       /* our mapping of fd (the buffer, or the shadow) */
	size_t map_len;
	size_t size;     /* size given at allocation/registration */
	void *user_buf;  /* registered: the client's memory; allocated: NULL */
	uint32_t flags;
	unsigned refs;
	bool released; /* out of the table (set under cl_lock; read atomically: shm.c) */
	struct cl_shm *next;
};

struct cl_sess {
	TEEC_Session *pub;
	uint32_t sid;
	struct cl_ctx *ctx;
	int chan; /* channel to the TA host */
	/* Calls are pipelined (see call.c). */
	pthread_mutex_t known_lock; /* guards known[], sent and the order of messages sent */
	pthread_mutex_t pipe_lock;  /* guards replied, in_tee, calls, arena_busy */
	/* The turn of ticket t came (replied == t), or the channel died: the call
	 * holding t waits on turn[t % CL_PIPELINE_DEPTH], alone (see call.c). */
	pthread_cond_t turn[CL_PIPELINE_DEPTH];
	pthread_cond_t slot_free;   /* in_tee dropped, or the channel died */
	pthread_cond_t arena_free;  /* arena_busy cleared, or the channel died */
	pthread_cond_t idle;        /* calls dropped to 0 */
	uint64_t sent;              /* calls sent: the next call's ticket (known_lock) */
	uint64_t replied;           /* the ticket whose reply is next on the channel */
	unsigned in_tee;            /* calls holding a pipeline slot (see call.c) */
	unsigned calls;             /* calls between entry and return */
	bool arena_busy;            /* a call with temporary memrefs owns the arena */
	struct sim_cancel_page *cancel;
	int cancel_fd; /* kept until sent with the open request */
	/* Bounce arena for temporary memrefs: only the call owning it (arena_busy)
	 * touches these. */
	uint32_t arena_id;
	int arena_fd;
	void *arena;
	size_t arena_len;
	/* Region ids the TA host has mapped for this channel. */
	uint32_t *known;
	size_t nknown, cap;
	uint32_t next_op;
	bool dead;   /* TA host gone: TARGET_DEAD from now on (atomic: see cl_sess_mark_dead) */
	bool listed; /* still in the session table */
	unsigned refs;
	struct cl_sess *next;
};

/* An operation between TEEC_InvokeCommand/OpenSession entry and return. */
struct cl_op {
	TEEC_Operation *pub;
	struct cl_sess *sess;
	uint32_t op_id; /* 0 while queued */
	bool cancelled; /* set under cl_lock, atomically: see cl_op_cancelled */
	/* An open's request to the daemon, while it is outstanding: */
	struct cl_ctx *ctx; /* NULL when there is none */
	uint64_t tag;
	struct cl_op *next;
};

extern pthread_mutex_t cl_lock;
extern struct cl_ctx *cl_ctxs;
extern struct cl_sess *cl_sessions;
extern struct cl_shm *cl_shms;
extern struct cl_op *cl_ops;

/* connect.c: a connection to the daemon, started on demand. fd or -errno. */
int cl_connect(void);

/* context.c */
struct cl_ctx *cl_ctx_get(TEEC_Context *pub);
void cl_ctx_put(struct cl_ctx *c);
/*
 * Sends req and waits for its reply, of rep_type, in rx; other threads' requests
 * on the context go on meanwhile. o: the operation of the open req is for
 * (NULL if none), whose cancellation cancels the request. TEEC_SUCCESS,
 * CANCEL (cancelled before it was sent) or COMMUNICATION.
 */
TEEC_Result cl_ctx_request(struct cl_ctx *c, struct sim_hdr *req, uint16_t rep_type,
			   struct sim_rx *rx, struct cl_op *o);
/* The open request `tag` was cancelled: it is not sent, or the daemon is told. */
void cl_ctx_cancel(struct cl_ctx *c, uint64_t tag);

/* session.c */
struct cl_sess *cl_sess_get(TEEC_Session *pub);
void cl_sess_put(struct cl_sess *s);
void cl_sess_kill_for_ctx(struct cl_ctx *c);
/* Tells the TA host to unmap a region it knows (takes known_lock). */
void cl_sess_forget(struct cl_sess *s, uint32_t id);
bool cl_sess_knows(struct cl_sess *s, uint32_t id);
/* Once an open has listed s: tells its TA host to unmap the blocks released
 * while it opened, whose release's FORGET pass saw only listed sessions. */
void cl_sess_forget_released(struct cl_sess *s);
bool cl_sess_learn(struct cl_sess *s, uint32_t id);
/* The channel is dead: every call waiting for its turn returns TARGET_DEAD. */
void cl_sess_mark_dead(struct cl_sess *s);
static inline bool cl_sess_is_dead(struct cl_sess *s)
{
	return __atomic_load_n(&s->dead, __ATOMIC_ACQUIRE);
}
/* Waits until no call of the session is between entry and return. */
void cl_sess_wait_idle(struct cl_sess *s);
/* Wakes the calls waiting for a pipeline slot or the arena, so a cancelled one
 * returns. */
void cl_sess_wake_slot_waiters(struct cl_sess *s);

/* shm.c */
struct cl_shm *cl_shm_get(const TEEC_SharedMemory *pub);
void cl_shm_put(struct cl_shm *m);
/* True once TEEC_ReleaseSharedMemory took the block out of the table. */
bool cl_shm_released(struct cl_shm *m);
/* True while block `id` is in the table (not released); takes cl_lock. */
bool cl_shm_listed(uint32_t id);
uint32_t cl_new_region_id(void);

/* params.c: origin-API checks, then marshalling around one call (see call.c). */
struct cl_marshal {
	struct sim_ta_call call;
	int fds[SIM_MSG_MAX_FDS];
	uint32_t nfds;
	uint32_t new_ids[SIM_MSG_MAX_FDS]; /* regions first sent with this call */
	size_t nnew;
	struct cl_shm *shm[4]; /* referenced registered/allocated blocks */
	int region_fd[4];      /* memrefs: the region's memfd; -1 for none */
	size_t arena_need;     /* bytes of the arena the call uses; 0: it takes none */
	void *arena_base;      /* the session's arena during this call */
	size_t off[4];         /* memrefs: offset in the arena / the block */
	size_t len[4];         /* memrefs: bytes reserved there */
};
TEEC_Result cl_params_check(const TEEC_Operation *op);
/* Places the call's temporary buffers in the arena (m->off) and sets
 * m->arena_need; a call needing arena room must own the arena (call.c) before
 * cl_params_marshal. */
TEEC_Result cl_params_layout(const TEEC_Operation *op, struct cl_marshal *m);
/* Builds the call's parameters and copies their input bytes where the TA host
 * reads them (temporary buffers into the arena, which the call owns until it
 * returns; registered memory into its shadow). Takes no known_lock: a large
 * copy does not hold back the session's other calls. Whatever it returns,
 * cl_params_release follows. */
TEEC_Result cl_params_marshal(struct cl_sess *s, TEEC_Operation *op, struct cl_marshal *m);
/* With known_lock held, just before sending: refuses blocks released since
 * marshalling and attaches the fds of regions the TA host has not mapped. */
TEEC_Result cl_params_attach(struct cl_sess *s, struct cl_marshal *m);
void cl_params_unmarshal(TEEC_Operation *op, const struct cl_marshal *m,
			 const struct sim_ta_reply *rep);
/* Drops the blocks' references. */
void cl_params_release(struct cl_marshal *m);

/* call.c: one TA_OPEN/TA_INVOKE round trip on a session for op, registered as
 * o (NULL: not cancellable); several may be in flight on one session. */
TEEC_Result cl_call(struct cl_sess *s, bool is_open, uint32_t cmd, TEEC_Operation *op,
		    struct cl_op *o, uint32_t *origin);

/* cancel.c: registers op (NULL if op is NULL or memory is short: then it
 * cannot be cancelled) from entry to return of an open or invoke on s. */
struct cl_op *cl_op_begin(TEEC_Operation *op, struct cl_sess *s);
/* An open's request `tag` goes to the daemon (caller holds c->lock); true if
 * o was cancelled already. */
bool cl_op_to_daemon(struct cl_op *o, struct cl_ctx *c, uint64_t tag);
/* The daemon answered it (or it was never sent). */
void cl_op_from_daemon(struct cl_op *o);
bool cl_op_start(struct cl_op *o); /* false if cancelled while queued */
/* Whether o was cancelled, without cl_lock (a call waiting for a pipeline
 * slot checks it under pipe_lock; the canceller wakes it after setting it). */
static inline bool cl_op_cancelled(const struct cl_op *o)
{
	return __atomic_load_n(&o->cancelled, __ATOMIC_RELAXED);
}
void cl_op_end(struct cl_op *o);

#endif
