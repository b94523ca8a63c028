#include "common/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>

namespace mmctr {
namespace {
std::atomic<bool> g_enabled{true};

std::string human(double x) {
  if (x >= 1e9) return fmt::format("{:.2f}G", x / 1e9);
  if (x >= 1e6) return fmt::format("{:.2f}M", x / 1e6);
  if (x >= 1e4) return fmt::format("{:.1f}k", x / 1e3);
  return fmt::format("{:.1f}", x);
}

std::string clock(double s) {
  auto t = static_cast<int64_t>(s + 0.5);
  return t >= 3600 ? fmt::format("{}:{:02d}:{:02d}", t / 3600, t / 60 % 60, t % 60)
                   : fmt::format("{:02d}:{:02d}", t / 60, t % 60);
}
}  // namespace

void Progress::set_enabled(bool enabled) { g_enabled = enabled; }

Progress::Progress(std::string label, int64_t total, std::string unit)
    : label_(std::move(label)), unit_(std::move(unit)), total_(total) {
  start_ = last_draw_ = std::chrono::steady_clock::now();
}

Progress::~Progress() {
  if (!finished_ && g_enabled && isatty(STDERR_FILENO)) std::fputs("\n", stderr);
}

double Progress::seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::update(int64_t done, const std::string& extra) {
  if (!g_enabled) return;
  auto now = std::chrono::steady_clock::now();
  bool tty = isatty(STDERR_FILENO);
  double interval = tty ? 0.2 : 10.0;
  std::lock_guard<std::mutex> lock(mutex_);
  if (std::chrono::duration<double>(now - last_draw_).count() < interval) return;
  last_draw_ = now;
  draw(done, extra, false);
}

void Progress::finish(const std::string& extra) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  if (g_enabled) draw(total_ > 0 ? total_ : -1, extra, true);
}

void Progress::draw(int64_t done, const std::string& extra, bool final_line) {
  bool tty = isatty(STDERR_FILENO);
  double elapsed = seconds();
  std::string line = label_;
  if (done >= 0) {
    double rate = elapsed > 0 ? done / elapsed : 0;
    if (total_ > 0) {
      double fraction = std::min(1.0, static_cast<double>(done) / total_);
      int width = 24, filled = static_cast<int>(fraction * width);
      line += fmt::format(" [{}{}] {:3.0f}%", std::string(filled, '#'), std::string(width - filled, '.'),
                          100 * fraction);
      line += fmt::format(" {}/{} {}", human(done), human(total_), unit_);
      line += fmt::format(" | {} {}/s", human(rate), unit_);
      if (!final_line && rate > 0) line += " | ETA " + clock((total_ - done) / rate);
    } else {
      line += fmt::format(" {} {} | {} {}/s", human(done), unit_, human(rate), unit_);
    }
  }
  line += " | " + clock(elapsed);
  if (!extra.empty()) line += " | " + extra;
  if (tty)
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final_line ? "\n" : "");
  else
    std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

}  // namespace mmctr
