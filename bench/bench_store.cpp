// Benchmark of the session store's hot paths with 1,000,000 live sessions and
// 1,000,000 live aliases: session lookup (against the same lookups through
// std::unordered_map<std::string, ...>), alias minting and redemption, bytes
// per session and per alias from the process's RSS growth, and the longest
// single Advance() call while 1,000,000 entries expire together.
//
// The floor under a lookup is measured in the same run: the same lookups
// over a thousand sessions (which stay in cache: the lookup's own
// computation) and a chain of dependent random reads over 8 MB (a million
// entries' table) and over 64 MB (their session records), through the
// store's own kind of mapping (huge pages when large).
//
// Prints a table and `BENCH name value unit` lines. Each timed loop checks
// every result, so a broken store cannot post a good time. Times are the
// benchmark thread's CPU time (CLOCK_THREAD_CPUTIME_ID), so other work on a
// shared machine does not count; the expiry ticks also show wall time. Runs
// in well under a minute.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "bench_common.h"
#include "core/clock.h"
#include "store/mapped_region.h"
#include "store/random.h"
#include "store/session_store.h"

using namespace amfgate;
using namespace amfgate::bench;

namespace {

constexpr uint32_t kEntries = 1000000;
constexpr int kRounds = 5;

MonoTime CpuNow() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<MonoTime>(ts.tv_sec) * kSecond + ts.tv_nsec;
}

size_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

[[noreturn]] void Fail(const char* what, size_t count) {
  std::fprintf(stderr, "bench_store: %s (%zu)\n", what, count);
  std::exit(1);
}

void Row(const char* what, const Spread& s, const char* unit) {
  std::printf("  %-34s %10.1f %-6s (min %.1f, max %.1f)\n", what, s.median, unit, s.min, s.max);
}

void Bench(const char* name, double value, const char* unit) {
  std::printf("BENCH %s %.1f %s\n", name, value, unit);
}

// What the baseline map holds per session: the same fields a lookup reads.
struct BaselineEntry {
  uint32_t user;
  uint32_t generation;
  MonoTime idle_deadline;
  MonoTime absolute_deadline;
};

// Nanoseconds per read of a chain of dependent reads, one per cache line,
// visiting `bytes` of memory in a random cycle (median of kRounds passes of
// a million reads). Each read's address comes from the previous read, as a
// lookup's record address comes from its table slot.
double DependentReadNs(size_t bytes) {
  MappedRegion region = MappedRegion::Map(bytes);
  if (!region) Fail("cannot map the read chain", bytes);
  auto* lines = static_cast<uint64_t*>(region.data());
  const size_t count = bytes / 64;
  std::vector<uint32_t> cycle(count);
  for (uint32_t i = 0; i < count; ++i) cycle[i] = i;
  std::mt19937_64 rng(11);
  std::shuffle(cycle.begin(), cycle.end(), rng);
  for (size_t i = 0; i < count; ++i)
    lines[cycle[i] * size_t{8}] = cycle[(i + 1) % count] * uint64_t{8};
  std::vector<double> ns;
  uint64_t at = 0;
  for (int round = 0; round < kRounds; ++round) {
    const MonoTime t0 = CpuNow();
    for (int i = 0; i < 1000000; ++i) at = lines[at];
    ns.push_back(double(CpuNow() - t0) / 1000000);
  }
  if (at >= count * 8) Fail("read chain broken", at);
  return Summarize(ns).median;
}

struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

}  // namespace

int main() {
  std::string load;
  std::getline(std::ifstream("/proc/loadavg"), load);
  std::printf("bench_store: %s, %u hardware threads, load average %s\n", CpuModel().c_str(),
              std::thread::hardware_concurrency(), load.substr(0, load.find(' ')).c_str());
  std::unique_ptr<Random> random;
  Status s = Random::Open("amfgate bench_store", &random);
  if (!s.ok()) Fail(s.ToString().c_str(), 0);

  StoreLimits limits;
  limits.alias_ttl = 600 * kSecond;
  limits.session_idle = 1800 * kSecond;
  limits.session_lifetime = 12 * 3600 * kSecond;
  limits.max_sessions = 3 * kEntries;
  limits.max_aliases = 2 * kEntries;
  ManualClock clock(100 * kSecond);

  // Everything the benchmark itself keeps is allocated and touched before the
  // first RSS reading, so the growth measured is the store's alone.
  std::vector<TokenText> page_tokens(kEntries);
  std::vector<SessionHandle> page_handles(kEntries);
  std::vector<TokenText> alias_tokens(kEntries);
  // The same tokens and handles in a random order. Lookups walk these copies
  // front to back: the token text is read sequentially (in a server it sits
  // in the request buffer, already in cache) while the store's records are
  // visited in random order.
  std::vector<TokenText> shuffled_pages(kEntries);
  std::vector<SessionHandle> shuffled_handles(kEntries);
  std::vector<TokenText> shuffled_aliases(kEntries);
  std::vector<uint32_t> order(kEntries);
  for (uint32_t i = 0; i < kEntries; ++i) order[i] = i;
  std::mt19937_64 rng(42);
  std::shuffle(order.begin(), order.end(), rng);

  const size_t rss_start = RssBytes();
  std::unique_ptr<SessionStore> store;
  s = SessionStore::Open(limits, *random, clock.now(), &store);
  if (!s.ok()) Fail(s.ToString().c_str(), 0);

  std::printf("\n%u page sessions, then one alias each, then lookups and redemptions:\n", kEntries);
  std::vector<double> create_ns;
  for (int round = 0; round < kRounds; ++round) {
    const uint32_t begin = kEntries / kRounds * round, end = kEntries / kRounds * (round + 1);
    const MonoTime t0 = CpuNow();
    for (uint32_t i = begin; i < end; ++i) {
      Result<NewSession> page = store->CreatePageSession(i % 2 ? "alice" : "bob", clock.now());
      if (!page.ok()) Fail("create failed", i);
      page_tokens[i] = page->token;
      page_handles[i] = page->view.handle;
    }
    create_ns.push_back(double(CpuNow() - t0) / (end - begin));
  }
  const size_t rss_sessions = RssBytes();

  std::vector<double> mint_ns;
  for (int round = 0; round < kRounds; ++round) {
    const uint32_t begin = kEntries / kRounds * round, end = kEntries / kRounds * (round + 1);
    const MonoTime t0 = CpuNow();
    for (uint32_t i = begin; i < end; ++i) {
      Result<NewAlias> alias = store->MintAlias(page_handles[i], clock.now());
      if (!alias.ok()) Fail("mint failed", i);
      alias_tokens[i] = alias->token;
    }
    mint_ns.push_back(double(CpuNow() - t0) / (end - begin));
  }
  const size_t rss_aliases = RssBytes();
  const double session_bytes = double(rss_sessions - rss_start) / kEntries;
  const double alias_bytes = double(rss_aliases - rss_sessions) / kEntries;
  for (uint32_t k = 0; k < kEntries; ++k) {
    shuffled_pages[k] = page_tokens[order[k]];
    shuffled_handles[k] = page_handles[order[k]];
    shuffled_aliases[k] = alias_tokens[order[k]];
  }

  // kRounds rounds of kEntries lookups, walking the first `distinct` tokens
  // of the random order (wrapping around): the whole million, so that the
  // records come from memory, not from a warm cache line left by the
  // previous lookup; or the first kCached, which stay in cache: what a
  // lookup costs without its two misses.
  auto time_lookups = [&](uint32_t distinct, const char* failure) {
    std::vector<double> ns;
    for (int round = 0; round < kRounds; ++round) {
      clock.Advance(kSecond);
      size_t found = 0;
      uint32_t i = 0;
      const MonoTime t0 = CpuNow();
      for (uint32_t k = 0; k < kEntries; ++k) {
        Result<SessionView> view =
            store->LookupSession(shuffled_pages[i].view(), SessionKind::kPage, clock.now());
        found += view.ok() && view->handle == shuffled_handles[i];
        i = i + 1 == distinct ? 0 : i + 1;
      }
      ns.push_back(double(CpuNow() - t0) / kEntries);
      if (found != kEntries) Fail(failure, kEntries - found);
    }
    return ns;
  };
  constexpr uint32_t kCached = 1024;
  const std::vector<double> lookup_ns = time_lookups(kEntries, "lookup missed");
  const std::vector<double> cached_ns = time_lookups(kCached, "cached lookup missed");

  // The baseline: the same tokens, in the clear, in an unordered_map keyed by
  // std::string (heterogeneous lookup, so no string is built per lookup).
  const size_t rss_before_map = RssBytes();
  std::vector<double> baseline_ns;
  {
    std::unordered_map<std::string, BaselineEntry, StringViewHash, std::equal_to<>> map;
    map.reserve(kEntries);
    for (uint32_t i = 0; i < kEntries; ++i) {
      map.emplace(std::string(page_tokens[i].view()),
                  BaselineEntry{i % 2, page_handles[i].generation, clock.now() + 1800 * kSecond,
                                clock.now() + 12 * 3600 * kSecond});
    }
    const size_t map_bytes = RssBytes() - rss_before_map;
    for (int round = 0; round < kRounds; ++round) {
      clock.Advance(kSecond);
      size_t found = 0;
      const MonoTime t0 = CpuNow();
      for (uint32_t k = 0; k < kEntries; ++k) {
        auto it = map.find(shuffled_pages[k].view());
        if (it != map.end() && clock.now() < it->second.idle_deadline) {
          it->second.idle_deadline =
              std::min(clock.now() + 1800 * kSecond, it->second.absolute_deadline);
          ++found;
        }
      }
      baseline_ns.push_back(double(CpuNow() - t0) / kEntries);
      if (found != kEntries) Fail("baseline lookup missed", kEntries - found);
    }
    std::printf("  (baseline map: %.1f bytes per entry)\n", double(map_bytes) / kEntries);
  }

  std::vector<double> redeem_ns;
  for (int round = 0; round < kRounds; ++round) {
    const uint32_t begin = kEntries / kRounds * round, end = kEntries / kRounds * (round + 1);
    const MonoTime t0 = CpuNow();
    for (uint32_t k = begin; k < end; ++k) {
      Redemption r = store->RedeemAlias(shuffled_aliases[k].view(), clock.now());
      if (!r.ok() || r.session.view.parent != shuffled_handles[k]) Fail("redeem failed", k);
    }
    redeem_ns.push_back(double(CpuNow() - t0) / (end - begin));
  }
  if (!store->Validate()) Fail("store invalid after the run", 0);

  // Expiry waves: the 1,000,000 alias tombstones at the alias TTL, then the
  // 1,000,000 page sessions (with their 1,000,000 gateway sessions) at the
  // idle deadline. Each Advance() call is timed on its own.
  struct Wave {
    const char* what;
    MonoTime at;
    double max_ms = 0, total_ms = 0, max_wall_ms = 0;
    int calls = 0;
  };
  const MonoTime created = 100 * kSecond;
  Wave waves[] = {{"1M alias tombstones expiring", created + limits.alias_ttl},
                  {"1M page + 1M gateway sessions expiring", created + 3 * 3600 * kSecond}};
  for (Wave& wave : waves) {
    clock.Set(wave.at);
    AdvanceResult r;
    do {
      const MonoTime t0 = CpuNow();
      const MonoTime w0 = MonotonicNow();
      r = store->Advance(clock.now());
      wave.max_wall_ms = std::max(wave.max_wall_ms, double(MonotonicNow() - w0) / kMillisecond);
      const double ms = double(CpuNow() - t0) / kMillisecond;
      wave.max_ms = std::max(wave.max_ms, ms);
      wave.total_ms += ms;
      ++wave.calls;
    } while (r.more);
  }
  const StoreCounts left = store->Counts();
  if (left.page_sessions + left.gateway_sessions + left.pending_aliases + left.alias_tombstones !=
      0) {
    Fail("entries left after expiry", left.page_sessions + left.gateway_sessions);
  }

  // After every RSS reading, so that these mappings count in none.
  const double read_8mb = DependentReadNs(size_t{8} << 20);
  const double read_64mb = DependentReadNs(size_t{64} << 20);

  const Spread lookup = Summarize(lookup_ns), baseline = Summarize(baseline_ns);
  const double cached = Summarize(cached_ns).median;
  Row("create page session", Summarize(create_ns), "ns");
  Row("mint alias", Summarize(mint_ns), "ns");
  Row("lookup session (+touch)", lookup, "ns");
  Row("baseline unordered_map lookup", baseline, "ns");
  Row("lookup, 1,024 sessions (in cache)", Summarize(cached_ns), "ns");
  std::printf("  %-34s %10.1f ns\n", "dependent random read, 8 MB", read_8mb);
  std::printf("  %-34s %10.1f ns\n", "dependent random read, 64 MB", read_64mb);
  std::printf("  %-34s %10.1f ns   (in-cache lookup + one 64 MB read)\n", "floor without overlap",
              cached + read_64mb);
  Row("redeem alias (+new session)", Summarize(redeem_ns), "ns");
  std::printf("  %-34s %10.1f bytes\n", "per live session (RSS)", session_bytes);
  std::printf("  %-34s %10.1f bytes\n", "per live alias (RSS)", alias_bytes);
  for (const Wave& wave : waves) {
    std::printf("  %-40s %d Advance calls, longest %.2f ms (wall %.2f ms), total %.1f ms\n",
                wave.what, wave.calls, wave.max_ms, wave.max_wall_ms, wave.total_ms);
  }
  std::printf("\n");
  Bench("store_lookup_ns", lookup.median, "ns");
  Bench("store_lookup_baseline_ns", baseline.median, "ns");
  Bench("store_lookup_ratio", lookup.median / baseline.median, "x");
  Bench("store_lookup_cached_ns", cached, "ns");
  Bench("store_dependent_read_8mb_ns", read_8mb, "ns");
  Bench("store_dependent_read_64mb_ns", read_64mb, "ns");
  Bench("store_redeem_ns", Summarize(redeem_ns).median, "ns");
  Bench("store_mint_ns", Summarize(mint_ns).median, "ns");
  Bench("store_create_ns", Summarize(create_ns).median, "ns");
  Bench("store_session_bytes", session_bytes, "bytes");
  Bench("store_alias_bytes", alias_bytes, "bytes");
  Bench("store_max_tick_ms", std::max(waves[0].max_ms, waves[1].max_ms), "ms");
  return 0;
}
