// Keeps the JS thread awake for a call that is about to come back.
//
// A completion reaches JS through the event loop. If the loop thread is asleep in epoll when it
// arrives, the wake-up (on a VM: the wake-up of an idle vCPU through the hypervisor) costs more
// than many TA calls take. While short calls are in flight, the poller holds an idle handle
// active, so libuv polls with a zero timeout instead of sleeping and the completion is picked up
// on the next loop iteration. It is adaptive and bounded: it polls only while calls are in flight
// and their recent round trips were under the budget, and for at most twice that round trip per
// call; calls that take longer (a TA that waits) cost no polling at all.
#ifndef RX_TEEC_LOOP_POLLER_H
#define RX_TEEC_LOOP_POLLER_H

#include <node_api.h>
#include <uv.h>

#include <cstddef>
#include <cstdint>

namespace rxteec {

class LoopPoller {
 public:
  LoopPoller() = default;
  ~LoopPoller();
  LoopPoller(const LoopPoller&) = delete;
  LoopPoller& operator=(const LoopPoller&) = delete;

  // Starts on `env`'s loop; false if the loop or its idle handle is not available (the addon
  // then just never polls). The handle is closed by Node's async cleanup at environment teardown.
  bool Init(napi_env env);

  // JS thread: a call was submitted / settled after `round_trip_ns`.
  void OnSubmit(uint64_t now_ns);
  void OnSettle(uint64_t now_ns, uint64_t round_trip_ns);

  // The longest round trip worth polling for, in microseconds (0 disables polling).
  void SetBudgetMicros(uint32_t micros);
  uint32_t budget_micros() const { return static_cast<uint32_t>(budget_ns_ / 1000); }
  uint64_t polled_ns() const { return polled_ns_; }

  // RX_TEEC_POLL_MICROS (0..10000) if set; otherwise 500 with two or more CPUs online, 0 with one.
  static uint32_t DefaultBudgetMicros();

 private:
  // The idle handle and its cleanup hook live apart from the poller: Node may free the addon's
  // data before it runs the async cleanup, and the handle must outlive both until it is closed.
  struct IdleBox {
    uv_idle_t idle;
    napi_async_cleanup_hook_handle hook = nullptr;
    LoopPoller* owner = nullptr;
  };
  static void OnIdle(uv_idle_t* handle);
  static void OnCleanup(napi_async_cleanup_hook_handle hook, void* arg);
  void Start(uint64_t now_ns);
  void Stop(uint64_t now_ns);
  uint64_t Window() const;

  IdleBox* box_ = nullptr;
  uint64_t budget_ns_ = 0;
  size_t in_flight_ = 0;
  bool polling_ = false;
  uint64_t deadline_ns_ = 0;
  uint64_t started_ns_ = 0;
  uint64_t polled_ns_ = 0;                      // total time spent polling (stats)
  uint64_t round_trip_avg_ns_ = 0;  // moving average of recent round trips (after the first)
  bool have_round_trip_ = false;
};

}  // namespace rxteec

#endif
