#include "common/stage_cache.h"

#include <filesystem>

#include "common/error.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace mmctr {

namespace {

int64_t mtime_ns(const fs::path& path) {
  return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                  fs::last_write_time(path).time_since_epoch())
                                  .count());
}

nlohmann::json path_fingerprint(const std::string& path) {
  std::error_code ec;
  MMCTR_CHECK(fs::exists(path, ec), "{}: not found", path);
  const std::string absolute = fs::absolute(path).lexically_normal().string();
  if (!fs::is_directory(path, ec))
    return {{"path", absolute}, {"size", fs::file_size(path)}, {"mtime_ns", mtime_ns(path)}};
  int64_t files = 0, bytes = 0, newest = mtime_ns(path);
  for (const auto& entry : fs::recursive_directory_iterator(path)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    bytes += static_cast<int64_t>(entry.file_size());
    newest = std::max(newest, mtime_ns(entry.path()));
  }
  return {{"path", absolute}, {"files", files}, {"bytes", bytes}, {"newest_mtime_ns", newest}};
}

}  // namespace

std::string manifest_path(const std::string& output) { return output + ".manifest.json"; }

nlohmann::json stage_fingerprint(const std::vector<std::string>& inputs, const nlohmann::json& params) {
  nlohmann::json fingerprints = nlohmann::json::array();
  for (const auto& input : inputs) fingerprints.push_back(path_fingerprint(input));
  return {{"inputs", fingerprints}, {"params", params}};
}

bool cached_output_is_fresh(const std::string& output, const nlohmann::json& fingerprint) {
  if (!file_exists(output) || !file_exists(manifest_path(output))) return false;
  nlohmann::json manifest =
      nlohmann::json::parse(read_text_file(manifest_path(output)), nullptr, /*allow_exceptions=*/false);
  if (manifest.is_discarded() || !manifest.is_object()) return false;
  return manifest.value("fingerprint", nlohmann::json()) == fingerprint &&
         manifest.value("output", nlohmann::json()) == path_fingerprint(output);
}

void record_cached_output(const std::string& output, const nlohmann::json& fingerprint) {
  nlohmann::json manifest{{"fingerprint", fingerprint}, {"output", path_fingerprint(output)}};
  write_text_file_atomic(manifest_path(output), manifest.dump(2) + "\n");
}

}  // namespace mmctr
