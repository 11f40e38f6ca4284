// libFuzzer target: the users file parser (web/users.h), line by line, as
// UserDb::Load reads it (lines split at '\n', a trailing '\r' dropped, blank
// lines and '#' comments skipped).
//
// For each line: UserRecord::Parse either fails with kMalformed and a reason,
// or gives a record that validates, has a name IsValidUserName accepts, and
// formats to a line that parses back to the same record (salt, hash and
// iteration count) and formats again to the same text.
//
// UserDb::Load itself is not called: building a UserDb derives its dummy
// record (20,000 PBKDF2 iterations, ~22 ms, up to 10,000,000 for a file
// that names such a count), which would leave the fuzzer a few runs a
// second. Its line handling is the loop below.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "web/users.h"

using namespace amfgate;

namespace {

bool SameRecord(const UserRecord& a, const UserRecord& b) {
  return a.name == b.name && a.iterations == b.iterations && a.salt == b.salt && a.hash == b.hash;
}

void CheckLine(std::string_view line) {
  Result<UserRecord> record = UserRecord::Parse(line);
  if (!record.ok()) {
    FUZZ_CHECK(record.code() == Code::kMalformed);
    FUZZ_CHECK(record.failure().reason != nullptr && record.failure().reason[0] != '\0');
    return;
  }
  FUZZ_CHECK(record->Validate());
  FUZZ_CHECK(IsValidUserName(record->name));
  FUZZ_CHECK(record->name.size() <= kMaxUserNameBytes);
  FUZZ_CHECK(record->hash.size() == kPasswordHashBytes);
  FUZZ_CHECK(record->iterations >= kMinPbkdf2Iterations &&
             record->iterations <= kMaxPbkdf2Iterations);
  std::string formatted = record->Format();
  FUZZ_CHECK(formatted.find_first_of("\r\n") == std::string::npos);
  Result<UserRecord> again = UserRecord::Parse(formatted);
  FUZZ_CHECK(again.ok() && SameRecord(*record, *again));
  FUZZ_CHECK(again->Format() == formatted);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    CheckLine(line);
  }
  return 0;
}
