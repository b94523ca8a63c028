#include "io/parquet.h"

#include "io/duckdb.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "common/error.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace mmctr::io {
namespace {

using ::testing::HasSubstr;
using mmctr::testing::expect_input_error;
using mmctr::testing::TempDir;

const std::string kTiny = std::string(MMCTR_SHARED_DIR) + "/data/fuxictr-tiny";

// Expected values were looked up independently with DuckDB's Node.js client (SQL sum/len over the file).
TEST(ParquetRead, ArrowCppSnappyDictionaryFile) {
  std::string path = kTiny + "/tiny_parquet/train.parquet";
  EXPECT_EQ(parquet_rows(path), 100);
  Table t = read_parquet(path, {{"userid", ColumnType::Int64}, {"adgroup_id", ColumnType::Int64},
                                {"clk", ColumnType::Float32}});
  ASSERT_EQ(t.rows(), 100);
  const auto& user = t.get<Int64Array>("userid");
  const auto& ad = t.get<Int64Array>("adgroup_id");
  EXPECT_EQ((std::vector<int64_t>{user[0], user[1], user[2]}), (std::vector<int64_t>{2, 1, 23}));
  EXPECT_EQ((std::vector<int64_t>{ad[0], ad[1], ad[2]}), (std::vector<int64_t>{12, 43, 42}));
  EXPECT_EQ(std::accumulate(user.begin(), user.end(), int64_t{0}), 883);
  EXPECT_EQ(std::accumulate(ad.begin(), ad.end(), int64_t{0}), 4478);
  const auto& clk = t.get<FloatArray>("clk");
  EXPECT_EQ(std::accumulate(clk.begin(), clk.end(), 0.0), 4.0);
}

TEST(ParquetRead, RustArrow2ZstdListOfDouble) {
  std::string path = kTiny + "/tiny_emb/train.parquet";
  Table t = read_parquet(path, {{"feat3", ColumnType::FloatMatrix, 96}, {"feat1", ColumnType::Float32}});
  const auto& m = t.get<FloatMatrix>("feat3");
  ASSERT_EQ(m.rows, 100);
  ASSERT_EQ(m.cols, 96);
  EXPECT_FLOAT_EQ(m.row(0)[0], 0.12457275390625f);
  EXPECT_FLOAT_EQ(m.row(0)[95], 0.08441162109375f);
  EXPECT_FLOAT_EQ(m.row(1)[0], 0.13232421875f);
  EXPECT_FLOAT_EQ(m.row(1)[95], -0.09234619140625f);
  EXPECT_NEAR(std::accumulate(m.data.begin(), m.data.end(), 0.0), -48.741634, 1e-3);
  EXPECT_FLOAT_EQ(t.get<FloatArray>("feat1")[0], 0.08885099738836288f);
}

TEST(ParquetRead, ThousandRowFile) {
  Table t = read_parquet(kTiny + "/avazu_custom/train.parquet", {{"click", ColumnType::Int64}, {"C14", ColumnType::Int64}});
  ASSERT_EQ(t.rows(), 1000);
  const auto& click = t.get<Int64Array>("click");
  const auto& c14 = t.get<Int64Array>("C14");
  EXPECT_EQ(std::accumulate(click.begin(), click.end(), int64_t{0}), 174);
  EXPECT_EQ(std::accumulate(c14.begin(), c14.end(), int64_t{0}), 85189);
}

// A table with every column type, more rows than one DuckDB chunk (2048).
Table sample_table(int64_t rows) {
  Table t;
  Int64Array ids(rows);
  std::iota(ids.begin(), ids.end(), 0);
  FloatArray scores(rows);
  StringArray names(rows);
  ListArray seqs;
  Int64Matrix hist{rows, 4, {}};
  FloatMatrix emb{rows, 3, {}};
  for (int64_t r = 0; r < rows; ++r) {
    scores[r] = 0.5f * r;
    names[r] = "item " + std::to_string(r);
    std::vector<int64_t> s(r % 7);
    std::iota(s.begin(), s.end(), r);
    seqs.push_back(s.data(), static_cast<int64_t>(s.size()));
    for (int k = 0; k < 4; ++k) hist.data.push_back(k < 2 ? 0 : r * 10 + k);
    for (int k = 0; k < 3; ++k) emb.data.push_back(std::sin(0.1f * r + k));
  }
  t.add("item_id", ids);
  t.add("score", scores);
  t.add("name", names);
  t.add("seq", seqs);
  t.add("hist", hist);
  t.add("emb", emb);
  return t;
}

const std::vector<ColumnRequest> kSampleColumns{
    {"item_id", ColumnType::Int64},      {"score", ColumnType::Float32},    {"name", ColumnType::String},
    {"seq", ColumnType::Int64List},      {"hist", ColumnType::Int64Matrix}, {"emb", ColumnType::FloatMatrix}};

void expect_same(const Table& a, const Table& b) {
  ASSERT_EQ(a.rows(), b.rows());
  EXPECT_EQ(a.get<Int64Array>("item_id"), b.get<Int64Array>("item_id"));
  EXPECT_EQ(a.get<FloatArray>("score"), b.get<FloatArray>("score"));
  EXPECT_EQ(a.get<StringArray>("name"), b.get<StringArray>("name"));
  EXPECT_EQ(a.get<ListArray>("seq").offsets, b.get<ListArray>("seq").offsets);
  EXPECT_EQ(a.get<ListArray>("seq").values, b.get<ListArray>("seq").values);
  EXPECT_EQ(a.get<Int64Matrix>("hist").data, b.get<Int64Matrix>("hist").data);
  EXPECT_EQ(a.get<Int64Matrix>("hist").cols, b.get<Int64Matrix>("hist").cols);
  EXPECT_EQ(a.get<FloatMatrix>("emb").data, b.get<FloatMatrix>("emb").data);
}

TEST(ParquetWrite, RoundTripKeepsValuesTypesAndOrder) {
  TempDir dir;
  Table t = sample_table(5000);
  write_parquet(dir.file("t.parquet"), t);
  auto schema = parquet_schema(dir.file("t.parquet"));
  ASSERT_EQ(schema.size(), 6u);
  EXPECT_EQ(schema[0].type, "BIGINT");
  EXPECT_EQ(schema[3].type, "BIGINT[]");
  EXPECT_EQ(schema[5].type, "FLOAT[]");
  expect_same(t, read_parquet(dir.file("t.parquet"), kSampleColumns));
  // Only the output is left: no temporary files.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(ParquetWrite, WriterInPartsEqualsOneShot) {
  TempDir dir;
  Table t = sample_table(7000);
  ParquetWriter writer(dir.file("parts.parquet"));
  for (int64_t begin = 0; begin < 7000; begin += 3000) {
    // Rows of sample_table are a function of the row index: slice [begin, end) out of a prefix.
    int64_t end = std::min<int64_t>(7000, begin + 3000);
    Table full = sample_table(end);
    Table slice;
    for (auto& c : full.columns) {
      std::visit(
          [&](auto& v) {
            using T = std::decay_t<decltype(v)>;
            T out;
            if constexpr (std::is_same_v<T, ListArray>) {
              for (int64_t r = begin; r < end; ++r) out.push_back(v.row(r), v.length(r));
            } else if constexpr (std::is_same_v<T, Int64Matrix> || std::is_same_v<T, FloatMatrix>) {
              out.rows = end - begin;
              out.cols = v.cols;
              out.data.assign(v.data.begin() + begin * v.cols, v.data.begin() + end * v.cols);
            } else {
              out.assign(v.begin() + begin, v.begin() + end);
            }
            slice.add(c.name, std::move(out));
          },
          c.values);
    }
    writer.append(slice);
  }
  writer.finish();
  expect_same(t, read_parquet(dir.file("parts.parquet"), kSampleColumns));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(ParquetScan, BatchesCoverTheFileInOrder) {
  TempDir dir;
  Table t = sample_table(10000);
  write_parquet(dir.file("t.parquet"), t);
  int64_t next_row = 0, batches = 0;
  std::vector<int64_t> seq_values;
  scan_parquet(dir.file("t.parquet"), {{"item_id", ColumnType::Int64}, {"seq", ColumnType::Int64List}}, 3000,
               [&](const Table& batch, int64_t first_row) {
                 EXPECT_EQ(first_row, next_row);
                 EXPECT_EQ(batch.get<Int64Array>("item_id").front(), first_row);
                 EXPECT_LE(batch.rows(), 3000 + 2048);
                 const auto& seq = batch.get<ListArray>("seq");
                 seq_values.insert(seq_values.end(), seq.values.begin(), seq.values.end());
                 next_row += batch.rows();
                 ++batches;
               });
  EXPECT_EQ(next_row, 10000);
  EXPECT_GE(batches, 3);
  EXPECT_EQ(seq_values, t.get<ListArray>("seq").values);
}

TEST(ParquetErrors, MissingFile) {
  expect_input_error([] { read_parquet("/nonexistent/x.parquet", {{"a", ColumnType::Int64}}); },
               {"/nonexistent/x.parquet", "not found"});
}

TEST(ParquetErrors, NotParquetAndTruncated) {
  TempDir dir;
  std::ofstream(dir.file("text.parquet")) << "user_id,item_id\n1,2\n";
  expect_input_error([&] { read_parquet(dir.file("text.parquet"), {{"user_id", ColumnType::Int64}}); },
               {dir.file("text.parquet"), "not a readable Parquet file"});

  write_parquet(dir.file("full.parquet"), sample_table(3000));
  auto size = std::filesystem::file_size(dir.file("full.parquet"));
  std::filesystem::copy_file(dir.file("full.parquet"), dir.file("cut.parquet"));
  std::filesystem::resize_file(dir.file("cut.parquet"), size / 2);
  expect_input_error([&] { read_parquet(dir.file("cut.parquet"), {{"item_id", ColumnType::Int64}}); },
               {dir.file("cut.parquet"), "not a readable Parquet file"});
}

TEST(ParquetErrors, MissingColumnNamesWhatTheFileHas) {
  TempDir dir;
  write_parquet(dir.file("t.parquet"), sample_table(10));
  expect_input_error([&] { read_parquet(dir.file("t.parquet"), {{"label", ColumnType::Int64}}); },
               {dir.file("t.parquet"), "column 'label' not found", "item_id, score"});
}

TEST(ParquetErrors, WrongType) {
  TempDir dir;
  write_parquet(dir.file("t.parquet"), sample_table(10));
  expect_input_error([&] { read_parquet(dir.file("t.parquet"), {{"name", ColumnType::Int64List}}); },
               {"column 'name' has type VARCHAR", "list<int64>"});
  expect_input_error([&] { read_parquet(dir.file("t.parquet"), {{"emb", ColumnType::Int64}}); },
               {"column 'emb' has type FLOAT[]", "integer"});
}

TEST(ParquetErrors, ListOfTheWrongLengthNamesTheRow) {
  TempDir dir;
  write_parquet(dir.file("t.parquet"), sample_table(3000));
  // Row r of `seq` has r % 7 elements: row 1 is the first whose length differs from row 0's.
  expect_input_error([&] { read_parquet(dir.file("t.parquet"), {{"seq", ColumnType::Int64Matrix, 0}}); },
               {"column 'seq' row 1", "length 1, expected length 0"});
  expect_input_error([&] { read_parquet(dir.file("t.parquet"), {{"hist", ColumnType::Int64Matrix, 64}}); },
               {"column 'hist' row 0", "length 4, expected length 64"});
}

TEST(ParquetErrors, NanAndNullNameTheRow) {
  TempDir dir;
  Table t = sample_table(2500);
  t.get<FloatMatrix>("emb").row(2222)[1] = std::nanf("");
  write_parquet(dir.file("nan.parquet"), t);
  expect_input_error([&] { read_parquet(dir.file("nan.parquet"), {{"emb", ColumnType::FloatMatrix}}); },
               {"column 'emb' row 2222", "element 1 is nan", "finite"});

  Database db;
  Connection con(db);
  con.execute("COPY (SELECT CASE WHEN i = 7 THEN NULL ELSE i END AS item_id FROM range(10) t(i)) TO " +
              std::string("'") + dir.file("null.parquet") + "' (FORMAT parquet)");
  expect_input_error([&] { read_parquet(dir.file("null.parquet"), {{"item_id", ColumnType::Int64}}); },
               {"column 'item_id' row 7", "null"});
}

TEST(ParquetRead, WidensIntegersAndDoubles) {
  TempDir dir;
  Database db;
  Connection con(db);
  con.execute("COPY (SELECT i::INTEGER AS id, [i::SMALLINT, 2]::SMALLINT[] AS tags, [i / 2.0, 1.0]::DOUBLE[] AS emb "
              "FROM range(5) t(i)) TO '" + dir.file("narrow.parquet") + "' (FORMAT parquet)");
  Table t = read_parquet(dir.file("narrow.parquet"), {{"id", ColumnType::Int64},
                                                     {"tags", ColumnType::Int64Matrix},
                                                     {"emb", ColumnType::FloatMatrix}});
  EXPECT_EQ(t.get<Int64Array>("id")[4], 4);
  EXPECT_EQ(t.get<Int64Matrix>("tags").row(3)[0], 3);
  EXPECT_FLOAT_EQ(t.get<FloatMatrix>("emb").row(3)[0], 1.5f);
}

TEST(ParquetWrite, FailureLeavesNothingBehind) {
  TempDir dir;
  expect_input_error([&] { write_parquet(dir.file("missing-folder/t.parquet"), sample_table(3)); }, {"does not exist"});
  Table ragged = sample_table(3);
  ragged.get<FloatArray>("score").pop_back();
  EXPECT_ANY_THROW(write_parquet(dir.file("ragged.parquet"), ragged));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 0);
}

}  // namespace
}  // namespace mmctr::io
