#include "io/microlens.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "common/error.h"
#include "io/parquet.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace mmctr::io {
namespace {

using ::testing::HasSubstr;
using mmctr::testing::expect_input_error;
using mmctr::testing::TempDir;

constexpr int64_t kItems = 11;  // ids 0..10, 0 = padding
constexpr int64_t kHistory = 8;

Table item_info_table() {
  Table t;
  Int64Array ids(kItems);
  Int64Matrix tags{kItems, 5, std::vector<int64_t>(kItems * 5, 0)};
  FloatMatrix emb{kItems, 4, std::vector<float>(kItems * 4, 0.f)};
  for (int64_t i = 0; i < kItems; ++i) {
    ids[i] = i;
    if (i == 0) continue;
    tags.row(i)[4] = 1 + i % 3;
    tags.row(i)[3] = 4 + i % 2;
    for (int k = 0; k < 4; ++k) emb.row(i)[k] = 0.1f * (i + k);
  }
  t.add("item_id", ids);
  t.add("item_tags", tags);
  t.add("item_emb_d128", emb);
  return t;
}

Table ctr_table(int64_t rows, bool test) {
  Table t;
  Int64Array id, user, item, likes, views, label;
  Int64Matrix seq{rows, kHistory, {}};
  for (int64_t r = 0; r < rows; ++r) {
    id.push_back(r);
    user.push_back(100 + r % 4);
    for (int64_t k = 0; k < kHistory; ++k) seq.data.push_back(k < kHistory - 1 - r % 5 ? 0 : 1 + (r + k) % 10);
    item.push_back(1 + r % 10);
    likes.push_back(1 + r % 10);
    views.push_back(10 - r % 10);
    label.push_back(r % 4 == 0);
  }
  if (test) t.add("ID", id);
  t.add("user_id", user);
  t.add("item_seq", seq);
  t.add("item_id", item);
  t.add("likes_level", likes);
  t.add("views_level", views);
  if (!test) t.add("label", label);
  return t;
}

TEST(MicroLens, ReadsValidFiles) {
  TempDir dir;
  write_parquet(dir.file("item_info.parquet"), item_info_table());
  write_parquet(dir.file("train.parquet"), ctr_table(50, false));
  write_parquet(dir.file("test.parquet"), ctr_table(20, true));
  ItemInfo info = read_item_info(dir.file("item_info.parquet"));
  EXPECT_EQ(info.items(), kItems);
  EXPECT_EQ(info.tags.cols, 5);
  EXPECT_EQ(info.emb.cols, 4);
  EXPECT_FLOAT_EQ(info.emb.row(3)[1], 0.4f);
  CtrData train = read_ctr(dir.file("train.parquet"), CtrKind::Labelled, info.items());
  EXPECT_EQ(train.rows(), 50);
  EXPECT_EQ(train.item_seq.cols, kHistory);
  EXPECT_TRUE(train.id.empty());
  EXPECT_EQ(train.label[4], 1);
  CtrData test = read_ctr(dir.file("test.parquet"), CtrKind::Test, info.items());
  EXPECT_EQ(test.id[19], 19);
  EXPECT_TRUE(test.label.empty());
}

TEST(MicroLens, ItemInfoWithoutEmbeddingWhenNotNeeded) {
  TempDir dir;
  Table t = item_info_table();
  t.columns.pop_back();
  write_parquet(dir.file("item_info.parquet"), t);
  EXPECT_EQ(read_item_info(dir.file("item_info.parquet"), {}, false).emb.rows, 0);
  expect_input_error([&] { read_item_info(dir.file("item_info.parquet")); }, {"column 'item_emb_d128' not found"});
}

TEST(MicroLens, DuplicateOrUnorderedItemIds) {
  TempDir dir;
  Table t = item_info_table();
  t.get<Int64Array>("item_id")[6] = 5;
  write_parquet(dir.file("dup.parquet"), t);
  expect_input_error([&] { read_item_info(dir.file("dup.parquet")); },
               {"dup.parquet: column 'item_id' row 6", "item id 5, expected 6", "contiguous"});
  Table u = item_info_table();
  std::swap(u.get<Int64Array>("item_id")[2], u.get<Int64Array>("item_id")[3]);
  write_parquet(dir.file("unordered.parquet"), u);
  expect_input_error([&] { read_item_info(dir.file("unordered.parquet")); }, {"row 2", "item id 3, expected 2"});
}

TEST(MicroLens, NanOrInfInEmbedding) {
  TempDir dir;
  Table t = item_info_table();
  t.get<FloatMatrix>("item_emb_d128").row(7)[2] = INFINITY;
  write_parquet(dir.file("inf.parquet"), t);
  expect_input_error([&] { read_item_info(dir.file("inf.parquet")); }, {"column 'item_emb_d128' row 7", "inf", "finite"});
}

TEST(MicroLens, LabelNotZeroOrOne) {
  TempDir dir;
  Table t = ctr_table(30, false);
  t.get<Int64Array>("label")[12] = 2;
  write_parquet(dir.file("train.parquet"), t);
  expect_input_error([&] { read_ctr(dir.file("train.parquet"), CtrKind::Labelled, kItems); },
               {"column 'label' row 12", "value 2, expected 0 or 1"});
}

TEST(MicroLens, ItemIdOutsideItemInfo) {
  TempDir dir;
  Table t = ctr_table(30, false);
  t.get<Int64Array>("item_id")[3] = kItems;
  write_parquet(dir.file("target.parquet"), t);
  expect_input_error([&] { read_ctr(dir.file("target.parquet"), CtrKind::Labelled, kItems); },
               {"column 'item_id' row 3", "value 11", "1..10 (the rows of item_info)"});
  Table h = ctr_table(30, false);
  h.get<Int64Matrix>("item_seq").row(9)[kHistory - 1] = 99;
  write_parquet(dir.file("history.parquet"), h);
  expect_input_error([&] { read_ctr(dir.file("history.parquet"), CtrKind::Labelled, kItems); },
               {"column 'item_seq' row 9", "holds 99"});
}

TEST(MicroLens, SequenceOfTheWrongLengthOrPadding) {
  TempDir dir;
  Table t = ctr_table(30, false);
  ListArray ragged;
  const auto& seq = t.get<Int64Matrix>("item_seq");
  for (int64_t r = 0; r < 30; ++r) ragged.push_back(seq.row(r), r == 17 ? kHistory - 1 : kHistory);
  t.columns[1].values = ragged;
  write_parquet(dir.file("ragged.parquet"), t);
  expect_input_error([&] { read_ctr(dir.file("ragged.parquet"), CtrKind::Labelled, kItems); },
               {"column 'item_seq' row 17", "length 7, expected length 8"});

  Table right = ctr_table(30, false);
  auto* row = right.get<Int64Matrix>("item_seq").row(4);
  std::rotate(row, row + 1, row + kHistory);  // move one leading zero to the end
  row[kHistory - 1] = 0;
  write_parquet(dir.file("right.parquet"), right);
  expect_input_error([&] { read_ctr(dir.file("right.parquet"), CtrKind::Labelled, kItems); },
               {"column 'item_seq' row 4", "left-padded"});
}

TEST(MicroLens, TestIdsMustCountFromZero) {
  TempDir dir;
  Table t = ctr_table(10, true);
  t.get<Int64Array>("ID")[5] = 7;
  write_parquet(dir.file("test.parquet"), t);
  expect_input_error([&] { read_ctr(dir.file("test.parquet"), CtrKind::Test, kItems); }, {"column 'ID' row 5", "ID 7, expected 5"});
}

TEST(MicroLens, LabelsKeptApartAreMatchedById) {
  TempDir dir;
  write_parquet(dir.file("test.parquet"), ctr_table(6, true));
  auto write_labels = [&](Int64Array id, Int64Array label) {
    Table t;
    t.add("ID", std::move(id));
    t.add("label", std::move(label));
    write_parquet(dir.file("labels.parquet"), t);
  };
  CtrData data = read_ctr(dir.file("test.parquet"), CtrKind::Test, kItems);
  write_labels({3, 0, 5, 1, 4, 2}, {1, 0, 0, 1, 1, 0});  // any order
  attach_labels(data, dir.file("labels.parquet"));
  EXPECT_EQ(data.label, (Int64Array{0, 1, 0, 1, 1, 0}));

  write_labels({3, 0, 5, 1, 4}, {1, 0, 0, 1, 1});
  expect_input_error([&] { attach_labels(data, dir.file("labels.parquet")); },
                     {"labels.parquet", "column 'ID'", "no label for ID 2"});
  write_labels({3, 0, 5, 1, 4, 3}, {1, 0, 0, 1, 1, 1});
  expect_input_error([&] { attach_labels(data, dir.file("labels.parquet")); },
                     {"column 'ID' row 5", "ID 3 has a second label"});
  write_labels({3, 0, 5, 1, 4, 9}, {1, 0, 0, 1, 1, 1});
  expect_input_error([&] { attach_labels(data, dir.file("labels.parquet")); }, {"row 5", "ID 9 is not an ID"});
  write_labels({3, 0, 5, 1, 4, 2}, {1, 0, 0, 1, 2, 0});
  expect_input_error([&] { attach_labels(data, dir.file("labels.parquet")); },
                     {"column 'label' row 4", "value 2, expected 0 or 1"});
}

TEST(MicroLens, ProblemsCollectedForCheckInsteadOfThrown) {
  TempDir dir;
  Table t = ctr_table(40, false);
  for (int r : {3, 8, 21}) t.get<Int64Array>("label")[r] = -1;
  t.get<Int64Array>("likes_level")[30] = 11;
  write_parquet(dir.file("train.parquet"), t);
  std::vector<Problem> problems;
  CtrData data = read_ctr(dir.file("train.parquet"), CtrKind::Labelled, kItems, {}, &problems);
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_EQ(problems[0].column, "likes_level");
  EXPECT_EQ(problems[0].row, 30);
  EXPECT_EQ(problems[1].row, 3);
  EXPECT_EQ(problems[3].row, 21);
  EXPECT_EQ(data.rows(), 40);
}

}  // namespace
}  // namespace mmctr::io
