// Native state behind the JS handles: contexts, sessions, shared memory and calls in flight.
//
// JS references (Napi::Reference) in these objects are made and reset on the JS thread only;
// an object that is destroyed elsewhere (a worker drops the last reference of a call the
// environment will never settle) suppresses their destruction rather than call N-API there.
//
// Locking: one mutex per context guards the lifecycle fields of the context and of all its
// children (sessions, shared memory, the calls in flight on them). GP calls are never made
// with it held, except TEEC_RequestCancellation, which is made under the call's own
// cancel_mutex so that the operation cannot complete (and be freed) underneath it.
#ifndef RX_TEEC_OBJECTS_H
#define RX_TEEC_OBJECTS_H

#include <napi.h>

#include "pinned_memory.h"

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "tee_client_api.h"
#include "teec_library.h"
#include "worker_pool.h"

namespace rxteec {

enum class LifeState : uint8_t {
  kOpening,  // the GP call creating it has not returned yet
  kLive,     // usable
  kClosing,  // close/finalize/release requested: no new calls; waiting for calls in flight
  kClosed,   // the GP close/finalize/release call returned
};

struct AddonData;
struct Call;
struct Context;

// JS thread: settles the finished calls (settle.cc), through the environment's thread-safe
// function; `data` is unused (the finished calls are in EnvShared's list).
void OnCompletion(Napi::Env env, Napi::Function js_callback, AddonData* context, Call* data);
using Completions = Napi::TypedThreadSafeFunction<AddonData, Call, OnCompletion>;

// What the worker threads may reach of a Node environment: the channel back to its JS
// thread, and the contexts to clean up when it goes away.
struct EnvShared {
  std::mutex mutex;
  bool open = true;  // false from the env's cleanup on: completions are dropped
  Completions completions;  // empty once the env is torn down
  std::set<std::shared_ptr<Context>> contexts;  // initialized and not yet finalized
  // Finished calls the JS thread has not taken yet (FIFO through Call::next_ready). The
  // thread-safe function is called only when this goes from empty to non-empty: one wake-up
  // of the JS thread settles every call that finished meanwhile.
  Call* ready_head = nullptr;
  Call* ready_tail = nullptr;

  // Hands a finished call to the JS thread (transfers the caller's reference).
  void Post(Call* call);
  // JS thread: takes every finished call (a list through Call::next_ready).
  Call* TakeReady();
};

struct Session;
struct SharedMem;

struct Context {
  std::shared_ptr<TeecLibrary> library;
  std::shared_ptr<EnvShared> env;
  TEEC_Context teec{};

  std::mutex mutex;
  std::condition_variable changed;  // in-flight sets or child sets shrank
  LifeState state = LifeState::kOpening;
  bool handle_collected = false;  // the JS handle was garbage collected
  std::set<std::shared_ptr<Session>> sessions;
  std::set<std::shared_ptr<SharedMem>> shared_mems;
  std::vector<Call*> opening;  // openSession calls in flight
  std::vector<Call*> waiters;  // finalizeContext calls waiting for a finalize in progress
};

struct Session {
  std::shared_ptr<Context> context;
  TEEC_Session teec{};
  LifeState state = LifeState::kOpening;  // guarded by context->mutex
  std::vector<Call*> in_flight;
  std::vector<Call*> waiters;
  // The strand (guarded by context->mutex): invokes on one session run one at a time, in the
  // order they were made. `strand_busy` while a worker runs (or is about to run) one of them;
  // the others wait in the FIFO through Call::strand_next, each holding a queue reference, and
  // the worker that finishes a call starts the next one itself.
  bool strand_busy = false;
  Call* strand_head = nullptr;
  Call* strand_tail = nullptr;
};

struct SharedMem {
  std::shared_ptr<Context> context;
  TEEC_SharedMemory teec{};
  bool allocated = false;
  bool zero_copy = false;
  const void* zero_copy_base = nullptr;  // zero-copy: where its JS view starts (JS thread; the
                                         // release clears teec.buffer on a worker)
  LifeState state = LifeState::kOpening;  // guarded by context->mutex
  std::vector<Call*> users;               // calls in flight whose parameters reference it
  std::vector<Call*> waiters;
  // JS objects whose collection must precede a release by GC: the handle, and (zero-copy)
  // the external ArrayBuffer over the block.
  std::atomic<int> js_holders{0};

  // Zero-copy: the view's memory after the block's release (see released_view.h).
  // Set on the JS thread before the release is submitted (the pool's queue orders it before the
  // worker reads it): JS may reach the memory by an ArrayBuffer of its own.
  bool view_may_have_moved = false;
  std::mutex view_mutex;             // guards the three below (worker's release vs finalizer)
  bool view_alive = false;           // V8 has not freed the external ArrayBuffer's memory yet
  void* stand_in = nullptr;          // the private mapping over the released range, if any
  size_t stand_in_length = 0;

  ~SharedMem() { js_memory.SuppressDestruct(); }

  // Registered: the caller's memory; copy-backed: the JS copy (js_copy points into it). Kept
  // even if JS detaches the buffer (see pinned_memory.h). Set on the JS thread, dropped with the
  // block on any thread.
  PinnedMemory pinned;

  // JS thread only.
  Napi::Reference<Napi::Value> js_memory;  // registered: the caller's buffer (strong); copy-backed:
                                           // the JS copy (strong); zero-copy: the external
                                           // ArrayBuffer (weak)
  uint8_t* js_copy = nullptr;    // copy-backed: the JS copy's bytes (synced around each call)
};

enum class CallKind : uint8_t { kInitialize, kFinalize, kOpen, kClose, kInvoke, kRelease, kCancel, kWaiter };

enum CallPhase : int { kQueued = 0, kRunning = 1, kDone = 2, kCancelledBeforeStart = 3 };

// One asynchronous GP call: queued on the worker pool, run there, settled on the JS thread.
// Reference counted: one reference travels queue -> worker -> JS thread; the pool queue and
// a pending cancellation job hold their own.
struct Call : Job {
  explicit Call(CallKind kind_in) : kind(kind_in) { std::memset(&op, 0, sizeof op); }
  ~Call() override { callback.SuppressDestruct(); }

  void Ref() { refs.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
  void Run() override;

  std::atomic<int> refs{1};
  const CallKind kind;
  std::shared_ptr<EnvShared> env;
  std::shared_ptr<Context> context;
  std::shared_ptr<Session> session;
  std::shared_ptr<SharedMem> shared_mem;  // kRelease
  Call* target = nullptr;                 // kCancel: the call to cancel (referenced)
  bool gc_initiated = false;              // started by a finalizer: no JS waits for it
  Call* next_ready = nullptr;             // EnvShared's list of finished calls
  Call* strand_next = nullptr;            // kInvoke: the session's strand FIFO
  bool unordered = false;                 // kInvoke: bypasses the strand (see QueueInvoke)
  uint64_t posted_ns = 0;                 // first of a batch: when it was handed to JS (stats)

  // Operation calls (open, invoke).
  std::atomic<int> phase{kQueued};
  std::mutex cancel_mutex;
  bool cancel_sent = false;
  TEEC_Operation op;
  std::shared_ptr<SharedMem> param_mems[TEEC_CONFIG_PAYLOAD_REF_COUNT];
  // Temp memrefs: their memory, kept until the call settles even if JS drops or detaches the
  // buffer (see pinned_memory.h).
  PinnedMemory pinned[TEEC_CONFIG_PAYLOAD_REF_COUNT];
  TEEC_UUID uuid{};
  uint32_t login = 0;
  uint32_t group_id = 0;
  bool has_group_id = false;
  uint32_t command = 0;
  // kInvoke: its id, in the order invokes were made; settled through the batched result records
  // under it. Set by the JS thread before the call is admitted (under the context mutex), read
  // by a closer that cancels calls newest first.
  double invoke_id = 0;
  std::string context_name;
  bool has_context_name = false;

  // Finalize/close: children this call took from Live to Closing and must finish.
  std::vector<std::shared_ptr<Session>> sessions_to_close;
  std::vector<std::shared_ptr<SharedMem>> mems_to_release;

  // Result.
  TEEC_Result result = TEEC_SUCCESS;
  uint32_t origin = TEEC_ORIGIN_API;
  const char* note = nullptr;  // addon-made outcome: "cancelled-before-start" or a state message

  // JS thread only.
  Napi::FunctionReference callback;
  double cancel_id = 0;
  uint64_t submitted_ns = 0;  // kInvoke: when JS queued it (the loop poller's round trip)
  uint64_t poll_kind = 0;     // kInvoke: its kind for the loop poller's score (LoopPoller::KindOf)
  bool keeps_loop_alive = false;
};

}  // namespace rxteec

#endif
