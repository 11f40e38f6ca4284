// Prometheus text exposition (format 0.0.4), written into a string.
//
// The admin listener's /metrics renders every figure into one MetricsWriter:
// the server's counters, then each component's (sessions, aliases, ...). A
// metric family is opened once with its type and help text, then given one
// or more samples, each with optional labels. The writer checks what the
// format requires and a scraper would otherwise reject: names match
// [a-zA-Z_:][a-zA-Z0-9_:]*, a family is declared once, samples follow their
// own family; label values are escaped (backslash, quote, newline).
//
// Cost: appends to one std::string; a scrape of the server's figures is a few
// kilobytes, rendered on the loop thread on demand only.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace amfgate {

enum class MetricType : unsigned char { kCounter, kGauge };

using MetricLabel = std::pair<std::string_view, std::string_view>;

class MetricsWriter {
 public:
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  // Starts a family. False (and nothing written) if the name is invalid or
  // was used before; the family's samples are then dropped too.
  bool Family(std::string_view name, MetricType type, std::string_view help);
  // A sample of the current family.
  void Sample(std::initializer_list<MetricLabel> labels, double value);
  void Sample(double value) { Sample({}, value); }

  // A family with one unlabelled sample.
  void Counter(std::string_view name, std::string_view help, double value);
  void Gauge(std::string_view name, std::string_view help, double value);

  const std::string& text() const { return text_; }
  static bool IsValidName(std::string_view name);

 private:
  std::string text_;
  std::string current_;  // the open family's name, empty when none is valid
  std::set<std::string, std::less<>> declared_;
};

}  // namespace amfgate
