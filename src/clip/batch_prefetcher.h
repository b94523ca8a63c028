// Fills fixed-size batches of float records on worker threads while the consumer works on an
// earlier batch: a bounded ring of `depth` batch buffers, filled item by item (so workers share
// even a single batch), handed to the consumer strictly in order.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace mmctr::clip {

class BatchPrefetcher {
 public:
  // fill(item, out) writes record `item` (record_floats floats) to out; it runs on the workers.
  // An exception from fill stops the workers and is rethrown by next().
  using Fill = std::function<void(int64_t item, float* out)>;

  struct Batch {
    int64_t begin = 0, end = 0;  // items [begin, end)
    const float* records = nullptr;  // (end - begin) x record_floats, row-major
  };

  // worker_nice > 0 lowers the workers' scheduling priority (Linux nice), so that a consumer
  // running compute threads on every core keeps them when the workers wake up.
  BatchPrefetcher(int64_t items, int64_t batch_size, int64_t record_floats, int workers, int depth, Fill fill,
                  int worker_nice = 0);
  ~BatchPrefetcher();  // stops and joins the workers
  BatchPrefetcher(const BatchPrefetcher&) = delete;
  BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

  // Releases the batch returned before (its buffer is refilled) and waits for the next one.
  // False when all batches have been handed out.
  bool next(Batch& batch);

 private:
  int64_t batch_end(int64_t b) const { return std::min(items_, (b + 1) * batch_size_); }
  void work(int nice);

  const int64_t items_, batch_size_, record_floats_, batches_;
  const int depth_;
  const Fill fill_;
  std::vector<std::vector<float>> buffers_;  // depth_ ring slots, batch b lives in b % depth_
  std::vector<int64_t> filled_;              // records completed per slot

  std::mutex mutex_;
  std::condition_variable work_ready_, batch_ready_;
  int64_t next_item_ = 0;     // next item a worker claims
  int64_t released_ = 0;      // batches handed out and released; batch released_ is the current one
  bool holding_ = false;      // whether the consumer holds batch released_
  bool stopping_ = false;
  std::exception_ptr error_;
  std::vector<std::thread> workers_;
};

}  // namespace mmctr::clip
