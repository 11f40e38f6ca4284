// amfgate as a library: run the server inside your own program, with your
// own AMF services next to the built-in ones.
//
// Link build/libamfgate.a (with mbedTLS, libuv, xxhash and pthread, as the
// Makefile's rule for examples/embed does) and compile with -Iinclude -Isrc:
// the value types (src/amf), Status (src/core) and the service API
// (src/gateway/service.h) are the library's own headers, included from here
// rather than copied. The two functions below are all the rest an embedder
// needs; the configuration and the catalog stay behind them.
//
//   #include <amfgate/amfgate.h>
//
//   int main(int argc, char** argv) {
//     amfgate::Status s = amfgate::AddService(
//         "appliance.status",
//         [](amfgate::CallContext& ctx, const amfgate::amf::Arguments&) {
//           return amfgate::CallResult::Ok(ctx.String("all systems go"));
//         },
//         amfgate::Access::kSession);  // only for logged-in gateway sessions
//     if (!s.ok()) return 1;
//     return amfgate::RunMain(argc, argv);  // amfgate's own command line
//   }
//
// A service is called as the AMF target "appliance.status" (NetConnection)
// or as destination "appliance", operation "status" (Flex RemoteObject). It
// runs on the server's loop thread and must not block. It builds its result
// in ctx.arena() in ctx.format() (amf::Make*, ctx.String), or returns
// CallResult::Fault(code, description) with static strings; faults never
// carry request data. ctx.user() names the logged-in user of the caller's
// gateway session (empty when none). Services are added before RunMain and
// then stay fixed; a name a built-in already has (auth.*, echo.echo) is
// refused when the server starts.
#pragma once

#include <string>

#include "amf/arena.h"
#include "amf/packet.h"
#include "amf/value.h"
#include "core/status.h"
#include "gateway/service.h"

namespace amfgate {

// Adds a service to every gateway this process starts. Start-up only.
Status AddService(std::string name, ServiceHandler handler, Access access);

// amfgate's whole command line (README, "Running"), as the amfgate binary
// runs it; returns the process's exit status.
int RunMain(int argc, char** argv);

}  // namespace amfgate
