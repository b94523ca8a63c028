#include "ctr/batch.h"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <random>

#include "common/error.h"

namespace mmctr::ctr {
namespace {

constexpr size_t kBatchesAhead = 2;

void check_range(const io::Int64Array& values, int64_t limit, const std::string& name,
                 const char* column) {
  for (size_t r = 0; r < values.size(); ++r)
    MMCTR_CHECK(values[r] >= 0 && values[r] < limit, "{}: column {} row {}: value {} is outside [0, {})",
                name, column, r, values[r], limit);
}

}  // namespace

void check_ctr_data(const io::CtrData& data, const io::ItemInfo& items, int64_t level_vocab,
                    int64_t max_len, const std::string& name) {
  const int64_t rows = data.rows();
  MMCTR_CHECK(rows > 0, "{}: no rows", name);
  MMCTR_CHECK(data.item_seq.rows == rows && data.item_seq.cols == max_len,
              "{}: column item_seq is {} x {}, expected {} rows of {} ids (max_len)", name,
              data.item_seq.rows, data.item_seq.cols, rows, max_len);
  MMCTR_CHECK(static_cast<int64_t>(data.likes_level.size()) == rows &&
                  static_cast<int64_t>(data.views_level.size()) == rows,
              "{}: likes_level/views_level do not have {} rows", name, rows);
  check_range(data.item_id, items.items(), name, "item_id");
  check_range(data.likes_level, level_vocab, name, "likes_level");
  check_range(data.views_level, level_vocab, name, "views_level");
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < max_len; ++c) {
      const int64_t id = data.item_seq.row(r)[c];
      MMCTR_CHECK(id >= 0 && id < items.items(), "{}: column item_seq row {} position {}: item {} is outside [0, {})",
                  name, r, c, id, items.items());
    }
  if (!data.label.empty()) {
    MMCTR_CHECK(static_cast<int64_t>(data.label.size()) == rows, "{}: label does not have {} rows", name, rows);
    check_range(data.label, 2, name, "label");
  }
}

BatchBuilder::BatchBuilder(const io::CtrData& data, const io::ItemInfo& items)
    : data_(data), items_(items), slot_(items.items(), -1) {
  MMCTR_ASSERT(items.tags.rows == items.items() && items.emb.rows == items.items());
}

Batch BatchBuilder::build(const int64_t* rows, int64_t count) {
  const int64_t length = data_.item_seq.cols;
  const auto long_options = torch::TensorOptions().dtype(torch::kInt64);
  const auto float_options = torch::TensorOptions().dtype(torch::kFloat32);
  Batch batch;
  batch.likes = torch::empty({count}, long_options);
  batch.views = torch::empty({count}, long_options);
  batch.target = torch::empty({count}, long_options);
  batch.history = torch::empty({count, length}, long_options);
  batch.mask = torch::empty({count, length}, float_options);
  const bool labelled = !data_.label.empty();
  if (labelled) batch.label = torch::empty({count}, float_options);

  std::vector<int64_t> distinct;
  auto slot_of = [&](int64_t id) {
    int64_t& slot = slot_[id];
    if (slot < 0) {
      slot = static_cast<int64_t>(distinct.size());
      distinct.push_back(id);
    }
    return slot;
  };
  auto* likes = batch.likes.data_ptr<int64_t>();
  auto* views = batch.views.data_ptr<int64_t>();
  auto* target = batch.target.data_ptr<int64_t>();
  auto* history = batch.history.data_ptr<int64_t>();
  auto* mask = batch.mask.data_ptr<float>();
  for (int64_t i = 0; i < count; ++i) {
    const int64_t r = rows[i];
    likes[i] = data_.likes_level[r];
    views[i] = data_.views_level[r];
    target[i] = slot_of(data_.item_id[r]);
    const int64_t* seq = data_.item_seq.row(r);
    for (int64_t l = 0; l < length; ++l) {
      history[i * length + l] = slot_of(seq[l]);
      mask[i * length + l] = seq[l] > 0 ? 1.0f : 0.0f;
    }
    if (labelled) batch.label.data_ptr<float>()[i] = static_cast<float>(data_.label[r]);
  }

  const int64_t n = static_cast<int64_t>(distinct.size());
  const int64_t tags = items_.tags.cols, dim = items_.emb.cols;
  batch.items = torch::from_blob(distinct.data(), {n}, long_options).clone();
  batch.item_tags = torch::empty({n, tags}, long_options);
  batch.item_emb = torch::empty({n, dim}, float_options);
  auto* tag_out = batch.item_tags.data_ptr<int64_t>();
  auto* emb_out = batch.item_emb.data_ptr<float>();
  for (int64_t u = 0; u < n; ++u) {
    std::memcpy(tag_out + u * tags, items_.tags.row(distinct[u]), sizeof(int64_t) * tags);
    std::memcpy(emb_out + u * dim, items_.emb.row(distinct[u]), sizeof(float) * dim);
    slot_[distinct[u]] = -1;
  }
  return batch;
}

BatchLoader::BatchLoader(const io::CtrData& data, const io::ItemInfo& items, std::vector<int64_t> order,
                         int64_t batch_size)
    : builder_(data, items),
      order_(std::move(order)),
      batch_size_(batch_size),
      batches_((static_cast<int64_t>(order_.size()) + batch_size - 1) / batch_size) {
  MMCTR_ASSERT(batch_size > 0);
  worker_ = std::thread([this] { work(); });
}

BatchLoader::~BatchLoader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  worker_.join();
}

void BatchLoader::work() {
  try {
    for (int64_t b = 0; b < batches_; ++b) {
      const int64_t begin = b * batch_size_;
      const int64_t count = std::min<int64_t>(batch_size_, static_cast<int64_t>(order_.size()) - begin);
      Batch batch = builder_.build(order_.data() + begin, count);
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stop_ || ready_.size() < kBatchesAhead; });
      if (stop_) return;
      ready_.push_back(std::move(batch));
      changed_.notify_all();
    }
  } catch (...) {
    std::lock_guard<std::mutex> lock(mutex_);
    error_ = std::current_exception();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  done_ = true;
  changed_.notify_all();
}

bool BatchLoader::next(Batch& batch) {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [&] { return !ready_.empty() || done_; });
  if (ready_.empty()) {
    if (error_) std::rethrow_exception(error_);
    return false;
  }
  batch = std::move(ready_.front());
  ready_.pop_front();
  changed_.notify_all();
  return true;
}

std::vector<int64_t> epoch_order(int64_t rows, uint64_t seed, int64_t epoch) {
  std::vector<int64_t> order = sequential_order(rows);
  std::seed_seq seeds{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                      static_cast<uint32_t>(epoch)};
  std::mt19937_64 rng(seeds);
  // Fisher-Yates with our own index draw: std::shuffle's use of the engine is not specified, so
  // the order would differ between standard libraries.
  for (int64_t i = rows - 1; i > 0; --i) std::swap(order[i], order[rng() % static_cast<uint64_t>(i + 1)]);
  return order;
}

std::vector<int64_t> sequential_order(int64_t rows) {
  std::vector<int64_t> order(rows);
  std::iota(order.begin(), order.end(), int64_t{0});
  return order;
}

Batch Batch::to(torch::Device device) const {
  if (target.device() == device) return *this;
  auto move = [&](const torch::Tensor& t) { return t.defined() ? t.to(device, /*non_blocking=*/true) : t; };
  return Batch{move(likes), move(views),   move(items), move(item_tags), move(item_emb),
               move(target), move(history), move(mask),  move(label)};
}

}  // namespace mmctr::ctr
