// libFuzzer target: the handoff's whole request handling in one process: the
// pages (/login, /app, /logout) and the AMF gateway, assembled by Handoff on
// a manual clock, driven through the Router with synthetic Requests (no
// sockets), as web/handoff.h wires them in the server.
//
// The input is a program for two browsers (one on HTTPS, one on a plain
// listener, each with a cookie jar and its own address): fetch and submit the
// login form, open the app page (optionally with a PKCE challenge), sign out,
// send gateway packets of up to four bodies (loginByAlias with a real,
// patched or invented alias and a right or wrong verifier, whoami, logout,
// echo, password login, unknown targets, Flex RemotingMessage and
// CommandMessage in full and small form, any AMF0 or AMF3 value from the
// input as the argument, Credentials and must-understand headers), send raw
// requests with any method, path, type, Origin, cookies and body, edit
// cookies, advance the clock and tick the timer wheel. FUZZ_GATEWAY_TRACE=1
// in the environment prints each request, answer and log line (to read what
// an input does).
//
// Checked after every step:
//  - the response validates, its status is one the handlers may give (never
//    500), redirects go to /app or /login, 429/503 carry Retry-After, every
//    Set-Cookie has the attributes of SPEC section 2 and comes with
//    Cache-Control: no-store, HTML carries its own CSP;
//  - gateway replies decode, answer every body in order with the request's
//    response URI, carry only the known fault codes and fixed descriptions,
//    echo Flex message ids only when they are plain ids, and echo.echo
//    returns its argument structurally unchanged;
//  - no known token (session ids, aliases, CSRF bindings) appears in a log
//    line or a response body, and every log line is escaped;
//  - the session store validates;
//  - a model of the handoff holds: an alias redeems at most once, never
//    after its deadline, never after its page session ended or expired,
//    never with a wrong verifier, and never again after any failed
//    redemption of it; a replay revokes the session the alias created; an
//    invented or patched alias never redeems; whoami succeeds only for the
//    demo user, on a session this run was issued and has not seen end or
//    outlive its parent; the app page mints only for a live page session;
//    the login form succeeds only with the right password.
//
// Runs are made independent by starting each 20 s of manual time after the
// previous one (every session, alias and rate-limit bucket of the previous
// run has expired or refilled by then), ticking the wheel, and requiring that
// it reclaimed everything.
//
// The world and its steps are in gateway_world.h, gateway_world.cpp and
// gateway_calls.cpp (FUZZ_OBJS_fuzz_gateway in tests/fuzz/deps.mk).
#include <cstddef>
#include <cstdint>

#include "gateway_world.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static amfgate::fuzz::GatewayWorld world;
  amfgate::fuzz::Input in(data, size);
  world.Run(in);
  return 0;
}
