/* Sending and receiving protocol records with file descriptors. */
#ifndef SIM_MSG_H
#define SIM_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_proto.h"

/* A received record: the bytes and the descriptors that came with it. */
struct sim_rx {
	union {
		struct sim_hdr hdr;
		unsigned char bytes[SIM_MSG_MAX];
		uint64_t align; /* records hold 64-bit fields */
	} u;
	size_t len;
	int fds[SIM_MSG_MAX_FDS];
	size_t nfds;
};

/* Fills in a header for a record of `type` carrying `nfds` descriptors. */
void sim_hdr_init(struct sim_hdr *hdr, uint16_t type, uint32_t nfds);

/*
 * Sends one record (hdr->size bytes) with hdr->nfds descriptors from fds.
 * Never raises SIGPIPE; retries on EINTR. With nonblock, a full socket
 * buffer fails with EAGAIN instead of waiting. Returns 0 or -errno.
 */
int sim_send(int sock, const struct sim_hdr *hdr, const int *fds, bool nonblock);

/*
 * Receives one record. Returns 1 with a record, 0 on orderly EOF, or -errno
 * (-EMSGSIZE for a truncated record or too many descriptors, -EBADMSG for a
 * malformed header). Received descriptors are close-on-exec; on any error
 * they are already closed. A valid record is checked for magic, version,
 * a known type, a size equal to that type's struct, and a matching fd count.
 * A peer that ended still delivers every record it sent before: the kernel's
 * one ECONNRESET ahead of them (the peer left records of ours unread) is
 * read past, and EOF follows them.
 */
int sim_recv(int sock, struct sim_rx *rx);

/* Closes every descriptor still held by rx (entries set to -1 are skipped). */
void sim_rx_close_fds(struct sim_rx *rx);

/* Takes descriptor i out of rx (the caller now owns it), -1 if absent. */
int sim_rx_take_fd(struct sim_rx *rx, size_t i);

#endif /* SIM_MSG_H */
