// The program's command line (SPEC section 5):
//
//   amfgate [-c FILE] [-t] [--DIRECTIVE VALUE... ...]
//   amfgate passwd FILE NAME         (password on standard input)
//   amfgate amf-dump [FILE]          (AMF packet -> JSON)
//   amfgate amf-encode [FILE]        (JSON -> AMF packet)
//   amfgate --version | --help
//
// `-c` and `-t` may appear anywhere; every other word belongs to the
// `--DIRECTIVE VALUE...` overrides (a directive's values are the words up to
// the next word starting with "--"). Errors are one line on stderr,
// "amfgate: conf/x.conf:12: alias_ttl: must be between 1 and 600 seconds",
// and exit status 1; usage errors exit 2.
#pragma once

#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"

namespace amfgate {

struct CommandLine {
  std::string config_file;  // empty: built-in defaults only
  bool check_only = false;  // -t
  bool version = false;
  bool help = false;
  std::vector<ConfigOverride> overrides;
};

// `args` excludes the program name.
Status ParseCommandLine(const std::vector<std::string>& args, CommandLine* out);

// Everything main does; returns the exit status.
int RunMain(int argc, char** argv);

}  // namespace amfgate
