#include "clip/batch_prefetcher.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>

#include "common/error.h"

namespace mmctr::clip {

BatchPrefetcher::BatchPrefetcher(int64_t items, int64_t batch_size, int64_t record_floats, int workers,
                                 int depth, Fill fill, int worker_nice)
    : items_(items),
      batch_size_(batch_size),
      record_floats_(record_floats),
      batches_((items + batch_size - 1) / batch_size),
      depth_(depth),
      fill_(std::move(fill)) {
  MMCTR_ASSERT(items >= 0 && batch_size > 0 && record_floats > 0 && workers > 0 && depth > 0);
  const int64_t slots = std::min<int64_t>(depth_, std::max<int64_t>(batches_, 1));
  buffers_.assign(slots, std::vector<float>(static_cast<size_t>(batch_size_ * record_floats_)));
  filled_.assign(depth_, 0);
  workers = static_cast<int>(std::min<int64_t>(workers, std::max<int64_t>(items_, 1)));
  for (int w = 0; w < workers; ++w) workers_.emplace_back([this, worker_nice] { work(worker_nice); });
}

BatchPrefetcher::~BatchPrefetcher() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void BatchPrefetcher::work(int nice) {
  // Best effort: a thread that may not change its priority just runs at the normal one.
  if (nice > 0) ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), nice);
  for (;;) {
    int64_t item;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      // Claim the next item unless its batch would overwrite a slot the consumer has not released.
      work_ready_.wait(lock, [&] {
        return stopping_ || error_ || next_item_ >= items_ || next_item_ / batch_size_ < released_ + depth_;
      });
      if (stopping_ || error_ || next_item_ >= items_) return;
      item = next_item_++;
    }
    const int64_t batch = item / batch_size_, slot = batch % depth_;
    try {
      fill_(item, buffers_[slot].data() + (item - batch * batch_size_) * record_floats_);
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!error_) error_ = std::current_exception();
      batch_ready_.notify_all();
      work_ready_.notify_all();
      return;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (++filled_[slot] == batch_end(batch) - batch * batch_size_) batch_ready_.notify_all();
  }
}

bool BatchPrefetcher::next(Batch& batch) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (holding_) {
    filled_[released_ % depth_] = 0;
    ++released_;
    holding_ = false;
    work_ready_.notify_all();
  }
  if (released_ >= batches_) return false;
  const int64_t b = released_, slot = b % depth_, begin = b * batch_size_, end = batch_end(b);
  batch_ready_.wait(lock, [&] { return error_ || filled_[slot] == end - begin; });
  if (error_) std::rethrow_exception(error_);
  holding_ = true;
  batch = Batch{begin, end, buffers_[slot].data()};
  return true;
}

}  // namespace mmctr::clip
