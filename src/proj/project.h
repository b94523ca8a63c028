// `mmctr project`: distils behaviour vectors into a function of the teacher features, then gives
// every item of item_info (cold-start items included) a vector from its features alone.
//   1. read the features (several sources concatenated per item) and the targets, align by item_id;
//   2. hold out a share of the aligned items; fit the projector (MSE, Adam) and, as references, the
//      mean target and a closed-form ridge regression, all scored on the held-out items;
//   3. project every item of item_info, L2-normalise (norm + 1e-6), keep item 0 (padding) at zero;
//   4. write item_info with the vectors as `emb_column`, and optionally item_id + item_emb alone.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mmctr::proj {

struct ProjectArgs {
  std::vector<std::string> features;  // FILE[:COLUMN], >= 1; several are concatenated per item
  std::string targets;                // FILE[:COLUMN] (default column: the only float list, w2v_emb)
  std::string item_info;              // the items to embed, written back with the new column
  std::string out;                    // item_info with `emb_column` replaced or added
  std::string out_embeddings;         // optional: item_id, item_emb (one row per item_info item)
  std::string emb_column = "item_emb_d128";  // the column DIN reads

  int64_t hidden1 = 512;       // > 0
  int64_t hidden2 = 256;       // > 0
  double dropout = 0.2;        // [0, 1)
  int epochs = 10;             // >= 1
  int64_t batch = 256;         // >= 2 (BatchNorm)
  double lr = 1e-3;            // > 0
  double valid_share = 0.05;   // [0, 0.5]: aligned items held out for the per-epoch scores
  double ridge_lambda = 1.0;   // >= 0: L2 penalty of the ridge reference, on centred features
  bool standardize_targets = false;  // network learns (target - mean) / std; off: the seed's model
  bool allow_missing_features = false;  // items of item_info without features get a zero vector
  uint64_t seed = 42;          // split, initialisation, shuffling, dropout

  // InputError naming the flag when a value is out of range or a path is missing.
  void validate() const;
};

// Runs the whole stage and returns the summary: counts (features, targets, aligned, cold-start),
// per-epoch train/validation scores, the mean and ridge references, output paths and seconds.
nlohmann::json run_project(const ProjectArgs& args);

}  // namespace mmctr::proj
