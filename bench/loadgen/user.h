// What a connection asks of the virtual user it carries.
//
// The load generator's engine (Driver, Connection) knows nothing about
// logins, aliases or AMF: it moves bytes and times them. A User writes the
// requests of one virtual client and judges the responses, in order (HTTP/1.1
// answers in request order, so the oldest request in flight is always the
// one a response belongs to). Users are driven phase by phase (setup, then
// the timed phase); BeginPhase tells them which. Everything runs on the one
// loop thread: shared scenario state needs no locks.
#pragma once

#include <string>

#include "http_response.h"
#include "tls_client.h"

namespace amfgate::bench {

enum class Next {
  kSend,  // a request was appended
  kWait,  // nothing to send until a response arrives
  kDone,  // finished with this phase
};

class User {
 public:
  virtual ~User() = default;

  virtual void BeginPhase(int phase) { (void)phase; }

  // Appends the next request to *out, or says why there is none.
  virtual Next NextRequest(std::string* out) = 0;

  // Judges the response to the oldest request in flight: returns how many
  // operations it completed (a handoff is three requests, one operation), or
  // -1 with *error saying what was wrong; any -1 fails the run.
  virtual int OnResponse(const Response& response, std::string* error) = 0;

  // True for the handshake scenario: a new connection for every request.
  virtual bool OneRequestPerConnection() const { return false; }

  // TLS: the session to resume from (null: full handshake) and where tickets
  // the server sends are kept.
  virtual const SavedSession* ResumeFrom() { return nullptr; }
  virtual SavedSession* TicketSink() { return nullptr; }

  // TLS: a handshake finished; `full` when the server sent its certificate.
  // Returns false with *error when that is not what the scenario expects.
  virtual bool OnHandshake(bool full, std::string* error) {
    (void)full;
    (void)error;
    return true;
  }
};

}  // namespace amfgate::bench
