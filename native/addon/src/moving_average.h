// The addon's moving averages (the loop poller's round trips and score, the worker pool's idle
// gaps): exponential, in integer nanoseconds.
#ifndef RX_TEEC_MOVING_AVERAGE_H
#define RX_TEEC_MOVING_AVERAGE_H

#include <cstdint>

namespace rxteec {

// `avg` moved toward `sample` by 1/`weight` (a sample's weight; 4 follows faster than 8).
inline uint64_t MovingAverage(uint64_t avg, uint64_t sample, uint64_t weight) {
  return avg - avg / weight + sample / weight;
}

}  // namespace rxteec

#endif
