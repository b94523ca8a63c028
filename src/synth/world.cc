#include "synth/world.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "common/error.h"

namespace mmctr::synth {
namespace {

double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

std::vector<double> cumulative_of(const std::vector<double>& weights) {
  std::vector<double> cumulative(weights.size());
  std::partial_sum(weights.begin(), weights.end(), cumulative.begin());
  return cumulative;
}

}  // namespace

World::World(const SynthArgs& args) : args_(args) {
  const int64_t n = args.items, rows = n + 1;
  const int topics = args.topics;
  topic_.assign(rows, -1);
  popularity_.assign(rows, 0.0);
  log_popularity_.assign(rows, 0.0);
  cold_.assign(rows, 0);

  // Topics: equal shares over a random order of the items. Cold items are the tail of that order,
  // spread over the topics, so every topic keeps warm items.
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 1);
  Rng layout(args.seed, Stream::ItemLayout, 0);
  layout.shuffle(order);
  const auto n_cold = static_cast<int64_t>(std::llround(args.cold_items * static_cast<double>(n)));
  for (int64_t j = 0; j < n; ++j) {
    topic_[order[j]] = static_cast<int>(j % topics);
    if (j >= n - n_cold) {
      cold_[order[j]] = 1;
      cold_list_.push_back(order[j]);
    }
  }
  std::sort(cold_list_.begin(), cold_list_.end());

  // Popularity: Zipf over an independent random ranking.
  layout.shuffle(order);
  double total = 0;
  for (int64_t r = 0; r < n; ++r) {
    popularity_[order[r]] = std::pow(static_cast<double>(r + 1), -args.model.zipf_exponent);
    total += popularity_[order[r]];
  }
  // The label's popularity term uses log popularity standardised under the popularity-weighted
  // distribution (the one shown items follow), so its strength does not grow with the item count.
  double mean_log = 0, var_log = 0;
  for (int64_t i = 1; i < rows; ++i) {
    popularity_[i] /= total;
    mean_log += popularity_[i] * std::log(popularity_[i]);
  }
  for (int64_t i = 1; i < rows; ++i) var_log += popularity_[i] * std::pow(std::log(popularity_[i]) - mean_log, 2);
  const double sd_log = var_log > 0 ? std::sqrt(var_log) : 1.0;
  for (int64_t i = 1; i < rows; ++i) log_popularity_[i] = (std::log(popularity_[i]) - mean_log) / sd_log;

  topic_items_.assign(topics, {});
  for (int64_t i = 1; i < rows; ++i) {
    if (cold_[i]) continue;
    topic_items_[topic_[i]].push_back(i);
    warm_items_.push_back(i);
  }
  topic_cumulative_.resize(topics);
  for (int t = 0; t < topics; ++t) {
    MMCTR_ASSERT(!topic_items_[t].empty());
    std::vector<double> weights;
    for (int64_t i : topic_items_[t]) weights.push_back(popularity_[i]);
    topic_cumulative_[t] = cumulative_of(weights);
  }
  std::vector<double> warm_weights;
  for (int64_t i : warm_items_) warm_weights.push_back(popularity_[i]);
  warm_cumulative_ = cumulative_of(warm_weights);

  calibrate_intercept();
}

UserPreference World::user(int64_t user_id) const {
  UserPreference u;
  u.user_id = user_id;
  const int topics = args_.topics;
  Rng rng(args_.seed, Stream::UserPreference, static_cast<uint64_t>(user_id));
  std::vector<double> mix(topics);
  double total = 0;
  for (int t = 0; t < topics; ++t) total += mix[t] = rng.gamma(args_.model.preference_alpha);
  if (total <= 0) {  // every draw underflowed: one topic
    mix[rng.below(topics)] = total = 1;
  }
  const double floor = args_.model.preference_floor;
  u.pref.resize(topics);
  for (int t = 0; t < topics; ++t) u.pref[t] = (1 - floor) * mix[t] / total + floor / topics;
  u.cumulative = cumulative_of(u.pref);
  const double mean_extra = args_.model.mean_sequence_length - 5;
  u.sequence_length = std::min<int64_t>(500, 5 + static_cast<int64_t>(mean_extra * rng.exponential()));
  return u;
}

int64_t World::sequence_item(const UserPreference& user, int64_t position) const {
  Rng rng(args_.seed, Stream::SequenceItem, static_cast<uint64_t>(user.user_id),
          static_cast<uint64_t>(position));
  const int64_t t = rng.pick(user.cumulative);
  return topic_items_[t][rng.pick(topic_cumulative_[t])];
}

double World::logit_without_intercept(const UserPreference& user, int64_t item) const {
  const double e = args_.model.affinity_smoothing;
  const double affinity = std::log((user.pref[topic_[item]] + e) / (1.0 / args_.topics + e));
  return args_.model.affinity_weight * affinity + args_.model.popularity_weight * log_popularity_[item];
}

double World::click_probability(const UserPreference& user, int64_t item) const {
  return sigmoid(logit_without_intercept(user, item) + intercept_);
}

Impression World::impression(const UserPreference& user, Rng& rng, bool allow_cold) const {
  Impression shown;
  if (allow_cold && !cold_list_.empty() && rng.uniform() < args_.cold_items) {
    shown.item = cold_list_[rng.below(cold_list_.size())];
  } else if (rng.uniform() < args_.model.impression_from_preference) {
    const int64_t t = rng.pick(user.cumulative);
    shown.item = topic_items_[t][rng.pick(topic_cumulative_[t])];
  } else {
    shown.item = warm_items_[rng.pick(warm_cumulative_)];
  }
  shown.probability = click_probability(user, shown.item);
  shown.label = rng.uniform() < shown.probability ? 1 : 0;
  return shown;
}

// Solves mean(sigmoid(logit + c)) = positive_rate over a fixed sample of impressions (bisection:
// the mean is increasing in c).
void World::calibrate_intercept() {
  constexpr int kSamples = 20000;
  std::vector<double> logits(kSamples);
  intercept_ = 0;
  for (int s = 0; s < kSamples; ++s) {
    Rng rng(args_.seed, Stream::Calibration, s);
    UserPreference u = user(1 + static_cast<int64_t>(rng.below(args_.users)));
    logits[s] = logit_without_intercept(u, impression(u, rng, false).item);
  }
  double lo = -30, hi = 30;
  for (int iter = 0; iter < 100; ++iter) {
    double mid = 0.5 * (lo + hi), mean = 0;
    for (double l : logits) mean += sigmoid(l + mid);
    (mean / kSamples < args_.positive_rate ? lo : hi) = mid;
  }
  intercept_ = 0.5 * (lo + hi);
}

}  // namespace mmctr::synth
