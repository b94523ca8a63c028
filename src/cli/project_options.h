// The projector's training flags, shared by `mmctr project` and `mmctr embed` (which runs it last).
#pragma once

#include <CLI/CLI.hpp>

#include "proj/project.h"

namespace mmctr::cli {

// --epochs --batch --lr --dropout --hidden1 --hidden2 --valid-share --ridge-lambda --emb-column
// --standardize-targets --allow-missing-features, defaulting to the seed's values held in `args`.
void add_projector_training_options(CLI::App* command, proj::ProjectArgs& args);

}  // namespace mmctr::cli
