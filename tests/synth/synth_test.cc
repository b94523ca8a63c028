// mmctr synth: the files follow the MicroLens_1M_x1 schema, are reproducible from the seed, and carry
// the planted structure and ground truth that the later stages and their tests rely on.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>
#include <set>

#include "common/error.h"
#include "common/files.h"
#include "common/progress.h"
#include "image/codec.h"
#include "io/microlens.h"
#include "io/parquet.h"
#include "synth/item_features.h"
#include "synth/synth.h"

namespace fs = std::filesystem;
using namespace mmctr;
using io::ColumnType;

namespace {

fs::path scratch_root() {
  static const fs::path root = fs::temp_directory_path() / ("mmctr_synth_test_" + std::to_string(getpid()));
  fs::create_directories(root);
  return root;
}

// Removes the scratch folder once all tests have run.
class ScratchCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(scratch_root(), ec);
  }
};
const auto* const kScratchCleanup = ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

synth::SynthArgs small_args(const std::string& name) {
  synth::SynthArgs a;
  a.out = (scratch_root() / name).string();
  a.items = 400;
  a.users = 500;
  a.train_rows = 5000;
  a.valid_rows = 3000;
  a.test_rows = 3000;
  a.topics = 8;
  a.image_min = 48;
  a.image_max = 128;
  a.missing_images = 0.1;
  a.corrupt_images = 0.1;
  a.cold_items = 0.05;
  a.threads = 2;
  return a;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// Relative path -> bytes of every file under dir.
std::map<std::string, std::string> folder_contents(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = read_bytes(e.path());
  return files;
}

// AUC by counting pairs: independent of metrics::roc_auc's rank formula.
double pairwise_auc(const std::vector<double>& score, const std::vector<int64_t>& label) {
  double wins = 0;
  int64_t pairs = 0;
  for (size_t i = 0; i < score.size(); ++i) {
    if (!label[i]) continue;
    for (size_t j = 0; j < score.size(); ++j) {
      if (label[j]) continue;
      wins += score[i] > score[j] ? 1.0 : score[i] == score[j] ? 0.5 : 0.0;
      ++pairs;
    }
  }
  return wins / pairs;
}

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); }

// One data set shared by the tests that only read it.
class SynthData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Progress::set_enabled(false);
    args_ = new synth::SynthArgs(small_args("shared"));
    truth_ = new nlohmann::json(synth::generate(*args_));
  }
  static void TearDownTestSuite() {
    delete args_;
    delete truth_;
  }
  static std::string file(const std::string& name) { return (fs::path(args_->out) / name).string(); }
  static io::Table item_truth() {
    return io::read_parquet(file("truth/item_truth.parquet"),
                            {{"item_id", ColumnType::Int64}, {"topic", ColumnType::Int64},
                             {"popularity", ColumnType::Float32}, {"cold", ColumnType::Int64},
                             {"image_state", ColumnType::Int64}});
  }

  static synth::SynthArgs* args_;
  static nlohmann::json* truth_;
};
synth::SynthArgs* SynthData::args_ = nullptr;
nlohmann::json* SynthData::truth_ = nullptr;

TEST_F(SynthData, EveryFileHasTheMicroLensSchemaInOrder) {
  auto names_and_types = [](const std::string& path) {
    std::vector<std::string> out;
    for (const auto& f : io::parquet_schema(path)) out.push_back(f.name + ":" + f.type);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names_and_types(file("item_info.parquet")),
            (V{"item_id:BIGINT", "item_tags:BIGINT[]", "item_emb_d128:FLOAT[]"}));
  EXPECT_EQ(names_and_types(file("item_seq.parquet")), (V{"user_id:BIGINT", "item_seq:BIGINT[]"}));
  const V labelled{"user_id:BIGINT",    "item_seq:BIGINT[]",  "item_id:BIGINT",
                   "likes_level:BIGINT", "views_level:BIGINT", "label:BIGINT"};
  EXPECT_EQ(names_and_types(file("train.parquet")), labelled);
  EXPECT_EQ(names_and_types(file("valid.parquet")), labelled);
  EXPECT_EQ(names_and_types(file("test.parquet")),
            (V{"ID:BIGINT", "user_id:BIGINT", "item_seq:BIGINT[]", "item_id:BIGINT", "likes_level:BIGINT",
               "views_level:BIGINT"}));

  // The checking readers accept every file, with all ids inside item_info.
  const io::ItemInfo info = io::read_item_info(file("item_info.parquet"));
  EXPECT_EQ(info.items(), args_->items + 1);
  EXPECT_EQ(info.tags.cols, 5);
  EXPECT_EQ(info.emb.cols, 128);
  EXPECT_EQ(io::read_ctr(file("train.parquet"), io::CtrKind::Labelled, info.items()).rows(), args_->train_rows);
  EXPECT_EQ(io::read_ctr(file("valid.parquet"), io::CtrKind::Labelled, info.items()).rows(), args_->valid_rows);
  const io::CtrData test = io::read_ctr(file("test.parquet"), io::CtrKind::Test, info.items());
  ASSERT_EQ(test.rows(), args_->test_rows);
  EXPECT_EQ(test.item_seq.cols, 64);
  for (int64_t r = 0; r < test.rows(); ++r) ASSERT_EQ(test.id[r], r);
  for (int64_t r = 0; r < test.rows(); ++r) {
    ASSERT_GE(test.likes_level[r], 1);
    ASSERT_LE(test.likes_level[r], 10);
    ASSERT_GE(test.views_level[r], 1);
    ASSERT_LE(test.views_level[r], 10);
  }

  const io::Table seq = io::read_parquet(file("item_seq.parquet"),
                                         {{"user_id", ColumnType::Int64}, {"item_seq", ColumnType::Int64List}});
  ASSERT_EQ(seq.rows(), args_->users);
  const auto& lists = seq.get<io::ListArray>("item_seq");
  for (int64_t r = 0; r < lists.rows(); ++r) {
    ASSERT_EQ(seq.get<io::Int64Array>("user_id")[r], r + 1);
    ASSERT_GE(lists.length(r), 5);
    for (int64_t j = 0; j < lists.length(r); ++j) {
      ASSERT_GE(lists.row(r)[j], 1) << "sequences are not padded";
      ASSERT_LE(lists.row(r)[j], args_->items);
    }
  }
}

TEST_F(SynthData, ItemInfoRowZeroIsPaddingAndIdsAreContiguous) {
  const io::ItemInfo info = io::read_item_info(file("item_info.parquet"));
  for (int64_t i = 0; i < info.items(); ++i) ASSERT_EQ(info.item_id[i], i);
  for (int64_t j = 0; j < info.tags.cols; ++j) EXPECT_EQ(info.tags.row(0)[j], 0);
  for (int64_t j = 0; j < info.emb.cols; ++j) EXPECT_EQ(info.emb.row(0)[j], 0.0f);
  for (int64_t i = 1; i < info.items(); ++i) {
    double norm = 0;
    for (int64_t j = 0; j < info.emb.cols; ++j) norm += info.emb.row(i)[j] * info.emb.row(i)[j];
    ASSERT_NEAR(norm, 1.0, 1e-4) << "item " << i;
    // Tags are left-padded: once a tag appears, no zero follows.
    bool seen = false;
    for (int64_t j = 0; j < info.tags.cols; ++j) {
      if (info.tags.row(i)[j] != 0) seen = true;
      else ASSERT_FALSE(seen) << "item " << i << " has a zero after a tag";
    }
    ASSERT_TRUE(seen) << "item " << i << " has no tag";
  }
}

TEST_F(SynthData, PositiveRateIsNearTheTarget) {
  for (const char* split : {"train", "valid", "test"}) {
    EXPECT_NEAR((*truth_)["positive_rate"][split].get<double>(), 0.25, 0.03) << split;
  }
  const io::CtrData train = io::read_ctr(file("train.parquet"), io::CtrKind::Labelled);
  const double positives = std::accumulate(train.label.begin(), train.label.end(), 0.0);
  EXPECT_NEAR(positives / train.rows(), (*truth_)["positive_rate"]["train"].get<double>(), 1e-12);
}

TEST_F(SynthData, OracleAucIsRecomputableAndClearlyAbovePopularity) {
  const io::Table labels = io::read_parquet(file("truth/test_labels.parquet"),
                                            {{"ID", ColumnType::Int64}, {"label", ColumnType::Int64},
                                             {"probability", ColumnType::Float32}});
  const auto& label = labels.get<io::Int64Array>("label");
  const auto& probability = labels.get<io::FloatArray>("probability");
  const std::vector<double> p(probability.begin(), probability.end());
  const double oracle = pairwise_auc(p, label);
  EXPECT_NEAR(oracle, (*truth_)["oracle_auc"]["test"].get<double>(), 1e-9);

  const io::Table items = item_truth();
  const auto& popularity = items.get<io::FloatArray>("popularity");
  const io::CtrData test = io::read_ctr(file("test.parquet"), io::CtrKind::Test);
  std::vector<double> pop(test.rows());
  for (int64_t r = 0; r < test.rows(); ++r) pop[r] = popularity[test.item_id[r]];
  const double popularity_auc = pairwise_auc(pop, label);
  EXPECT_NEAR(popularity_auc, (*truth_)["popularity_auc"]["test"].get<double>(), 1e-9);

  const io::CtrData valid = io::read_ctr(file("valid.parquet"), io::CtrKind::Labelled);
  std::vector<double> valid_pop(valid.rows());
  for (int64_t r = 0; r < valid.rows(); ++r) valid_pop[r] = popularity[valid.item_id[r]];
  EXPECT_NEAR(pairwise_auc(valid_pop, valid.label), (*truth_)["popularity_auc"]["valid"].get<double>(), 1e-9);

  EXPECT_GT(oracle, popularity_auc + 0.08);
  EXPECT_GT(popularity_auc, 0.53) << "popularity carries some signal";
  EXPECT_GT((*truth_)["oracle_auc"]["valid"].get<double>(),
            (*truth_)["popularity_auc"]["valid"].get<double>() + 0.08);
}

TEST_F(SynthData, LabelsAreDrawnFromTheStatedProbabilities) {
  const io::Table labels = io::read_parquet(file("truth/test_labels.parquet"),
                                            {{"label", ColumnType::Int64}, {"probability", ColumnType::Float32}});
  const auto& label = labels.get<io::Int64Array>("label");
  const auto& probability = labels.get<io::FloatArray>("probability");
  // Calibration by quintile of the probability: the observed click rate matches the mean probability.
  std::vector<size_t> order(label.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return probability[a] < probability[b]; });
  const size_t bins = 5, per_bin = order.size() / bins;
  for (size_t b = 0; b < bins; ++b) {
    double p = 0, y = 0;
    for (size_t k = b * per_bin; k < (b + 1) * per_bin; ++k) {
      p += probability[order[k]];
      y += label[order[k]];
    }
    p /= per_bin;
    y /= per_bin;
    const double se = std::sqrt(p * (1 - p) / per_bin);
    EXPECT_NEAR(y, p, 4 * se + 0.01) << "quintile " << b;
  }
}

TEST_F(SynthData, TagsAndEmbeddingsRevealTheTopic) {
  const io::ItemInfo info = io::read_item_info(file("item_info.parquet"));
  const io::Table items = item_truth();
  const auto& topic = items.get<io::Int64Array>("topic");
  EXPECT_EQ(topic[0], -1);
  const int64_t per_topic = args_->model.tags_per_topic, generic = synth::first_generic_tag(*args_);
  int64_t own = 0, total = 0;
  for (int64_t i = 1; i < info.items(); ++i) {
    for (int64_t j = 0; j < info.tags.cols; ++j) {
      const int64_t tag = info.tags.row(i)[j];
      if (tag == 0) continue;
      ++total;
      if (tag < generic && (tag - 1) / per_topic == topic[i]) ++own;
      else ASSERT_GE(tag, generic) << "item " << i << " has another topic's tag " << tag;
    }
  }
  EXPECT_GT(static_cast<double>(own) / total, 0.7);

  // Embeddings: each item is nearer its own topic's mean than any other topic's.
  const int K = args_->topics;
  const int64_t dim = info.emb.cols;
  std::vector<std::vector<double>> centre(K, std::vector<double>(dim, 0.0));
  for (int64_t i = 1; i < info.items(); ++i)
    for (int64_t j = 0; j < dim; ++j) centre[topic[i]][j] += info.emb.row(i)[j];
  int64_t correct = 0;
  for (int64_t i = 1; i < info.items(); ++i) {
    int best = -1;
    double best_dot = -1e9;
    for (int t = 0; t < K; ++t) {
      double dot = 0;
      for (int64_t j = 0; j < dim; ++j) dot += centre[t][j] * info.emb.row(i)[j];
      if (dot > best_dot) best_dot = dot, best = t;
    }
    correct += best == topic[i];
  }
  EXPECT_GT(static_cast<double>(correct) / (info.items() - 1), 0.95);
}

TEST_F(SynthData, ImagesDecodeHaveVariedSizesAndTheirColoursTellTheTopic) {
  const io::Table items = item_truth();
  const auto& topic = items.get<io::Int64Array>("topic");
  const auto& state = items.get<io::Int64Array>("image_state");
  const int K = args_->topics;
  std::vector<std::array<double, 3>> colour(topic.size());
  std::vector<std::array<double, 3>> centre(K, {0, 0, 0});
  std::vector<int> members(K, 0);
  int64_t present = 0, missing = 0, corrupt = 0, wide = 0, tall = 0;
  EXPECT_FALSE(file_exists(file("item_images/0.jpg")));
  for (int64_t i = 1; i < static_cast<int64_t>(topic.size()); ++i) {
    const std::string path = file("item_images/" + std::to_string(i) + ".jpg");
    if (state[i] == 1) {
      ++missing;
      ASSERT_FALSE(file_exists(path));
      continue;
    }
    if (state[i] == 2) {
      ++corrupt;
      ASSERT_THROW(image::read_image(path), image::ImageError) << path;
      continue;
    }
    ++present;
    const image::Image img = image::read_image(path);
    ASSERT_GE(std::min(img.width, img.height), args_->image_min);
    ASSERT_LE(std::max(img.width, img.height), args_->image_max);
    wide += img.width > img.height * 1.2;
    tall += img.height > img.width * 1.2;
    std::array<double, 3> sum{0, 0, 0};
    for (size_t p = 0; p < img.rgb.size(); p += 3)
      for (int c = 0; c < 3; ++c) sum[c] += img.rgb[p + c];
    for (int c = 0; c < 3; ++c) colour[i][c] = sum[c] / (img.rgb.size() / 3);
    for (int c = 0; c < 3; ++c) centre[topic[i]][c] += colour[i][c];
    ++members[topic[i]];
  }
  const double n = static_cast<double>(args_->items);
  EXPECT_NEAR(missing / n, args_->missing_images, 0.05);
  EXPECT_NEAR(corrupt / n, args_->corrupt_images, 0.05);
  EXPECT_EQ(present + missing + corrupt, args_->items);
  EXPECT_EQ((*truth_)["counts"]["images_corrupt"].get<int64_t>(), corrupt);
  EXPECT_GT(wide, present / 5);
  EXPECT_GT(tall, present / 5);

  // The mean colour alone picks the topic far above chance (1/K).
  for (int t = 0; t < K; ++t)
    for (int c = 0; c < 3; ++c) centre[t][c] /= members[t];
  int64_t correct = 0;
  for (int64_t i = 1; i < static_cast<int64_t>(topic.size()); ++i) {
    if (state[i] != 0) continue;
    int best = 0;
    double best_d = 1e18;
    for (int t = 0; t < K; ++t) {
      double d = 0;
      for (int c = 0; c < 3; ++c) d += (colour[i][c] - centre[t][c]) * (colour[i][c] - centre[t][c]);
      if (d < best_d) best_d = d, best = t;
    }
    correct += best == topic[i];
  }
  EXPECT_GT(static_cast<double>(correct) / present, 0.6);
}

TEST_F(SynthData, SequencesFollowPreferencesAndPopularityAndSkipColdItems) {
  const io::Table items = item_truth();
  const auto& topic = items.get<io::Int64Array>("topic");
  const auto& popularity = items.get<io::FloatArray>("popularity");
  const auto& cold = items.get<io::Int64Array>("cold");
  const int64_t n_cold = std::accumulate(cold.begin(), cold.end(), int64_t{0});
  EXPECT_NEAR(static_cast<double>(n_cold) / args_->items, args_->cold_items, 0.01);

  const io::Table seq = io::read_parquet(file("item_seq.parquet"),
                                         {{"user_id", ColumnType::Int64}, {"item_seq", ColumnType::Int64List}});
  const auto& lists = seq.get<io::ListArray>("item_seq");
  std::vector<int64_t> count(topic.size(), 0);
  double top_share = 0;
  for (int64_t r = 0; r < lists.rows(); ++r) {
    std::vector<int64_t> per_topic(args_->topics, 0);
    for (int64_t j = 0; j < lists.length(r); ++j) {
      const int64_t item = lists.row(r)[j];
      ASSERT_EQ(cold[item], 0) << "cold item " << item << " in a sequence";
      ++count[item];
      ++per_topic[topic[item]];
    }
    top_share += static_cast<double>(*std::max_element(per_topic.begin(), per_topic.end())) / lists.length(r);
  }
  // Users concentrate on few topics (a uniform mix over 8 topics would give about 0.25 here).
  EXPECT_GT(top_share / lists.rows(), 0.5);
  // Zipf skew: the 10% most popular items take a large share of all behaviour.
  std::vector<int64_t> by_popularity(topic.size() - 1);
  std::iota(by_popularity.begin(), by_popularity.end(), 1);
  std::sort(by_popularity.begin(), by_popularity.end(),
            [&](int64_t a, int64_t b) { return popularity[a] > popularity[b]; });
  int64_t head = 0;
  for (size_t k = 0; k < by_popularity.size() / 10; ++k) head += count[by_popularity[k]];
  EXPECT_GT(static_cast<double>(head) / lists.values.size(), 0.4);

  // Histories are windows of the user's sequence that end at the row's point in it; no cold items.
  const io::CtrData train = io::read_ctr(file("train.parquet"), io::CtrKind::Labelled);
  for (int64_t r = 0; r < train.rows(); ++r) {
    ASSERT_EQ(cold[train.item_id[r]], 0) << "cold target in train row " << r;
    const int64_t* h = train.item_seq.row(r);
    const int64_t width = train.item_seq.cols;
    int64_t pad = 0;
    while (pad < width && h[pad] == 0) ++pad;
    ASSERT_LT(pad, width) << "empty history, row " << r;
    for (int64_t j = pad; j < width; ++j) ASSERT_NE(h[j], 0) << "padding must be on the left, row " << r;
    const int64_t user = train.user_id[r] - 1;
    const int64_t* s = lists.row(user);
    const int64_t kept = width - pad, length = lists.length(user);
    bool found = false;
    for (int64_t end = kept; end <= length && !found; ++end)
      found = std::equal(h + pad, h + width, s + end - kept);
    ASSERT_TRUE(found) << "train row " << r << ": history is not a window of user " << user + 1 << "'s sequence";
  }
  // valid/test show some cold items (the cold-start path), never in histories.
  EXPECT_GT((*truth_)["counts"]["test_cold_targets"].get<int64_t>(), 0);
  const io::CtrData test = io::read_ctr(file("test.parquet"), io::CtrKind::Test);
  for (int64_t v : test.item_seq.data) ASSERT_TRUE(v == 0 || cold[v] == 0);
}

TEST_F(SynthData, LevelsFollowPopularity) {
  const io::Table items = item_truth();
  const auto& popularity = items.get<io::FloatArray>("popularity");
  const io::CtrData train = io::read_ctr(file("train.parquet"), io::CtrKind::Labelled);
  std::map<int64_t, std::pair<int64_t, int64_t>> levels;  // item -> (likes, views)
  for (int64_t r = 0; r < train.rows(); ++r) {
    auto [it, fresh] = levels.emplace(train.item_id[r], std::make_pair(train.likes_level[r], train.views_level[r]));
    ASSERT_EQ(it->second, std::make_pair(train.likes_level[r], train.views_level[r])) << "levels are per item";
  }
  std::vector<double> low, high;
  for (const auto& [item, lv] : levels) {
    if (lv.second <= 3) low.push_back(std::log(popularity[item]));
    if (lv.second >= 8) high.push_back(std::log(popularity[item]));
  }
  ASSERT_FALSE(low.empty());
  ASSERT_FALSE(high.empty());
  EXPECT_GT(mean(high), mean(low) + 1.0);
}

TEST(Synth, SameSeedSameBytesForAnyThreadCountAndOtherSeedDiffers) {
  Progress::set_enabled(false);
  synth::SynthArgs a = small_args("det_a");
  a.items = 120;
  a.users = 150;
  a.train_rows = 40000;  // more than one Parquet batch
  a.valid_rows = a.test_rows = 300;
  synth::SynthArgs b = a, c = a;
  b.out = (scratch_root() / "det_b").string();
  b.threads = 1;
  c.out = (scratch_root() / "det_c").string();
  c.seed = a.seed + 1;
  synth::generate(a);
  synth::generate(b);
  synth::generate(c);
  const auto files_a = folder_contents(a.out), files_b = folder_contents(b.out), files_c = folder_contents(c.out);
  ASSERT_GT(files_a.size(), 100u);
  ASSERT_EQ(files_a.size(), files_b.size());
  for (const auto& [name, bytes] : files_a) {
    auto other = files_b.find(name);
    ASSERT_NE(other, files_b.end()) << name;
    EXPECT_TRUE(bytes == other->second) << name << " differs between runs with the same seed";
  }
  for (const char* name : {"item_info.parquet", "item_seq.parquet", "train.parquet", "test.parquet",
                           "item_images/7.jpg"}) {
    ASSERT_TRUE(files_a.count(name) && files_c.count(name)) << name;
    EXPECT_FALSE(files_a.at(name) == files_c.at(name)) << name << " is the same for another seed";
  }
}

TEST(Synth, RefusesAForeignNonEmptyFolderUnlessForcedAndReplacesItsOwnOutput) {
  Progress::set_enabled(false);
  synth::SynthArgs a = small_args("foreign");
  a.items = 40;
  a.users = 20;
  a.train_rows = a.valid_rows = a.test_rows = 100;
  a.topics = 4;
  a.images = false;
  fs::create_directories(a.out);
  { std::ofstream(fs::path(a.out) / "notes.txt") << "keep me"; }
  EXPECT_THROW(synth::generate(a), InputError);
  EXPECT_TRUE(file_exists((fs::path(a.out) / "notes.txt").string()));

  a.force = true;
  synth::generate(a);
  EXPECT_FALSE(file_exists((fs::path(a.out) / "notes.txt").string()));
  EXPECT_FALSE(fs::exists(fs::path(a.out) / "item_images")) << "--no-images writes no image folder";

  a.force = false;  // an earlier synth output may be replaced
  a.seed = 7;
  a.out += "/";
  const nlohmann::json truth = synth::generate(a);
  const auto written = nlohmann::json::parse(read_text_file((fs::path(a.out) / "truth/truth.json").string()));
  EXPECT_EQ(written["seed"].get<uint64_t>(), 7u);
  EXPECT_EQ(written, truth);
}

TEST(Synth, RejectsBadArguments) {
  synth::SynthArgs a = small_args("bad");
  a.missing_images = 0.7;
  a.corrupt_images = 0.5;
  EXPECT_THROW(synth::generate(a), InputError);
  a = small_args("bad");
  a.items = 10;  // fewer than 4 per topic
  EXPECT_THROW(synth::generate(a), InputError);
  a = small_args("bad");
  a.image_min = 200;
  a.image_max = 100;
  EXPECT_THROW(synth::generate(a), InputError);
  EXPECT_FALSE(fs::exists(a.out));
}

}  // namespace
