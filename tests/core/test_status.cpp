#include <doctest/doctest.h>

#include "core/status.h"

using namespace amfgate;

TEST_CASE("a Result carries either a value or a failure with its reason and offset") {
  Result<int> good = 7;
  CHECK(good.ok());
  CHECK(*good == 7);
  Result<int> bad = Failure{Code::kMalformed, "bad marker", 12};
  CHECK_FALSE(bad.ok());
  CHECK(bad.code() == Code::kMalformed);
  CHECK(bad.failure().offset == 12);
  CHECK(std::string(bad.failure().reason) == "bad marker");
}

TEST_CASE("a Status names its code when it has no message") {
  CHECK(Status::Ok().ok());
  Status s = Status::Error(Code::kBusy, "");
  CHECK_FALSE(s.ok());
  CHECK(s.ToString() == "busy");
  CHECK(Status::Error(Code::kIoError, "conf:3: bad").ToString() == "conf:3: bad");
}
