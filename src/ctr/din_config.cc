#include "ctr/din_config.h"

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>

#include "common/error.h"
#include "common/files.h"

namespace mmctr::ctr {
namespace {

// One configurable field: its section and how it moves between DinConfig and YAML.
struct Field {
  std::string section, name;
  std::function<void(DinConfig&, const YAML::Node&)> read;
  std::function<YAML::Node(const DinConfig&)> write;
};

template <typename T>
Field field(const char* section, const char* name, T DinConfig::*member) {
  return Field{section, name,
               [member](DinConfig& config, const YAML::Node& node) { config.*member = node.as<T>(); },
               [member](const DinConfig& config) { return YAML::Node(config.*member); }};
}

const std::vector<Field>& fields() {
  static const std::vector<Field> all = {
      field("dataset_config", "data_root", &DinConfig::data_root),
      field("dataset_config", "train_data", &DinConfig::train_data),
      field("dataset_config", "valid_data", &DinConfig::valid_data),
      field("dataset_config", "test_data", &DinConfig::test_data),
      field("dataset_config", "item_info", &DinConfig::item_info),
      field("dataset_config", "item_emb_column", &DinConfig::item_emb_column),
      field("dataset_config", "max_len", &DinConfig::max_len),
      field("dataset_config", "level_vocab_size", &DinConfig::level_vocab_size),
      field("model_config", "model", &DinConfig::model),
      field("model_config", "embedding_dim", &DinConfig::embedding_dim),
      field("model_config", "dnn_hidden_units", &DinConfig::dnn_hidden_units),
      field("model_config", "attention_hidden_units", &DinConfig::attention_hidden_units),
      field("model_config", "attention_dropout", &DinConfig::attention_dropout),
      field("model_config", "net_dropout", &DinConfig::net_dropout),
      field("model_config", "batch_norm", &DinConfig::batch_norm),
      field("model_config", "din_use_softmax", &DinConfig::din_use_softmax),
      field("model_config", "learning_rate", &DinConfig::learning_rate),
      field("model_config", "batch_size", &DinConfig::batch_size),
      field("model_config", "embedding_regularizer", &DinConfig::embedding_regularizer),
      field("model_config", "epochs", &DinConfig::epochs),
      field("model_config", "early_stop_patience", &DinConfig::early_stop_patience),
      field("model_config", "max_gradient_norm", &DinConfig::max_gradient_norm),
      field("model_config", "lr_decay_factor", &DinConfig::lr_decay_factor),
      field("model_config", "min_learning_rate", &DinConfig::min_learning_rate),
      field("model_config", "monitor", &DinConfig::monitor),
      field("model_config", "seed", &DinConfig::seed),
      field("model_config", "gpu", &DinConfig::gpu),
  };
  return all;
}

const Field& find_field(const std::string& key, const std::string& where) {
  std::string section, name = key;
  if (auto dot = key.find('.'); dot != std::string::npos) {
    section = key.substr(0, dot);
    name = key.substr(dot + 1);
  }
  for (const Field& f : fields())
    if (f.name == name && (section.empty() || section == f.section)) return f;
  std::string known;
  for (const Field& f : fields()) known += (known.empty() ? "" : ", ") + f.name;
  fail("{}: unknown config key '{}' (known keys: {})", where, key, known);
}

void read_field(DinConfig& config, const Field& f, const YAML::Node& node, const std::string& where) {
  try {
    f.read(config, node);
  } catch (const YAML::Exception& e) {
    fail("{}: bad value for {}.{}: {}", where, f.section, f.name, e.what());
  }
}

}  // namespace

void DinConfig::set(const std::string& key, const std::string& value) {
  const std::string where = "--set " + key;
  YAML::Node node;
  try {
    node = YAML::Load(value);
  } catch (const YAML::Exception& e) {
    fail("{}: cannot parse '{}': {}", where, value, e.what());
  }
  read_field(*this, find_field(key, where), node, where);
}

void DinConfig::validate() const {
  auto positive_units = [](const std::vector<int64_t>& units) {
    for (int64_t u : units)
      if (u <= 0) return false;
    return true;
  };
  MMCTR_CHECK(model == "DIN" || model == "din", "config: model '{}' is not known (known: DIN)", model);
  MMCTR_CHECK(max_len > 0, "config: max_len must be > 0, got {}", max_len);
  MMCTR_CHECK(level_vocab_size > 1, "config: level_vocab_size must be > 1, got {}", level_vocab_size);
  MMCTR_CHECK(embedding_dim > 0, "config: embedding_dim must be > 0, got {}", embedding_dim);
  MMCTR_CHECK(positive_units(dnn_hidden_units), "config: dnn_hidden_units must all be > 0");
  MMCTR_CHECK(!attention_hidden_units.empty() && positive_units(attention_hidden_units),
              "config: attention_hidden_units needs at least one layer, all > 0");
  MMCTR_CHECK(attention_dropout >= 0 && attention_dropout < 1,
              "config: attention_dropout must be in [0, 1), got {}", attention_dropout);
  MMCTR_CHECK(net_dropout >= 0 && net_dropout < 1, "config: net_dropout must be in [0, 1), got {}",
              net_dropout);
  MMCTR_CHECK(learning_rate > 0, "config: learning_rate must be > 0, got {}", learning_rate);
  MMCTR_CHECK(batch_size > 0, "config: batch_size must be > 0, got {}", batch_size);
  MMCTR_CHECK(embedding_regularizer >= 0, "config: embedding_regularizer must be >= 0, got {}",
              embedding_regularizer);
  MMCTR_CHECK(epochs > 0, "config: epochs must be > 0, got {}", epochs);
  MMCTR_CHECK(early_stop_patience > 0, "config: early_stop_patience must be > 0, got {}",
              early_stop_patience);
  MMCTR_CHECK(max_gradient_norm > 0, "config: max_gradient_norm must be > 0, got {}", max_gradient_norm);
  MMCTR_CHECK(lr_decay_factor > 0 && lr_decay_factor <= 1, "config: lr_decay_factor must be in (0, 1]");
  MMCTR_CHECK(min_learning_rate >= 0, "config: min_learning_rate must be >= 0");
  MMCTR_CHECK(monitor == "auc" || monitor == "logloss", "config: monitor must be auc or logloss, got '{}'",
              monitor);
  MMCTR_CHECK(gpu >= -1, "config: gpu must be -1 (CPU) or a CUDA device number, got {}", gpu);
}

torch::Device DinConfig::device() const {
  if (gpu < 0) return torch::kCPU;
  MMCTR_CHECK(torch::cuda::is_available(),
              "config: gpu {} asks for CUDA, but this LibTorch build sees no CUDA device; set gpu: -1 (--gpu -1) "
              "or build mmctr against a CUDA LibTorch", gpu);
  MMCTR_CHECK(gpu < static_cast<int64_t>(torch::cuda::device_count()), "config: gpu {}: only {} CUDA device(s)", gpu,
              torch::cuda::device_count());
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(gpu));
}

std::string DinConfig::to_yaml() const {
  YAML::Emitter out;
  out << YAML::BeginMap;
  for (const char* section : {"dataset_config", "model_config"}) {
    out << YAML::Key << section << YAML::Value << YAML::BeginMap;
    for (const Field& f : fields()) {
      if (f.section != section) continue;
      YAML::Node value = f.write(*this);
      if (value.IsSequence()) value.SetStyle(YAML::EmitterStyle::Flow);
      out << YAML::Key << f.name << YAML::Value << value;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

DinConfig DinConfig::from_yaml(const std::string& text, const std::string& source_name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    fail("{}: not valid YAML: {}", source_name, e.what());
  }
  DinConfig config;
  if (root.IsNull()) return config;
  MMCTR_CHECK(root.IsMap(), "{}: expected a map with dataset_config and model_config", source_name);
  for (const auto& section : root) {
    const std::string section_name = section.first.as<std::string>();
    MMCTR_CHECK(section_name == "dataset_config" || section_name == "model_config",
                "{}: unknown section '{}' (expected dataset_config, model_config)", source_name,
                section_name);
    if (section.second.IsNull()) continue;
    MMCTR_CHECK(section.second.IsMap(), "{}: {} must be a map", source_name, section_name);
    for (const auto& entry : section.second) {
      const std::string key = section_name + "." + entry.first.as<std::string>();
      read_field(config, find_field(key, source_name), entry.second, source_name);
    }
  }
  return config;
}

DinConfig DinConfig::from_file(const std::string& path) {
  require_file(path, "config");
  return from_yaml(read_text_file(path), path);
}

std::string DinConfig::data_path(const std::string& name) const {
  if (name.empty() || name.front() == '/' || data_root.empty()) return name;
  return data_root + (data_root.back() == '/' ? "" : "/") + name;
}

}  // namespace mmctr::ctr
