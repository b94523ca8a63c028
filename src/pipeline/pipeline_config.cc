#include "pipeline/pipeline_config.h"

#include <yaml-cpp/yaml.h>

#include "common/error.h"
#include "common/files.h"

namespace mmctr::pipeline {
namespace {

// YAML scalars become JSON numbers, booleans or strings; sequences and maps recurse.
nlohmann::json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(to_json(item));
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = to_json(kv.second);
      return out;
    }
    case YAML::NodeType::Scalar: {
      std::string text = node.Scalar();
      if (node.Tag() == "!") return text;  // quoted: keep as a string
      bool b;
      if (YAML::convert<bool>::decode(node, b) && text != "1" && text != "0") return b;
      try {
        size_t used = 0;
        long long i = std::stoll(text, &used);
        if (used == text.size()) return i;
        double d = std::stod(text, &used);
        if (used == text.size()) return d;
      } catch (const std::exception&) {
      }
      return text;
    }
    default:
      return nullptr;
  }
}

void set_top_level(PipelineConfig& c, const std::string& key, const nlohmann::json& value, const std::string& where) {
  auto text = [&] { return value.is_string() ? value.get<std::string>() : value.dump(); };
  if (key == "data") c.data = text();
  else if (key == "clip_model") c.clip_model = text();
  else if (key == "work") c.work = text();
  else if (key == "threads") c.threads = value.get<int>();
  else if (key == "seed") c.seed = value.get<uint64_t>();
  else fail("{}: unknown key '{}' (expected data, clip_model, work, threads, seed or a stage: {})", where, key,
            fmt::format("{}", fmt::join(stage_names(), ", ")));
}

bool is_stage(const std::string& name) {
  for (const auto& s : stage_names())
    if (s == name) return true;
  return false;
}

}  // namespace

const std::vector<std::string>& stage_names() {
  static const std::vector<std::string> names{"synth", "clip", "w2v", "project", "cosine", "popularity", "train",
                                              "eval", "predict"};
  return names;
}

const nlohmann::json& PipelineConfig::stage(const std::string& name) const {
  static const nlohmann::json empty = nlohmann::json::object();
  auto it = stages.find(name);
  return it == stages.end() ? empty : *it;
}

PipelineConfig default_pipeline() {
  PipelineConfig c;
  // Demo-sized DIN so the whole default pipeline takes a minute on 2 cores; the seed's widths are the
  // defaults of `mmctr train` and of a pipeline file that does not override them.
  c.stages["train"] = {{"embedding_dim", 16},          {"dnn_hidden_units", {128, 64}},
                       {"attention_hidden_units", {64, 32}}, {"batch_size", 512},
                       {"learning_rate", 1e-3},        {"epochs", 4}};
  // The demo corpus is small (~90k tokens): 3 epochs leave the vectors near their shared initial
  // direction (measured: DIN valid AUC 0.65 with them, 0.75 with 20 epochs; popularity 0.66).
  c.stages["w2v"] = {{"epochs", 20}};
  c.stages["project"] = {{"standardize-targets", true}};
  return c;
}

PipelineConfig load_pipeline(const std::string& path) {
  require_file(path, "pipeline config");
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::Exception& e) {
    fail("{}: not valid YAML: {}", path, e.what());
  }
  MMCTR_CHECK(root.IsMap(), "{}: expected a mapping of keys (data, work, clip, w2v, ...)", path);
  PipelineConfig c;
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    nlohmann::json value = to_json(kv.second);
    if (is_stage(key)) {
      MMCTR_CHECK(value.is_object() || value.is_null(), "{}: '{}' must be a mapping of that stage's flags", path, key);
      c.stages[key] = value.is_null() ? nlohmann::json::object() : value;
    } else {
      set_top_level(c, key, value, path);
    }
  }
  return c;
}

void apply_overrides(PipelineConfig& c, const std::vector<std::string>& sets) {
  for (const auto& set : sets) {
    auto eq = set.find('=');
    MMCTR_CHECK(eq != std::string::npos && eq > 0, "--set {}: expected stage.key=value or key=value", set);
    std::string key = set.substr(0, eq);
    nlohmann::json value = to_json(YAML::Load(set.substr(eq + 1)));
    auto dot = key.find('.');
    if (dot == std::string::npos) {
      set_top_level(c, key, value, "--set " + set);
      continue;
    }
    std::string stage = key.substr(0, dot);
    MMCTR_CHECK(is_stage(stage), "--set {}: unknown stage '{}'", set, stage);
    c.stages[stage][key.substr(dot + 1)] = value;
  }
}

}  // namespace mmctr::pipeline
