// Output files are written to a temporary name beside the target and renamed into place when
// complete, so a failed run leaves nothing half-written; and no output may be one of the inputs.
#pragma once

#include <string>
#include <vector>

namespace mmctr {

// A file or folder being written. path() is where to write; commit() renames it to the target.
// Destroyed without commit() (an exception), the temporary is removed.
class PendingOutput {
 public:
  explicit PendingOutput(std::string target, bool is_directory = false);
  ~PendingOutput();
  PendingOutput(const PendingOutput&) = delete;
  PendingOutput& operator=(const PendingOutput&) = delete;

  const std::string& path() const { return temp_; }
  const std::string& target() const { return target_; }
  // Replaces an existing target (a folder target must then be a previous mmctr output).
  void commit();

 private:
  std::string target_, temp_;
  bool is_directory_, committed_ = false;
};

// An output folder named by --out, without trailing separators ("data/" -> "data") so that its
// temporary twin goes beside it; InputError for the root or the current folder.
std::string output_folder(const std::string& out);

// Throws InputError if `output` names the same file as any of `inputs` (also through links).
void check_not_input(const std::string& output, const std::vector<std::string>& inputs);

// Throws InputError naming the file if it does not exist or is not a regular file.
void require_file(const std::string& path, const std::string& what);

bool file_exists(const std::string& path);
std::string read_text_file(const std::string& path);
void write_text_file_atomic(const std::string& path, const std::string& text);
uint64_t file_size(const std::string& path);

}  // namespace mmctr
