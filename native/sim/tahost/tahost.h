/* TA host internals: one process runs one TA instance. */
#ifndef TAHOST_H
#define TAHOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_proto.h"
#include "tee_api_types.h"
#include "tee_client_api.h" /* the TEEC_ERROR_* and TEEC_ORIGIN_* it reports */
#include "tee_sim_runtime.h"

/* A client memory region (sealed memfd) mapped for one session channel. */
struct th_region {
	uint32_t id;
	void *base;
	size_t size;
};

/* A session channel in the client watch (watch.c); guarded by its mutex. */
struct th_watch {
	uint64_t key;     /* never reused; 0 = not watched */
	uint32_t session_id;
	bool hung_up;     /* the client closed its end (or died) */
	struct th_watch *next;
};

struct th_session {
	uint32_t id;
	int chan; /* session channel to the client, -1 once it is gone */
	TEE_Identity identity;
	bool open_tried; /* a TA_OPEN arrived (only one is allowed) */
	bool opened;     /* TA_OpenSessionEntryPoint succeeded */
	void *ta_ctx;    /* the TA's sessionContext */
	struct sim_cancel_page *cancel; /* mapped cancel page, or NULL */
	struct th_region *regions;
	size_t nregions, cap;
	struct th_watch watch;
	struct th_session *next;
};

typedef TEE_Result (*th_create_fn)(void);
typedef void (*th_destroy_fn)(void);
typedef TEE_Result (*th_open_fn)(uint32_t, TEE_Param[4], void **);
typedef void (*th_close_fn)(void *);
typedef TEE_Result (*th_invoke_fn)(void *, uint32_t, uint32_t, TEE_Param[4]);

struct th_ta {
	void *dl;
	const struct tee_sim_ta_head *head;
	th_create_fn create;
	th_destroy_fn destroy;
	th_open_fn open;
	th_close_fn close;
	th_invoke_fn invoke;
};

/* What the runtime functions look at while an entry point runs. */
struct th_current {
	struct th_session *sess; /* NULL in create/destroy */
	uint32_t op_id;
	bool cancel_masked;
	uint32_t param_types;
	TEE_Param params[4];
};

extern struct th_ta th_ta;
extern struct th_current th_cur;

/* load.c: loads the TA and checks its header; returns a TEEC result code. */
uint32_t th_load(const char *path, const struct sim_uuid *uuid);

/* loop.c: runs TA_CreateEntryPoint, then serves the control channel until
 * the daemon says destroy or goes away. Never returns. */
void th_serve(int ctl) __attribute__((noreturn));

/* regions.c */
struct th_region *th_region_find(struct th_session *s, uint32_t id);
int th_region_add(struct th_session *s, uint32_t id, int fd);
void th_region_forget(struct th_session *s, uint32_t id);
void th_region_forget_all(struct th_session *s);

/* call.c: handles TA_OPEN / TA_INVOKE from a session channel. Returns false
 * if the channel must be dropped (protocol violation or send failure). */
struct sim_rx;
bool th_handle_call(struct th_session *s, struct sim_rx *rx);

/* runtime.c */
void th_cancel_reset(struct th_session *s, uint32_t op_id);

/*
 * watch.c: cancels the running call when its client hangs up (see there).
 * start: once, before any session; 0 or -errno.
 * add: once s->chan is set; 0 or -errno. remove: before s->chan is closed.
 * arm / disarm: around every TA_OpenSession/TA_InvokeCommand entry point.
 * client_gone: the armed call's client is gone (reported as a cancellation).
 */
int th_watch_start(void);
int th_watch_add(struct th_session *s);
void th_watch_remove(struct th_session *s);
void th_watch_arm(struct th_session *s);
void th_watch_disarm(void);
bool th_watch_client_gone(void);

#endif
