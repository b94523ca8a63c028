#include "prep/sequence_ctr.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/files.h"
#include "io/microlens.h"
#include "io/parquet.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace mmctr::prep {
namespace {

using mmctr::testing::expect_input_error;
using mmctr::testing::TempDir;

const std::string kAmazon = std::string(MMCTR_SHARED_DIR) + "/data/amazon/";

// The sequences as the test reads them itself: user -> items.
std::map<int64_t, std::vector<int64_t>> read_text_sequences(const std::string& path) {
  std::map<int64_t, std::vector<int64_t>> users;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    int64_t user, item;
    fields >> user;
    while (fields >> item) users[user].push_back(item);
  }
  return users;
}

// The history a row must hold for step k of `items`, left-padded to `length`.
std::vector<int64_t> expected_history(const std::vector<int64_t>& items, size_t k, size_t length) {
  std::vector<int64_t> history(length, 0);
  const size_t n = std::min(k, length);
  std::copy(items.begin() + (k - n), items.begin() + k, history.end() - n);
  return history;
}

class ToysAndGames : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    SequenceCtrArgs args;
    args.sequences = kAmazon + "Toys_and_Games.txt";
    args.attributes = kAmazon + "Toys_and_Games_item2attributes.json";
    args.out = dir_->file("data");
    summary_ = new nlohmann::json(convert_sequences(args));
    users_ = new std::map<int64_t, std::vector<int64_t>>(read_text_sequences(args.sequences));
  }
  static void TearDownTestSuite() {
    delete users_;
    delete summary_;
    delete dir_;
  }
  static std::string file(const std::string& name) { return dir_->file("data/" + name); }

  static TempDir* dir_;
  static nlohmann::json* summary_;
  static std::map<int64_t, std::vector<int64_t>>* users_;
};
TempDir* ToysAndGames::dir_ = nullptr;
nlohmann::json* ToysAndGames::summary_ = nullptr;
std::map<int64_t, std::vector<int64_t>>* ToysAndGames::users_ = nullptr;

TEST_F(ToysAndGames, EveryStepIsAPositiveAndANegativeInTheRightSplit) {
  // The data set's README: 19,412 users, 11,924 items, 167,597 interactions (5-core: every user >= 5).
  ASSERT_EQ(users_->size(), 19412u);
  int64_t interactions = 0;
  for (const auto& [user, items] : *users_) interactions += static_cast<int64_t>(items.size());
  ASSERT_EQ(interactions, 167597);
  const int64_t users = 19412;
  EXPECT_EQ((*summary_)["items"], 11924);
  EXPECT_EQ((*summary_)["train_rows"], 2 * (interactions - 3 * users));  // steps 1..n-3
  EXPECT_EQ((*summary_)["valid_rows"], 2 * users);
  EXPECT_EQ((*summary_)["test_rows"], 2 * users);

  const io::ItemInfo info = io::read_item_info(file("item_info.parquet"), {}, /*need_emb=*/false);
  ASSERT_EQ(info.items(), 11925);
  const io::CtrData train = io::read_ctr(file("train.parquet"), io::CtrKind::Labelled, info.items());
  const io::CtrData valid = io::read_ctr(file("valid.parquet"), io::CtrKind::Labelled, info.items());
  io::CtrData test = io::read_ctr(file("test.parquet"), io::CtrKind::Test, info.items());
  io::attach_labels(test, file("truth/test_labels.parquet"));

  // Rows come per user in file order, the positive then the negative of each step.
  std::map<int64_t, int64_t> next_train_row;
  for (int64_t r = train.rows() - 1; r >= 0; --r) next_train_row[train.user_id[r]] = r;
  std::set<int64_t> distinct_negatives;
  int64_t user_index = 0;
  for (const auto& [user, items] : *users_) {
    const size_t n = items.size();
    const std::set<int64_t> touched(items.begin(), items.end());
    auto check_step = [&](const io::CtrData& data, int64_t row, size_t k) {
      for (int64_t pair = 0; pair < 2; ++pair) {
        const int64_t r = row + pair;
        ASSERT_EQ(data.user_id[r], user);
        EXPECT_EQ(std::vector<int64_t>(data.item_seq.row(r), data.item_seq.row(r) + 64),
                  expected_history(items, k, 64)) << "user " << user << " step " << k;
        EXPECT_EQ(data.label[r], 1 - pair);
        EXPECT_EQ(data.likes_level[r], 0);
      }
      EXPECT_EQ(data.item_id[row], items[k]);
      EXPECT_EQ(touched.count(data.item_id[row + 1]), 0u) << "negative the user touched, user " << user;
      distinct_negatives.insert(data.item_id[row + 1]);
    };
    check_step(test, 2 * user_index, n - 1);
    check_step(valid, 2 * user_index, n - 2);
    for (size_t k = 1; k + 2 < n; ++k) check_step(train, next_train_row[user] + 2 * (k - 1), k);
    if (HasFailure()) return;
    ++user_index;
  }
  // Uniform negatives over 11,924 items, 136,997 draws: all but a handful of items get drawn.
  EXPECT_GT(distinct_negatives.size(), 11800u);
  for (int64_t r = 0; r < test.rows(); ++r) ASSERT_EQ(test.id[r], r);
}

TEST_F(ToysAndGames, ItemSequencesHoldNeitherValidNorTestTargets) {
  const io::Table seq = io::read_parquet(file("item_seq.parquet"), {{"user_id", io::ColumnType::Int64},
                                                                     {"item_seq", io::ColumnType::Int64List}});
  const auto& user_id = seq.get<io::Int64Array>("user_id");
  const auto& item_seq = seq.get<io::ListArray>("item_seq");
  ASSERT_EQ(user_id.size(), users_->size());
  for (size_t r = 0; r < user_id.size(); ++r) {
    const std::vector<int64_t>& items = users_->at(user_id[r]);
    ASSERT_EQ(std::vector<int64_t>(item_seq.row(r), item_seq.row(r) + item_seq.length(r)),
              std::vector<int64_t>(items.begin(), items.end() - 2));
  }
}

TEST_F(ToysAndGames, TagsAreTheFirstFiveAttributesLeftPadded) {
  const nlohmann::json attributes =
      nlohmann::json::parse(read_text_file(kAmazon + "Toys_and_Games_item2attributes.json"));
  const io::ItemInfo info = io::read_item_info(file("item_info.parquet"), {}, /*need_emb=*/false);
  ASSERT_EQ(info.tags.cols, 5);
  int64_t truncated = 0;
  for (const auto& [key, list] : attributes.items()) {
    std::vector<int64_t> expected = list.get<std::vector<int64_t>>();
    if (expected.size() > 5) {
      expected.resize(5);
      ++truncated;
    }
    expected.insert(expected.begin(), 5 - expected.size(), 0);
    const int64_t item = std::stoll(key);
    ASSERT_EQ(std::vector<int64_t>(info.tags.row(item), info.tags.row(item) + 5), expected) << "item " << item;
  }
  EXPECT_EQ((*summary_)["truncated_tag_lists"], truncated);
  EXPECT_EQ((*summary_)["max_tag"], 1027);
  EXPECT_EQ(std::vector<int64_t>(info.tags.row(0), info.tags.row(0) + 5), std::vector<int64_t>(5, 0));
}

// A small sequence file for the cases below.
std::string write_sequences(const TempDir& dir, const std::string& text) {
  const std::string path = dir.file("seq.txt");
  std::ofstream(path) << text;
  return path;
}

TEST(SequenceCtr, NegativesDependOnlyOnTheSeedAndShortUsersAreSkipped) {
  TempDir dir;
  SequenceCtrArgs args;
  args.sequences = write_sequences(dir, "1 1 2 3 4\n2 5 6\n3 7 8\n\n4 2 9 10 11 12 13 14 15 16 17 18 19 20\n");
  args.history = 3;
  auto negatives = [&](uint64_t seed, const std::string& out) {
    args.seed = seed;
    args.out = dir.file(out);
    const nlohmann::json summary = convert_sequences(args);
    EXPECT_EQ(summary["skipped_users"], 2);  // users 2 and 3 have 2 items: no valid step
    const io::CtrData train = io::read_ctr(dir.file(out + "/train.parquet"), io::CtrKind::Labelled);
    // user 1: train step 1 of 4 items; user 4: steps 1..10 of 13
    EXPECT_EQ(train.rows(), 2 * (1 + 10));
    if (train.rows() != 22) return std::vector<int64_t>{};
    EXPECT_EQ(std::vector<int64_t>(train.item_seq.row(0), train.item_seq.row(0) + 3),
              (std::vector<int64_t>{0, 0, 1}));
    EXPECT_EQ(std::vector<int64_t>(train.item_seq.row(2), train.item_seq.row(2) + 3),
              (std::vector<int64_t>{0, 0, 2}));
    EXPECT_EQ(std::vector<int64_t>(train.item_seq.row(20), train.item_seq.row(20) + 3),
              (std::vector<int64_t>{15, 16, 17}));
    std::vector<int64_t> drawn;
    for (int64_t r = 1; r < train.rows(); r += 2) drawn.push_back(train.item_id[r]);
    return drawn;
  };
  const auto first = negatives(7, "a");
  EXPECT_EQ(negatives(7, "b"), first);
  EXPECT_NE(negatives(8, "c"), first);
}

TEST(SequenceCtr, BadInputNamesFileAndLine) {
  TempDir dir;
  SequenceCtrArgs args;
  args.out = dir.file("out");
  args.sequences = write_sequences(dir, "1 1 2 3\n2 4 x 5\n");
  expect_input_error([&] { convert_sequences(args); }, {"seq.txt", "line 2", "'x'"});
  args.sequences = write_sequences(dir, "1 1 2 3\n2 4 0 5\n");
  expect_input_error([&] { convert_sequences(args); }, {"line 2", "'0'", "positive"});
  args.sequences = write_sequences(dir, "1 1 2 3\n1 4 5 6\n");
  expect_input_error([&] { convert_sequences(args); }, {"line 2", "user 1", "line 1"});
  args.sequences = write_sequences(dir, "1 1 2\n2 3 4\n");
  expect_input_error([&] { convert_sequences(args); }, {"3 items"});

  args.sequences = write_sequences(dir, "1 1 2 3\n2 2 3 4\n");
  args.attributes = dir.file("attributes.json");
  std::ofstream(args.attributes) << "{\"1\": [1, 2], \"2\": [0]}";
  expect_input_error([&] { convert_sequences(args); }, {"attributes.json", "item 2", "attribute 0"});
  std::ofstream(args.attributes) << "{\"1\": [1, 2],";
  expect_input_error([&] { convert_sequences(args); }, {"attributes.json", "not valid JSON"});
  std::ofstream(args.attributes) << "{\"one\": [1]}";
  expect_input_error([&] { convert_sequences(args); }, {"attributes.json", "'one'"});
  EXPECT_FALSE(file_exists(args.out));  // nothing half-written

  std::ofstream(args.attributes) << "{\"1\": [1, 2]}";
  std::filesystem::create_directories(args.out + "/keep");
  expect_input_error([&] { convert_sequences(args); }, {"not an empty folder"});
  EXPECT_TRUE(file_exists(args.out + "/keep"));
}

}  // namespace
}  // namespace mmctr::prep
