// Keeps the JS thread awake for a call that is about to come back.
//
// A completion reaches JS through the event loop. If the loop thread is asleep in epoll when it
// arrives, the wake-up (on a VM: the wake-up of an idle vCPU through the hypervisor) costs more
// than many TA calls take. So while short calls are in flight the loop polls instead of sleeping:
// an idle handle is kept active, libuv then polls with a zero timeout, and the completion is
// picked up on the next loop iteration.
//
// Polling only the tail of a call: from the recent round trips the poller expects when the next
// completion is due. If that is far enough ahead, it lets the loop sleep and arms a timerfd to
// wake it a little before (the wake-up then overlaps the TA's work), and polls from there; the
// JS thread spends little CPU, and a TA that computes is not slowed by a spinning neighbour.
// Only the last call in flight is polled for: with another queued behind it (a stream at depth
// 2) the TEE stays busy through the completion and JS has a whole call's time to answer. When
// the call left was queued behind the one that just returned, it is expected one call's time at
// the TEE later (the time between back-to-back completions; the round trip of a queued call
// includes its wait). Bounded: polling stops at the completion or past the expected time by a
// margin; calls expected to take longer than the budget are never polled for.
//
// Polling yields the CPU on every loop iteration: the thread it waits for (the TA host's, or the
// call thread posting the completion) may have been woken onto the loop thread's CPU, and must
// not wait there for the poll loop to be preempted.
//
// Polling only where it pays: it wins when the CPU it spins on would otherwise idle. On a busy
// machine (other processes on both CPUs, or a TA that computes beside the loop thread on a core
// whose execution units they share) the spin delays the very call it waits for. So the poller
// keeps score: a moving average of lone calls' round trips polled and one of those waited asleep,
// and polls only while polling is the faster. Now and then (after a random 32 to 95 eligible
// calls) a call goes the other way, so the score follows the machine as its load changes.
//
// Per kind of call: an empty invoke and a 1 MiB one differ in round trip and in what a spinning
// neighbour costs them, so each kind (command, parameter types, and the power of two of its
// memref bytes) has its own round trip and score, for the few kinds used lately.
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

  // Starts on `env`'s loop; false if its handles cannot be made (the addon then never polls).
  // Without a timerfd (not Linux, or it failed) it polls from the submit instead of the tail.
  // The handles are closed by Node's async cleanup at environment teardown.
  bool Init(napi_env env);

  // JS thread: a call of kind `kind` (see KindOf) was submitted / settled after `round_trip_ns`
  // (`ran`: false for a call cancelled before it started, which feeds no average).
  void OnSubmit(uint64_t now_ns, uint64_t kind);
  void OnSettle(uint64_t now_ns, uint64_t kind, uint64_t round_trip_ns, bool ran);

  // A call's kind for scoring: its command, its parameter types and the bit length of its
  // memref bytes (calls of one kind take about as long).
  static uint64_t KindOf(uint32_t command, uint32_t param_types, uint64_t memref_bytes);

  // The longest round trip worth polling for, in microseconds (0 disables polling).
  void SetBudgetMicros(uint32_t micros);
  uint32_t budget_micros() const { return static_cast<uint32_t>(budget_ns_ / 1000); }
  uint64_t polled_ns() const { return polled_ns_; }
  // The moving averages of lone calls' round trips with and without polling, of the kind of the
  // latest lone call (0: no sample yet).
  uint64_t polled_round_trip_ns() const;
  uint64_t slept_round_trip_ns() const;

  // RX_TEEC_POLL_MICROS (0..10000) if set; otherwise 100, or 0 with less than two CPUs' worth of
  // time to run on (see BusyWaitBudgetMicros).
  // Not more: the loop thread polling beside a TA that works on the other CPU slows it, and on
  // a 2-vCPU VM that cost more than the wake-up saved once calls took ~100 µs (rotated A/B
  // rounds: 1 MiB TOUCH 1.9x the C loop polled vs 1.3x not; the empty invoke 22 µs vs 31 µs).
  static uint32_t DefaultBudgetMicros();

 private:
  // The handles live apart from the poller: Node may free the addon's data before it runs the
  // async cleanup, and the handles must outlive both until they are closed.
  struct Handles {
    uv_idle_t idle;
    uv_poll_t timer_poll;
    int timer_fd = -1;
    int open_handles = 0;  // closed once this drops to 0
    napi_async_cleanup_hook_handle hook = nullptr;
    LoopPoller* owner = nullptr;
  };
  static void OnIdle(uv_idle_t* handle);
  static void OnTimer(uv_poll_t* handle, int status, int events);
  static void OnCleanup(napi_async_cleanup_hook_handle hook, void* arg);
  static void OnHandleClosed(uv_handle_t* handle);
  // The score of one way a lone call can wait (see the header).
  struct WaitScore {
    uint64_t avg_ns = 0;
    uint32_t samples = 0;
    void Add(uint64_t round_trip_ns);
  };
  // What the poller knows of one kind of call.
  struct KindStats {
    uint64_t kind = 0;
    uint64_t last_used = 0;        // a use count: the least recently used kind makes room
    uint64_t round_trip_avg_ns = 0;  // moving average of lone calls' round trips (0: none yet)
    WaitScore polled;
    WaitScore slept;
    uint32_t until_explore = 0;  // eligible lone calls before the next goes the slower way
    bool PollingWins() const;
  };
  // How the lone call in flight waits, if it is scored.
  enum class LoneCall { kUnscored, kSlept, kPolled };
  static constexpr size_t kKinds = 8;

  const KindStats* Peek(uint64_t kind) const;  // without marking it used
  KindStats* Find(uint64_t kind);
  KindStats& FindOrAdd(uint64_t kind);
  uint32_t NextExploreGap();
  void Sample(uint64_t now_ns, uint64_t kind, uint64_t round_trip_ns);
  void Plan(uint64_t now_ns, uint64_t expected_ns);
  void StartPolling(uint64_t now_ns);
  void StopPolling(uint64_t now_ns);
  void Disarm();
  void StopWaiting(uint64_t now_ns);
  bool Eligible(uint64_t expected_ns) const;
  bool ChoosePolling(KindStats* k);

  Handles* handles_ = nullptr;
  uint64_t budget_ns_ = 0;
  size_t in_flight_ = 0;
  bool polling_ = false;
  bool armed_ = false;
  uint64_t deadline_ns_ = 0;  // polling stops here
  uint64_t started_ns_ = 0;
  uint64_t polled_ns_ = 0;       // total time spent polling (stats)
  uint64_t service_avg_ns_ = 0;  // moving average of the time between back-to-back completions
  // The previous completion (of a call that ran) while calls stayed in flight; 0 once none is.
  uint64_t last_settle_ns_ = 0;
  KindStats kinds_[kKinds];
  uint64_t uses_ = 0;
  uint64_t latest_lone_kind_ = 0;  // for the stats
  uint32_t random_state_ = 0x9E3779B9u;  // xorshift32: picks the exploring calls
  LoneCall lone_call_ = LoneCall::kUnscored;
};

}  // namespace rxteec

#endif
