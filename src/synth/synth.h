// `mmctr synth`: a MicroLens_1M_x1-shaped data set with planted, learnable structure and known
// ground truth. Items belong to latent topics; users prefer a few topics; sequences follow the
// preferences with a Zipf popularity skew; labels are Bernoulli draws of a known click probability
// (so the Bayes-optimal AUC is known); images, tags and the 128-d embedding depend on the topic.
//
// Output folder (the readers in io/microlens.h accept it as real data):
//   item_info.parquet, item_seq.parquet, train.parquet, valid.parquet, test.parquet, item_images/
//   truth/truth.json           parameters, counts, positive rates, oracle and popularity AUCs
//   truth/item_truth.parquet   item_id, topic, popularity, cold, image_state (row 0: padding)
//   truth/test_labels.parquet  ID, label, probability
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace mmctr::synth {

// The planted model's constants; written to truth.json so a test can recompute anything from them.
struct PlantedModel {
  double preference_alpha = 0.25;     // Dirichlet concentration of a user's topic mix (sparse: few topics)
  double preference_floor = 0.05;     // share of a user's behaviour spread over all topics
  double zipf_exponent = 1.0;         // item popularity ~ 1 / rank^s
  double mean_sequence_length = 30;   // item_seq length = 5 + Exp(mean - 5), at most 500
  // logit = a*affinity + b*z + c, z = log popularity standardised over the popularity-weighted items
  double affinity_weight = 1.2;       // a
  double popularity_weight = 0.8;     // b
  double affinity_smoothing = 0.02;   // affinity = log((pref(topic) + e) / (1/K + e))
  double impression_from_preference = 0.5;  // else the shown item follows global popularity
  double embedding_noise = 0.08;      // per-dimension noise around the topic centroid (cos ~ 0.75)
  double topic_tag_share = 0.8;       // a tag is from the item's topic (else a generic tag)
  int tags_per_topic = 6, generic_tags = 20;
};

struct SynthArgs {
  std::string out;                   // output folder (must not exist, be empty, or be a synth output)
  int64_t items = 2000;              // real items, ids 1..items; item_info has items + 1 rows
  int64_t users = 3000;              // user ids 1..users
  int64_t train_rows = 30000, valid_rows = 3000, test_rows = 3000;
  int topics = 16;
  int history = 64;                  // length of the left-padded item_seq column of train/valid/test
  int tags = 5;                      // length of item_tags
  int embedding_dim = 128;
  bool images = true;
  int image_min = 96, image_max = 400;  // side lengths in pixels
  int jpeg_quality = 90;
  double missing_images = 0.02, corrupt_images = 0.01;  // shares of the items' images
  double cold_items = 0.02;          // share of items never in any sequence nor train target
  double positive_rate = 0.25;       // the intercept is calibrated to this
  uint64_t seed = 42;
  int threads = 0;                   // 0: mmctr::num_threads()
  bool force = false;                // allow replacing a non-empty folder that is not a synth output
  PlantedModel model;

  // Full MicroLens_1M_x1 sizes.
  void set_full_scale();
  // InputError naming the flag when a value is out of range.
  void validate() const;
};

// Writes the data set; returns the summary (counts, positive rates, AUCs) that truth.json holds.
nlohmann::json generate(const SynthArgs& args);

}  // namespace mmctr::synth
