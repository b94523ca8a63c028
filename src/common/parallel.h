// parallel_for: splits [0, n) into contiguous shards over `threads` std::threads and carries the
// first exception out of the workers (rethrown after join).
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mmctr {

// fn(begin, end, thread_index) runs once per shard.
inline void parallel_for(int64_t n, int threads,
                         const std::function<void(int64_t, int64_t, int)>& fn) {
  if (n <= 0) return;
  if (threads <= 1 || n == 1) {
    fn(0, n, 0);
    return;
  }
  threads = static_cast<int>(std::min<int64_t>(threads, n));
  std::exception_ptr error;
  std::mutex error_mutex;
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    int64_t begin = n * t / threads, end = n * (t + 1) / threads;
    pool.emplace_back([&, begin, end, t] {
      try {
        fn(begin, end, t);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace mmctr
