// The interop driver: `amfjson amf-dump ...` and `amfjson amf-encode ...`,
// the same two functions `amfgate` dispatches to, in a binary that links only
// core and amf so that the interop run does not wait for the server.
#include <cstdio>
#include <cstring>

#include "amf/cli.h"

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "amf-dump") == 0) {
    return amfgate::RunAmfDump(argc - 1, argv + 1);
  }
  if (argc >= 2 && std::strcmp(argv[1], "amf-encode") == 0) {
    return amfgate::RunAmfEncode(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "usage: amfjson amf-dump|amf-encode [ARGS...]\n");
  return 2;
}
