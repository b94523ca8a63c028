#include "proj/item_vectors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "common/error.h"
#include "support/temp_dir.h"

namespace mmctr::proj {
namespace {

using ::testing::HasSubstr;
using mmctr::testing::TempDir;

TEST(VectorSource, FileAndColumnAreSplitAtTheLastColon) {
  VectorSource plain = parse_vector_source("data/item_feature.parquet");
  EXPECT_EQ(plain.path, "data/item_feature.parquet");
  EXPECT_EQ(plain.column, "");
  VectorSource named = parse_vector_source("c:/data/item_feature.parquet:txt_emb_BERT");
  EXPECT_EQ(named.path, "c:/data/item_feature.parquet");
  EXPECT_EQ(named.column, "txt_emb_BERT");
  EXPECT_THROW(parse_vector_source("item_feature.parquet:"), InputError);
}

TEST(VectorSource, AnExistingFileWithAColonInItsNameIsTakenWhole) {
  TempDir dir;
  std::string path = dir.file("run:3.parquet");
  std::ofstream(path) << "x";
  VectorSource source = parse_vector_source(path);
  EXPECT_EQ(source.path, path);
  EXPECT_EQ(source.column, "");
}

ItemVectors vectors(std::vector<int64_t> ids, int64_t dim, float base, const std::string& name) {
  ItemVectors v;
  v.description = name;
  v.vectors.cols = dim;
  for (int64_t id : ids) {
    for (int64_t k = 0; k < dim; ++k) v.vectors.data.push_back(base + float(id) + 0.1f * float(k));
    v.row_of.emplace(id, v.vectors.rows++);
    v.item_id.push_back(id);
  }
  return v;
}

TEST(Concatenate, JoinsByItemIdInTheFirstPartsOrderAndCountsItemsNotEverywhere) {
  int64_t dropped = -1;
  ItemVectors joined = concatenate({vectors({3, 1, 2, 7}, 2, 0.0f, "img"), vectors({2, 3, 1, 9}, 1, 100.0f, "txt")},
                                   &dropped);
  EXPECT_EQ(joined.description, "img+txt");
  EXPECT_EQ(joined.item_id, (std::vector<int64_t>{3, 1, 2}));
  EXPECT_EQ(joined.dim(), 3);
  EXPECT_EQ(joined.vectors.data,
            (std::vector<float>{3.0f, 3.1f, 103.0f, 1.0f, 1.1f, 101.0f, 2.0f, 2.1f, 102.0f}));
  EXPECT_EQ(joined.find(2), 2);
  EXPECT_EQ(joined.find(7), -1);
  EXPECT_EQ(dropped, 2);  // 7 has no text vector, 9 no image vector

  try {
    concatenate({vectors({1, 2}, 1, 0.0f, "a.parquet:x"), vectors({5}, 1, 0.0f, "b.parquet:y")}, &dropped);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_THAT(e.what(), HasSubstr("a.parquet:x+b.parquet:y share no item_id"));
  }
}

}  // namespace
}  // namespace mmctr::proj
