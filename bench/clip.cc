// CLIP image embedding throughput: the model forward alone on preprocessed pixels versus the whole
// pipeline from image files (decode + Pillow-exact resize + normalise on worker threads, overlapped
// with the forward), same batch and threads. Validates against the tiny-clip reference first.
//
//   bench_clip [--vit-b32] [--images N] [--batch N] [--threads N] [--decode-threads N] [--rounds N]
//
// The two are timed alternately, --rounds times each, and the best of each is compared (the
// machine this runs on is often shared, and the best round is the least disturbed one).
//
// --vit-b32 times a randomly initialised ViT-B/32-shaped tower (hidden 768, 12 layers, 12 heads,
// projection 512) built in memory instead of the tiny fixture model. Target: end to end >= 0.9 x the
// forward-alone rate (the preprocessing hides behind the forward).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clip/encoder.h"
#include "common/progress.h"
#include "common/runtime.h"
#include "image/clip_preprocess.h"
#include "image/codec.h"

namespace fs = std::filesystem;
using namespace mmctr;

namespace {

const std::string kFixture = std::string(MMCTR_SHARED_DIR) + "/fixtures/tiny-clip";

struct Flags {
  bool vit_b32 = false;
  int images = 0;  // 0: 256 for the tiny model, 96 for ViT-B/32
  int batch = 32;
  int threads = 2;
  int decode_threads = 0;
  int rounds = 3;
};

Flags parse_flags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&] {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "bench_clip: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return std::atoi(argv[++i]);
    };
    if (a == "--vit-b32") f.vit_b32 = true;
    else if (a == "--images") f.images = value();
    else if (a == "--batch") f.batch = value();
    else if (a == "--threads") f.threads = value();
    else if (a == "--decode-threads") f.decode_threads = value();
    else if (a == "--rounds") f.rounds = std::max(1, value());
    else {
      std::fprintf(stderr, "usage: bench_clip [--vit-b32] [--images N] [--batch 32] [--threads 2] [--decode-threads N] [--rounds 3]\n");
      std::exit(2);
    }
  }
  if (f.images <= 0) f.images = f.vit_b32 ? 96 : 256;
  return f;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Largest |a - b| of the tiny model's output against the float64 reference, over all fixture
// images: once from the reference pixels (forward alone) and once from the files (end to end).
bool validate(const clip::ClipEncoder& encoder, const std::string& images_dir) {
  std::ifstream in(kFixture + "/expected.json");
  auto expected = nlohmann::json::parse(in);
  std::vector<std::string> names;
  for (auto it = expected["images"].begin(); it != expected["images"].end(); ++it)
    names.push_back(it.key().substr(7));
  const int64_t n = static_cast<int64_t>(names.size()), dim = encoder.dim(), record = 3 * 224 * 224;

  std::vector<float> pixels(static_cast<size_t>(n * record)), forward(static_cast<size_t>(n * dim));
  for (int64_t i = 0; i < n; ++i) {
    std::ifstream f(kFixture + "/pixels/" + names[i] + ".f32", std::ios::binary);
    f.read(reinterpret_cast<char*>(pixels.data() + i * record), record * 4);
  }
  encoder.embed_pixels(pixels.data(), n, 8, forward.data());

  clip::ClipArgs args;
  args.images_dir = images_dir;
  args.pattern = "{item_id}.img";
  std::vector<int64_t> ids;
  for (int64_t i = 0; i < n; ++i) {
    fs::create_symlink(kFixture + "/images/" + names[i], clip::image_path(args, i + 1));
    ids.push_back(i + 1);
  }
  clip::EncodeResult result = encoder.encode(ids, args);

  double worst_forward = 0, worst_files = 0;
  for (int64_t i = 0; i < n; ++i) {
    auto want = expected["images"]["images/" + names[i]]["float64"]["image_embeds_normalized"].get<std::vector<double>>();
    for (int64_t j = 0; j < dim; ++j) {
      worst_forward = std::max(worst_forward, std::abs(forward[i * dim + j] - want[j]));
      worst_files = std::max(worst_files, std::abs(result.embeddings.row(i)[j] - want[j]));
    }
  }
  std::printf("validate: %lld fixture images, max |diff| vs float64 reference: forward %.2e, from files %.2e "
              "(ok %lld)\n", static_cast<long long>(n), worst_forward, worst_files, static_cast<long long>(result.ok));
  return worst_forward < 1e-5 && worst_files < 1e-5 && result.ok == n;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags = parse_flags(argc, argv);
  Progress::set_enabled(false);
  set_threads(flags.threads);
  const std::string work = (fs::temp_directory_path() / ("mmctr_bench_clip_" + std::to_string(::getpid()))).string();
  fs::create_directories(work + "/validate");
  fs::create_directories(work + "/images");
  int status = 0;
  try {
    if (!validate(clip::ClipEncoder(kFixture + "/tiny-clip-vit"), work + "/validate")) {
      std::printf("FAILED: outputs differ from the reference; not timing\n");
      fs::remove_all(work);
      return 1;
    }

    std::unique_ptr<clip::ClipEncoder> encoder;
    if (flags.vit_b32) {
      clip::VisionConfig config;  // the defaults are openai/clip-vit-base-patch32's
      encoder = std::make_unique<clip::ClipEncoder>(config);
    } else {
      encoder = std::make_unique<clip::ClipEncoder>(kFixture + "/tiny-clip-vit");
    }

    // The photographs of the fixture that are JPEGs (as MicroLens covers are), cycled to N items.
    std::vector<std::string> jpegs;
    for (const auto& entry : fs::directory_iterator(kFixture + "/images"))
      if (entry.path().extension() == ".jpg") jpegs.push_back(entry.path().string());
    std::sort(jpegs.begin(), jpegs.end());
    clip::ClipArgs args;
    args.images_dir = work + "/images";
    args.batch = flags.batch;
    args.decode_threads = flags.decode_threads;
    std::vector<int64_t> ids;
    for (int i = 0; i < flags.images; ++i) {
      fs::create_symlink(jpegs[i % jpegs.size()], clip::image_path(args, i + 1));
      ids.push_back(i + 1);
    }

    // Forward alone: the same images, preprocessed beforehand.
    const int64_t n = flags.images, record = 3 * encoder->image_size() * encoder->image_size();
    std::vector<float> pixels(static_cast<size_t>(n * record)), out(static_cast<size_t>(n * encoder->dim()));
    image::ClipPreprocessConfig preprocess;
    auto start = std::chrono::steady_clock::now();
    for (int64_t i = 0; i < n; ++i)
      image::to_normalized_chw(image::resize_and_crop(image::read_image(jpegs[i % jpegs.size()]), 224), preprocess,
                               pixels.data() + i * record);
    double preprocess_s = seconds_since(start);
    encoder->embed_pixels(pixels.data(), std::min<int64_t>(n, flags.batch), flags.batch, out.data());  // warm-up
    double forward_s = 1e300, e2e_s = 1e300;
    clip::EncodeResult result;
    for (int round = 0; round < flags.rounds; ++round) {
      start = std::chrono::steady_clock::now();
      encoder->embed_pixels(pixels.data(), n, flags.batch, out.data());
      forward_s = std::min(forward_s, seconds_since(start));
      result = encoder->encode(ids, args);
      e2e_s = std::min(e2e_s, result.seconds);
    }
    // The end-to-end output must be what the forward alone computed from the same pixels.
    double worst = 0;
    for (int64_t i = 0; i < n * encoder->dim(); ++i) worst = std::max(worst, double(std::abs(out[i] - result.embeddings.data[i])));

    const int decode_threads = flags.decode_threads > 0 ? flags.decode_threads : flags.threads;
    std::printf("model %s, %lld JPEG images, batch %d, torch threads %d, decode threads %d, best of %d\n",
                flags.vit_b32 ? "ViT-B/32 shape (random weights)" : "tiny-clip (hidden 64, 2 layers)",
                static_cast<long long>(n), flags.batch, flags.threads, decode_threads, flags.rounds);
    std::printf("preprocess alone (1 thread): %8.1f images/s (%.2f ms/image)\n", n / preprocess_s,
                1e3 * preprocess_s / n);
    std::printf("forward alone:               %8.1f images/s\n", n / forward_s);
    std::printf("end to end (files -> emb):   %8.1f images/s (ok %lld, max |diff| vs forward alone %.1e)\n",
                n / e2e_s, static_cast<long long>(result.ok), worst);
    std::printf("ratio end-to-end / forward-alone: %.3f (target >= 0.9)\n", forward_s / e2e_s);
    if (result.ok != n || worst > 1e-5) {
      std::printf("FAILED: end-to-end output differs from the forward alone\n");
      status = 1;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_clip: %s\n", e.what());
    status = 1;
  }
  fs::remove_all(work);
  return status;
}
