// AMF codec benchmark: decode and encode of
//   (a) a typical loginByAlias request (AMF0, a strict array holding one
//       43-character string) and its onResult reply,
//   (b) a ~4 KiB mixed AMF3 object graph (typed objects with sealed members,
//       shared references, strings by reference, dates, a ByteArray, a
//       dynamic object, a vector),
//   (c) a Flex RemotingMessage request (packet decode + typed decode).
// Each figure is the median of several timed runs (each run long enough to
// make the clock's resolution irrelevant), with the spread (min..max)
// printed beside it. Time is the thread's CPU time (CLOCK_THREAD_CPUTIME_ID):
// the build machine is shared, and wall time would count the periods this
// thread spent waiting for a core; wall-clock medians are printed too. The result of every
// iteration is checked, so a build that skipped the work could not win. Prints a table, then
// `BENCH` lines.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "amf/codec.h"
#include "amf/flex.h"
#include "amf/packet.h"
#include "bench_common.h"

using namespace amfgate;
using namespace amfgate::bench;
using namespace amfgate::amf;

namespace {

constexpr int kRuns = 9;
constexpr double kRunSeconds = 0.05;

struct Stats {
  double median_ns;
  double min_ns;
  double max_ns;
  double wall_median_ns;
};

double CpuNowNs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

[[noreturn]] void Broken(const char* what) {
  std::fprintf(stderr, "bench_amf: result check failed: %s\n", what);
  std::exit(1);
}

// Runs `op` (which returns false on a wrong result) in timed batches.
Stats Measure(const std::function<bool()>& op) {
  using Clock = std::chrono::steady_clock;
  size_t batch = 1;
  for (;;) {  // calibrate: a batch should take about kRunSeconds
    auto t0 = Clock::now();
    for (size_t i = 0; i < batch; ++i) {
      if (!op()) Broken("calibration");
    }
    double s = std::chrono::duration<double>(Clock::now() - t0).count();
    if (s >= kRunSeconds / 4) {
      batch = static_cast<size_t>(batch * kRunSeconds / s) + 1;
      break;
    }
    batch *= 4;
  }
  std::vector<double> per_op;
  std::vector<double> wall_per_op;
  for (int r = 0; r < kRuns; ++r) {
    auto t0 = Clock::now();
    double c0 = CpuNowNs();
    for (size_t i = 0; i < batch; ++i) {
      if (!op()) Broken("timed run");
    }
    per_op.push_back((CpuNowNs() - c0) / batch);
    wall_per_op.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count() /
                          batch);
  }
  std::sort(per_op.begin(), per_op.end());
  std::sort(wall_per_op.begin(), wall_per_op.end());
  return {per_op[kRuns / 2], per_op.front(), per_op.back(), wall_per_op[kRuns / 2]};
}

std::string LoginRequest() {
  const std::string alias = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycAx";
  std::string p("\x00\x00\x00\x00\x00\x01\x00\x11", 8);
  p += "auth.loginByAlias";
  p += std::string("\x00\x02", 2) + "/1" +
       std::string("\x00\x00\x00\x33\x0A\x00\x00\x00\x01\x02\x00\x2B", 12);
  return p + alias;
}

// About 4 KiB of AMF3 in the shape a Flex application sends: a page of
// typed records sharing traits, strings and a few objects.
Value GraphValue(Arena& arena) {
  static constexpr std::string_view kItemNames[] = {"id",   "name",    "price",
                                                    "tags", "created", "owner"};
  static constexpr std::string_view kTags[] = {"new", "sale", "blue", "red", "large", "small"};
  const Member owner_members[] = {{"user", Value::String("alice", Format::kAmf3)},
                                  {"role", Value::String("admin", Format::kAmf3)}};
  Value owner = MakeObject(arena, owner_members, Format::kAmf3);
  std::vector<Value> items;
  for (int i = 0; i < 84; ++i) {
    Value tags[] = {Value::String(kTags[i % 6], Format::kAmf3),
                    Value::String(kTags[(i + 2) % 6], Format::kAmf3)};
    char* name = arena.AllocateArray<char>(16);
    int n = std::snprintf(name, 16, "item-%04d", i);
    Value fields[] = {Value::Integer(i * 37, Format::kAmf3),
                      Value::String(std::string_view(name, n), Format::kAmf3),
                      Value::Double(9.99 + i, Format::kAmf3),
                      MakeArray(arena, tags, Format::kAmf3),
                      MakeDate(arena, 1.7e12 + i * 1000.0, Format::kAmf3),
                      owner};
    items.push_back(MakeTypedObject(arena, "com.example.Item", kItemNames, fields, Format::kAmf3));
  }
  Vector* scores = arena.New<Vector>();
  scores->doubles = arena.NewSpan<double>(16);
  for (size_t i = 0; i < 16; ++i) scores->doubles[i] = 0.5 * i;
  const Member page_members[] = {
      {"items", MakeArray(arena, items, Format::kAmf3)},
      {"total", Value::Integer(4812, Format::kAmf3)},
      {"thumbnail", MakeBlob(arena, Type::kByteArray, std::string_view("\x89PNG\r\n\x1a\n....", 12),
                             Format::kAmf3)},
      {"scores", Value::Of(Type::kVectorDouble, scores, Format::kAmf3)},
      {"owner", owner},
  };
  return MakeObject(arena, page_members, Format::kAmf3);
}

std::string FlexRequest(Arena& arena) {
  RemotingMessage m;
  m.common.destination = "auth";
  m.common.message_id = "6D0F4B2A-1C2B-4E6A-9B1E-2F0C6A7D8E9F";
  m.common.ds_id = "2A2D8C41-5B7E-4F1A-8C3D-9E0F1A2B3C4D";
  m.operation = "loginByAlias";
  Value arg = Value::String("Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycAx", Format::kAmf3);
  m.args = {&arg, 1};
  Value wrapped[] = {EncodeRemotingMessage(arena, m)};
  Body body;
  body.target = "null";
  body.response = "/1";
  body.value = MakeArray(arena, wrapped, Format::kAmf0);
  Packet p;
  p.version = 3;
  p.bodies = {&body, 1};
  std::string out;
  if (!EncodePacket(p, arena, &out).ok()) Broken("building the Flex request");
  return out;
}

void Row(const char* what, const Stats& s, const char* extra = "") {
  std::printf("%-30s %10.1f ns  (%.1f .. %.1f)  wall %.1f ns%s\n", what, s.median_ns, s.min_ns,
              s.max_ns, s.wall_median_ns, extra);
}

}  // namespace

int main() {
  std::printf(
      "amf codec benchmark on %s, g++ %s, median thread CPU time of %d runs (min .. max)\n\n",
      CpuModel().c_str(), __VERSION__, kRuns);
  Arena arena;
  std::string out;
  out.reserve(16 * 1024);

  // (a) loginByAlias.
  const std::string login = LoginRequest();
  Stats login_decode = Measure([&] {
    arena.Reset();
    auto p = DecodePacket(login, arena);
    return p.ok() && p->bodies.size() == 1 &&
           BodyArguments(p->bodies[0]).at(0).AsString().size() == 43;
  });
  Arena login_arena;
  auto login_packet = DecodePacket(login, login_arena);
  if (!login_packet.ok()) Broken("login decode");
  Stats login_encode = Measure([&] {
    arena.Reset();
    out.clear();
    auto n = EncodePacket(*login_packet, arena, &out);
    return n.ok() && out.size() == login.size();
  });
  Stats reply_encode = Measure([&] {
    arena.Reset();
    out.clear();
    const Member m[] = {{"user", Value::String("alice")}, {"session_expires", Value::Number(1800)}};
    Body body = ResultBody(arena, "/1", MakeObject(arena, m, Format::kAmf0));
    Packet p;
    p.bodies = {&body, 1};
    auto n = EncodePacket(p, arena, &out);
    return n.ok() && out.size() > 40;
  });

  // (b) the AMF3 graph.
  Arena graph_arena;
  std::string graph;
  if (!EncodeAmf3(GraphValue(graph_arena), graph_arena, &graph).ok()) Broken("graph encode");
  Stats graph_decode = Measure([&] {
    arena.Reset();
    auto v = DecodeAmf3(graph, arena);
    return v.ok() && v->AsObject()->Find("items")->AsArray()->dense.size() == 84;
  });
  auto graph_value = DecodeAmf3(graph, graph_arena);
  if (!graph_value.ok()) Broken("graph decode");
  Stats graph_encode = Measure([&] {
    arena.Reset();
    out.clear();
    auto n = EncodeAmf3(*graph_value, arena, &out);
    return n.ok() && out.size() == graph.size();
  });

  // (c) Flex RemotingMessage.
  Arena flex_arena;
  const std::string flex = FlexRequest(flex_arena);
  Stats flex_decode = Measure([&] {
    arena.Reset();
    auto p = DecodePacket(flex, arena);
    if (!p.ok() || p->bodies.size() != 1) return false;
    auto m = DecodeRemotingMessage(BodyArguments(p->bodies[0]).at(0), arena);
    return m.ok() && m->operation == "loginByAlias" && m->args.size() == 1;
  });

  auto mbps = [&](const Stats& s) { return graph.size() / s.median_ns * 1e3; };  // bytes/ns -> MB/s
  char buf[64];
  Row("loginByAlias request decode", login_decode);
  Row("loginByAlias request encode", login_encode);
  Row("loginByAlias onResult encode", reply_encode);
  std::snprintf(buf, sizeof buf, "  %.0f MB/s, %zu bytes", mbps(graph_decode), graph.size());
  Row("AMF3 graph decode", graph_decode, buf);
  std::snprintf(buf, sizeof buf, "  %.0f MB/s", mbps(graph_encode));
  Row("AMF3 graph encode", graph_encode, buf);
  std::snprintf(buf, sizeof buf, "  %zu bytes", flex.size());
  Row("Flex RemotingMessage decode", flex_decode, buf);
  std::printf("\n");
  std::printf("BENCH amf_login_decode_ns %.1f ns\n", login_decode.median_ns);
  std::printf("BENCH amf_login_encode_ns %.1f ns\n", login_encode.median_ns);
  std::printf("BENCH amf_login_reply_encode_ns %.1f ns\n", reply_encode.median_ns);
  std::printf("BENCH amf_graph_decode_mbps %.0f MB/s\n", mbps(graph_decode));
  std::printf("BENCH amf_graph_encode_mbps %.0f MB/s\n", mbps(graph_encode));
  std::printf("BENCH amf_flex_decode_ns %.1f ns\n", flex_decode.median_ns);
  return 0;
}
