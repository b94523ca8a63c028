// A progress bar on stderr: rate, ETA and free-form extra fields. Redraws in place on a terminal,
// prints a line every few seconds otherwise (logs, CI), and never writes to stdout.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace mmctr {

class Progress {
 public:
  // total <= 0: unknown length (no ETA). unit names what is counted ("words", "images").
  Progress(std::string label, int64_t total, std::string unit);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Sets the absolute amount done; cheap enough to call often from any thread.
  void update(int64_t done, const std::string& extra = "");
  // Prints the final line (with the mean rate).
  void finish(const std::string& extra = "");
  double seconds() const;

  // Silences all progress output (tests, --quiet).
  static void set_enabled(bool enabled);

 private:
  void draw(int64_t done, const std::string& extra, bool final_line);

  std::string label_, unit_;
  int64_t total_;
  bool finished_ = false;
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mutex_;
};

}  // namespace mmctr
