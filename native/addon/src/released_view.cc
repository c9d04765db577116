#include "released_view.h"

#include "objects.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000  // Linux 4.17; older kernels take it as a hint (checked below)
#endif

namespace rxteec {

namespace {

std::atomic<size_t> stand_in_count{0};

// Maps private zero-filled memory over the pages of [base, base + size), only where nothing is
// mapped: if another thread mapped something there since the release, that is left alone.
bool MapStandIn(void* base, size_t size, void** start, size_t* length) {
  long page = sysconf(_SC_PAGESIZE);
  if (page <= 0 || base == nullptr || size == 0) return false;
  auto first = reinterpret_cast<uintptr_t>(base) & ~static_cast<uintptr_t>(page - 1);
  uintptr_t end = reinterpret_cast<uintptr_t>(base) + size;
  if (end < reinterpret_cast<uintptr_t>(base) || end > UINTPTR_MAX - static_cast<uintptr_t>(page)) return false;
  uintptr_t last = (end + static_cast<uintptr_t>(page) - 1) & ~static_cast<uintptr_t>(page - 1);
  void* wanted = reinterpret_cast<void*>(first);
  size_t span = last - first;
  void* got = mmap(wanted, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (got == MAP_FAILED) return false;
  if (got != wanted) {  // a kernel without MAP_FIXED_NOREPLACE placed it elsewhere
    munmap(got, span);
    return false;
  }
  *start = got;
  *length = span;
  return true;
}

}  // namespace

void CoverReleasedView(SharedMem* mem, void* base, size_t size) {
  if (!mem->zero_copy) return;
  std::lock_guard<std::mutex> lock(mem->view_mutex);
  if (!mem->view_alive || !mem->view_may_have_moved || mem->stand_in != nullptr) return;
  if (MapStandIn(base, size, &mem->stand_in, &mem->stand_in_length)) stand_in_count.fetch_add(1);
}

void EndView(SharedMem* mem) {
  void* start = nullptr;
  size_t length = 0;
  {
    std::lock_guard<std::mutex> lock(mem->view_mutex);
    mem->view_alive = false;
    start = mem->stand_in;
    length = mem->stand_in_length;
    mem->stand_in = nullptr;
    mem->stand_in_length = 0;
  }
  if (start == nullptr) return;
  munmap(start, length);
  stand_in_count.fetch_sub(1);
}

size_t StandInMappings() { return stand_in_count.load(); }

}  // namespace rxteec
