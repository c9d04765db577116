// The one clock of the addon's timings (spins, polling, diagnostics): CLOCK_MONOTONIC in ns.
#ifndef RX_TEEC_MONOTONIC_CLOCK_H
#define RX_TEEC_MONOTONIC_CLOCK_H

#include <time.h>

#include <cstdint>

namespace rxteec {

inline uint64_t NowNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace rxteec

#endif
