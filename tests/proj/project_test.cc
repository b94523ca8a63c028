#include "proj/project.h"

#include <duckdb.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "common/error.h"
#include "common/files.h"
#include "common/progress.h"
#include "common/runtime.h"
#include "io/duckdb.h"
#include "io/parquet.h"
#include "proj/planted_topics.h"
#include "support/temp_dir.h"

namespace mmctr::proj {
namespace {

using ::testing::HasSubstr;
using mmctr::testing::PlantedData;
using mmctr::testing::TempDir;

// The first value of a one-row BIGINT query.
int64_t query_int(const io::Connection& con, const std::string& sql) {
  io::QueryStream stream(con, sql);
  duckdb_data_chunk chunk = stream.next();
  MMCTR_ASSERT(chunk && duckdb_data_chunk_get_size(chunk) == 1);
  return static_cast<int64_t*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(chunk, 0)))[0];
}

// Vectors of an (item_id, vector column) file, as a matrix whose row r is item r.
io::FloatMatrix vectors_by_item(const std::string& path, const std::string& column, int64_t items) {
  io::Table t = io::read_parquet(path, {{"item_id", io::ColumnType::Int64},
                                        {column, io::ColumnType::FloatMatrix}});
  const auto& ids = t.get<io::Int64Array>("item_id");
  const auto& m = t.get<io::FloatMatrix>(column);
  io::FloatMatrix by_item{items, m.cols, std::vector<float>(items * m.cols, 0.0f)};
  for (int64_t r = 0; r < m.rows; ++r)
    std::copy(m.row(r), m.row(r) + m.cols, by_item.row(ids[r]));
  return by_item;
}

ProjectArgs args_for(const PlantedData& data, const std::string& dir) {
  ProjectArgs args;
  args.features = {data.features};
  args.targets = data.targets;
  args.item_info = data.item_info;
  args.out = dir + "/item_info_out.parquet";
  args.out_embeddings = dir + "/item_emb_projector.parquet";
  return args;
}

// One run with the seed's defaults on planted data, shared by the tests that inspect its output.
class ProjectOnPlantedTopics : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Progress::set_enabled(false);
    set_threads(1);
    dir_ = std::make_unique<TempDir>();
    data_ = std::make_unique<PlantedData>(mmctr::testing::make_planted_data(dir_->path()));
    args_ = std::make_unique<ProjectArgs>(args_for(*data_, dir_->path()));
    summary_ = std::make_unique<nlohmann::json>(run_project(*args_));
    std::fprintf(stderr, "summary: %s\n", summary_->dump().c_str());
  }
  static void TearDownTestSuite() {
    summary_.reset();
    args_.reset();
    data_.reset();
    dir_.reset();
  }
  static int64_t items() { return static_cast<int64_t>(data_->topic.size()); }

  static std::unique_ptr<TempDir> dir_;
  static std::unique_ptr<PlantedData> data_;
  static std::unique_ptr<ProjectArgs> args_;
  static std::unique_ptr<nlohmann::json> summary_;
};
std::unique_ptr<TempDir> ProjectOnPlantedTopics::dir_;
std::unique_ptr<PlantedData> ProjectOnPlantedTopics::data_;
std::unique_ptr<ProjectArgs> ProjectOnPlantedTopics::args_;
std::unique_ptr<nlohmann::json> ProjectOnPlantedTopics::summary_;

TEST_F(ProjectOnPlantedTopics, ReportsCountsAndBeatsTheMeanTarget) {
  const auto& s = *summary_;
  EXPECT_EQ(s["features"]["items"], 2000);
  EXPECT_EQ(s["features"]["dim"], 128);
  EXPECT_EQ(s["targets"]["items"], 1800);
  EXPECT_EQ(s["aligned"], 1800);
  EXPECT_EQ(s["valid_items"], 90);  // 5% of the aligned items
  EXPECT_EQ(s["train_items"], 1710);
  EXPECT_EQ(s["item_info"]["items"], 2001);
  EXPECT_EQ(s["item_info"]["cold_start"], 200);
  EXPECT_EQ(s["item_info"]["without_features"], 0);
  ASSERT_EQ(s["epochs"].size(), 10u);
  const double mean_mse = s["references"]["mean_target"]["mse"];
  const double ridge_mse = s["references"]["ridge"]["mse"];
  // Targets are topic centres plus noise 0.3: a topic-aware predictor approaches mse 0.09.
  EXPECT_LT(ridge_mse, 0.5 * mean_mse);
  EXPECT_LT(s["valid"]["mse"].get<double>(), 0.5 * mean_mse);
  EXPECT_GT(s["valid"]["cosine"].get<double>(), s["references"]["mean_target"]["cosine"].get<double>() + 0.2);
  EXPECT_LT(s["epochs"][9]["valid_mse"].get<double>(), s["epochs"][0]["valid_mse"].get<double>());
  EXPECT_EQ(s.contains("note"), !s["projector_beats_ridge"].get<bool>());
}

TEST_F(ProjectOnPlantedTopics, NeighboursShareThePlantedTopicColdStartIncluded) {
  // Raw features: the nuisance factors dominate, neighbours rarely share the topic (chance 1/6).
  double raw = mmctr::testing::neighbour_topic_agreement(data_->feature_by_item, data_->topic);
  io::FloatMatrix projected = vectors_by_item(args_->out_embeddings, "item_emb", items());
  double all = mmctr::testing::neighbour_topic_agreement(projected, data_->topic);
  double cold = mmctr::testing::neighbour_topic_agreement(projected, data_->topic, &data_->cold);
  std::fprintf(stderr, "nearest-neighbour topic agreement: raw features %.3f, projected %.3f, "
               "cold-start %.3f\n", raw, all, cold);
  EXPECT_LT(raw, 0.4);
  EXPECT_GT(all, 0.9);
  EXPECT_GT(cold, 0.9);
}

TEST_F(ProjectOnPlantedTopics, EmbeddingsFileIsSortedNormalisedWithZeroPadding) {
  io::Table t = io::read_parquet(args_->out_embeddings, {{"item_id", io::ColumnType::Int64},
                                                         {"item_emb", io::ColumnType::FloatMatrix}});
  const auto& ids = t.get<io::Int64Array>("item_id");
  const auto& emb = t.get<io::FloatMatrix>("item_emb");
  ASSERT_EQ(t.rows(), items());
  EXPECT_EQ(emb.cols, 16);
  for (int64_t r = 0; r < t.rows(); ++r) {
    ASSERT_EQ(ids[r], r);
    double norm = 0;
    for (int64_t k = 0; k < emb.cols; ++k) norm += double(emb.row(r)[k]) * emb.row(r)[k];
    if (r == 0)
      EXPECT_EQ(norm, 0.0) << "padding row";
    else
      EXPECT_NEAR(std::sqrt(norm), 1.0, 1e-5) << "item " << r;
  }
}

TEST_F(ProjectOnPlantedTopics, ItemInfoKeepsEveryOtherColumnAndRowOrder) {
  const std::string& in = data_->item_info;
  const std::string& out = args_->out;
  auto in_schema = io::parquet_schema(in), out_schema = io::parquet_schema(out);
  ASSERT_EQ(in_schema.size(), out_schema.size());
  for (size_t c = 0; c < in_schema.size(); ++c) {
    EXPECT_EQ(in_schema[c].name, out_schema[c].name);
    EXPECT_EQ(in_schema[c].type, out_schema[c].type) << in_schema[c].name;
  }
  EXPECT_EQ(io::parquet_rows(out), io::parquet_rows(in));

  // Row by row (NULLs included), every column but the embedding is identical.
  io::Database db;
  io::Connection con(db);
  std::string joined = "FROM read_parquet(" + io::quote_literal(in) + ", file_row_number = true) a JOIN "
                       "read_parquet(" + io::quote_literal(out) + ", file_row_number = true) b "
                       "USING (file_row_number)";
  EXPECT_EQ(query_int(con, "SELECT count(*) " + joined), items());
  EXPECT_EQ(query_int(con, "SELECT count(*) " + joined + " WHERE a.item_id IS DISTINCT FROM b.item_id "
                           "OR a.item_tags IS DISTINCT FROM b.item_tags OR a.title IS DISTINCT FROM "
                           "b.title OR a.score IS DISTINCT FROM b.score"), 0);
  EXPECT_GT(query_int(con, "SELECT count(*) " + joined + " WHERE a.score IS NULL"), 0);
  EXPECT_EQ(query_int(con, "SELECT count(*) " + joined +
                           " WHERE a.item_emb_d128 IS NOT DISTINCT FROM b.item_emb_d128"), 0);

  // The new column holds the same vectors as the embeddings file, item by item.
  io::Table info = io::read_parquet(out, {{"item_id", io::ColumnType::Int64},
                                          {"item_emb_d128", io::ColumnType::FloatMatrix}});
  io::FloatMatrix expected = vectors_by_item(args_->out_embeddings, "item_emb", items());
  const auto& ids = info.get<io::Int64Array>("item_id");
  const auto& emb = info.get<io::FloatMatrix>("item_emb_d128");
  ASSERT_EQ(emb.cols, expected.cols);
  EXPECT_EQ(ids[0], 0);
  for (int64_t r = 0; r < info.rows(); ++r)
    for (int64_t k = 0; k < emb.cols; ++k)
      ASSERT_EQ(emb.row(r)[k], expected.row(ids[r])[k]) << "row " << r;
}

class ProjectRuns : public ::testing::Test {
 protected:
  void SetUp() override {
    Progress::set_enabled(false);
    set_threads(1);
    data_ = mmctr::testing::make_planted_data(dir_.path(), small_);
    args_ = args_for(data_, dir_.path());
    args_.epochs = 2;
  }
  mmctr::testing::PlantedOptions small_ = [] {
    mmctr::testing::PlantedOptions o;
    o.items = 600;
    o.cold_start = 60;
    return o;
  }();
  TempDir dir_;
  PlantedData data_;
  ProjectArgs args_;
};

TEST_F(ProjectRuns, SeveralFeatureSourcesAreConcatenatedPerItemAndRunsAreReproducible) {
  run_project(args_);
  io::FloatMatrix one_file = vectors_by_item(args_.out_embeddings, "item_emb", small_.items + 1);

  ProjectArgs split = args_;
  split.features = {data_.image_part + ":img_emb", data_.text_part};
  split.out = dir_.file("split_info.parquet");
  split.out_embeddings = dir_.file("split_emb.parquet");
  split.emb_column = "projected";  // absent from item_info: appended as a new last column
  auto summary = run_project(split);
  EXPECT_EQ(summary["features"]["dim"], 128);
  EXPECT_EQ(summary["features"]["dropped_by_concatenation"], 0);
  io::FloatMatrix two_files = vectors_by_item(split.out_embeddings, "item_emb", small_.items + 1);
  EXPECT_EQ(one_file.data, two_files.data);
  auto schema = io::parquet_schema(split.out);
  ASSERT_EQ(schema.size(), 6u);
  EXPECT_EQ(schema[3].name, "item_emb_d128");
  EXPECT_EQ(schema[5].name, "projected");
  EXPECT_EQ(schema[5].type, "FLOAT[]");

  ProjectArgs reseeded = args_;
  reseeded.seed = 43;
  reseeded.out_embeddings = dir_.file("reseeded_emb.parquet");
  reseeded.out = dir_.file("reseeded_info.parquet");
  run_project(reseeded);
  EXPECT_NE(one_file.data,
            vectors_by_item(reseeded.out_embeddings, "item_emb", small_.items + 1).data);
}

TEST_F(ProjectRuns, ItemsWithoutFeaturesAreAnErrorUnlessAllowed) {
  // Features for all but items 1..5 (the parts of image.parquet after dropping them).
  io::Table image = io::read_parquet(data_.image_part, {{"item_id", io::ColumnType::Int64},
                                                        {"img_emb", io::ColumnType::FloatMatrix}});
  io::Table kept;
  io::Int64Array ids;
  io::FloatMatrix vectors{0, 96, {}};
  const auto& all_ids = image.get<io::Int64Array>("item_id");
  const auto& all_vectors = image.get<io::FloatMatrix>("img_emb");
  for (int64_t r = 0; r < image.rows(); ++r) {
    if (all_ids[r] <= 5) continue;
    ids.push_back(all_ids[r]);
    vectors.data.insert(vectors.data.end(), all_vectors.row(r), all_vectors.row(r) + 96);
    ++vectors.rows;
  }
  kept.add("item_id", std::move(ids));
  kept.add("img_emb", std::move(vectors));
  std::string partial = dir_.file("partial.parquet");
  io::write_parquet(partial, kept);
  args_.features = {partial};
  try {
    run_project(args_);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("5 items have no features"));
    EXPECT_THAT(e.what(), HasSubstr("--allow-missing-features"));
  }
  EXPECT_FALSE(file_exists(args_.out));

  args_.allow_missing_features = true;
  auto summary = run_project(args_);
  EXPECT_EQ(summary["item_info"]["without_features"], 5);
  io::FloatMatrix emb = vectors_by_item(args_.out_embeddings, "item_emb", small_.items + 1);
  for (int64_t item : {1, 5, 6})
    EXPECT_EQ(std::count(emb.row(item), emb.row(item) + emb.cols, 0.0f) == emb.cols, item <= 5)
        << "item " << item;
}

TEST(ProjectSmallTargets, StandardizedTargetsLearnWhatTheSeedModelMisses) {
  Progress::set_enabled(false);
  set_threads(1);
  TempDir dir;
  mmctr::testing::PlantedOptions options;
  options.target_offset = 0.3;
  options.target_scale = 0.02;
  PlantedData data = mmctr::testing::make_planted_data(dir.path(), options);
  ProjectArgs seed_model = args_for(data, dir.path());
  auto plain = run_project(seed_model);
  ProjectArgs standardized = seed_model;
  standardized.standardize_targets = true;
  auto scaled = run_project(standardized);
  const double mean_mse = scaled["references"]["mean_target"]["mse"];
  std::fprintf(stderr, "small targets: mean %.3g ridge %.3g seed model %.3g standardized %.3g\n",
               mean_mse, scaled["references"]["ridge"]["mse"].get<double>(),
               plain["valid"]["mse"].get<double>(), scaled["valid"]["mse"].get<double>());
  EXPECT_LT(scaled["valid"]["mse"].get<double>(), 0.5 * mean_mse);
  EXPECT_LT(scaled["valid"]["mse"].get<double>(), plain["valid"]["mse"].get<double>());
  EXPECT_EQ(plain["projector_beats_mean"], false);
  EXPECT_THAT(plain["note"].get<std::string>(), HasSubstr("--standardize-targets"));
  io::FloatMatrix projected = vectors_by_item(standardized.out_embeddings, "item_emb",
                                              static_cast<int64_t>(data.topic.size()));
  EXPECT_GT(mmctr::testing::neighbour_topic_agreement(projected, data.topic, &data.cold), 0.9);
}

// A Parquet file written by a SQL query (for inputs write_parquet cannot produce).
std::string write_sql_file(const std::string& path, const std::string& select) {
  io::Database db;
  io::Connection con(db);
  con.execute("COPY (" + select + ") TO " + io::quote_literal(path) + " (FORMAT parquet)");
  return path;
}

void expect_input_error(const ProjectArgs& args, const std::string& message) {
  try {
    run_project(args);
    ADD_FAILURE() << "expected an InputError containing: " << message;
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr(message));
  }
  EXPECT_FALSE(file_exists(args.out) && args.out != args.item_info &&
               std::find(args.features.begin(), args.features.end(), args.out) == args.features.end());
}

TEST_F(ProjectRuns, VectorsOfDifferentLengthsAreRejected) {
  args_.features = {write_sql_file(dir_.file("ragged.parquet"),
                                   "SELECT i AS item_id, CASE WHEN i = 4 THEN [1.0, 2.0]::FLOAT[] "
                                   "ELSE [1.0, 2.0, 3.0]::FLOAT[] END AS clip_emb FROM range(1, 601) t(i)")};
  expect_input_error(args_, "ragged.parquet");
}

TEST_F(ProjectRuns, FeaturesAndTargetsWithoutCommonItemsAreRejected) {
  args_.targets = write_sql_file(dir_.file("other.parquet"),
                                 "SELECT i AS item_id, [1.0, 2.0]::FLOAT[] AS w2v_emb FROM range(5000, 5100) t(i)");
  expect_input_error(args_, "no item_id is in both");
}

TEST_F(ProjectRuns, NaNFeaturesAreRejected) {
  args_.features = {write_sql_file(dir_.file("nan.parquet"),
                                   "SELECT i AS item_id, [1.0, CASE WHEN i = 9 THEN 'NaN'::FLOAT ELSE "
                                   "0.5 END]::FLOAT[] AS clip_emb FROM range(1, 601) t(i)")};
  expect_input_error(args_, "nan.parquet");
}

TEST_F(ProjectRuns, OutputOverAnInputIsRejected) {
  auto before = file_size(data_.item_info);
  args_.out = data_.item_info;
  expect_input_error(args_, "would overwrite the input");
  EXPECT_EQ(file_size(data_.item_info), before);
  args_.out = data_.features;
  expect_input_error(args_, "would overwrite the input");
  args_.out = dir_.file("fine.parquet");
  args_.out_embeddings = data_.targets;
  expect_input_error(args_, "would overwrite the input");
}

TEST_F(ProjectRuns, EmbeddingColumnMustHoldVectors) {
  args_.emb_column = "title";
  expect_input_error(args_, "column title holds VARCHAR, not vectors");
}

TEST_F(ProjectRuns, AmbiguousVectorColumnMustBeNamed) {
  args_.features = {write_sql_file(dir_.file("two.parquet"),
                                   "SELECT i AS item_id, [1.0]::FLOAT[] AS img_emb, [2.0]::DOUBLE[] "
                                   "AS txt_emb FROM range(1, 601) t(i)")};
  expect_input_error(args_, "several vector columns (img_emb, txt_emb)");
  args_.features = {dir_.file("two.parquet") + ":nope"};
  expect_input_error(args_, "nope");
}

}  // namespace
}  // namespace mmctr::proj
