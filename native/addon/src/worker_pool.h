// Native threads for calls that may wait on a TA for seconds. Node's libuv pool (4 threads,
// shared with fs, dns and crypto) must never be held by a TA, so the addon runs its blocking
// GP calls here instead: a pool that grows on demand (one thread per call in flight, up to a
// cap), reuses idle threads, and lets surplus idle threads exit after a while.
#ifndef RX_TEEC_WORKER_POOL_H
#define RX_TEEC_WORKER_POOL_H

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

namespace rxteec {

// A unit of work. The pool calls Run() once on one of its threads; the job owns its lifetime.
class Job {
 public:
  virtual ~Job() = default;
  virtual void Run() = 0;
};

struct PoolStats {
  size_t threads;
  size_t sleeping;
  size_t queued;
  size_t max_threads;
};

class WorkerPool {
 public:
  // The process-wide pool. Never destroyed: detached threads may outlive static destructors.
  static WorkerPool& Instance();

  // Queues `job`; wakes a sleeping thread, or starts one when none is idle and the cap allows.
  // `now_ns`: the caller's NowNanos() if it just read it (the hot path reads the clock once),
  // 0 to have it read here when the spin needs it.
  void Submit(Job* job, uint64_t now_ns = 0);

  // Threads allowed at once (>= 1). Jobs beyond it wait in the queue.
  void SetMaxThreads(size_t max_threads);
  // The longest a thread that just finished a job polls for the next one before sleeping
  // (0 disables). Saves the wake-up of a sleeping thread (a futex wake, and on a VM the wake of
  // an idle vCPU: 5-30 us) on back-to-back calls. Adaptive: at most one thread spins at a time,
  // and only while recent jobs arrived within the budget after a thread went idle; a caller
  // that pauses longer (or calls rarely) costs no spinning.
  void SetSpinMicros(uint32_t micros);
  PoolStats Stats();

 private:
  struct Sleeper {
    std::condition_variable cv;
    Job* handed = nullptr;  // set by Submit when it hands a job straight to this sleeper
  };

  WorkerPool() = default;
  void StartThreadLocked();
  static void* ThreadMain(void* self);
  void WorkerLoop();
  Job* SpinForJob(uint64_t idle_since);
  void RecordGap(uint64_t idle_since, uint64_t submitted);

  std::mutex mutex_;
  std::deque<Job*> queue_;
  std::vector<Sleeper*> sleepers_;  // LIFO: the most recently idle thread is the warmest
  size_t threads_ = 0;
  size_t max_threads_ = 512;
  std::atomic<size_t> queued_{0};
  std::atomic<size_t> spinners_{0};
  std::atomic<uint32_t> spin_micros_{DefaultSpinMicros()};
  // When the last job was submitted, and a moving average of how long after a thread went
  // idle the next job came (ns); the spin budget follows it.
  std::atomic<uint64_t> last_submit_ns_{0};
  std::atomic<uint64_t> gap_avg_ns_{~uint64_t{0} >> 2};

 public:
  // 50 us, or 0 with less than two CPUs' worth of time to run on (see BusyWaitBudgetMicros);
  // RX_TEEC_SPIN_MICROS overrides it. Measured on a 2-CPU VM (interleaved runs of npm run
  // bench): the empty invoke 1.3-2.0x C with it vs 2.0-2.2x without, 1 MiB 1.2-1.5x vs
  // 1.5-1.8x; streams about the same.
  static uint32_t DefaultSpinMicros();
};

}  // namespace rxteec

#endif
