#include "worker_pool.h"

#include "busy_wait_budget.h"
#include "monotonic_clock.h"
#include "moving_average.h"

#include <pthread.h>

#include <chrono>
#include <cstdio>

namespace rxteec {

namespace {

// Threads above this many exit after kIdleExit without work; these stay warm.
constexpr size_t kKeepWarm = 4;
constexpr auto kIdleExit = std::chrono::seconds(10);
// GP calls and the simulator's client library need little stack; 8 MiB per thread for a
// thousand waiting calls would be wasteful.
constexpr size_t kStackSize = 512 * 1024;

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace

uint32_t WorkerPool::DefaultSpinMicros() { return BusyWaitBudgetMicros("RX_TEEC_SPIN_MICROS", 50); }

WorkerPool& WorkerPool::Instance() {
  static WorkerPool* pool = new WorkerPool();
  return *pool;
}

void WorkerPool::Submit(Job* job, uint64_t now_ns) {
  if (spin_micros_.load(std::memory_order_relaxed) != 0) {
    last_submit_ns_.store(now_ns != 0 ? now_ns : NowNanos(), std::memory_order_relaxed);
  }
  std::lock_guard<std::mutex> lock(mutex_);
  // A thread spinning for work takes the job without a wake-up: prefer it to a sleeper.
  if (queue_.size() < spinners_.load(std::memory_order_acquire)) {
    queue_.push_back(job);
    queued_.fetch_add(1, std::memory_order_release);
    return;
  }
  if (!sleepers_.empty()) {
    Sleeper* sleeper = sleepers_.back();
    sleepers_.pop_back();
    sleeper->handed = job;
    sleeper->cv.notify_one();
    return;
  }
  queue_.push_back(job);
  queued_.fetch_add(1, std::memory_order_release);
  if (threads_ < max_threads_) {
    StartThreadLocked();
  }
}

void WorkerPool::SetMaxThreads(size_t max_threads) {
  std::lock_guard<std::mutex> lock(mutex_);
  max_threads_ = max_threads < 1 ? 1 : max_threads;
  while (!queue_.empty() && threads_ < max_threads_ && queue_.size() > spinners_.load()) StartThreadLocked();
}

void WorkerPool::SetSpinMicros(uint32_t micros) { spin_micros_.store(micros); }

PoolStats WorkerPool::Stats() {
  std::lock_guard<std::mutex> lock(mutex_);
  return PoolStats{threads_, sleepers_.size(), queue_.size(), max_threads_};
}

void WorkerPool::StartThreadLocked() {
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return;
  pthread_attr_setstacksize(&attr, kStackSize);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  int rc = pthread_create(&thread, &attr, &WorkerPool::ThreadMain, this);
  pthread_attr_destroy(&attr);
  if (rc == 0) {
    ++threads_;
  } else if (threads_ == 0) {
    // No thread at all would leave the job queued forever; report loudly. A later Submit retries.
    std::fprintf(stderr, "rx-teec: cannot start a worker thread (error %d)\n", rc);
  }
}

void* WorkerPool::ThreadMain(void* self) {
  // Named so that top -H, perf and /proc/<pid>/task tell the TEE call threads apart.
  pthread_setname_np(pthread_self(), "rx-teec-call");
  static_cast<WorkerPool*>(self)->WorkerLoop();
  return nullptr;
}

// A job came `submitted - idle_since` ns after a thread went idle: fold it into the average
// (weight 1/4; jobs that came while no thread was idle count as 0).
void WorkerPool::RecordGap(uint64_t idle_since, uint64_t submitted) {
  uint64_t gap = submitted > idle_since ? submitted - idle_since : 0;
  uint64_t cap = 1000000;  // 1 ms: anything longer just means "do not spin"
  if (gap > cap) gap = cap;
  uint64_t avg = gap_avg_ns_.load(std::memory_order_relaxed);
  if (avg > cap) avg = cap;
  gap_avg_ns_.store(MovingAverage(avg, gap, 4), std::memory_order_relaxed);
}

Job* WorkerPool::SpinForJob(uint64_t idle_since) {
  uint64_t max_ns = static_cast<uint64_t>(spin_micros_.load(std::memory_order_relaxed)) * 1000u;
  if (max_ns == 0) return nullptr;
  // Spin only when jobs have recently come within the budget; then for twice the usual gap.
  uint64_t avg = gap_avg_ns_.load(std::memory_order_relaxed);
  if (avg >= max_ns) return nullptr;
  uint64_t budget = 2 * avg + 5000;
  if (budget > max_ns) budget = max_ns;
  // One spinner at a time: a second one would only compete with the first for the same job.
  size_t expected = 0;
  if (!spinners_.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) return nullptr;
  uint64_t deadline = idle_since + budget;
  Job* job = nullptr;
  for (unsigned spins = 0;; ++spins) {
    if (queued_.load(std::memory_order_acquire) > 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!queue_.empty()) {
        job = queue_.front();
        queue_.pop_front();
        queued_.fetch_sub(1, std::memory_order_release);
        break;
      }
    }
    CpuRelax();
    if ((spins & 15) == 15 && NowNanos() >= deadline) break;
  }
  spinners_.fetch_sub(1, std::memory_order_acq_rel);
  return job;
}

void WorkerPool::WorkerLoop() {
  Sleeper sleeper;
  uint64_t idle_since = 0;
  for (;;) {
    bool adaptive = spin_micros_.load(std::memory_order_relaxed) != 0;
    if (adaptive) idle_since = NowNanos();
    Job* job = SpinForJob(idle_since);
    if (job == nullptr) {
      std::unique_lock<std::mutex> lock(mutex_);
      if (!queue_.empty()) {
        job = queue_.front();
        queue_.pop_front();
        queued_.fetch_sub(1, std::memory_order_release);
      } else {
        sleeper.handed = nullptr;
        sleepers_.push_back(&sleeper);
        auto until = std::chrono::steady_clock::now() + kIdleExit;
        while (sleeper.handed == nullptr) {
          if (sleeper.cv.wait_until(lock, until) == std::cv_status::timeout && sleeper.handed == nullptr) {
            if (threads_ > kKeepWarm) {
              for (auto it = sleepers_.begin(); it != sleepers_.end(); ++it) {
                if (*it == &sleeper) {
                  sleepers_.erase(it);
                  break;
                }
              }
              --threads_;
              return;
            }
            until = std::chrono::steady_clock::now() + kIdleExit;
          }
        }
        job = sleeper.handed;
        sleeper.handed = nullptr;
      }
    }
    if (adaptive) RecordGap(idle_since, last_submit_ns_.load(std::memory_order_relaxed));
    job->Run();
  }
}

}  // namespace rxteec
