#include "loop_poller.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

namespace rxteec {

namespace {

uint64_t NowNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

// Polling past the expected completion by this much covers the jitter of a round trip.
constexpr uint64_t kSlackNs = 20000;

}  // namespace

uint32_t LoopPoller::DefaultBudgetMicros() {
  const char* text = getenv("RX_TEEC_POLL_MICROS");
  if (text != nullptr && *text != '\0') {
    char* end = nullptr;
    unsigned long value = strtoul(text, &end, 10);
    if (end != nullptr && *end == '\0' && value <= 10000) return static_cast<uint32_t>(value);
  }
  // With one CPU the poller would only take it from the worker and the TA.
  return sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 500 : 0;
}

bool LoopPoller::Init(napi_env env) {
  budget_ns_ = static_cast<uint64_t>(DefaultBudgetMicros()) * 1000u;
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) return false;
  auto* box = new IdleBox();
  if (uv_idle_init(loop, &box->idle) != 0) {
    delete box;
    return false;
  }
  box->idle.data = box;
  box->owner = this;
  uv_unref(reinterpret_cast<uv_handle_t*>(&box->idle));  // never keeps the process alive
  if (napi_add_async_cleanup_hook(env, OnCleanup, box, &box->hook) != napi_ok) {
    // Without the hook the handle could not be closed at teardown: do not keep it.
    uv_close(reinterpret_cast<uv_handle_t*>(&box->idle), [](uv_handle_t* h) { delete static_cast<IdleBox*>(h->data); });
    return false;
  }
  box_ = box;
  return true;
}

LoopPoller::~LoopPoller() {
  if (box_ != nullptr) box_->owner = nullptr;
}

void LoopPoller::OnCleanup(napi_async_cleanup_hook_handle, void* arg) {
  auto* box = static_cast<IdleBox*>(arg);
  if (box->owner != nullptr) box->owner->box_ = nullptr;
  box->owner = nullptr;
  uv_idle_stop(&box->idle);
  uv_close(reinterpret_cast<uv_handle_t*>(&box->idle), [](uv_handle_t* h) {
    auto* closed = static_cast<IdleBox*>(h->data);
    napi_remove_async_cleanup_hook(closed->hook);
    delete closed;
  });
}

void LoopPoller::SetBudgetMicros(uint32_t micros) {
  budget_ns_ = static_cast<uint64_t>(micros) * 1000u;
  if (budget_ns_ == 0 && polling_) Stop(NowNanos());
}

uint64_t LoopPoller::Window() const {
  uint64_t window = 2 * round_trip_avg_ns_ + kSlackNs;
  return window < budget_ns_ ? window : budget_ns_;
}

void LoopPoller::OnSubmit(uint64_t now_ns) {
  ++in_flight_;
  // Only for calls known to be short: the first ones, and any after a long one, wait asleep.
  if (box_ == nullptr || budget_ns_ == 0 || !have_round_trip_ || round_trip_avg_ns_ > budget_ns_) return;
  uint64_t deadline = now_ns + Window();
  if (deadline > deadline_ns_) deadline_ns_ = deadline;
  if (!polling_) Start(now_ns);
}

void LoopPoller::OnSettle(uint64_t now_ns, uint64_t round_trip_ns) {
  if (in_flight_ > 0) --in_flight_;
  if (!have_round_trip_) {
    round_trip_avg_ns_ = round_trip_ns;
    have_round_trip_ = true;
  } else {
    round_trip_avg_ns_ = round_trip_avg_ns_ - round_trip_avg_ns_ / 4 + round_trip_ns / 4;
  }
  if (!polling_) return;
  if (in_flight_ == 0 || round_trip_avg_ns_ > budget_ns_) {
    Stop(now_ns);
  } else {
    uint64_t deadline = now_ns + Window();  // the next call in line is due about now + a round trip
    if (deadline > deadline_ns_) deadline_ns_ = deadline;
  }
}

void LoopPoller::Start(uint64_t now_ns) {
  if (uv_idle_start(&box_->idle, OnIdle) != 0) return;
  polling_ = true;
  started_ns_ = now_ns;
}

void LoopPoller::Stop(uint64_t now_ns) {
  if (box_ != nullptr) uv_idle_stop(&box_->idle);
  polling_ = false;
  if (now_ns > started_ns_) polled_ns_ += now_ns - started_ns_;
}

// Runs once per loop iteration while polling; while it is active libuv does not sleep.
void LoopPoller::OnIdle(uv_idle_t* handle) {
  auto* box = static_cast<IdleBox*>(handle->data);
  LoopPoller* self = box->owner;
  if (self == nullptr) {
    uv_idle_stop(handle);
    return;
  }
  uint64_t now = NowNanos();
  if (self->in_flight_ == 0 || now >= self->deadline_ns_) self->Stop(now);
}

}  // namespace rxteec
