#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include "common/error.h"
#include "common/files.h"
#include "io/parquet.h"
#include "w2v/embeddings.h"
#include "w2v/sequence_source.h"

namespace mmctr::w2v {
namespace {

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/mmctr_w2v_test_XXXXXX";
    dir_ = mkdtemp(pattern);
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }
  std::string path(const std::string& name) const { return dir_ + "/" + name; }
  std::string dir_;
};

io::ListArray lists(const std::vector<std::vector<int64_t>>& rows) {
  io::ListArray out;
  for (const auto& r : rows) out.push_back(r.data(), static_cast<int64_t>(r.size()));
  return out;
}

using SequenceSource = TempDir;

TEST_F(SequenceSource, AmazonTextDropsTheUserColumn) {
  write_text_file_atomic(path("a.txt"), "1 10 11 12\n2 11\r\n3\n\n4  13 10\n");
  io::ListArray sequences = read_amazon_sequences(path("a.txt"));
  EXPECT_EQ(sequences.offsets, (std::vector<int64_t>{0, 3, 4, 6}));
  EXPECT_EQ(sequences.values, (std::vector<int64_t>{10, 11, 12, 11, 13, 10}));
}

TEST_F(SequenceSource, AmazonTextBadTokenNamesTheLine) {
  write_text_file_atomic(path("bad.txt"), "1 10 11\n2 11 x12\n");
  try {
    read_amazon_sequences(path("bad.txt"));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.txt:2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("x12"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_amazon_sequences(path("missing.txt")), InputError);
}

TEST_F(SequenceSource, ParquetListColumnStreamsIntoACorpus) {
  io::Table table;
  table.add("user_id", io::Int64Array{1, 2, 3, 4});
  table.add("item_seq", lists({{5, 6, 5}, {}, {6, 7}, {5}}));
  io::write_parquet(path("seq.parquet"), table);
  Corpus corpus = read_parquet_corpus(path("seq.parquet"), "item_seq", 1);
  EXPECT_EQ(corpus.vocab.ids, (std::vector<int64_t>{5, 6, 7}));
  EXPECT_EQ(corpus.sequences(), 3);  // the empty one is skipped
  EXPECT_EQ(corpus.size(), 6);
}

TEST_F(SequenceSource, ParquetErrors) {
  io::Table table;
  table.add("user_id", io::Int64Array{1, 2});
  table.add("item_seq", lists({{}, {}}));
  io::write_parquet(path("empty.parquet"), table);
  EXPECT_THROW(read_parquet_corpus(path("empty.parquet"), "item_seq", 1), InputError);
  EXPECT_THROW(read_parquet_corpus(path("empty.parquet"), "user_id", 1), InputError);
  EXPECT_THROW(read_parquet_corpus(path("empty.parquet"), "no_such_column", 1), InputError);
}

TEST_F(SequenceSource, EmbeddingsAreWrittenSortedById) {
  Vocab vocab{{30, 10, 20}, {3, 2, 1}};
  io::FloatMatrix vectors{3, 2, {3.5f, -3, 1, 1.25f, 2, 0}};
  Embeddings sorted = sort_by_id(vocab, vectors);
  EXPECT_EQ(sorted.ids, (std::vector<int64_t>{10, 20, 30}));
  EXPECT_EQ(sorted.vectors.data, (std::vector<float>{1, 1.25f, 2, 0, 3.5f, -3}));

  write_word2vec_text(path("v.txt"), sorted);
  EXPECT_EQ(read_text_file(path("v.txt")), "3 2\n10 1 1.25\n20 2 0\n30 3.5 -3\n");

  write_parquet(path("v.parquet"), sorted);
  io::Table back = io::read_parquet(path("v.parquet"), {{"item_id", io::ColumnType::Int64},
                                                        {"w2v_emb", io::ColumnType::FloatMatrix, 2}});
  EXPECT_EQ(back.get<io::Int64Array>("item_id"), sorted.ids);
  EXPECT_EQ(back.get<io::FloatMatrix>("w2v_emb").data, sorted.vectors.data);
}

}  // namespace
}  // namespace mmctr::w2v
