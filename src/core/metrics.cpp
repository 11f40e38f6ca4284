#include "core/metrics.h"

#include <cmath>
#include <cstdio>

namespace amfgate {

namespace {

void AppendHelpText(std::string* out, std::string_view text) {
  for (char c : text) {
    if (c == '\\')
      out->append("\\\\");
    else if (c == '\n')
      out->append("\\n");
    else
      out->push_back(c);
  }
}

void AppendLabelValue(std::string* out, std::string_view text) {
  for (char c : text) {
    if (c == '\\')
      out->append("\\\\");
    else if (c == '"')
      out->append("\\\"");
    else if (c == '\n')
      out->append("\\n");
    else
      out->push_back(c);
  }
}

void AppendNumber(std::string* out, double value) {
  if (std::isnan(value)) {
    out->append("NaN");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "+Inf" : "-Inf");
  } else if (value == std::floor(value) && std::fabs(value) < 1e15) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.0f", value);
    out->append(buf);
  } else {
    char buf[32];
    snprintf(buf, sizeof buf, "%.17g", value);
    out->append(buf);
  }
}

}  // namespace

bool MetricsWriter::IsValidName(std::string_view name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    bool digit = c >= '0' && c <= '9';
    if (!alpha && !(digit && i > 0)) return false;
  }
  return true;
}

bool MetricsWriter::Family(std::string_view name, MetricType type, std::string_view help) {
  current_.clear();
  if (!IsValidName(name) || declared_.count(name) != 0) return false;
  declared_.emplace(name);
  current_.assign(name);
  text_.append("# HELP ").append(name).push_back(' ');
  AppendHelpText(&text_, help);
  text_.append("\n# TYPE ")
      .append(name)
      .append(type == MetricType::kCounter ? " counter\n" : " gauge\n");
  return true;
}

void MetricsWriter::Sample(std::initializer_list<MetricLabel> labels, double value) {
  if (current_.empty()) return;
  text_.append(current_);
  if (labels.size() != 0) {
    text_.push_back('{');
    bool first = true;
    for (const MetricLabel& label : labels) {
      if (!first) text_.push_back(',');
      first = false;
      text_.append(label.first).append("=\"");
      AppendLabelValue(&text_, label.second);
      text_.push_back('"');
    }
    text_.push_back('}');
  }
  text_.push_back(' ');
  AppendNumber(&text_, value);
  text_.push_back('\n');
}

void MetricsWriter::Counter(std::string_view name, std::string_view help, double value) {
  if (Family(name, MetricType::kCounter, help)) Sample(value);
}

void MetricsWriter::Gauge(std::string_view name, std::string_view help, double value) {
  if (Family(name, MetricType::kGauge, help)) Sample(value);
}

}  // namespace amfgate
