// Batches for the CTR model, assembled from the in-memory data set: the rows' levels, target and
// history ids mapped onto the batch's distinct items, and those items' tags and frozen embeddings
// (so the model computes each distinct item vector once). BatchLoader assembles them on a worker
// thread while the model computes.
#pragma once

#include <torch/torch.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "io/microlens.h"

namespace mmctr::ctr {

struct Batch {
  torch::Tensor likes, views;  // (B) int64
  torch::Tensor items;         // (U) int64: the distinct item ids of targets and histories
  torch::Tensor item_tags;     // (U, T) int64
  torch::Tensor item_emb;      // (U, E) float: frozen embeddings
  torch::Tensor target;        // (B) int64: rows of items
  torch::Tensor history;       // (B, L) int64: rows of items
  torch::Tensor mask;          // (B, L) float: 1 where the history id is > 0
  torch::Tensor label;         // (B) float; undefined for unlabelled data
  int64_t size() const { return target.size(0); }
  // The same batch on `device` (itself when it is there already).
  Batch to(torch::Device device) const;
};

// Throws InputError (naming `name`, the column and the row) unless every id is < the item count,
// levels are < level_vocab, histories have max_len columns and labels (if any) are 0/1.
void check_ctr_data(const io::CtrData& data, const io::ItemInfo& items, int64_t level_vocab,
                    int64_t max_len, const std::string& name);

class BatchBuilder {
 public:
  BatchBuilder(const io::CtrData& data, const io::ItemInfo& items);
  Batch build(const int64_t* rows, int64_t count);

 private:
  const io::CtrData& data_;
  const io::ItemInfo& items_;
  std::vector<int64_t> slot_;  // item id -> row in the batch's items, -1 when absent
};

// Iterates `order` in batches of batch_size (the last one smaller), built one ahead on a thread.
class BatchLoader {
 public:
  BatchLoader(const io::CtrData& data, const io::ItemInfo& items, std::vector<int64_t> order,
              int64_t batch_size);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // false after the last batch; rethrows an exception of the worker.
  bool next(Batch& batch);
  int64_t batches() const { return batches_; }

 private:
  void work();

  BatchBuilder builder_;
  std::vector<int64_t> order_;
  int64_t batch_size_, batches_;
  std::deque<Batch> ready_;
  bool stop_ = false, done_ = false;
  std::exception_ptr error_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::thread worker_;
};

// Row order of one training epoch: a permutation drawn from (seed, epoch) only, so a resumed run
// sees the same order as an uninterrupted one.
std::vector<int64_t> epoch_order(int64_t rows, uint64_t seed, int64_t epoch);
std::vector<int64_t> sequential_order(int64_t rows);

}  // namespace mmctr::ctr
