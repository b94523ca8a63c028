// The run folder of `mmctr train`, read back by `mmctr eval` / `mmctr predict` / `--resume`:
//   config.yaml   the DinConfig used (FuxiCTR-shaped YAML)
//   meta.json     feature vocabularies (FeatureShape) and fingerprints of the input files
//   best.pt       weights of the best epoch; last.pt: last epoch + optimizer + trainer state
//   metrics.csv / metrics.json  one record per epoch
// and the loaders that turn the configured files into checked in-memory data.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "ctr/din_config.h"
#include "ctr/model.h"
#include "io/microlens.h"

namespace mmctr::ctr {

std::string run_file(const std::string& run_dir, const char* name);

// Reads item_info with the configured embedding column.
io::ItemInfo load_item_info(const std::string& path, const DinConfig& config);
// Reads a train/valid/test file and checks it against the items and the config.
io::CtrData load_ctr(const std::string& path, io::CtrKind kind, const io::ItemInfo& items, const DinConfig& config);

// {"path", "bytes", "rows"} of an input file, recorded so a run tells what it was trained on.
nlohmann::json fingerprint(const std::string& path, int64_t rows);

void write_meta(const std::string& run_dir, const FeatureShape& shape, const nlohmann::json& inputs);
FeatureShape read_meta(const std::string& run_dir);

// The trained model of a run (best.pt), checked to fit `items` (same item count, embedding width,
// tags within the tag vocabulary).
std::shared_ptr<CtrModel> load_trained_model(const std::string& run_dir, const DinConfig& config,
                                             const io::ItemInfo& items);

}  // namespace mmctr::ctr
