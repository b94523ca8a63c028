// `mmctr run`: the stages synth (embedded default only), clip, w2v, project, cosine and popularity
// (eval --baseline: references that need no model), train, eval, predict, each a subcommand of this
// same executable reading the previous stage's files from the work folder.
// A stage whose inputs (fingerprints) and parameters are unchanged since its last success is skipped;
// --force redoes it, and whatever it changes makes every stage downstream of it run again.
#pragma once

#include <nlohmann/json.hpp>

#include <set>
#include <string>

#include "pipeline/pipeline_config.h"

namespace mmctr::pipeline {

struct RunOptions {
  std::string executable;        // the mmctr binary that runs each stage
  std::set<std::string> force;   // stages to redo even if up to date
};

// Runs the pipeline; returns the run record (per stage: status ran|skipped, seconds, summary, output),
// also written as WORK/metrics.json next to WORK/report.html.
nlohmann::json run_pipeline(const PipelineConfig& config, const RunOptions& options);

}  // namespace mmctr::pipeline
