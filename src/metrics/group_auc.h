// Group AUC (FuxiCTR's gAUC, the DIN paper's GAUC): the AUC within each group (user), averaged with
// each group weighted by its number of rows. Groups whose rows are all of one class have no AUC and
// are left out, as FuxiCTR leaves them out.
#pragma once

#include <cstdint>
#include <vector>

namespace mmctr::metrics {

struct GroupAuc {
  double gauc = 0;          // NaN when no group holds both classes
  int64_t groups = 0;       // groups with both classes: the ones averaged
  int64_t rows = 0;         // rows of those groups
};

// Throws InputError when the inputs differ in size, are empty or hold a label other than 0/1.
GroupAuc group_auc(const std::vector<double>& labels, const std::vector<double>& predictions,
                   const std::vector<int64_t>& groups);

}  // namespace mmctr::metrics
