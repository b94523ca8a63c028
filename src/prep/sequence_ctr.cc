#include "prep/sequence_ctr.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "common/error.h"
#include "common/files.h"
#include "common/random.h"
#include "io/parquet.h"

namespace fs = std::filesystem;

namespace mmctr::prep {
namespace {

// Item ids index item_info's rows directly; beyond this the ids are surely not dense and the table
// would be mostly empty.
constexpr int64_t kMaxItemId = 100'000'000;
constexpr uint64_t kNegativeStream = 1;

struct UserSequence {
  int64_t user = 0;
  std::vector<int64_t> items;
};

// The value of a decimal token, or -1 unless it is a positive integer.
int64_t positive_id(const std::string& token) {
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(token.c_str(), &end, 10);
  return errno == 0 && end != token.c_str() && *end == '\0' && value > 0 ? value : -1;
}

int64_t parse_id(const std::string& token, const std::string& path, int64_t line, const char* what) {
  const int64_t id = positive_id(token);
  MMCTR_CHECK(id > 0, "{}: line {}: {} '{}' is not a positive integer", path, line, what, token);
  return id;
}

std::vector<UserSequence> read_sequences(const std::string& path) {
  require_file(path, "sequence file");
  std::ifstream in(path);
  std::vector<UserSequence> users;
  std::unordered_map<int64_t, int64_t> line_of_user;
  std::string text, token;
  for (int64_t line = 1; std::getline(in, text); ++line) {
    std::istringstream fields(text);
    if (!(fields >> token)) continue;  // blank line
    UserSequence user;
    user.user = parse_id(token, path, line, "user id");
    while (fields >> token) {
      const int64_t item = parse_id(token, path, line, "item id");
      MMCTR_CHECK(item <= kMaxItemId, "{}: line {}: item id {} is above {}; renumber the items densely",
                  path, line, item, kMaxItemId);
      user.items.push_back(item);
    }
    MMCTR_CHECK(!user.items.empty(), "{}: line {}: user {} has no items", path, line, user.user);
    const auto [first, fresh] = line_of_user.emplace(user.user, line);
    MMCTR_CHECK(fresh, "{}: line {}: user {} already has a sequence on line {}", path, line, user.user,
                first->second);
    users.push_back(std::move(user));
  }
  MMCTR_CHECK(!in.bad(), "{}: read failed", path);
  MMCTR_CHECK(!users.empty(), "{}: no sequences", path);
  return users;
}

struct ItemTags {
  io::Int64Matrix tags;
  int64_t items_with_tags = 0, truncated = 0, unknown_items = 0;
};

// Row i: the first `per_item` attributes of item i, left-padded with 0 (as MicroLens pads item_tags).
ItemTags read_item_tags(const std::string& path, int64_t rows, int64_t per_item) {
  ItemTags result;
  result.tags = io::Int64Matrix{rows, per_item, std::vector<int64_t>(rows * per_item, 0)};
  if (path.empty()) return result;
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(read_text_file(path));
  } catch (const nlohmann::json::exception& e) {
    fail("{}: not valid JSON: {}", path, e.what());
  }
  MMCTR_CHECK(json.is_object(), "{}: expected a JSON object mapping item id to a list of attribute ids", path);
  for (const auto& [key, value] : json.items()) {
    const int64_t item = positive_id(key);
    MMCTR_CHECK(item > 0, "{}: key '{}' is not a positive integer item id", path, key);
    MMCTR_CHECK(value.is_array(), "{}: item {}: expected a list of attribute ids", path, key);
    if (item >= rows) {  // an item no sequence mentions
      ++result.unknown_items;
      continue;
    }
    std::vector<int64_t> attributes;
    for (const auto& attribute : value) {
      MMCTR_CHECK(attribute.is_number_integer() && attribute.get<int64_t>() > 0,
                  "{}: item {}: attribute {} is not a positive integer", path, key, attribute.dump());
      attributes.push_back(attribute.get<int64_t>());
    }
    if (attributes.empty()) continue;
    if (static_cast<int64_t>(attributes.size()) > per_item) {
      attributes.resize(per_item);
      ++result.truncated;
    }
    std::copy(attributes.begin(), attributes.end(), result.tags.row(item) + (per_item - attributes.size()));
    ++result.items_with_tags;
  }
  return result;
}

// The IDs of a test file: its row numbers, as MicroLens numbers test rows.
io::Int64Array row_ids(int64_t rows) {
  io::Int64Array id(rows);
  std::iota(id.begin(), id.end(), int64_t{0});
  return id;
}

// The rows of one split, in the column layout of train/valid/test.parquet.
struct SplitRows {
  io::Int64Array user_id, item_id, label;
  io::Int64Matrix item_seq;

  explicit SplitRows(int64_t history) { item_seq.cols = history; }
  int64_t rows() const { return static_cast<int64_t>(item_id.size()); }

  // The history of step k of `items`: items[max(0, k - history) .. k), left-padded.
  void add(int64_t user, const std::vector<int64_t>& items, int64_t k, int64_t target, int64_t row_label) {
    const int64_t history = item_seq.cols;
    const int64_t length = std::min(k, history);
    item_seq.data.resize(item_seq.data.size() + history, 0);
    std::copy(items.begin() + (k - length), items.begin() + k, item_seq.data.end() - length);
    ++item_seq.rows;
    user_id.push_back(user);
    item_id.push_back(target);
    label.push_back(row_label);
  }

  io::Table table(bool test) const {
    io::Table t;
    if (test) t.add("ID", row_ids(rows()));
    t.add("user_id", user_id);
    t.add("item_seq", item_seq);
    t.add("item_id", item_id);
    t.add("likes_level", io::Int64Array(rows(), 0));
    t.add("views_level", io::Int64Array(rows(), 0));
    if (!test) t.add("label", label);
    return t;
  }
};

}  // namespace

void SequenceCtrArgs::validate() const {
  require_file(sequences, "--sequences file");
  if (!attributes.empty()) require_file(attributes, "--attributes file");
  MMCTR_CHECK(!out.empty(), "--out is required");
  MMCTR_CHECK(history > 0, "--history must be positive (got {})", history);
  MMCTR_CHECK(tags > 0, "--tags must be positive (got {})", tags);
}

nlohmann::json convert_sequences(const SequenceCtrArgs& args) {
  args.validate();
  const std::string folder = output_folder(args.out);
  std::error_code ec;
  MMCTR_CHECK(!fs::exists(folder, ec) || (fs::is_directory(folder, ec) && fs::is_empty(folder, ec)),
              "{}: --out exists and is not an empty folder; choose another", folder);
  const std::vector<UserSequence> users = read_sequences(args.sequences);

  // The catalogue negatives are drawn from: every item some user touched.
  std::vector<int64_t> catalogue;
  for (const auto& user : users) catalogue.insert(catalogue.end(), user.items.begin(), user.items.end());
  std::sort(catalogue.begin(), catalogue.end());
  catalogue.erase(std::unique(catalogue.begin(), catalogue.end()), catalogue.end());
  const int64_t item_rows = catalogue.back() + 1;
  const ItemTags tags = read_item_tags(args.attributes, item_rows, args.tags);

  SplitRows train(args.history), valid(args.history), test(args.history);
  io::Int64Array sequence_user;
  io::ListArray sequence_items;
  int64_t skipped_users = 0;
  for (size_t u = 0; u < users.size(); ++u) {
    const UserSequence& user = users[u];
    const int64_t n = static_cast<int64_t>(user.items.size());
    if (n < 3) {  // no room for a valid and a test step
      ++skipped_users;
      continue;
    }
    std::vector<int64_t> touched = user.items;
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    MMCTR_CHECK(touched.size() < catalogue.size(), "{}: user {} touched every item; no negative can be drawn",
                args.sequences, user.user);
    for (int64_t k = 1; k < n; ++k) {
      Rng rng(args.seed, kNegativeStream, u, static_cast<uint64_t>(k));
      int64_t negative;
      do {
        negative = catalogue[rng.below(catalogue.size())];
      } while (std::binary_search(touched.begin(), touched.end(), negative));
      SplitRows& split = k == n - 1 ? test : k == n - 2 ? valid : train;
      split.add(user.user, user.items, k, user.items[k], 1);
      split.add(user.user, user.items, k, negative, 0);
    }
    sequence_user.push_back(user.user);
    sequence_items.push_back(user.items.data(), n - 2);
  }
  MMCTR_CHECK(valid.rows() > 0, "{}: no user has the 3 items a train, valid and test step need", args.sequences);

  PendingOutput output(folder, /*is_directory=*/true);
  const fs::path dir(output.path());
  fs::create_directories(dir / "truth");
  {
    io::Table item_info;
    io::Int64Array item_id(item_rows);
    for (int64_t i = 0; i < item_rows; ++i) item_id[i] = i;
    item_info.add("item_id", std::move(item_id));
    item_info.add("item_tags", tags.tags);
    io::write_parquet((dir / "item_info.parquet").string(), item_info);
  }
  {
    io::Table item_seq;
    item_seq.add("user_id", std::move(sequence_user));
    item_seq.add("item_seq", std::move(sequence_items));
    io::write_parquet((dir / "item_seq.parquet").string(), item_seq);
  }
  io::write_parquet((dir / "train.parquet").string(), train.table(false));
  io::write_parquet((dir / "valid.parquet").string(), valid.table(false));
  io::write_parquet((dir / "test.parquet").string(), test.table(true));
  {
    io::Table labels;
    labels.add("ID", row_ids(test.rows()));
    labels.add("label", test.label);
    io::write_parquet((dir / "truth" / "test_labels.parquet").string(), labels);
  }
  int64_t max_tag = 0;
  for (int64_t v : tags.tags.data) max_tag = std::max(max_tag, v);
  nlohmann::json summary = {
      {"sequences", args.sequences},
      {"attributes", args.attributes},
      {"out", args.out},
      {"seed", args.seed},
      {"history", args.history},
      {"users", users.size() - skipped_users},
      {"skipped_users", skipped_users},
      {"items", catalogue.size()},
      {"item_rows", item_rows},
      {"items_with_tags", tags.items_with_tags},
      {"truncated_tag_lists", tags.truncated},
      {"attribute_items_not_in_sequences", tags.unknown_items},
      {"max_tag", max_tag},
      {"train_rows", train.rows()},
      {"valid_rows", valid.rows()},
      {"test_rows", test.rows()}};
  write_text_file_atomic((dir / "source.json").string(), summary.dump(2) + "\n");
  output.commit();
  return summary;
}

}  // namespace mmctr::prep
