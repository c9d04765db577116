// Per-environment state (JS thread): the napi instance data of each environment that loads
// the addon, and the layout of the invoke result records it shares with the TypeScript side.
#ifndef RX_TEEC_ADDON_DATA_H
#define RX_TEEC_ADDON_DATA_H

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>

#include "loop_poller.h"
#include "objects.h"

namespace rxteec {

struct AddonData {
  napi_env env = nullptr;
  std::shared_ptr<EnvShared> shared;
  Napi::FunctionReference make_teec_error;
  Napi::FunctionReference make_argument_error;
  Napi::FunctionReference make_range_error;
  Napi::FunctionReference make_state_error;
  std::unordered_map<double, Call*> cancellable;  // call id -> call, until settled
  double next_call_id = 1;
  // Invoke results go to JS in batches: records in `results` (a Float64Array made by
  // configure), then one call of `invoke_done(count)`.
  Napi::FunctionReference invoke_done;
  Napi::Reference<Napi::ArrayBuffer> results_ref;
  double* results = nullptr;
  // Diagnostics: how long finished calls waited for the JS thread (first call of each batch).
  uint64_t wake_ns_total = 0;
  uint64_t wake_count = 0;
  LoopPoller poller;  // keeps the loop awake for short calls in flight
  size_t loop_holders = 0;  // calls a JS callback waits for: they keep the event loop alive
  // The zero-copy blocks JS can reach, by the address of their memory: a buffer over one may not
  // become a temp memref or a registered block (the block's release would unmap it under them).
  std::unordered_map<const void*, const SharedMem*> zero_copy_blocks;
  bool force_copy_shm = false;
  bool external_buffers_allowed = true;
};

// Invoke result records (see WriteInvokeRecord): doubles per record, records per JS call.
constexpr size_t kRecordDoubles = 12;
constexpr size_t kMaxRecords = 64;
// After the records: the numbers of invokeFast's parameters (two per parameter).
constexpr size_t kScratchDoubles = 8;

// True if `memory` is the memory of a zero-copy block of this environment that is not released.
bool IsZeroCopyBlock(const AddonData* data, const PinnedMemory& memory);

// This environment's AddonData (made by Init in addon.cc); throws if there is none.
AddonData* GetData(Napi::Env env);

}  // namespace rxteec

#endif
