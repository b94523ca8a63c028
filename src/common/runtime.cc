#include "common/runtime.h"

#include <malloc.h>
#include <omp.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <thread>

namespace mmctr {
namespace {
std::atomic<int> g_threads{0};
}

void tune_malloc() {
  // Serve buffers up to 1 GiB from the heap instead of fresh mmaps, and never trim the heap
  // below 4 GiB of slack: the allocator then reuses the same pages step after step.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, static_cast<int>((1u << 31) - 1));
}

int hardware_threads() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
  return std::max(1u, std::thread::hardware_concurrency());
}

void set_threads(int threads) {
  if (threads <= 0) threads = hardware_threads();
  g_threads = threads;
  omp_set_num_threads(threads);
}

int num_threads() {
  int t = g_threads.load();
  return t > 0 ? t : hardware_threads();
}

}  // namespace mmctr
