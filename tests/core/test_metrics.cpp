// Prometheus text rendering: families declared once, labels escaped, names
// checked, numbers in the format scrapers read.
#include <doctest/doctest.h>

#include "core/metrics.h"

namespace amfgate {
namespace {

TEST_CASE("a family is declared once and its samples follow it") {
  MetricsWriter w;
  REQUIRE(
      w.Family("amfgate_responses_total", MetricType::kCounter, "Responses sent, by status code."));
  w.Sample({{"code", "200"}}, 5);
  w.Sample({{"code", "404"}}, 1);
  w.Gauge("amfgate_connections_open", "Connections open now.", 3);
  CHECK(w.text() ==
        "# HELP amfgate_responses_total Responses sent, by status code.\n"
        "# TYPE amfgate_responses_total counter\n"
        "amfgate_responses_total{code=\"200\"} 5\n"
        "amfgate_responses_total{code=\"404\"} 1\n"
        "# HELP amfgate_connections_open Connections open now.\n"
        "# TYPE amfgate_connections_open gauge\n"
        "amfgate_connections_open 3\n");
}

TEST_CASE("a repeated or invalid family name writes nothing, samples included") {
  MetricsWriter w;
  w.Counter("a_total", "x", 1);
  std::string before = w.text();
  CHECK_FALSE(w.Family("a_total", MetricType::kCounter, "again"));
  w.Sample(2);
  CHECK_FALSE(w.Family("9bad", MetricType::kGauge, "x"));
  w.Sample(3);
  CHECK_FALSE(w.Family("bad-name", MetricType::kGauge, "x"));
  CHECK(w.text() == before);
  CHECK(MetricsWriter::IsValidName("ns:sub_name9"));
}

TEST_CASE("label values and help text are escaped") {
  MetricsWriter w;
  REQUIRE(w.Family("x", MetricType::kGauge, "line\\one\ntwo"));
  w.Sample({{"k", "a\"b\\c\nd"}, {"j", "2"}}, 0.5);
  CHECK(w.text() ==
        "# HELP x line\\\\one\\ntwo\n# TYPE x gauge\nx{k=\"a\\\"b\\\\c\\nd\",j=\"2\"} 0.5\n");
}

TEST_CASE("large counters print as integers") {
  MetricsWriter w;
  w.Counter("big_total", "b", 12345678901234.0);
  CHECK(w.text().ends_with("big_total 12345678901234\n"));
}

}  // namespace
}  // namespace amfgate
