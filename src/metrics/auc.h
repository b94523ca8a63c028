// Area under the ROC curve with ties handled as sklearn's roc_auc_score does: tied predictions form
// one step of the curve, which is the same as giving each tied positive half credit per tied negative
// (Mann-Whitney U with mid-ranks).
#pragma once

#include <vector>

namespace mmctr::metrics {

// Throws InputError when the inputs are empty, differ in size, hold a label other than 0/1, or hold
// only one class (the AUC is undefined; sklearn raises too).
double roc_auc(const std::vector<double>& labels, const std::vector<double>& predictions);

}  // namespace mmctr::metrics
