// The arena: bump allocation, reuse across Reset(), byte counters, and the
// promise the gateway relies on: with a warm arena, decoding the typical
// loginByAlias request performs no heap allocation at all.
#include "../support/counting_allocator.h"
#include "amf_test_util.h"

using namespace amfgate;
using namespace amfgate::amf;
using namespace amfgate::amf::testing;
using amfgate::testing::HeapAllocations;

TEST_CASE("allocations are aligned, counted, and reused after Reset") {
  Arena arena(256);
  CHECK(arena.Validate());
  CHECK(arena.bytes_reserved() == 0);
  char* c = static_cast<char*>(arena.Allocate(3, 1));
  double* d = arena.New<double>(2.5);
  CHECK(reinterpret_cast<uintptr_t>(d) % alignof(double) == 0);
  CHECK(*d == 2.5);
  CHECK(arena.bytes_used() >= 3 + sizeof(double));
  void* big = arena.Allocate(10000);  // larger than a chunk: a chunk of its own
  CHECK(big != nullptr);
  CHECK(arena.Validate());
  size_t reserved = arena.bytes_reserved();
  size_t peak = arena.peak_bytes_used();
  arena.Reset();
  CHECK(arena.Validate());
  CHECK(arena.bytes_used() == 0);
  CHECK(arena.peak_bytes_used() == peak);
  CHECK(arena.bytes_reserved() == reserved);
  // The same pattern again fits in the kept chunks.
  arena.Allocate(3, 1);
  arena.New<double>(1.0);
  arena.Allocate(10000);
  CHECK(arena.bytes_reserved() == reserved);
  (void)c;
}

TEST_CASE("Reset gives memory beyond the retain budget back") {
  Arena arena(1024, 64 * 1024);
  for (int i = 0; i < 64; ++i) arena.Allocate(8 * 1024);
  CHECK(arena.bytes_reserved() > 64 * 1024);
  arena.Reset();
  CHECK(arena.bytes_reserved() <= 64 * 1024);
  CHECK(arena.Validate());
}

TEST_CASE("TryExtend grows the latest allocation in place, and only that") {
  Arena arena(4096);
  void* a = arena.Allocate(16);
  CHECK(arena.TryExtend(a, 16, 64));
  void* b = arena.Allocate(16);
  CHECK_FALSE(arena.TryExtend(a, 64, 128));
  CHECK(arena.TryExtend(b, 16, 32));
  CHECK_FALSE(arena.TryExtend(b, 32, 1 << 20));
  CHECK(arena.Validate());
}

TEST_CASE("ArenaVector keeps its elements across growth") {
  Arena arena(256);
  ArenaVector<int> v(arena);
  for (int i = 0; i < 1000; ++i) {
    v.push_back(i);
    if (i % 10 == 0) arena.Allocate(8);  // interleaved: forces copying growth
  }
  REQUIRE(v.size() == 1000);
  for (int i = 0; i < 1000; ++i) CHECK(v[i] == i);
  auto tail = v.CopyTail(990);
  CHECK(tail.size() == 10);
  CHECK(tail[0] == 990);
}

TEST_CASE("decoding the loginByAlias request with a warm arena performs no heap allocation") {
  std::string bytes = LoginByAliasPacket();
  Arena arena;
  for (int warm = 0; warm < 2; ++warm) {
    arena.Reset();
    REQUIRE(DecodePacket(bytes, arena).ok());
  }
  arena.Reset();
  size_t before = HeapAllocations();
  auto p = DecodePacket(bytes, arena);
  size_t after = HeapAllocations();
  REQUIRE(p.ok());
  CHECK(BodyArguments(p->bodies[0]).at(0).AsString().size() == 43);
  CHECK(after == before);
  // And the arena use is small: a few hundred bytes.
  CHECK(arena.bytes_used() < 512);
}

TEST_CASE("encoding the loginByAlias reply into a reserved buffer performs no heap allocation") {
  Arena arena;
  std::string out;
  out.reserve(4096);
  auto encode = [&] {
    arena.Reset();
    out.clear();
    const Member m[] = {{"user", Value::String("alice")}, {"session_expires", Value::Number(1800)}};
    Body body = ResultBody(arena, "/1", MakeObject(arena, m, Format::kAmf0));
    Packet p;
    p.bodies = {&body, 1};
    return EncodePacket(p, arena, &out).ok();
  };
  REQUIRE(encode());
  size_t before = HeapAllocations();
  REQUIRE(encode());
  CHECK(HeapAllocations() == before);
}
