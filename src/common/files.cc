#include "common/files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace fs = std::filesystem;

namespace mmctr {

PendingOutput::PendingOutput(std::string target, bool is_directory)
    : target_(std::move(target)), is_directory_(is_directory) {
  fs::path t(target_);
  fs::path parent = t.parent_path().empty() ? fs::path(".") : t.parent_path();
  MMCTR_CHECK(fs::is_directory(parent), "{}: the folder {} does not exist", target_, parent.string());
  temp_ = (parent / fmt::format(".{}.tmp-{}", t.filename().string(), getpid())).string();
  std::error_code ec;
  fs::remove_all(temp_, ec);
  if (is_directory_) fs::create_directories(temp_);
}

PendingOutput::~PendingOutput() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(temp_, ec);
}

void PendingOutput::commit() {
  std::error_code ec;
  if (is_directory_ && fs::exists(target_)) fs::remove_all(target_, ec);
  fs::rename(temp_, target_, ec);
  MMCTR_CHECK(!ec, "{}: cannot move the finished output into place: {}", target_, ec.message());
  committed_ = true;
}

std::string output_folder(const std::string& out) {
  std::string folder = fs::path(out).lexically_normal().string();
  while (folder.size() > 1 && folder.back() == '/') folder.pop_back();
  MMCTR_CHECK(folder != "/" && folder != "." && folder != "..",
              "--out {}: give a folder of its own for the data set, not the root or current folder", out);
  return folder;
}

void check_not_input(const std::string& output, const std::vector<std::string>& inputs) {
  std::error_code ec;
  if (!fs::exists(output, ec)) return;
  for (const auto& in : inputs) {
    if (!in.empty() && fs::exists(in, ec) && fs::equivalent(output, in, ec))
      fail("{}: the output would overwrite the input {}; choose another --out", output, in);
  }
}

void require_file(const std::string& path, const std::string& what) {
  std::error_code ec;
  MMCTR_CHECK(fs::exists(path, ec), "{}: {} not found", path, what);
  MMCTR_CHECK(fs::is_regular_file(path, ec), "{}: {} is not a regular file", path, what);
}

bool file_exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::string read_text_file(const std::string& path) {
  require_file(path, "file");
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_text_file_atomic(const std::string& path, const std::string& text) {
  PendingOutput out(path);
  {
    std::ofstream f(out.path(), std::ios::binary);
    f << text;
    MMCTR_CHECK(f.good(), "{}: write failed", path);
  }
  out.commit();
}

uint64_t file_size(const std::string& path) { return fs::file_size(path); }

}  // namespace mmctr
