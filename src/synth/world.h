// The latent world behind a synthetic data set: item topics and popularity (held in memory, O(items)),
// user topic preferences and behaviour sequences (regenerated on demand from counter-based streams, so
// a million users cost no memory), and the click probability that labels are drawn from.
#pragma once

#include <cstdint>
#include <vector>

#include "synth/rng.h"
#include "synth/synth.h"

namespace mmctr::synth {

// A user's topic mix, pref[t] summing to 1.
struct UserPreference {
  int64_t user_id = 0;
  std::vector<double> pref;
  std::vector<double> cumulative;
  int64_t sequence_length = 0;  // length of the user's behaviour sequence (item_seq.parquet)
};

// One impression: the shown item, its true click probability and the drawn label.
struct Impression {
  int64_t item = 0;
  double probability = 0;
  int label = 0;
};

class World {
 public:
  explicit World(const SynthArgs& args);

  // Rows of item_info (real items + the padding row 0).
  int64_t item_rows() const { return static_cast<int64_t>(topic_.size()); }
  int topic(int64_t item) const { return topic_[item]; }
  // Normalised Zipf weight (sums to 1 over real items; 0 for the padding row).
  double popularity(int64_t item) const { return popularity_[item]; }
  bool cold(int64_t item) const { return cold_[item] != 0; }
  int64_t cold_items() const { return static_cast<int64_t>(cold_list_.size()); }

  UserPreference user(int64_t user_id) const;
  // Item at `position` of the user's behaviour sequence (any position, no state: counter-based).
  int64_t sequence_item(const UserPreference& user, int64_t position) const;
  // Draws a shown item and its label. allow_cold: valid/test may show items without behaviour.
  Impression impression(const UserPreference& user, Rng& rng, bool allow_cold) const;
  double click_probability(const UserPreference& user, int64_t item) const;
  double logit_without_intercept(const UserPreference& user, int64_t item) const;
  double intercept() const { return intercept_; }

 private:
  void calibrate_intercept();

  const SynthArgs& args_;
  std::vector<int> topic_;
  std::vector<double> popularity_, log_popularity_;  // log_popularity_: standardised (see World())
  std::vector<uint8_t> cold_;
  std::vector<int64_t> cold_list_;
  // Warm items of each topic and their cumulative popularity (what sequences draw from).
  std::vector<std::vector<int64_t>> topic_items_;
  std::vector<std::vector<double>> topic_cumulative_;
  std::vector<int64_t> warm_items_;
  std::vector<double> warm_cumulative_;
  double intercept_ = 0;
};

}  // namespace mmctr::synth
