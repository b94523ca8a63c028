// Reuse of intermediate files between runs (`mmctr embed`'s work folder): a cached output is
// reused when the manifest written beside it (OUTPUT.manifest.json) records the same inputs
// (absolute path, size, modification time; a folder by its file count, total size and newest
// modification time) and the same parameters, and the output itself is unchanged since.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace mmctr {

// What a stage's result depends on. `inputs` are files or folders (walked recursively).
nlohmann::json stage_fingerprint(const std::vector<std::string>& inputs, const nlohmann::json& params);

// True when `output` exists and its manifest matches `fingerprint` and the output's own size/mtime.
bool cached_output_is_fresh(const std::string& output, const nlohmann::json& fingerprint);

// Writes the manifest for a freshly written `output` (atomically).
void record_cached_output(const std::string& output, const nlohmann::json& fingerprint);

std::string manifest_path(const std::string& output);

}  // namespace mmctr
