// The default budget of the addon's busy-waits (the worker pool's spin, the loop poller).
#ifndef RX_TEEC_BUSY_WAIT_BUDGET_H
#define RX_TEEC_BUSY_WAIT_BUDGET_H

#include <cstdint>

namespace rxteec {

// The CPUs' worth of time this process may use: the CPUs of its affinity mask (taskset, a
// container's cpuset), fewer if a cgroup CPU limit (a container's `--cpus`, a pod's CPU limit)
// grants less time. Read once, at the first call.
double UsableCpus();

// The environment variable `name` (0..10000 µs) if set to a valid number; otherwise
// `multi_cpu_default` when the process may use two or more CPUs' worth of time and 0 when less:
// a busy-wait then only takes the CPU from the thread being waited for (pinned to one CPU, an
// empty invoke took ~50 µs with both busy-waits on against ~30 µs with them off), or spends the
// process's CPU quota.
uint32_t BusyWaitBudgetMicros(const char* name, uint32_t multi_cpu_default);

}  // namespace rxteec

#endif
