// The connection driver fuzz_http and fuzz_handoff_http share: a
// connection's raw bytes fed to an HttpSession the way the server's read loop
// feeds it, without sockets, so that the same input exercises every way the
// bytes can arrive.
//
// An input starts with two bytes that choose the transport: how the rest is
// split into reads (1..64 bytes, or as much as the read buffer takes) and
// how many responses the fake transport claims it still holds (0..5, so
// reading pauses and resumes). DriveSession then feeds the rest, a read every
// millisecond of the caller's manual clock, and drains what stays buffered.
//
// Checked after every read: the session validates, every response starts with
// a status line, and the caller's own step check holds. At the end: a session
// that is done writes nothing more, and it validates.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "core/clock.h"
#include "fuzz_check.h"
#include "net/http_session.h"

namespace amfgate::fuzz {

// What an input's first kTransportBytes choose.
struct Transport {
  static constexpr size_t kTransportBytes = 2;

  size_t step = 0;              // bytes per read; 0: as many as fit
  uint32_t claimed_unsent = 0;  // responses the transport claims it has not sent

  static Transport From(const uint8_t* data) { return {data[0] % 65u, data[1] % 6u}; }
};

// step_check(out, before) runs after every read, `before` being where the
// bytes written by that read's Process start in `out`.
template <typename StepCheck>
void DriveSession(HttpSession& session, std::span<const uint8_t> input, Transport transport,
                  ManualClock& clock, StepCheck step_check) {
  const HttpSession::Backlog claimed{transport.claimed_unsent * 100ULL, transport.claimed_unsent};
  std::string out;
  size_t at = 0;
  int idle_rounds = 0;
  while (at < input.size() && idle_rounds < 4) {
    MonoTime now = clock.now();
    std::span<char> space = session.ReadSpace();
    size_t before = out.size();
    if (space.empty()) {
      // Paused: the read buffer is full until the session writes.
      if (session.done()) break;
      session.Process(now, {0, 0}, &out);
      ++idle_rounds;
      continue;
    }
    idle_rounds = 0;
    size_t n = std::min(space.size(), input.size() - at);
    if (transport.step != 0) n = std::min(n, transport.step);
    std::copy(input.begin() + at, input.begin() + at + n, space.begin());
    at += n;
    session.Received(n, now);
    session.Process(now, claimed, &out);
    FUZZ_CHECK(session.Validate());
    if (out.size() > before) FUZZ_CHECK(out.compare(before, 9, "HTTP/1.1 ") == 0);
    step_check(out, before);
    clock.Advance(kMillisecond);
  }
  // Drain what is buffered; a done session writes nothing more.
  for (int i = 0; i < 64 && session.paused(); ++i) session.Process(clock.now(), {0, 0}, &out);
  bool done = session.done();
  size_t final_size = out.size();
  session.Process(clock.now(), {0, 0}, &out);
  if (done) FUZZ_CHECK(out.size() == final_size);
  FUZZ_CHECK(session.Validate());
}

}  // namespace amfgate::fuzz
