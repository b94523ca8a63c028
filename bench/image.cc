// Image stage benchmark: decode, Pillow-exact bicubic resize and the CLIP resize + crop, per image,
// against Pillow (Debian's /usr/bin/python3) timed in the same run on the same files.
// First validates our pixels against the tiny-clip fixture, then times; single thread on both sides,
// CPU time on both sides.
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "image/clip_preprocess.h"
#include "image/codec.h"
#include "image/resize.h"

namespace {

namespace fs = std::filesystem;
using mmctr::image::Image;

const fs::path kFixture = fs::path(MMCTR_SHARED_DIR) / "fixtures" / "tiny-clip";
constexpr int kRepeats = 10;
constexpr int kSize = 224;

std::vector<uint8_t> read_bytes(const fs::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// CPU time of this thread in milliseconds. Both sides are timed in CPU time, not wall time, so that
// other processes on a shared machine do not skew the ratio.
double thread_cpu_ms() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec * 1e3 + now.tv_nsec * 1e-6;
}

// Mean CPU milliseconds of `repeats` calls, after one warm-up call.
template <typename F>
double time_ms(F&& body, int repeats = kRepeats) {
  body();
  const double start = thread_cpu_ms();
  for (int i = 0; i < repeats; ++i) body();
  return (thread_cpu_ms() - start) / repeats;
}

struct Timings {
  double decode_ms = 0, resize_ms = 0;
};

// Pillow's side: for each path, decode (open + convert("RGB")) and resize (BICUBIC, no
// reducing_gap, to the same shortest-edge size) mean milliseconds. Empty when the peer is absent.
const char* kPeerScript = R"PY(
import sys, io, time, timeit
from PIL import Image
repeats = int(sys.argv[1])
for path, w, h in zip(sys.argv[2::3], sys.argv[3::3], sys.argv[4::3]):
    data = open(path, "rb").read()
    decode = lambda: Image.open(io.BytesIO(data)).convert("RGB")
    im = decode()
    resize = lambda: im.resize((int(w), int(h)), Image.BICUBIC)
    resize()
    d = timeit.Timer(decode, timer=time.process_time).timeit(number=repeats) / repeats * 1e3
    r = timeit.Timer(resize, timer=time.process_time).timeit(number=repeats) / repeats * 1e3
    print(path, d, r)
)PY";

std::map<std::string, Timings> time_pillow(const std::vector<fs::path>& paths,
                                           const std::vector<mmctr::image::Size>& sizes) {
  std::map<std::string, Timings> result;
  if (access("/usr/bin/python3", X_OK) != 0) return result;
  char script_path[] = "/tmp/mmctr_bench_image_XXXXXX";
  const int fd = mkstemp(script_path);
  if (fd < 0) return result;
  if (write(fd, kPeerScript, std::char_traits<char>::length(kPeerScript)) < 0) {
    close(fd);
    unlink(script_path);
    return result;
  }
  close(fd);
  std::ostringstream command;
  command << "/usr/bin/python3 " << script_path << " " << kRepeats;
  for (size_t i = 0; i < paths.size(); ++i)
    command << " '" << paths[i].string() << "' " << sizes[i].width << " " << sizes[i].height;
  command << " 2>/dev/null";
  if (FILE* pipe = popen(command.str().c_str(), "r")) {
    char line[4096];
    while (fgets(line, sizeof line, pipe)) {
      std::istringstream fields(line);
      std::string path;
      Timings t;
      if (fields >> path >> t.decode_ms >> t.resize_ms) result[path] = t;
    }
    pclose(pipe);
  }
  unlink(script_path);
  return result;
}

}  // namespace

int main() {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(kFixture / "images"))
    if (entry.path().extension() == ".jpg" || entry.path().extension() == ".png") paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  if (paths.empty()) {
    std::fprintf(stderr, "no images under %s\n", (kFixture / "images").c_str());
    return 1;
  }

  // Validate: decode + resize + crop must equal the reference pixels byte for byte.
  std::vector<std::vector<uint8_t>> files;
  std::vector<Image> decoded;
  std::vector<mmctr::image::Size> sizes;
  for (const fs::path& path : paths) {
    files.push_back(read_bytes(path));
    decoded.push_back(mmctr::image::decode_image(files.back().data(), files.back().size(), path.string()));
    sizes.push_back(mmctr::image::shortest_edge_size(decoded.back().width, decoded.back().height, kSize));
    const Image cropped = mmctr::image::resize_and_crop(decoded.back(), kSize);
    const fs::path reference = kFixture / "pixels" / (path.filename().string() + ".crop_u8");
    if (cropped.rgb != read_bytes(reference)) {
      std::fprintf(stderr, "VALIDATION FAILED: %s differs from %s\n", path.c_str(), reference.c_str());
      return 1;
    }
  }
  std::printf("validated %zu images against the tiny-clip reference pixels\n", paths.size());

  const auto pillow = time_pillow(paths, sizes);
  if (pillow.empty()) std::printf("peer (Pillow via /usr/bin/python3) unavailable: ratios skipped\n");

  std::printf("%-24s %9s | %8s %8s %6s | %8s %8s %6s | %8s\n", "image (ms per image)", "size", "decode",
              "pillow", "ratio", "resize", "pillow", "ratio", "crop224");
  Timings ours_total, pillow_total;
  double crop_total = 0;
  for (size_t i = 0; i < paths.size(); ++i) {
    const auto& bytes = files[i];
    const Image& image = decoded[i];
    const auto size = sizes[i];
    const double decode_ms = time_ms([&] {
      mmctr::image::decode_image(bytes.data(), bytes.size(), "bench");
    });
    const double resize_ms = time_ms([&] { mmctr::image::resize_bicubic(image, size.width, size.height); });
    const double crop_ms = time_ms([&] { mmctr::image::resize_and_crop(image, kSize); });
    ours_total.decode_ms += decode_ms;
    ours_total.resize_ms += resize_ms;
    crop_total += crop_ms;
    const std::string dims = std::to_string(image.width) + "x" + std::to_string(image.height);
    const auto peer = pillow.find(paths[i].string());
    if (peer != pillow.end()) {
      pillow_total.decode_ms += peer->second.decode_ms;
      pillow_total.resize_ms += peer->second.resize_ms;
      std::printf("%-24s %9s | %8.3f %8.3f %6.2f | %8.3f %8.3f %6.2f | %8.3f\n",
                  paths[i].filename().c_str(), dims.c_str(), decode_ms, peer->second.decode_ms,
                  peer->second.decode_ms / decode_ms, resize_ms, peer->second.resize_ms,
                  peer->second.resize_ms / resize_ms, crop_ms);
    } else {
      std::printf("%-24s %9s | %8.3f %8s %6s | %8.3f %8s %6s | %8.3f\n", paths[i].filename().c_str(),
                  dims.c_str(), decode_ms, "-", "-", resize_ms, "-", "-", crop_ms);
    }
  }
  const double n = static_cast<double>(paths.size());
  std::printf("mean: decode %.3f ms, resize %.3f ms, resize+crop (our CLIP path) %.3f ms per image\n",
              ours_total.decode_ms / n, ours_total.resize_ms / n, crop_total / n);
  if (pillow.size() == paths.size()) {
    std::printf("pillow mean: decode %.3f ms, resize %.3f ms per image\n", pillow_total.decode_ms / n,
                pillow_total.resize_ms / n);
    std::printf("speedup vs Pillow (Pillow time / ours): decode %.2fx, resize %.2fx, resize+crop %.2fx\n",
                pillow_total.decode_ms / ours_total.decode_ms, pillow_total.resize_ms / ours_total.resize_ms,
                pillow_total.resize_ms / crop_total);
  }
  return 0;
}
