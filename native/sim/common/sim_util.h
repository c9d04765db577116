/* Small system helpers shared by the simulator's programs and library. */
#ifndef SIM_UTIL_H
#define SIM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Creates a sealed memfd of `size` bytes (at least one page is mapped by
 * users, so size 0 becomes a page): growing and shrinking are sealed so a
 * peer that maps it can never hit SIGBUS. Returns the fd or -errno.
 */
int sim_memfd_create(const char *name, size_t size);

/* True if fd is a memfd sealed against shrinking; *size gets its size. */
bool sim_memfd_check(int fd, size_t *size);

/* Rounds n up to a page multiple; false on overflow. */
bool sim_page_round(size_t n, size_t *out);

/* Directory of the running executable (from /proc/self/exe). */
bool sim_exe_dir(char *out, size_t cap);

/*
 * The daemon's socket path: RX_TEEC_SIM_SOCKET, else
 * $XDG_RUNTIME_DIR/rx-teec-sim.sock, else /tmp/rx-teec-sim-<uid>.sock.
 */
bool sim_socket_path(char *out, size_t cap);

/* Closes every descriptor >= lowfd (async-signal-safe). */
void sim_close_from(int lowfd);

/* Parses a decimal unsigned number; false on junk or overflow. */
bool sim_parse_uint(const char *s, unsigned long max, unsigned long *out);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t sim_now_ms(void);

#endif
