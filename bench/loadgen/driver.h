// The load generator's engine: one libuv loop, N client connections, phases.
//
// A phase runs a list of users, user i on connection i (connections persist
// from phase to phase, so a setup phase's logins and TLS sessions carry into
// the timed phase). A phase ends when every user is done and no request is in
// flight, or, for a timed phase, when its window closes (duration or
// operation count) and the requests in flight have been answered; answers
// that arrive after the window are still checked but not counted. The window
// opens after an optional warm-up; at its edges the driver samples the
// server's CPU time and RSS from /proc (when given its pid) and its own CPU.
//
// Any error anywhere (connect, TLS, framing, a user's check) fails the run:
// RunPhase returns the first error and the caller exits non-zero. A phase
// that exceeds its time limit, or a server that answers nothing for
// kStallSeconds while requests are waiting, fails it too.
//
// Closed loop (the default), each connection sends its next request as soon
// as it has fewer than `pipeline` in flight. Open loop (`rate` > 0, timed
// phases only) requests are due on a fixed schedule (schedule.h) and sent
// when due, or as soon as their connection has room; latency runs from the
// due time. libuv's timers tick in whole milliseconds, far coarser than the
// gaps between due times (17 us at 60,000/s), so in rate mode an active
// uv_idle handle keeps the loop polling without blocking and releases due
// requests on every iteration: the client busy-polls its core, which is
// acceptable because the bench runs pinned to a core of its own. Each tick
// samples the backlog of due-but-unsent requests, from which the report
// tells a run that kept up from a saturated one.
//
// Costs: per request, one histogram record and a clock read (in rate mode,
// a due-time computation more); reading and writing go through one shared
// 64 KiB read buffer and per-connection strings that keep their capacity.
#pragma once

#include <sys/types.h>
#include <uv.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "histogram.h"
#include "proc_stat.h"
#include "schedule.h"
#include "tls_client.h"
#include "user.h"

namespace amfgate::bench {

class Connection;

struct Target {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  bool tls = false;
  std::string HostHeader() const;
};

struct PhaseOptions {
  const char* name = "";
  int phase = 0;  // passed to User::BeginPhase
  bool timed = false;
  double warmup_s = 0;
  double duration_s = 0;  // timed: window length; 0 = until the users are done
  uint64_t max_ops = 0;   // timed: close the window after this many operations
  double limit_s = 600;   // fail a phase that runs longer than this
  int pipeline = 1;       // requests in flight per connection
  double rate = 0;        // timed: open loop at this many requests/s in all (0: closed loop)
};

struct PhaseResult {
  uint64_t requests = 0;
  uint64_t ops = 0;
  double seconds = 0;
  Histogram latency;  // per request, nanoseconds
  bool have_server = false;
  ProcSample server_before;
  ProcSample server_after;
  double client_cpu_s = 0;
  uint64_t connects = 0;
  uint64_t reconnects = 0;  // keep-alive connections the server closed and we reopened
  uint64_t full_handshakes = 0;
  uint64_t resumed_handshakes = 0;
  // Rate mode only (offered_rps > 0).
  double offered_rps = 0;
  BacklogTrend backlog;
  uint64_t backlog_at_close = 0;  // due but unsent when the window closed
  bool saturated = false;         // see Saturated() in schedule.h
};

class Driver {
 public:
  // `tls` may be null for plain HTTP; it must outlive the driver.
  Driver(const Target& target, const TlsClientConfig* tls, pid_t server_pid);
  ~Driver();
  Driver(const Driver&) = delete;
  Driver& operator=(const Driver&) = delete;

  Status Init();
  Status RunPhase(const PhaseOptions& options, const std::vector<User*>& users,
                  PhaseResult* result);
  // Closes every connection and lets the loop finish.
  void Shutdown();

  // --- for Connection
  uv_loop_t* loop() { return &loop_; }
  const sockaddr* address() const { return reinterpret_cast<const sockaddr*>(&address_); }
  const TlsClientConfig* tls() const { return tls_; }
  uv_buf_t ReadBuffer();
  bool accepting() const { return running_ && accepting_; }
  int pipeline() const { return options_.pipeline; }
  void OnSent() {
    ++in_flight_;
    ++sent_;
  }
  bool paced() const { return options_.rate > 0; }
  // Rate mode: when connection `connection`'s k-th request of the phase is due.
  uint64_t DueNs(size_t connection, uint64_t k) const { return schedule_.DueNs(connection, k); }
  void OnResponse(int64_t latency_ns, int ops);
  void OnUserDone();
  void OnConnect(bool reconnect);
  void OnHandshake(bool full);
  void Fail(std::string message);

 private:
  static constexpr double kStallSeconds = 10;

  void OpenWindow();
  void CloseWindow();
  void MaybeFinish();
  void OnTick();
  // Rate mode, on every loop iteration: hands each request that has fallen
  // due to its connection.
  void Pace();

  Target target_;
  const TlsClientConfig* tls_;
  pid_t server_pid_;
  uv_loop_t loop_;
  bool loop_open_ = false;
  sockaddr_storage address_{};
  uv_timer_t tick_;
  uv_idle_t pace_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::unique_ptr<char[]> read_buffer_;

  // The phase being run.
  PhaseOptions options_;
  PhaseResult* result_ = nullptr;
  bool running_ = false;
  bool accepting_ = false;
  bool window_open_ = false;
  bool window_done_ = false;
  size_t users_ = 0;
  size_t users_done_ = 0;
  uint64_t in_flight_ = 0;
  RateSchedule schedule_;
  uint64_t released_ = 0;  // rate mode: sequence number of the next request to fall due
  uint64_t sent_ = 0;      // requests sent in this phase
  std::vector<uint64_t> backlog_samples_;  // rate mode: released_ - sent_, per tick of the window
  uint64_t phase_started_ns_ = 0;
  uint64_t window_started_ns_ = 0;
  uint64_t last_response_ns_ = 0;
  double client_cpu_start_ = 0;
  std::string error_;
};

}  // namespace amfgate::bench
