#include "loop_poller.h"

#include "busy_wait_budget.h"
#include "monotonic_clock.h"
#include "moving_average.h"

#include <sched.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/timerfd.h>
#endif

namespace rxteec {

namespace {

// Polling starts this long before the expected completion: a thread wake-up (5-30 µs, more on a
// busy VM) plus the jitter of a round trip.
constexpr uint64_t kLeadNs = 60000;
// Polling goes on this long past the expected completion before the loop sleeps again.
constexpr uint64_t kTailNs = 60000;
// One eligible lone call in about this many (a random gap of half to 1.5 times it) waits the way
// that scores slower, to keep its score fresh (rarely: on a quiet machine each such call pays a
// wake-up). Random: a fixed period could keep landing on one command of a periodic workload.
constexpr uint32_t kExploreEvery = 64;
// Each way needs this many samples before the scores are compared (until then: poll).
constexpr uint32_t kMinSamples = 4;

// Folds a sample into a timing average (0: none yet, the first sample sets it).
void Follow(uint64_t* avg_ns, uint64_t sample_ns, uint64_t weight = 4) {
  *avg_ns = *avg_ns == 0 ? sample_ns : MovingAverage(*avg_ns, sample_ns, weight);
}

}  // namespace

uint32_t LoopPoller::DefaultBudgetMicros() { return BusyWaitBudgetMicros("RX_TEEC_POLL_MICROS", 100); }

uint64_t LoopPoller::KindOf(uint32_t command, uint32_t param_types, uint64_t memref_bytes) {
  uint64_t bits = memref_bytes == 0 ? 0 : 64 - static_cast<uint64_t>(__builtin_clzll(memref_bytes));
  return static_cast<uint64_t>(command) << 32 | static_cast<uint64_t>(param_types & 0xFFFFu) << 8 | bits;
}

bool LoopPoller::Init(napi_env env) {
  budget_ns_ = static_cast<uint64_t>(DefaultBudgetMicros()) * 1000u;
  random_state_ ^= static_cast<uint32_t>(NowNanos()) | 1u;
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) return false;
  auto* h = new Handles();
  if (uv_idle_init(loop, &h->idle) != 0) {
    delete h;
    return false;
  }
  h->idle.data = h;
  h->open_handles = 1;
  uv_unref(reinterpret_cast<uv_handle_t*>(&h->idle));  // never keeps the process alive
#if defined(__linux__)
  h->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (h->timer_fd >= 0) {
    if (uv_poll_init(loop, &h->timer_poll, h->timer_fd) == 0) {
      h->timer_poll.data = h;
      h->open_handles = 2;
      uv_unref(reinterpret_cast<uv_handle_t*>(&h->timer_poll));
      if (uv_poll_start(&h->timer_poll, UV_READABLE, OnTimer) != 0) {
        // Unusable: close it now; polling then starts at the submit.
        uv_close(reinterpret_cast<uv_handle_t*>(&h->timer_poll), OnHandleClosed);
      }
    } else {
      close(h->timer_fd);
      h->timer_fd = -1;
    }
  }
#endif
  h->owner = this;
  handles_ = h;
  if (napi_add_async_cleanup_hook(env, OnCleanup, h, &h->hook) != napi_ok) {
    // Without the hook the handles could not be closed at teardown: do not keep them.
    h->hook = nullptr;
    OnCleanup(nullptr, h);
    return false;
  }
  return true;
}

LoopPoller::~LoopPoller() {
  if (handles_ != nullptr) handles_->owner = nullptr;
}

void LoopPoller::OnCleanup(napi_async_cleanup_hook_handle, void* arg) {
  auto* h = static_cast<Handles*>(arg);
  if (h->owner != nullptr) h->owner->handles_ = nullptr;
  h->owner = nullptr;
  uv_idle_stop(&h->idle);
  uv_close(reinterpret_cast<uv_handle_t*>(&h->idle), OnHandleClosed);
  if (h->timer_fd >= 0 && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&h->timer_poll))) {
    uv_poll_stop(&h->timer_poll);
    uv_close(reinterpret_cast<uv_handle_t*>(&h->timer_poll), OnHandleClosed);
  }
}

void LoopPoller::OnHandleClosed(uv_handle_t* handle) {
  auto* h = static_cast<Handles*>(handle->data);
  if (handle == reinterpret_cast<uv_handle_t*>(&h->timer_poll)) {
    close(h->timer_fd);  // after the poll handle stopped watching it
    h->timer_fd = -1;
  }
  if (--h->open_handles > 0) return;
  if (h->hook != nullptr) napi_remove_async_cleanup_hook(h->hook);
  delete h;
}

void LoopPoller::SetBudgetMicros(uint32_t micros) {
  budget_ns_ = static_cast<uint64_t>(micros) * 1000u;
  if (budget_ns_ == 0) StopWaiting(NowNanos());
}

// Only calls known to be short: the first ones, and any after a long one, wait asleep.
bool LoopPoller::Eligible(uint64_t expected_ns) const {
  return handles_ != nullptr && budget_ns_ != 0 && expected_ns != 0 && expected_ns <= budget_ns_;
}

// A sample counts for at most twice the average: one call preempted for milliseconds must not
// outweigh hundreds (a real change still moves the average, by up to 1/8 per call).
void LoopPoller::WaitScore::Add(uint64_t round_trip_ns) {
  if (samples > 0 && round_trip_ns > 2 * avg_ns) round_trip_ns = 2 * avg_ns;
  Follow(&avg_ns, round_trip_ns, 8);
  if (samples < kMinSamples) ++samples;
}

// Until both ways have a score, polling is presumed to win.
bool LoopPoller::KindStats::PollingWins() const {
  bool scored = polled.samples >= kMinSamples && slept.samples >= kMinSamples;
  return !scored || polled.avg_ns <= slept.avg_ns;
}

const LoopPoller::KindStats* LoopPoller::Peek(uint64_t kind) const {
  for (const KindStats& k : kinds_) {
    if (k.last_used != 0 && k.kind == kind) return &k;
  }
  return nullptr;
}

LoopPoller::KindStats* LoopPoller::Find(uint64_t kind) {
  auto* k = const_cast<KindStats*>(Peek(kind));
  if (k != nullptr) k->last_used = ++uses_;
  return k;
}

// A kind not seen lately takes the place of the least recently used one.
LoopPoller::KindStats& LoopPoller::FindOrAdd(uint64_t kind) {
  if (KindStats* k = Find(kind)) return *k;
  KindStats* oldest = &kinds_[0];
  for (KindStats& k : kinds_) {
    if (k.last_used < oldest->last_used) oldest = &k;
  }
  *oldest = KindStats{};
  oldest->kind = kind;
  oldest->last_used = ++uses_;
  oldest->until_explore = NextExploreGap();
  return *oldest;
}

uint32_t LoopPoller::NextExploreGap() {
  random_state_ ^= random_state_ << 13;
  random_state_ ^= random_state_ >> 17;
  random_state_ ^= random_state_ << 5;
  return kExploreEvery / 2 + random_state_ % kExploreEvery;
}

uint64_t LoopPoller::polled_round_trip_ns() const {
  const KindStats* k = Peek(latest_lone_kind_);
  return k != nullptr ? k->polled.avg_ns : 0;
}

uint64_t LoopPoller::slept_round_trip_ns() const {
  const KindStats* k = Peek(latest_lone_kind_);
  return k != nullptr ? k->slept.avg_ns : 0;
}

// Polls while that is the faster way for lone calls of the kind, and explores the other way now
// and then.
bool LoopPoller::ChoosePolling(KindStats* k) {
  bool explore = --k->until_explore == 0;
  if (explore) k->until_explore = NextExploreGap();
  return explore ? !k->PollingWins() : k->PollingWins();
}

// Only the last call in flight is polled for. With another queued behind it (a stream at depth
// 2) the TEE goes on with that one when it returns, and JS has that call's whole time at the TEE
// to answer: a late wake-up costs nothing there, while a spinning loop thread takes CPU from the
// TA.
void LoopPoller::OnSubmit(uint64_t now_ns, uint64_t kind) {
  ++in_flight_;
  lone_call_ = LoneCall::kUnscored;  // queued calls are not lone calls
  if (in_flight_ != 1) {
    StopWaiting(now_ns);
    return;
  }
  KindStats& k = FindOrAdd(kind);
  if (!Eligible(k.round_trip_avg_ns)) return;
  lone_call_ = ChoosePolling(&k) ? LoneCall::kPolled : LoneCall::kSlept;
  if (lone_call_ == LoneCall::kPolled) Plan(now_ns, k.round_trip_avg_ns);
}

void LoopPoller::OnSettle(uint64_t now_ns, uint64_t kind, uint64_t round_trip_ns, bool ran) {
  if (in_flight_ > 0) --in_flight_;
  // A call cancelled before it started says nothing of how long calls take.
  if (ran) Sample(now_ns, kind, round_trip_ns);
  lone_call_ = LoneCall::kUnscored;
  if (in_flight_ == 0) {
    last_settle_ns_ = 0;
  } else if (ran) {
    last_settle_ns_ = now_ns;
  }
  // One call left, queued behind this one (of the same kind, as in a stream): its completion is
  // one call's time at the TEE away. No lone call to score, but poll for it only while polling
  // wins for lone calls of the kind.
  KindStats* k = in_flight_ == 1 ? Find(kind) : nullptr;
  if (k != nullptr) {
    uint64_t expected = service_avg_ns_ != 0 ? service_avg_ns_ : k->round_trip_avg_ns;
    if (Eligible(expected) && k->PollingWins()) {
      Plan(now_ns, expected);
      return;
    }
  }
  StopWaiting(now_ns);
}

// Folds a call that ran, just settled (in_flight_ counts the others), into the averages. A call
// that overlapped another (one is still in flight, or a completion came while it was: the last
// call of a stream at depth 2 or of a burst) is not alone: its submit-to-settle time includes its
// wait, while the time since the previous completion is what it took at the TEE. Only a call
// alone from submit to settle is a round trip (and, if it was eligible, a score sample).
void LoopPoller::Sample(uint64_t now_ns, uint64_t kind, uint64_t round_trip_ns) {
  if (in_flight_ > 0 || last_settle_ns_ != 0) {
    if (last_settle_ns_ != 0 && now_ns > last_settle_ns_) Follow(&service_avg_ns_, now_ns - last_settle_ns_);
    return;
  }
  KindStats& k = FindOrAdd(kind);
  Follow(&k.round_trip_avg_ns, round_trip_ns);
  if (lone_call_ == LoneCall::kUnscored) return;
  (lone_call_ == LoneCall::kPolled ? k.polled : k.slept).Add(round_trip_ns);
  latest_lone_kind_ = kind;
}

// Aims at a completion expected `expected_ns` from now: polls from kLeadNs before it (at once if
// that is near), until kTailNs after it.
void LoopPoller::Plan(uint64_t now_ns, uint64_t expected_ns) {
  uint64_t due = now_ns + expected_ns;
  deadline_ns_ = due + kTailNs;
  uint64_t start = due > kLeadNs ? due - kLeadNs : 0;
  bool can_sleep = handles_->timer_fd >= 0 && !uv_is_closing(reinterpret_cast<uv_handle_t*>(&handles_->timer_poll));
  if (!can_sleep || start <= now_ns + kLeadNs) {
    Disarm();
    if (!polling_) StartPolling(now_ns);
    return;
  }
  // Far enough ahead: sleep until shortly before it.
  if (polling_) StopPolling(now_ns);
#if defined(__linux__)
  itimerspec when{};
  when.it_value.tv_sec = static_cast<time_t>(start / 1000000000ull);
  when.it_value.tv_nsec = static_cast<long>(start % 1000000000ull);
  if (timerfd_settime(handles_->timer_fd, TFD_TIMER_ABSTIME, &when, nullptr) == 0) {
    armed_ = true;
    return;
  }
#endif
  StartPolling(now_ns);
}

void LoopPoller::Disarm() {
  if (!armed_ || handles_ == nullptr) return;
  armed_ = false;
#if defined(__linux__)
  itimerspec off{};
  timerfd_settime(handles_->timer_fd, 0, &off, nullptr);
#endif
}

// No completion worth waiting awake for: the loop neither polls nor has a pre-wake armed.
void LoopPoller::StopWaiting(uint64_t now_ns) {
  if (polling_) StopPolling(now_ns);
  Disarm();
}

void LoopPoller::StartPolling(uint64_t now_ns) {
  if (uv_idle_start(&handles_->idle, OnIdle) != 0) return;
  polling_ = true;
  started_ns_ = now_ns;
}

void LoopPoller::StopPolling(uint64_t now_ns) {
  if (handles_ != nullptr) uv_idle_stop(&handles_->idle);
  polling_ = false;
  if (now_ns > started_ns_) polled_ns_ += now_ns - started_ns_;
}

// The pre-wake: the loop woke (or was awake) a little before the expected completion.
void LoopPoller::OnTimer(uv_poll_t* handle, int status, int) {
  auto* h = static_cast<Handles*>(handle->data);
  uint64_t expirations;
  while (read(h->timer_fd, &expirations, sizeof expirations) > 0) {
  }
  LoopPoller* self = h->owner;
  if (self == nullptr || status != 0 || !self->armed_) return;
  self->armed_ = false;
  uint64_t now = NowNanos();
  if (self->in_flight_ > 0 && !self->polling_ && now < self->deadline_ns_) self->StartPolling(now);
}

// Runs once per loop iteration while polling; while it is active libuv does not sleep.
void LoopPoller::OnIdle(uv_idle_t* handle) {
  auto* h = static_cast<Handles*>(handle->data);
  LoopPoller* self = h->owner;
  if (self == nullptr) {
    uv_idle_stop(handle);
    return;
  }
  uint64_t now = NowNanos();
  if (self->in_flight_ == 0 || now >= self->deadline_ns_) {
    self->StopPolling(now);
    return;
  }
  // Let a thread woken onto this CPU run now. The scheduler places the TA host's thread (or the
  // call thread) on the loop thread's CPU in some processes and keeps it there; it then waited
  // behind the poll loop until preemption (empty invoke ~135 µs polled against ~15 µs with the
  // two apart). With nothing else runnable here the yield returns at once.
  sched_yield();
}

}  // namespace rxteec
