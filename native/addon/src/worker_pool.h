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
  void Submit(Job* job);

  // Threads allowed at once (>= 1). Jobs beyond it wait in the queue.
  void SetMaxThreads(size_t max_threads);
  // How long a thread that just finished a job polls for the next one before sleeping.
  // Saves a futex wake per call on back-to-back calls; 0 disables.
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
  Job* SpinForJob();

  std::mutex mutex_;
  std::deque<Job*> queue_;
  std::vector<Sleeper*> sleepers_;  // LIFO: the most recently idle thread is the warmest
  size_t threads_ = 0;
  size_t max_threads_ = 512;
  std::atomic<size_t> queued_{0};
  std::atomic<size_t> spinners_{0};
  std::atomic<uint32_t> spin_micros_{0};
};

}  // namespace rxteec

#endif
