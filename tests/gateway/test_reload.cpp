// SIGHUP for the handoff: users file and templates reload, and a broken one
// keeps the old state; sessions survive.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "rig.h"
#include "web/passwd.h"

using namespace amfgate;
using namespace amfgate::testing;

TEST_CASE("a reload picks up a changed users file, keeps the old one when broken, and keeps sessions") {
  std::string dir = "/tmp/amfgate-reload-" + std::to_string(getpid());
  mkdir(dir.c_str(), 0700);
  std::string users = dir + "/users";
  REQUIRE(SetPassword(users, "alice", "first-password", 1000).ok());
  Config c;
  c.users_file = users;
  c.public_origin = "https://127.0.0.1:8443";
  Rig rig(c);
  CHECK(rig.handoff().announcement().empty());
  Browser a, stranger;
  CHECK(rig.Login(stranger, "demo", "anything").status == 401);
  CHECK(rig.Login(a, "alice", "first-password").status == 303);

  REQUIRE(SetPassword(users, "alice", "second-password", 1000).ok());
  REQUIRE(rig.handoff().Reload(c).ok());
  Browser b;
  Reply old = rig.Login(b, "alice", "first-password");
  CHECK(old.status == 401);
  CAPTURE(old.body);
  CHECK(rig.Login(b, "alice", "second-password").status == 303);
  CHECK(rig.Send("GET", "/app", {}, {}, &a).status == 200);  // the session from before the reload lives on

  std::ofstream(users, std::ios::app) << "broken line\n";
  Status s = rig.handoff().Reload(c);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find(":2:") != std::string::npos);
  Browser d;
  CHECK(rig.Login(d, "alice", "second-password").status == 303);

  unlink(users.c_str());
  rmdir(dir.c_str());
}

TEST_CASE("a reload with a broken template keeps serving the old pages") {
  std::string dir = "/tmp/amfgate-tpl-reload-" + std::to_string(getpid());
  mkdir(dir.c_str(), 0700);
  for (const char* name : {"login.html", "app.html"}) {
    std::ifstream in(std::string("conf/templates/") + name);
    std::ofstream out(dir + "/" + name);
    out << in.rdbuf();
  }
  Config c;
  c.template_dir = dir;
  c.public_origin = "https://127.0.0.1:8443";
  Rig rig(c);
  std::ofstream(dir + "/login.html") << "<p>new login {{csrf}}</p>";
  REQUIRE(rig.handoff().Reload(c).ok());
  CHECK(rig.Send("GET", "/login").body.rfind("<p>new login ", 0) == 0);
  std::ofstream(dir + "/login.html") << "<p>{{#broken}}</p>";
  CHECK_FALSE(rig.handoff().Reload(c).ok());
  CHECK(rig.Send("GET", "/login").body.rfind("<p>new login ", 0) == 0);
  for (const char* name : {"login.html", "app.html"}) unlink((dir + "/" + name).c_str());
  rmdir(dir.c_str());
}
