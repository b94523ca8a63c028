#include "clip/batch_prefetcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace mmctr::clip {
namespace {

// Every record holds its item index in each of its floats.
void fill_with_index(int64_t item, float* out, int64_t record) {
  for (int64_t k = 0; k < record; ++k) out[k] = static_cast<float>(item);
}

TEST(BatchPrefetcher, HandsOutEveryBatchInOrderWithItsRecords) {
  for (int workers : {1, 3}) {
    for (int depth : {1, 2, 4}) {
      const int64_t items = 10, batch_size = 3, record = 5;
      std::atomic<int64_t> calls{0};
      BatchPrefetcher prefetcher(items, batch_size, record, workers, depth, [&](int64_t item, float* out) {
        ++calls;
        fill_with_index(item, out, record);
      });
      BatchPrefetcher::Batch batch;
      int64_t expected_begin = 0;
      while (prefetcher.next(batch)) {
        ASSERT_EQ(batch.begin, expected_begin);
        ASSERT_EQ(batch.end, std::min(items, expected_begin + batch_size));
        for (int64_t i = batch.begin; i < batch.end; ++i)
          for (int64_t k = 0; k < record; ++k)
            ASSERT_EQ(batch.records[(i - batch.begin) * record + k], static_cast<float>(i))
                << "workers " << workers << " depth " << depth;
        expected_begin = batch.end;
      }
      EXPECT_EQ(expected_begin, items);
      EXPECT_EQ(calls.load(), items);  // each item prepared exactly once
      EXPECT_FALSE(prefetcher.next(batch));
    }
  }
}

TEST(BatchPrefetcher, NoItemsNoBatches) {
  BatchPrefetcher prefetcher(0, 4, 2, 2, 2, [](int64_t, float*) { FAIL() << "nothing to fill"; });
  BatchPrefetcher::Batch batch;
  EXPECT_FALSE(prefetcher.next(batch));
}

TEST(BatchPrefetcher, CarriesAWorkerErrorToTheConsumer) {
  BatchPrefetcher prefetcher(20, 4, 1, 2, 2, [](int64_t item, float* out) {
    if (item == 9) throw std::runtime_error("item 9 failed");
    *out = 0;
  });
  BatchPrefetcher::Batch batch;
  try {
    while (prefetcher.next(batch)) {
    }
    FAIL() << "the error was lost";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "item 9 failed");
  }
}

TEST(BatchPrefetcher, StopsCleanlyWhenTheConsumerQuitsEarly) {
  std::atomic<int64_t> calls{0};
  {
    BatchPrefetcher prefetcher(1000, 4, 1, 3, 2, [&](int64_t, float* out) {
      ++calls;
      *out = 0;
    });
    BatchPrefetcher::Batch batch;
    ASSERT_TRUE(prefetcher.next(batch));
  }
  // The ring bounds the work done ahead: at most `depth` batches were prepared.
  EXPECT_LE(calls.load(), 8);
}

}  // namespace
}  // namespace mmctr::clip
