// The default budget of the addon's busy-waits (the worker pool's spin, the loop poller).
#ifndef RX_TEEC_BUSY_WAIT_BUDGET_H
#define RX_TEEC_BUSY_WAIT_BUDGET_H

#include <stdlib.h>
#include <unistd.h>

#include <cstdint>

namespace rxteec {

// The environment variable `name` (0..10000 µs) if set to a valid number; otherwise
// `multi_cpu_default` with two or more CPUs online and 0 with one: a busy-wait on a single CPU
// only takes it from the thread being waited for.
inline uint32_t BusyWaitBudgetMicros(const char* name, uint32_t multi_cpu_default) {
  const char* text = getenv(name);
  if (text != nullptr && *text != '\0') {
    char* end = nullptr;
    unsigned long value = strtoul(text, &end, 10);
    if (end != nullptr && *end == '\0' && value <= 10000) return static_cast<uint32_t>(value);
  }
  return sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? multi_cpu_default : 0;
}

}  // namespace rxteec

#endif
