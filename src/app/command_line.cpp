#include "app/command_line.h"

#include <llhttp.h>
#include <mbedtls/version.h>
#include <uv.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <memory>

#include "amf/cli.h"
#include "app/app.h"
#include "app/checks.h"
#include "app/version.h"
#include "core/log.h"
#include "web/passwd.h"

namespace amfgate {

namespace {

constexpr char kUsage[] =
    "usage: amfgate [-c FILE] [-t] [--DIRECTIVE VALUE... ...]\n"
    "       amfgate passwd FILE NAME      set NAME's password (read from standard input)\n"
    "       amfgate amf-dump [FILE]       print an AMF packet as JSON\n"
    "       amfgate amf-encode [FILE]     turn that JSON back into the packet's bytes\n"
    "       amfgate --version | --help\n";

void PrintHelp() {
  printf("%s", kUsage);
  printf(
      "\n"
      "  -c FILE      read the configuration from FILE (without it: built-in defaults)\n"
      "  -t           check the configuration and the files it names, then exit\n"
      "  --DIRECTIVE VALUE...\n"
      "               set a directive as a line of the file would; overrides the file.\n"
      "               A repeatable directive given here replaces the file's list.\n"
      "\n"
      "Directives (SECONDS: 30, 0.5, 250ms, 15m, 2h; BYTES: 4096, 64k, 1m, 1g):\n");
  printf("%s", DirectiveHelp().c_str());
  printf(
      "\n"
      "Signals: SIGHUP reloads the configuration and certificates; SIGTERM or SIGINT\n"
      "drains (finishes requests in flight) and stops within drain_timeout.\n");
}

void PrintVersion() {
  printf("amfgate %s (mbedTLS %s, libuv %s, llhttp %d.%d.%d)\n", kVersion, MBEDTLS_VERSION_STRING,
         uv_version_string(), LLHTTP_VERSION_MAJOR, LLHTTP_VERSION_MINOR, LLHTTP_VERSION_PATCH);
}

// Messages name paths, arguments and configuration values: escaped, so a
// control character in one never reaches the terminal.
int Fail(const std::string& message) {
  fprintf(stderr, "amfgate: %s\n", EscapeForTerminal(message).c_str());
  return 1;
}

}  // namespace

Status ParseCommandLine(const std::vector<std::string>& args, CommandLine* out) {
  *out = CommandLine();
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-c") {
      if (i + 1 >= args.size()) return Status::Error(Code::kInvalidArgument, "-c needs a FILE");
      if (!out->config_file.empty()) return Status::Error(Code::kInvalidArgument, "-c given twice");
      out->config_file = args[++i];
    } else if (a == "-t") {
      out->check_only = true;
    } else if (a == "--version") {
      out->version = true;
    } else if (a == "--help" || a == "-h") {
      out->help = true;
    } else if (a.size() > 1 && a[0] == '-' && a[1] != '-' && rest.empty()) {
      return Status::Error(Code::kInvalidArgument, "unknown option " + a);
    } else {
      rest.push_back(a);
    }
  }
  return ParseOverrides(rest, &out->overrides);
}

int RunMain(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty()) {
    const std::string& sub = args.front();
    if (sub == "passwd") return RunPasswd(argc - 1, argv + 1);
    if (sub == "amf-dump") return RunAmfDump(argc - 1, argv + 1);
    if (sub == "amf-encode") return RunAmfEncode(argc - 1, argv + 1);
  }

  CommandLine cl;
  Status s = ParseCommandLine(args, &cl);
  if (!s.ok()) {
    fprintf(stderr, "amfgate: %s\n%s", EscapeForTerminal(s.message()).c_str(), kUsage);
    return 2;
  }
  if (cl.help) {
    PrintHelp();
    return 0;
  }
  if (cl.version) {
    PrintVersion();
    return 0;
  }

  Config config;
  s = LoadConfig(cl.config_file, cl.overrides, &config);
  if (!s.ok()) return Fail(s.message());
  if (cl.check_only) {
    s = CheckConfigFiles(config);
    if (!s.ok()) return Fail(s.message());
    printf("amfgate: configuration %s is valid\n", cl.config_file.empty()
                                                       ? "(built-in defaults)"
                                                       : EscapeForTerminal(cl.config_file).c_str());
    return 0;
  }

  // A peer that closes its socket must not kill the process on the next write.
  signal(SIGPIPE, SIG_IGN);
  std::unique_ptr<App> app;
  s = App::Create(std::move(config), std::move(cl.overrides), &app);
  if (!s.ok()) return Fail(s.message());
  return app->Run(stdout);
}

}  // namespace amfgate
