// Item images -> CLIP embeddings: images are decoded and preprocessed on a pool of worker threads
// while the model runs batched forwards on earlier batches. A missing or undecodable image gets the
// black cold-start image and is counted; no bad image stops the run.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "clip/vision_config.h"
#include "io/table.h"

namespace mmctr::clip {

struct ClipArgs {
  std::string model_dir;                  // Hugging Face folder: config.json, model.safetensors
  std::string items_path;                 // any Parquet with an item_id column
  std::string images_dir;                 // folder of item images
  std::string out_path;                   // Parquet: item_id, clip_emb
  std::string pattern = "{item_id}.jpg";  // image file name inside images_dir; must contain {item_id}
  int batch = 32;                         // images per forward
  int decode_threads = 0;                 // preprocessing workers; 0: num_threads()
};

struct EncodeResult {
  std::vector<int64_t> item_ids;  // sorted, unique
  io::FloatMatrix embeddings;     // row r: item_ids[r], L2-normalised; the padding item 0 is all zero
  int64_t ok = 0, missing = 0, corrupt = 0, padding = 0;
  double seconds = 0;
};

// The path of an item's image: images_dir / pattern with every {item_id} replaced.
std::string image_path(const ClipArgs& args, int64_t item_id);

class ClipEncoder {
 public:
  explicit ClipEncoder(const std::string& model_dir);
  // A tower of the given shape with LibTorch's default random initialisation (benchmarks).
  explicit ClipEncoder(const VisionConfig& config);
  ~ClipEncoder();

  int64_t dim() const;         // projection_dim
  int64_t image_size() const;  // pixels per side of the model input

  // Embeds the images of the given items (duplicates removed, sorted). Item 0 is the padding
  // row of the data set: it gets a zero vector and no image is read for it.
  EncodeResult encode(const std::vector<int64_t>& item_ids, const ClipArgs& args) const;

  // The model alone on preprocessed pixels [n, 3, S, S] -> out [n, dim], in batches of `batch`.
  void embed_pixels(const float* pixels, int64_t n, int64_t batch, float* out) const;

 private:
  struct Model;
  std::unique_ptr<Model> model_;
};

// `mmctr clip`: reads item ids from args.items_path, encodes, writes args.out_path atomically.
EncodeResult run_clip(const ClipArgs& args);

}  // namespace mmctr::clip
