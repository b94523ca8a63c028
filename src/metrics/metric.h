// Evaluation metrics over (label, prediction) pairs, created by name: metrics::Create("auc").
// Labels are 0/1; predictions are probabilities. Both are double, like sklearn's float64 path,
// so that results match FuxiCTR's (sklearn) values to the last digits.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace mmctr::metrics {

class Metric {
 public:
  virtual ~Metric() = default;
  virtual std::string name() const = 0;
  // Larger is better (AUC) or smaller is better (logloss): what early stopping monitors.
  virtual bool higher_is_better() const = 0;
  // Throws InputError on empty input, sizes that differ, labels other than 0/1, or a metric
  // that is undefined for the data (AUC with one class).
  virtual double compute(const std::vector<double>& labels, const std::vector<double>& predictions) const = 0;
};

// Names (case-insensitive): "auc", "logloss". Throws InputError listing the known names.
std::unique_ptr<Metric> Create(const std::string& name);

}  // namespace mmctr::metrics
