// The metric factory: one place mapping names to implementations.
#include "metrics/metric.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "metrics/auc.h"
#include "metrics/logloss.h"

namespace mmctr::metrics {
namespace {

class Auc : public Metric {
 public:
  std::string name() const override { return "auc"; }
  bool higher_is_better() const override { return true; }
  double compute(const std::vector<double>& labels, const std::vector<double>& predictions) const override {
    return roc_auc(labels, predictions);
  }
};

class Logloss : public Metric {
 public:
  std::string name() const override { return "logloss"; }
  bool higher_is_better() const override { return false; }
  double compute(const std::vector<double>& labels, const std::vector<double>& predictions) const override {
    return logloss(labels, predictions);
  }
};

}  // namespace

std::unique_ptr<Metric> Create(const std::string& name) {
  std::string key = name;
  std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
  if (key == "auc") return std::make_unique<Auc>();
  if (key == "logloss") return std::make_unique<Logloss>();
  fail("unknown metric '{}' (known: auc, logloss)", name);
}

}  // namespace mmctr::metrics
