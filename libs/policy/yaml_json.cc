#include "libs/policy/yaml_json.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "absl/strings/str_format.h"
#include "libs/core/status.h"
#include "libs/policy/schema.h"
#include "yaml-cpp/depthguard.h"
#include "yaml-cpp/yaml.h"

namespace twi::policy::internal {
namespace {

// Tags yaml-cpp gives untagged scalars: "?" for plain, "!" for quoted.
constexpr std::string_view kPlainTag = "?";
constexpr std::string_view kQuotedTag = "!";
constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string_view StripSign(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  return s;
}

// YAML 1.2 core schema int: [-+]?[0-9]+.
bool IsCoreInt(std::string_view s) { return IsDigits(StripSign(s)); }

// YAML 1.2 core schema float, without .inf/.nan:
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsCoreFloat(std::string_view s) {
  s = StripSign(s);
  const size_t exponent = s.find_first_of("eE");
  if (exponent != std::string_view::npos) {
    if (!IsDigits(StripSign(s.substr(exponent + 1)))) return false;
    s = s.substr(0, exponent);
  }
  const size_t dot = s.find('.');
  if (dot == std::string_view::npos) return IsDigits(s);
  const std::string_view whole = s.substr(0, dot);
  const std::string_view fraction = s.substr(dot + 1);
  if (whole.empty()) return IsDigits(fraction);
  return IsDigits(whole) && (fraction.empty() || IsDigits(fraction));
}

absl::StatusOr<Json> PlainScalar(const std::string& text, std::string_view path) {
  if (text == "true" || text == "True" || text == "TRUE") return Json(true);
  if (text == "false" || text == "False" || text == "FALSE") return Json(false);
  if (IsCoreInt(text)) {
    errno = 0;
    char* end = nullptr;
    const long long value = std::strtoll(text.c_str(), &end, 10);
    if (errno == ERANGE) return ConfigError(path, "integer out of range");
    return Json(static_cast<int64_t>(value));
  }
  if (IsCoreFloat(text)) {
    errno = 0;
    const double value = std::strtod(text.c_str(), nullptr);
    if (errno == ERANGE || !std::isfinite(value)) return ConfigError(path, "number out of range");
    return Json(value);
  }
  return Json(text);
}

absl::StatusOr<Json> Convert(const YAML::Node& node, const std::string& path, int depth);

absl::StatusOr<Json> ConvertMap(const YAML::Node& node, const std::string& path, int depth) {
  Json out = Json::object();
  for (const auto& entry : node) {
    const YAML::Node& key = entry.first;
    if (!key.IsScalar() || !(key.Tag() == kPlainTag || key.Tag() == kQuotedTag)) {
      return ConfigError(path, "mapping keys must be plain strings");
    }
    const std::string& name = key.Scalar();
    const std::string child = ChildPath(path, name);
    // yaml-cpp keeps both entries of a repeated key; which one wins would be an accident.
    if (out.contains(name)) return ConfigError(child, "duplicate key");
    TWI_ASSIGN_OR_RETURN(out[name], Convert(entry.second, child, depth + 1));
  }
  return out;
}

absl::StatusOr<Json> ConvertSequence(const YAML::Node& node, const std::string& path, int depth) {
  Json out = Json::array();
  size_t index = 0;
  for (const auto& item : node) {
    TWI_ASSIGN_OR_RETURN(Json value, Convert(item, IndexPath(path, index), depth + 1));
    out.push_back(std::move(value));
    ++index;
  }
  return out;
}

// `depth` counts the mappings and sequences enclosing `node`, plus `node` itself if it is one.
absl::StatusOr<Json> Convert(const YAML::Node& node, const std::string& path, int depth) {
  if ((node.IsMap() || node.IsSequence()) && depth > kMaxYamlDepth) {
    return ConfigError(path, absl::StrFormat("nested deeper than %d levels", kMaxYamlDepth));
  }
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return Json(nullptr);
    case YAML::NodeType::Scalar:
      if (node.Tag() == kPlainTag) return PlainScalar(node.Scalar(), path);
      if (node.Tag() == kQuotedTag || node.Tag() == kStrTag) return Json(node.Scalar());
      return ConfigError(path, absl::StrFormat("unsupported tag \"%s\"", node.Tag()));
    case YAML::NodeType::Sequence:
      return ConvertSequence(node, path, depth);
    case YAML::NodeType::Map:
      return ConvertMap(node, path, depth);
    case YAML::NodeType::Undefined:
      break;
  }
  return ConfigError(path, "undefined YAML node");
}

}  // namespace

absl::StatusOr<Json> YamlToJson(std::string_view yaml) {
  if (yaml.size() > kMaxPolicyBytes) {
    return ConfigError("", absl::StrFormat("larger than %d bytes", kMaxPolicyBytes));
  }
  // yaml-cpp reports every problem by throwing; nothing of it escapes this function.
  try {
    const std::vector<YAML::Node> documents = YAML::LoadAll(std::string(yaml));
    // A second document would be hashed into the policy id but never read: refuse it.
    if (documents.size() != 1) {
      return ConfigError(
          "", absl::StrFormat("must hold exactly one YAML document, found %d", documents.size()));
    }
    if (!documents.front().IsMap()) return ConfigError("", "top level must be a mapping");
    return Convert(documents.front(), "", 1);
  } catch (const YAML::DeepRecursion& e) {
    return ConfigError("", absl::StrFormat("YAML nested too deeply (line %d)", e.mark.line + 1));
  } catch (const YAML::Exception& e) {
    return ConfigError("", absl::StrFormat("malformed YAML: %s", e.what()));
  } catch (const std::exception& e) {
    return ConfigError("", absl::StrFormat("cannot read YAML: %s", e.what()));
  }
}

}  // namespace twi::policy::internal
