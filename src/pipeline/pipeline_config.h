// The configuration of `mmctr run`: where the data and the work folder are, and every stage's
// parameters. Each stage section's keys are that subcommand's flags (w2v: {dim: 128} -> --dim 128),
// except train, whose keys are DIN config keys (-> --set key=value). The seed's values are the
// subcommands' own defaults, so an empty section runs the seed's pipeline.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mmctr::pipeline {

// The stages in pipeline order.
const std::vector<std::string>& stage_names();

struct PipelineConfig {
  std::string data;        // MicroLens folder; empty: the embedded default (synth writes one)
  std::string clip_model;  // Hugging Face CLIP folder; empty: a random CLIP-shaped model (not CLIP)
  std::string work = "mmctr-run";  // stage outputs, manifests, report
  int threads = 0;         // 0: all cores
  uint64_t seed = 42;
  nlohmann::json stages = nlohmann::json::object();  // stage name -> {flag: value}

  bool embedded_default() const { return data.empty(); }
  const nlohmann::json& stage(const std::string& name) const;
};

// The embedded default: synth data of demo size, a random CLIP-shaped model, a small DIN.
PipelineConfig default_pipeline();

// Reads a YAML pipeline file on top of default values (InputError for unknown keys or stages).
PipelineConfig load_pipeline(const std::string& path);

// Applies "stage.key=value" or "key=value" (top level) overrides; values are parsed as YAML scalars.
void apply_overrides(PipelineConfig& config, const std::vector<std::string>& sets);

}  // namespace mmctr::pipeline
