#include "io/microlens.h"

#include <fmt/format.h>

#include <limits>
#include <map>

#include "common/error.h"
#include "io/parquet.h"

namespace mmctr::io {
namespace {

// Collects problems; the readers throw them all at once, `mmctr check` prints them.
class ProblemList {
 public:
  explicit ProblemList(std::string file) : file_(std::move(file)) {}
  // Returns false once `limit` problems of this column were recorded (the rest are only counted).
  bool add(const std::string& column, int64_t row, std::string message) {
    if (per_column_[column]++ >= kPerColumnLimit) return false;
    problems_.push_back({file_, column, row, std::move(message)});
    return true;
  }
  // Hands the problems to `sink`, or throws them as one InputError when there is no sink.
  void report(std::vector<Problem>* sink) const {
    if (sink) {
      sink->insert(sink->end(), problems_.begin(), problems_.end());
      for (const auto& [column, n] : per_column_)
        if (n > kPerColumnLimit)
          sink->push_back({file_, column, -1, fmt::format("{} more problems like these not listed", n - kPerColumnLimit)});
      return;
    }
    if (problems_.empty()) return;
    std::string text = problems_.front().describe();
    size_t total = 0;
    for (const auto& [column, n] : per_column_) total += n;
    if (total > 1) text += fmt::format(" (and {} more problem{}; run 'mmctr check' to list them)", total - 1, total > 2 ? "s" : "");
    throw InputError(text);
  }

 private:
  static constexpr int kPerColumnLimit = 20;
  std::string file_;
  std::vector<Problem> problems_;
  std::map<std::string, size_t> per_column_;
};

void check_range(ProblemList& problems, const std::string& column, const Int64Array& values, int64_t lo,
                 int64_t hi, const std::string& expected) {
  for (size_t r = 0; r < values.size(); ++r)
    if (values[r] < lo || values[r] > hi)
      if (!problems.add(column, static_cast<int64_t>(r), fmt::format("value {}, expected {}", values[r], expected))) break;
}

}  // namespace

std::string Problem::describe() const {
  std::string where = file;
  if (!column.empty()) where += fmt::format(": column '{}'", column);
  if (row >= 0) where += fmt::format(" row {}", row);
  return where + ": " + message;
}

ItemInfo read_item_info(const std::string& path, const ColumnNames& names, bool need_emb,
                        std::vector<Problem>* sink) {
  std::vector<ColumnRequest> request{{names.item_id, ColumnType::Int64}, {names.item_tags, ColumnType::Int64Matrix}};
  bool with_emb = need_emb;
  if (!need_emb)
    for (const auto& f : parquet_schema(path)) with_emb |= f.name == names.item_emb;
  if (with_emb) request.push_back({names.item_emb, ColumnType::FloatMatrix});
  Table table = read_parquet(path, request);

  ItemInfo info;
  info.item_id = std::move(table.get<Int64Array>(names.item_id));
  info.tags = std::move(table.get<Int64Matrix>(names.item_tags));
  if (with_emb) info.emb = std::move(table.get<FloatMatrix>(names.item_emb));

  ProblemList problems(path);
  MMCTR_CHECK(info.items() > 0, "{}: no rows; expected the padding row 0 and one row per item", path);
  for (int64_t r = 0; r < info.items(); ++r)
    if (info.item_id[r] != r &&
        !problems.add(names.item_id, r,
                      fmt::format("item id {}, expected {} (row i must hold item i: ids 0..N-1 contiguous, "
                                  "sorted, no duplicates)", info.item_id[r], r)))
      break;
  for (int64_t r = 0; r < info.tags.rows; ++r)
    for (int64_t k = 0; k < info.tags.cols; ++k)
      if (info.tags.row(r)[k] < 0 &&
          !problems.add(names.item_tags, r, fmt::format("tag id {}, expected >= 0", info.tags.row(r)[k])))
        r = info.tags.rows;
  for (int64_t k = 0; k < info.tags.cols; ++k)
    if (info.tags.row(0)[k] != 0) {
      problems.add(names.item_tags, 0, "the padding row 0 must have no tags (all zeros)");
      break;
    }
  problems.report(sink);
  return info;
}

CtrData read_ctr(const std::string& path, CtrKind kind, int64_t num_items, const ColumnNames& names,
                 std::vector<Problem>* sink) {
  std::vector<ColumnRequest> request;
  if (kind == CtrKind::Test) request.push_back({names.id, ColumnType::Int64});
  request.insert(request.end(), {{names.user_id, ColumnType::Int64},
                                 {names.item_seq, ColumnType::Int64Matrix},
                                 {names.item_id, ColumnType::Int64},
                                 {names.likes_level, ColumnType::Int64},
                                 {names.views_level, ColumnType::Int64}});
  if (kind == CtrKind::Labelled) request.push_back({names.label, ColumnType::Int64});
  Table table = read_parquet(path, request);

  CtrData data;
  if (kind == CtrKind::Test) data.id = std::move(table.get<Int64Array>(names.id));
  data.user_id = std::move(table.get<Int64Array>(names.user_id));
  data.item_seq = std::move(table.get<Int64Matrix>(names.item_seq));
  data.item_id = std::move(table.get<Int64Array>(names.item_id));
  data.likes_level = std::move(table.get<Int64Array>(names.likes_level));
  data.views_level = std::move(table.get<Int64Array>(names.views_level));
  if (kind == CtrKind::Labelled) data.label = std::move(table.get<Int64Array>(names.label));

  ProblemList problems(path);
  MMCTR_CHECK(data.rows() > 0, "{}: no rows", path);
  int64_t max_item = num_items > 0 ? num_items - 1 : std::numeric_limits<int64_t>::max();
  std::string item_range = num_items > 0 ? fmt::format("an item id in 1..{} (the rows of item_info)", max_item)
                                         : "an item id >= 1";
  check_range(problems, names.item_id, data.item_id, 1, max_item, item_range);
  check_range(problems, names.likes_level, data.likes_level, 0, 10, "a level in 1..10 (0: unknown)");
  check_range(problems, names.views_level, data.views_level, 0, 10, "a level in 1..10 (0: unknown)");
  if (kind == CtrKind::Labelled) check_range(problems, names.label, data.label, 0, 1, "0 or 1");
  if (kind == CtrKind::Test)
    for (int64_t r = 0; r < data.rows(); ++r)
      if (data.id[r] != r &&
          !problems.add(names.id, r, fmt::format("ID {}, expected {} (IDs 0..n-1 in order)", data.id[r], r)))
        break;
  const Int64Matrix& seq = data.item_seq;
  for (int64_t r = 0; r < seq.rows; ++r) {
    bool seen_item = false;
    for (int64_t k = 0; k < seq.cols; ++k) {
      int64_t id = seq.row(r)[k];
      std::string problem;
      if (id < 0 || id > max_item)
        problem = fmt::format("position {} holds {}, expected 0 (padding) or {}", k, id, item_range);
      else if (id == 0 && seen_item)
        problem = fmt::format("padding 0 at position {} after an item: sequences must be left-padded", k);
      if (!problem.empty()) {
        if (!problems.add(names.item_seq, r, problem)) r = seq.rows;
        break;
      }
      seen_item |= id != 0;
    }
  }
  problems.report(sink);
  return data;
}

void attach_labels(CtrData& data, const std::string& labels_path, const ColumnNames& names) {
  MMCTR_CHECK(!data.id.empty(), "{}: the data has no {} column to match labels by", labels_path, names.id);
  const Table table = read_parquet(labels_path, {{names.id, ColumnType::Int64}, {names.label, ColumnType::Int64}});
  const Int64Array& id = table.get<Int64Array>(names.id);
  const Int64Array& label = table.get<Int64Array>(names.label);
  // The data's IDs are 0..n-1 in order (read_ctr checks it), so an ID is also its row.
  Int64Array by_id(data.rows(), -1);
  ProblemList problems(labels_path);
  for (int64_t r = 0; r < table.rows(); ++r) {
    std::string problem;
    if (id[r] < 0 || id[r] >= data.rows())
      problem = fmt::format("ID {} is not an ID of the data (0..{})", id[r], data.rows() - 1);
    else if (by_id[id[r]] != -1)
      problem = fmt::format("ID {} has a second label", id[r]);
    if (!problem.empty()) {
      if (!problems.add(names.id, r, problem)) break;
      continue;
    }
    if (label[r] != 0 && label[r] != 1) {
      if (!problems.add(names.label, r, fmt::format("value {}, expected 0 or 1", label[r]))) break;
      continue;
    }
    by_id[id[r]] = label[r];
  }
  for (int64_t r = 0; r < data.rows(); ++r)
    if (by_id[r] == -1 && !problems.add(names.id, -1, fmt::format("no label for ID {}", r))) break;
  problems.report(nullptr);
  data.label = std::move(by_id);
}

}  // namespace mmctr::io
