// The run report: one self-contained HTML file (inline SVG, no external assets, no scripts) with the
// training curves, the projector against its baselines, Word2Vec neighbours, cold-start image counts,
// stage timings and the final metrics.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace mmctr::pipeline {

// `record` is run_pipeline's run record; the report also reads the files the stages wrote
// (train metrics, w2v vectors, synth ground truth when present).
void write_report(const nlohmann::json& record, const std::string& path);

// The HTML alone (for tests).
std::string render_report(const nlohmann::json& record);

}  // namespace mmctr::pipeline
