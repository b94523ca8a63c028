// Readers for the MicroLens_1M_x1 files, checking the schema the challenge defines:
//   item_info.parquet  item_id, item_tags list<int64>[5], item_emb_d128 list<double|float>[128]
//   item_seq.parquet   user_id, item_seq list<int64> (variable length, unpadded)
//   train/valid.parquet user_id, item_seq list<int64>[64] left-padded, item_id, likes_level, views_level, label
//   test.parquet       ID, user_id, item_seq, item_id, likes_level, views_level
// Every problem is reported with file, column and row (InputError).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "io/table.h"

namespace mmctr::io {

// Column names, configurable for copies of the data that renamed them.
struct ColumnNames {
  std::string item_id = "item_id";
  std::string item_tags = "item_tags";
  std::string item_emb = "item_emb_d128";
  std::string user_id = "user_id";
  std::string item_seq = "item_seq";
  std::string likes_level = "likes_level";
  std::string views_level = "views_level";
  std::string label = "label";
  std::string id = "ID";
};

// A problem found while checking a file; `mmctr check` lists them all.
struct Problem {
  std::string file, column;
  int64_t row = -1;  // -1: not about one row
  std::string message;
  std::string describe() const;
};

// Readers check every value after the schema. By default the problems found are thrown together
// as one InputError; given `problems`, they are appended there instead (for `mmctr check`).
// Schema-level errors (missing file or column, wrong type) are always thrown.

struct ItemInfo {
  Int64Array item_id;  // 0..n-1, row i holds item i; row 0 is padding
  Int64Matrix tags;    // n x tags_per_item, left-padded with 0
  FloatMatrix emb;     // n x dim (empty when not requested or absent)
  int64_t items() const { return static_cast<int64_t>(item_id.size()); }
};

// need_emb: the embedding column must be present (else it is read if present).
ItemInfo read_item_info(const std::string& path, const ColumnNames& names = {}, bool need_emb = true,
                        std::vector<Problem>* problems = nullptr);

// Rows of a CTR file (train/valid/test). Test files have `id` and no label.
struct CtrData {
  Int64Array id;          // test only
  Int64Array user_id;
  Int64Matrix item_seq;   // rows x history length (64), left-padded with 0
  Int64Array item_id;
  Int64Array likes_level;
  Int64Array views_level;
  Int64Array label;       // empty for test
  int64_t rows() const { return static_cast<int64_t>(item_id.size()); }
};

enum class CtrKind { Labelled, Test };

// num_items > 0: item ids (target and history) must be < num_items (the rows of item_info).
CtrData read_ctr(const std::string& path, CtrKind kind, int64_t num_items = -1,
                 const ColumnNames& names = {}, std::vector<Problem>* problems = nullptr);

// Labels of a test file kept apart, as the challenge keeps them (`mmctr synth` and `mmctr
// convert-sequences` write truth/test_labels.parquet): `labels_path` holds `id` and `label`, one row
// per ID of `data` (any order); data.label[r] becomes the label of ID data.id[r]. InputError naming
// the file, column and row for an unknown, duplicate or missing ID or a label other than 0/1.
void attach_labels(CtrData& data, const std::string& labels_path, const ColumnNames& names = {});

}  // namespace mmctr::io
