// `amfgate amf-dump` and `amfgate amf-encode`: the command-line face of
// amf/json.h, for people debugging AMF traffic and for tests that look at
// the codec from outside.
//
//   amf-dump [--amf0 | --amf3] [FILE]   bytes -> JSON (a remoting packet, or
//                                       one bare AMF0 / AMF3 value)
//   amf-encode [FILE]                   JSON -> bytes (the document says
//                                       whether it is a packet or a value)
//
// argv[0] is the subcommand's name. Without FILE (or with "-") the input is
// standard input. The output goes to standard output: JSON text, or the
// bytes unchanged (nothing is added, not even a newline). On malformed input
// the exit status is 1 and standard error gets one line naming the problem
// (the byte offset for AMF, the line and column for JSON); a usage error
// exits 2. Inputs are read whole, up to kMaxToolInputBytes.
#pragma once

#include <cstddef>
#include <cstdio>

namespace amfgate {

inline constexpr size_t kMaxToolInputBytes = 64u << 20;

int RunAmfDump(int argc, char** argv);
int RunAmfEncode(int argc, char** argv);

// The same, with the streams given (tests drive these with tmpfile()).
int RunAmfDump(int argc, char** argv, FILE* in, FILE* out, FILE* err);
int RunAmfEncode(int argc, char** argv, FILE* in, FILE* out, FILE* err);

}  // namespace amfgate
