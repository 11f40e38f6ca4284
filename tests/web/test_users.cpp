#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "web/passwd.h"
#include "web/users.h"

using namespace amfgate;

namespace {

std::string TempPath(const char* tag) {
  return "/tmp/amfgate-users-test-" + std::to_string(getpid()) + "-" + tag;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("a record verifies its own password and nothing else") {
  UserDb db;
  db.Put(UserRecord::Make("alice", "correct horse", kMinPbkdf2Iterations, "0123456789abcdef"));
  CHECK(db.Validate());
  CHECK(db.Verify("alice", "correct horse"));
  CHECK_FALSE(db.Verify("alice", "correct horsf"));
  CHECK_FALSE(db.Verify("alice", ""));
  CHECK_FALSE(db.Verify("bob", "correct horse"));
  CHECK_FALSE(db.Verify("dummy", "dummy"));  // the dummy record is never a user
}

TEST_CASE("PBKDF2-HMAC-SHA256 matches the published test vector") {
  // RFC 7914 section 11: P="passwd", S="salt", c=1, dkLen=64; first 32 bytes.
  UserRecord r;
  r.iterations = 1;
  r = UserRecord::Make("x", "passwd", 1, "salt");
  const unsigned char expected[] = {0x55, 0xac, 0x04, 0x6e, 0x56, 0xe3, 0x08, 0x9f,
                                    0xec, 0x16, 0x91, 0xc2, 0x25, 0x44, 0xb6, 0x05,
                                    0xf9, 0x41, 0x85, 0x21, 0x6d, 0xde, 0x04, 0x65,
                                    0xe6, 0x8b, 0x9d, 0x57, 0xc2, 0x0d, 0xac, 0xbc};
  REQUIRE(r.hash.size() == 32);
  CHECK(std::equal(r.hash.begin(), r.hash.end(), reinterpret_cast<const char*>(expected)));
}

TEST_CASE("a users line survives format and parse") {
  UserRecord r = UserRecord::Make("bob.smith@example", "pw", 1234, "saltsaltsalt");
  auto back = UserRecord::Parse(r.Format());
  REQUIRE(back.ok());
  CHECK(back->name == r.name);
  CHECK(back->iterations == 1234);
  CHECK(back->salt == r.salt);
  CHECK(back->hash == r.hash);
  CHECK(r.Format().rfind("bob.smith@example:pbkdf2-sha256:1234:", 0) == 0);
}

TEST_CASE("malformed users lines are refused with a reason") {
  std::string good = UserRecord::Make("a", "pw", 1000, "saltsalt").Format();
  CHECK(UserRecord::Parse(good).ok());
  CHECK_FALSE(UserRecord::Parse("a:pbkdf2-sha1:1000:c2FsdHNhbHQ=:AAAA").ok());
  CHECK_FALSE(
      UserRecord::Parse("a:pbkdf2-sha256:10:c2FsdHNhbHQ=:" + good.substr(good.rfind(':') + 1))
          .ok());
  CHECK_FALSE(UserRecord::Parse("a:pbkdf2-sha256:1000:c2FsdHNhbHQ=:AAAA").ok());
  CHECK_FALSE(UserRecord::Parse("a b:pbkdf2-sha256:1000:c2FsdHNhbHQ=:AAAA").ok());
  CHECK_FALSE(UserRecord::Parse(good + ":extra").ok());
  CHECK_FALSE(UserRecord::Parse("").ok());
}

TEST_CASE("the users file loads, names the bad line, and rejects duplicates") {
  std::string path = TempPath("load");
  std::string a = UserRecord::Make("a", "pa", 1000, "saltsalt").Format();
  std::string b = UserRecord::Make("b", "pb", 1000, "saltsalt").Format();
  {
    std::ofstream out(path);
    out << "# users\n\n" << a << "\n" << b << "\r\n";
  }
  UserDb db;
  REQUIRE(UserDb::Load(path, &db).ok());
  CHECK(db.size() == 2);
  CHECK(db.Verify("b", "pb"));
  {
    std::ofstream out(path);
    out << a << "\n"
        << "nonsense\n";
  }
  Status s = UserDb::Load(path, &db);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find(":2:") != std::string::npos);
  CHECK(db.size() == 2);  // the old table is untouched
  {
    std::ofstream out(path);
    out << a << "\n" << a << "\n";
  }
  CHECK_FALSE(UserDb::Load(path, &db).ok());
  unlink(path.c_str());
}

TEST_CASE("an unknown user is checked against a dummy at least as costly as any record") {
  UserDb db;
  db.Put(UserRecord::Make("slow", "pw", 3000, "saltsalt"));
  db.Put(UserRecord::Make("fast", "pw", 1000, "saltsalt"));
  CHECK(db.Validate());  // Validate checks the dummy's cost covers every record
}

TEST_CASE("passwd adds and replaces a user, keeps other lines, and writes mode 0600") {
  std::string path = TempPath("passwd");
  unlink(path.c_str());
  REQUIRE(SetPassword(path, "carol", "first", 1000).ok());
  {
    std::ofstream out(path, std::ios::app);
    out << "# a comment the tool keeps\n";
  }
  REQUIRE(SetPassword(path, "dave", "second", 1000).ok());
  REQUIRE(SetPassword(path, "carol", "third", 1000).ok());
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  std::string text = ReadAll(path);
  CHECK(text.find("# a comment the tool keeps\n") != std::string::npos);
  CHECK(text.find("carol:") == 0);  // replaced in place
  UserDb db;
  REQUIRE(UserDb::Load(path, &db).ok());
  CHECK(db.size() == 2);
  CHECK(db.Verify("carol", "third"));
  CHECK_FALSE(db.Verify("carol", "first"));
  CHECK(db.Verify("dave", "second"));
  CHECK_FALSE(SetPassword(path, "bad:name", "x", 1000).ok());
  CHECK_FALSE(SetPassword(path, "eve", "", 1000).ok());
  unlink(path.c_str());
}

TEST_CASE("two salts for one password give two different hashes") {
  UserRecord a = UserRecord::Make("a", "pw", 1000, "salt-one");
  UserRecord b = UserRecord::Make("a", "pw", 1000, "salt-two");
  CHECK(a.hash != b.hash);
}

TEST_CASE("the demo user has a fresh random password that verifies") {
  auto d1 = MakeDemoUser();
  auto d2 = MakeDemoUser();
  REQUIRE(d1.ok());
  REQUIRE(d2.ok());
  CHECK(d1->record.name == "demo");
  CHECK(d1->password.size() == 16);
  CHECK(d1->password != d2->password);
  UserDb db;
  db.Put(d1->record);
  CHECK(db.Verify("demo", d1->password));
  CHECK_FALSE(db.Verify("demo", d2->password));
}
