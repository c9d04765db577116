/* Record transport over SOCK_SEQPACKET UNIX sockets. */
#include "sim_msg.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

size_t sim_msg_size(uint16_t type)
{
	switch (type) {
	case SIM_MSG_OPEN_REQ: return sizeof(struct sim_open_req);
	case SIM_MSG_OPEN_REP: return sizeof(struct sim_open_rep);
	case SIM_MSG_CLOSE_REQ: return sizeof(struct sim_close_req);
	case SIM_MSG_CLOSE_REP: return sizeof(struct sim_close_rep);
	case SIM_MSG_STATUS_REQ: return sizeof(struct sim_empty);
	case SIM_MSG_STATUS_REP: return sizeof(struct sim_status_rep);
	case SIM_MSG_STOP_REQ: return sizeof(struct sim_empty);
	case SIM_MSG_STOP_REP: return sizeof(struct sim_empty);
	case SIM_MSG_OPEN_CANCEL: return sizeof(struct sim_empty);
	case SIM_MSG_TA_OPEN: return sizeof(struct sim_ta_call);
	case SIM_MSG_TA_INVOKE: return sizeof(struct sim_ta_call);
	case SIM_MSG_TA_REPLY: return sizeof(struct sim_ta_reply);
	case SIM_MSG_TA_FORGET: return sizeof(struct sim_ta_forget);
	case SIM_MSG_CTL_READY: return sizeof(struct sim_ctl_ready);
	case SIM_MSG_CTL_NEW_SESSION: return sizeof(struct sim_ctl_new_session);
	case SIM_MSG_CTL_CLOSE_SESSION: return sizeof(struct sim_ctl_session);
	case SIM_MSG_CTL_CLOSED: return sizeof(struct sim_ctl_session);
	case SIM_MSG_CTL_DESTROY: return sizeof(struct sim_empty);
	case SIM_MSG_CTL_LOADED: return sizeof(struct sim_ctl_loaded);
	default: return 0;
	}
}

void sim_hdr_init(struct sim_hdr *hdr, uint16_t type, uint32_t nfds)
{
	hdr->magic = SIM_PROTO_MAGIC;
	hdr->version = SIM_PROTO_VERSION;
	hdr->type = type;
	hdr->size = (uint32_t)sim_msg_size(type);
	hdr->nfds = nfds;
	hdr->tag = 0;
}

int sim_send(int sock, const struct sim_hdr *hdr, const int *fds, bool nonblock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * SIM_MSG_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)hdr, .iov_len = hdr->size };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	int flags = MSG_NOSIGNAL | (nonblock ? MSG_DONTWAIT : 0);
	ssize_t n;

	if (hdr->size < sizeof(*hdr) || hdr->size > SIM_MSG_MAX || hdr->nfds > SIM_MSG_MAX_FDS)
		return -EINVAL;
	if (hdr->nfds > 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * hdr->nfds);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * hdr->nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * hdr->nfds);
	}
	do {
		n = sendmsg(sock, &msg, flags);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* A seqpacket record is sent whole or not at all. */
	if ((size_t)n != hdr->size)
		return -EIO;
	return 0;
}

void sim_rx_close_fds(struct sim_rx *rx)
{
	for (size_t i = 0; i < rx->nfds; i++) {
		if (rx->fds[i] >= 0)
			close(rx->fds[i]);
		rx->fds[i] = -1;
	}
	rx->nfds = 0;
}

int sim_rx_take_fd(struct sim_rx *rx, size_t i)
{
	int fd;

	if (i >= rx->nfds)
		return -1;
	fd = rx->fds[i];
	rx->fds[i] = -1;
	return fd;
}

/* Collects SCM_RIGHTS descriptors; anything unexpected is an error. */
static int collect_fds(struct msghdr *msg, struct sim_rx *rx)
{
	int err = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		size_t n;
		const unsigned char *data = CMSG_DATA(c);

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0)) {
			err = -EBADMSG;
			continue;
		}
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, data + i * sizeof(int), sizeof(int));
			if (rx->nfds < SIM_MSG_MAX_FDS)
				rx->fds[rx->nfds++] = fd;
			else {
				close(fd);
				err = -EMSGSIZE;
			}
		}
	}
	return err;
}

/* recvmsg, retrying EINTR. A SOCK_SEQPACKET peer that ends with records of
 * ours unread makes the kernel fail our next read with ECONNRESET, once, even
 * when records it sent before are still queued: those are read after it, and
 * then EOF (the peer's end shut the socket down, so nothing blocks). */
static ssize_t recv_retrying(int sock, struct msghdr *msg)
{
	bool reset_seen = false;
	ssize_t n;

	for (;;) {
		n = recvmsg(sock, msg, MSG_CMSG_CLOEXEC);
		if (n >= 0)
			return n;
		if (errno == ECONNRESET && !reset_seen)
			reset_seen = true;
		else if (errno != EINTR)
			return -errno;
	}
}

int sim_recv(int sock, struct sim_rx *rx)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * SIM_MSG_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = rx->u.bytes, .iov_len = sizeof(rx->u.bytes) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	const struct sim_hdr *h = &rx->u.hdr;
	ssize_t n;
	int err;

	rx->len = 0;
	rx->nfds = 0;
	n = recv_retrying(sock, &msg);
	if (n < 0)
		return (int)n;
	err = collect_fds(&msg, rx);
	if (n == 0 && rx->nfds == 0 && err == 0)
		return 0;
	if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
		err = -EMSGSIZE;
	rx->len = (size_t)n;
	if (err == 0 && (rx->len < sizeof(*h) || h->magic != SIM_PROTO_MAGIC ||
			 h->version != SIM_PROTO_VERSION || sim_msg_size(h->type) == 0 ||
			 h->size != sim_msg_size(h->type) || h->size != rx->len ||
			 h->nfds != rx->nfds))
		err = -EBADMSG;
	if (err) {
		sim_rx_close_fds(rx);
		rx->len = 0;
		return err;
	}
	return 1;
}
