// The default budget of the addon's busy-waits (the worker pool's spin, the loop poller).
#ifndef RX_TEEC_BUSY_WAIT_BUDGET_H
#define RX_TEEC_BUSY_WAIT_BUDGET_H

#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>

namespace rxteec {

// The CPUs this process may run on: its affinity mask (taskset, a container's cpuset), which can
// be fewer than the CPUs online.
inline long UsableCpus() {
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
#endif
  return sysconf(_SC_NPROCESSORS_ONLN);
}

// The environment variable `name` (0..10000 µs) if set to a valid number; otherwise
// `multi_cpu_default` when the process may use two or more CPUs and 0 when it may use one: a
// busy-wait on a single CPU only takes it from the thread being waited for (pinned to one CPU,
// an empty invoke took ~50 µs with both busy-waits on against ~30 µs with them off).
inline uint32_t BusyWaitBudgetMicros(const char* name, uint32_t multi_cpu_default) {
  const char* text = getenv(name);
  if (text != nullptr && *text != '\0') {
    char* end = nullptr;
    unsigned long value = strtoul(text, &end, 10);
    if (end != nullptr && *end == '\0' && value <= 10000) return static_cast<uint32_t>(value);
  }
  return UsableCpus() >= 2 ? multi_cpu_default : 0;
}

}  // namespace rxteec

#endif
