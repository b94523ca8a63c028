// DinConfig: everything a DIN training run depends on, in FuxiCTR's YAML shape
//   dataset_config: {data_root, train_data, valid_data, test_data, item_info, item_emb_column, ...}
//   model_config:   {model, embedding_dim, dnn_hidden_units, attention_hidden_units, ...}
// Unknown keys are rejected; every key can be overridden with set("key", "value") (the CLI's
// --set), where key is "section.name" or just "name". The YAML written by to_yaml() is what a run
// folder embeds, and reading it back gives the same config.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mmctr::ctr {

struct DinConfig {
  // dataset_config
  std::string data_root;                         // folder of the parquet files (required to train)
  std::string train_data = "train.parquet";      // relative names are under data_root
  std::string valid_data = "valid.parquet";
  std::string test_data = "test.parquet";
  std::string item_info = "item_info.parquet";   // item_id, item_tags, frozen item embedding
  std::string item_emb_column = "item_emb_d128"; // which embedding column feeds the frozen feature
  int64_t max_len = 64;                          // history length the files hold (> 0)
  int64_t level_vocab_size = 11;                 // likes_level / views_level take 0..vocab-1 (> 1)

  // model_config (defaults: the seed's configuration)
  std::string model = "DIN";
  int64_t embedding_dim = 128;                                   // > 0
  std::vector<int64_t> dnn_hidden_units = {2048, 1024, 512, 256};  // each > 0
  std::vector<int64_t> attention_hidden_units = {1024, 512, 256};  // at least one, each > 0
  double attention_dropout = 0.2;                                // [0, 1)
  double net_dropout = 0.2;                                      // [0, 1)
  bool batch_norm = true;                                        // BatchNorm in the DNN
  bool din_use_softmax = false;                                  // softmax over masked scores
  double learning_rate = 5e-4;                                   // > 0
  int64_t batch_size = 4096;                                     // > 0
  double embedding_regularizer = 5e-7;                           // >= 0: (λ/2)·‖W‖² of embeddings
  int64_t epochs = 8;                                            // > 0
  int64_t early_stop_patience = 4;                               // > 0
  double max_gradient_norm = 10.0;                               // > 0
  double lr_decay_factor = 0.1;                                  // (0, 1]: on plateau
  double min_learning_rate = 1e-6;                               // floor of the decay
  std::string monitor = "auc";                                   // metric for best epoch
  uint64_t seed = 20242025;
  int64_t gpu = -1;  // FuxiCTR's key: -1 trains on the CPU, n >= 0 on CUDA device n

  // Where the model computes: the CPU, or CUDA device `gpu` (InputError when this LibTorch build
  // has no such device).
  torch::Device device() const;

  // Throws InputError naming the key for an unknown key or a value of the wrong type/range.
  void set(const std::string& key, const std::string& value);
  // Throws InputError naming the first bad field.
  void validate() const;

  std::string to_yaml() const;
  // Starts from the defaults; keys not in the text keep them.
  static DinConfig from_yaml(const std::string& text, const std::string& source_name);
  static DinConfig from_file(const std::string& path);

  // dataset file paths: absolute names stay, relative ones are under data_root.
  std::string data_path(const std::string& name) const;
};

}  // namespace mmctr::ctr
