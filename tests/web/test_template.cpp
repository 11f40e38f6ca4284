#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "web/template.h"

using namespace amfgate;

namespace {

std::string RenderText(std::string_view text, const TemplateValues& values) {
  Template t;
  Status s = Template::Parse(text, "t", &t);
  REQUIRE(s.ok());
  CHECK(t.Validate());
  return t.Render(values);
}

}  // namespace

TEST_CASE("values are substituted and HTML-escaped") {
  TemplateValues v;
  v.Set("name", "<script>alert('x')</script> & \"q\"");
  CHECK(RenderText("<p title=\"{{name}}\">{{name}}</p>", v) ==
        "<p title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;\">"
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>");
}

TEST_CASE("a value that looks like a tag is not expanded again") {
  TemplateValues v;
  v.Set("a", "{{b}}").Set("b", "secret");
  CHECK(RenderText("{{a}}", v) == "{{b}}");
}

TEST_CASE("sections show or hide their content") {
  TemplateValues v;
  v.Set("on", "1").Set("off", "").Set("x", "X");
  CHECK(RenderText("[{{#on}}a{{x}}{{/on}}][{{^on}}b{{/on}}][{{#off}}c{{/off}}][{{^off}}d{{/"
                   "off}}][{{#unset}}e{{/unset}}]",
                   v) == "[aX][][][d][]");
  CHECK(RenderText("{{#on}}{{#off}}no{{/off}}{{^off}}yes{{/off}}{{/on}}", v) == "yes");
}

TEST_CASE("an unset value renders as nothing") {
  CHECK(RenderText("a{{missing}}b", TemplateValues()) == "ab");
}

TEST_CASE("broken templates are refused with the line") {
  Template t;
  Status s = Template::Parse("ok\n{{unclosed", "f.html", &t);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("f.html:2") != std::string::npos);
  CHECK_FALSE(Template::Parse("{{#a}}x", "f", &t).ok());
  CHECK_FALSE(Template::Parse("{{/a}}", "f", &t).ok());
  CHECK_FALSE(Template::Parse("{{#a}}{{/b}}", "f", &t).ok());
  CHECK_FALSE(Template::Parse("{{a b}}", "f", &t).ok());
  CHECK_FALSE(Template::Parse("{{}}", "f", &t).ok());
  CHECK_FALSE(Template::Parse("{{{raw}}}", "f", &t).ok());
}

TEST_CASE("a template set reloads, and keeps the old pages when the new ones are broken") {
  std::string dir = "/tmp/amfgate-tpl-test-" + std::to_string(getpid());
  mkdir(dir.c_str(), 0700);
  auto write = [&](const char* name, const char* text) {
    std::ofstream out(dir + "/" + name);
    out << text;
  };
  write("page.html", "v1 {{x}}");
  TemplateSet set;
  REQUIRE(set.Load(dir).ok());
  TemplateValues v;
  v.Set("x", "<");
  CHECK(set.Has("page"));
  CHECK(set.Render("page", v) == "v1 &lt;");
  write("page.html", "v2 {{x}}");
  REQUIRE(set.Reload().ok());
  CHECK(set.Render("page", v) == "v2 &lt;");
  write("page.html", "v3 {{#x}}");
  CHECK_FALSE(set.Reload().ok());
  CHECK(set.Render("page", v) == "v2 &lt;");
  CHECK(set.Render("nope", v).empty());
  unlink((dir + "/page.html").c_str());
  rmdir(dir.c_str());
}

TEST_CASE("the shipped templates parse") {
  TemplateSet set;
  REQUIRE(set.Load("conf/templates").ok());
  CHECK(set.Has("login"));
  CHECK(set.Has("app"));
}
