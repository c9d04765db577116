/*
 * rx-teec simulator wire protocol (version 3).
 *
 * Every message is one SOCK_SEQPACKET record: a fixed-size struct that starts
 * with struct sim_hdr, optionally carrying file descriptors (SCM_RIGHTS).
 * Both ends run on the same machine, so the structs travel in host byte
 * order; the header's magic, version, type, size and fd count are all
 * checked by sim_recv() before anything else is read.
 *
 * Three kinds of channel use it:
 *   client  <-> daemon   one connection per TEEC_Context (open/close/status/stop);
 *                        several requests may be outstanding, each reply
 *                        carries its request's tag
 *   client  <-> TA host  one socketpair per session (open params, invoke, forget)
 *   daemon  <-> TA host  one control socketpair per TA instance
 */
#ifndef SIM_PROTO_H
#define SIM_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_PROTO_MAGIC 0x4d535852u /* "RXSM" */
/* 2: the cancel page keeps several ids; 3: tagged daemon requests, OPEN_CANCEL,
 * CTL_LOADED */
#define SIM_PROTO_VERSION 3u

/* Largest record any side accepts; bigger ones are refused as truncated. */
#define SIM_MSG_MAX 8192u
/* Most descriptors one record may carry (cancel page + 4 memrefs + arena). */
#define SIM_MSG_MAX_FDS 6u

#define SIM_NUM_PARAMS 4u

/* Requests one client connection may have outstanding (sent, not answered);
 * the daemon drops a client that sends more. OPEN_CANCEL does not count. */
#define SIM_MAX_REQUESTS 64u

enum sim_msg_type {
	/* client <-> daemon */
	SIM_MSG_OPEN_REQ = 1,
	SIM_MSG_OPEN_REP = 2, /* + 1 fd (session channel) on success */
	SIM_MSG_CLOSE_REQ = 3,
	SIM_MSG_CLOSE_REP = 4,
	SIM_MSG_STATUS_REQ = 5,
	SIM_MSG_STATUS_REP = 6,
	SIM_MSG_STOP_REQ = 7,
	SIM_MSG_STOP_REP = 8,
	SIM_MSG_OPEN_CANCEL = 9, /* one-way: cancel the open whose tag it carries */
	/* client <-> TA host, on a session channel */
	SIM_MSG_TA_OPEN = 20,   /* struct sim_ta_call, + cancel page fd + shm fds */
	SIM_MSG_TA_INVOKE = 21, /* struct sim_ta_call, + shm fds */
	SIM_MSG_TA_REPLY = 22,
	SIM_MSG_TA_FORGET = 23, /* one-way: unmap a shared memory region */
	/* daemon <-> TA host, on the control channel */
	SIM_MSG_CTL_READY = 40,       /* host -> daemon: TA_CreateEntryPoint returned */
	SIM_MSG_CTL_NEW_SESSION = 41, /* daemon -> host, + 1 fd (session channel) */
	SIM_MSG_CTL_CLOSE_SESSION = 42,
	SIM_MSG_CTL_CLOSED = 43, /* host -> daemon: session gone */
	SIM_MSG_CTL_DESTROY = 44,
	SIM_MSG_CTL_LOADED = 45, /* host -> daemon: TA loaded, create about to run */
};

struct sim_hdr {
	uint32_t magic;   /* SIM_PROTO_MAGIC */
	uint16_t version; /* SIM_PROTO_VERSION */
	uint16_t type;    /* enum sim_msg_type */
	uint32_t size;    /* whole record, must equal the type's struct size */
	uint32_t nfds;    /* descriptors attached, must equal what arrived */
	/* Client <-> daemon: chosen by the client, never reused on a connection,
	 * copied into the reply; names the open an OPEN_CANCEL cancels. 0 elsewhere. */
	uint64_t tag;
};

/* UUID as in TEEC_UUID / TEE_UUID (same layout). */
struct sim_uuid {
	uint32_t time_low;
	uint16_t time_mid;
	uint16_t time_hi_and_version;
	uint8_t clock_seq_and_node[8];
};

struct sim_open_req {
	struct sim_hdr hdr;
	struct sim_uuid uuid;
	uint32_t login;
	uint32_t gid; /* GROUP logins only */
};

struct sim_open_rep {
	struct sim_hdr hdr;
	uint32_t result;
	uint32_t origin;
	uint32_t session_id;
	uint32_t reserved;
};

struct sim_close_req {
	struct sim_hdr hdr;
	uint32_t session_id;
	uint32_t reserved;
};

struct sim_close_rep {
	struct sim_hdr hdr;
	uint32_t result;
	uint32_t reserved;
};

struct sim_empty {
	struct sim_hdr hdr;
};

#define SIM_STATUS_MAX_INST 64u
#define SIM_STATUS_MAX_CLIENTS 64u

enum sim_inst_state {
	SIM_INST_STARTING = 0,
	SIM_INST_READY = 1,
	SIM_INST_DYING = 2,
};

struct sim_status_inst {
	struct sim_uuid uuid;
	uint32_t pid;
	uint32_t sessions;
	uint32_t flags; /* TA_FLAGS from the TA header */
	uint32_t state; /* enum sim_inst_state */
};

struct sim_status_rep {
	struct sim_hdr hdr;
	uint32_t daemon_pid;
	uint32_t num_clients;   /* total, may exceed the list below */
	uint32_t num_sessions;
	uint32_t num_instances; /* total, may exceed the list below */
	uint32_t client_pids[SIM_STATUS_MAX_CLIENTS];
	struct sim_status_inst inst[SIM_STATUS_MAX_INST];
};

/* One parameter as the TA host sees it (types are GP Internal API values). */
struct sim_param {
	uint32_t type;    /* 0,1,2,3,5,6,7 */
	uint32_t shm_id;  /* memrefs: region id on this channel; 0 = NULL buffer */
	uint64_t offset;  /* memrefs: offset in the region */
	uint64_t size;    /* memrefs: size (in: given, reply: size the TA set) */
	uint32_t a;       /* values */
	uint32_t b;
	int32_t fd_slot;  /* >= 0: the region is new here, its fd is fds[fd_slot] */
	uint32_t reserved;
};

struct sim_ta_call {
	struct sim_hdr hdr;
	uint32_t op_id;       /* matches the cancel page's op id */
	uint32_t cmd;         /* TA_INVOKE only */
	uint32_t param_types; /* GP Internal API packing, 4 bits each */
	int32_t cancel_fd_slot; /* TA_OPEN only: the session's cancel page */
	struct sim_param params[SIM_NUM_PARAMS];
};

struct sim_ta_reply {
	struct sim_hdr hdr;
	uint32_t op_id;
	uint32_t result;
	uint32_t origin;
	uint32_t reserved;
	struct sim_param params[SIM_NUM_PARAMS];
};

struct sim_ta_forget {
	struct sim_hdr hdr;
	uint32_t shm_id;
	uint32_t reserved;
};

/* Sent before TA_CreateEntryPoint runs, so the daemon knows a multi-instance
 * TA as such even while its first create hangs. */
struct sim_ctl_loaded {
	struct sim_hdr hdr;
	uint32_t flags; /* TA_FLAGS */
	uint32_t reserved;
};

struct sim_ctl_ready {
	struct sim_hdr hdr;
	uint32_t result; /* TEEC_SUCCESS, or why the instance could not start */
	uint32_t origin;
};

struct sim_ctl_new_session {
	struct sim_hdr hdr;
	uint32_t session_id;
	uint32_t login;
	struct sim_uuid identity;
};

struct sim_ctl_session {
	struct sim_hdr hdr;
	uint32_t session_id;
	uint32_t reserved;
};

/*
 * Per-session cancellation page, a sealed memfd mapped by the client and the
 * TA host. The client stores the op id to cancel in the next slot, then bumps
 * seq and futex-wakes; the TA host futex-waits on seq. Several slots, because
 * a session's calls are pipelined: the running one and those queued behind it
 * may all be cancelled (e.g. by a session close). The ids of the latest
 * SIM_CANCEL_SLOTS cancellations are kept; cancellation is a hint, so one
 * pushed out by many later ones is simply not seen.
 */
#define SIM_CANCEL_PAGE_SIZE 4096u
#define SIM_CANCEL_SLOTS 64u
struct sim_cancel_page {
	uint32_t seq;       /* futex word */
	uint32_t next_slot; /* written by the client only: where the next id goes */
	uint32_t cancelled[SIM_CANCEL_SLOTS]; /* op ids whose cancellation was requested */
};
_Static_assert(sizeof(struct sim_cancel_page) <= SIM_CANCEL_PAGE_SIZE, "cancel page too large");

/* True if cancellation of op_id was requested on pg. Calls without an
 * operation (op id 0) cannot be cancelled; no page (NULL) holds no request. */
static inline bool sim_cancel_requested(const struct sim_cancel_page *pg, uint32_t op_id)
{
	if (!pg || op_id == 0)
		return false;
	for (uint32_t i = 0; i < SIM_CANCEL_SLOTS; i++)
		if (__atomic_load_n(&pg->cancelled[i], __ATOMIC_ACQUIRE) == op_id)
			return true;
	return false;
}

/* TA flags, OP-TEE values. */
#define SIM_TA_FLAG_SINGLE_INSTANCE 0x4u
#define SIM_TA_FLAG_MULTI_SESSION 0x8u
#define SIM_TA_FLAG_INSTANCE_KEEP_ALIVE 0x10u

/* Exit status of a TA host whose TA panicked. */
#define SIM_TAHOST_PANIC_EXIT 101

/* Size of the struct for a message type, 0 if the type is unknown. */
size_t sim_msg_size(uint16_t type);

#endif /* SIM_PROTO_H */
