#include "clip/encoder.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ios>

#include "clip/batch_prefetcher.h"
#include "clip/vision_model.h"
#include "common/error.h"
#include "common/files.h"
#include "common/progress.h"
#include "common/runtime.h"
#include "image/clip_preprocess.h"
#include "image/codec.h"
#include "io/parquet.h"

namespace mmctr::clip {
namespace {

enum class ImageStatus : uint8_t { Ok, Missing, Corrupt };

constexpr const char* kItemIdField = "{item_id}";
// Batches preprocessed ahead of the forward in progress: enough to hide a slow image.
constexpr int kPrefetchDepth = 3;
// Preprocessing needs a few percent of the forward's CPU time; at a lower priority the workers
// take it from idle moments rather than stalling the model's threads (which meet at barriers).
constexpr int kDecodeNice = 5;
// Corrupt images are named in the log up to this many; the summary counts all of them.
constexpr int64_t kCorruptLogLimit = 10;

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

std::string image_path(const ClipArgs& args, int64_t item_id) {
  std::string name = args.pattern, id = std::to_string(item_id);
  for (size_t at = name.find(kItemIdField); at != std::string::npos; at = name.find(kItemIdField, at + id.size()))
    name.replace(at, std::strlen(kItemIdField), id);
  return args.images_dir + "/" + name;
}

struct ClipEncoder::Model {
  VisionModel net;
  image::ClipPreprocessConfig preprocess;
  std::vector<float> black_pixels;  // the cold-start input, preprocessed once
  mutable std::atomic<int64_t> corrupt_logged{0};

  explicit Model(VisionModel model) : net(std::move(model)) {
    net->eval();
    preprocess.size = static_cast<int>(net->config().image_size);
    black_pixels.resize(static_cast<size_t>(3 * preprocess.size * preprocess.size));
    image::to_normalized_chw(image::black_image(preprocess.size), preprocess, black_pixels.data());
  }

  // Decodes and preprocesses one image into out [3, S, S]; the black image if it is missing or bad.
  ImageStatus prepare(const std::string& path, float* out) const {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return black(out, ImageStatus::Missing);
    } else if (!S_ISREG(st.st_mode)) {
      return corrupt(fmt::format("{}: not a regular file", path), out);
    }
    try {
      image::to_normalized_chw(image::resize_and_crop(image::read_image(path), preprocess.size), preprocess, out);
      return ImageStatus::Ok;
    } catch (const InputError& e) {  // ImageError: not an image, corrupt, truncated, unreadable
      return corrupt(e.what(), out);
    } catch (const std::ios_base::failure& e) {  // an I/O error while reading
      return corrupt(fmt::format("{}: {}", path, e.what()), out);
    }
  }

  ImageStatus black(float* out, ImageStatus status) const {
    std::copy(black_pixels.begin(), black_pixels.end(), out);
    return status;
  }

  ImageStatus corrupt(const std::string& why, float* out) const {
    const int64_t seen = corrupt_logged.fetch_add(1);
    if (seen < kCorruptLogLimit) fmt::print(stderr, "clip: warning: black image for {}\n", why);
    if (seen == kCorruptLogLimit) fmt::print(stderr, "clip: warning: more bad images; counted, not named\n");
    return black(out, ImageStatus::Corrupt);
  }

  // pixels [n, 3, S, S] -> out [n, P]
  void forward(const float* pixels, int64_t n, float* out) {
    const int64_t s = preprocess.size;
    auto input = torch::from_blob(const_cast<float*>(pixels), {n, 3, s, s});
    auto embeds = net->forward(input).contiguous();
    std::memcpy(out, embeds.data_ptr<float>(), sizeof(float) * static_cast<size_t>(embeds.numel()));
  }
};

ClipEncoder::ClipEncoder(const std::string& model_dir)
    : model_(std::make_unique<Model>(load_vision_model(model_dir))) {}
ClipEncoder::ClipEncoder(const VisionConfig& config) : model_(std::make_unique<Model>(VisionModel(config))) {}
ClipEncoder::~ClipEncoder() = default;

int64_t ClipEncoder::dim() const { return model_->net->config().projection_dim; }
int64_t ClipEncoder::image_size() const { return model_->preprocess.size; }

void ClipEncoder::embed_pixels(const float* pixels, int64_t n, int64_t batch, float* out) const {
  MMCTR_CHECK(batch > 0, "batch must be positive, got {}", batch);
  torch::set_num_threads(num_threads());
  const int64_t record = 3 * image_size() * image_size();
  for (int64_t begin = 0; begin < n; begin += batch) {
    const int64_t count = std::min(batch, n - begin);
    model_->forward(pixels + begin * record, count, out + begin * dim());
  }
}

EncodeResult ClipEncoder::encode(const std::vector<int64_t>& item_ids, const ClipArgs& args) const {
  MMCTR_CHECK(args.batch > 0, "--batch must be positive, got {}", args.batch);
  MMCTR_CHECK(args.pattern.find(kItemIdField) != std::string::npos,
              "--pattern '{}' must contain {} (the image file name of each item)", args.pattern, kItemIdField);
  MMCTR_CHECK(is_directory(args.images_dir), "{}: image folder not found", args.images_dir);
  const auto start = std::chrono::steady_clock::now();

  EncodeResult result;
  result.item_ids = item_ids;
  std::sort(result.item_ids.begin(), result.item_ids.end());
  result.item_ids.erase(std::unique(result.item_ids.begin(), result.item_ids.end()), result.item_ids.end());
  const int64_t items = static_cast<int64_t>(result.item_ids.size()), dim = this->dim();
  result.embeddings.rows = items;
  result.embeddings.cols = dim;
  result.embeddings.data.assign(static_cast<size_t>(items * dim), 0.0f);

  std::vector<int64_t> rows;  // rows that have an image; the padding item keeps its zero vector
  for (int64_t r = 0; r < items; ++r) {
    if (result.item_ids[r] == 0) ++result.padding;
    else rows.push_back(r);
  }
  const int64_t images = static_cast<int64_t>(rows.size());
  std::vector<std::string> paths(images);
  for (int64_t i = 0; i < images; ++i) paths[i] = image_path(args, result.item_ids[rows[i]]);
  std::vector<ImageStatus> status(images);

  torch::set_num_threads(num_threads());
  const int workers = args.decode_threads > 0 ? args.decode_threads : num_threads();
  const int64_t record = 3 * image_size() * image_size();
  BatchPrefetcher prefetcher(images, args.batch, record, workers, kPrefetchDepth,
                             [&](int64_t i, float* out) { status[i] = model_->prepare(paths[i], out); }, kDecodeNice);
  Progress progress("clip", images, "images");
  std::vector<float> embeds(static_cast<size_t>(args.batch * dim));
  BatchPrefetcher::Batch batch;
  while (prefetcher.next(batch)) {
    model_->forward(batch.records, batch.end - batch.begin, embeds.data());
    for (int64_t i = batch.begin; i < batch.end; ++i) {
      std::copy_n(embeds.data() + (i - batch.begin) * dim, dim, result.embeddings.row(rows[i]));
      ImageStatus s = status[i];
      (s == ImageStatus::Ok ? result.ok : s == ImageStatus::Missing ? result.missing : result.corrupt)++;
    }
    progress.update(batch.end, fmt::format("missing {} corrupt {}", result.missing, result.corrupt));
  }
  progress.finish(fmt::format("ok {} missing {} corrupt {}", result.ok, result.missing, result.corrupt));
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

EncodeResult run_clip(const ClipArgs& args) {
  require_file(args.items_path, "item table");
  check_not_input(args.out_path, {args.items_path, args.model_dir + "/model.safetensors",
                                  args.model_dir + "/config.json"});
  ClipEncoder encoder(args.model_dir);
  io::Table table = io::read_parquet(args.items_path, {{"item_id", io::ColumnType::Int64}});
  const auto& ids = table.get<io::Int64Array>("item_id");
  for (size_t r = 0; r < ids.size(); ++r)
    MMCTR_CHECK(ids[r] >= 0, "{}: column item_id, row {}: negative item id {}", args.items_path, r, ids[r]);
  EncodeResult result = encoder.encode(ids, args);

  io::Table out;
  out.add("item_id", result.item_ids);
  out.add("clip_emb", result.embeddings);
  io::write_parquet(args.out_path, out);
  return result;
}

}  // namespace mmctr::clip
