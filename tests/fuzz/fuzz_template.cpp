// libFuzzer target: the page template parser, renderer and loader
// (web/template.h), on template text that an operator's edit may break.
//
// Input: byte 0 chooses which of the names a, b, c, user, csrf are set (bit
// i) and whether set values are empty (bit 5) or hostile markup (otherwise);
// the rest is the template text. Checked:
//  - Template::Parse agrees with a reference parser written here from the
//    syntax in template.h ({{name}}, {{#name}}, {{^name}}, {{/name}}; names of
//    [A-Za-z0-9_]; sections nest properly, at most 16 deep; a stray "{{"
//    is an error), and its error names the origin and a line that exists;
//  - a parsed template validates and renders exactly what the reference
//    renderer gives, for the chosen values;
//  - values are always escaped: a template whose own text has no < > " '
//    renders none of them, whatever the values hold;
//  - TemplateSet::Load of a directory holding the text as page.html loads
//    exactly when Parse succeeds, renders the same page, and when it fails
//    keeps the set it had (the SIGHUP promise).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "web/encoding.h"
#include "web/template.h"

using namespace amfgate;

namespace {

constexpr const char* kNames[] = {"a", "b", "c", "user", "csrf"};
constexpr std::string_view kHostile = "<script>\"x'&amp;</script>";

// The reference: a tree of nodes built by recursive descent.
struct Node {
  enum Kind { kText, kValue, kSection, kInverted } kind;
  std::string text;  // literal text or name
  std::vector<Node> children;
};

struct RefParser {
  std::string_view text;
  size_t pos = 0;

  bool IsName(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
      bool ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
      if (!ok) return false;
    }
    return true;
  }

  // Parses nodes until the closing tag of `open` (or the end when open is
  // empty); false on any error.
  bool Parse(std::vector<Node>* out, std::string_view open, int depth) {
    while (pos < text.size()) {
      size_t start = text.find("{{", pos);
      if (start == std::string_view::npos) {
        out->push_back({Node::kText, std::string(text.substr(pos)), {}});
        pos = text.size();
        break;
      }
      if (start > pos)
        out->push_back({Node::kText, std::string(text.substr(pos, start - pos)), {}});
      size_t close = text.find("}}", start + 2);
      if (close == std::string_view::npos) return false;
      std::string_view tag = text.substr(start + 2, close - start - 2);
      pos = close + 2;
      char sigil = tag.empty() ? 0 : tag[0];
      if (sigil == '/') return open.size() > 0 && tag.substr(1) == open && IsName(open);
      if (sigil == '#' || sigil == '^') {
        std::string_view name = tag.substr(1);
        if (!IsName(name) || depth == 16) return false;
        Node section{sigil == '#' ? Node::kSection : Node::kInverted, std::string(name), {}};
        if (!Parse(&section.children, name, depth + 1)) return false;
        out->push_back(std::move(section));
        continue;
      }
      if (!IsName(tag)) return false;
      out->push_back({Node::kValue, std::string(tag), {}});
    }
    return open.empty();
  }
};

void RefRender(const std::vector<Node>& nodes, const TemplateValues& values, std::string* out) {
  for (const Node& n : nodes) {
    const std::string* v = n.kind == Node::kText ? nullptr : values.Find(n.text);
    switch (n.kind) {
      case Node::kText:
        *out += n.text;
        break;
      case Node::kValue:
        if (v != nullptr) *out += HtmlEscape(*v);
        break;
      case Node::kSection:
      case Node::kInverted:
        if ((v != nullptr && !v->empty()) == (n.kind == Node::kSection))
          RefRender(n.children, values, out);
        break;
    }
  }
}

// A scratch directory for TemplateSet::Load, removed at exit.
struct Scratch {
  std::string dir;
  std::string file;
  Scratch() {
    char path[] = "/tmp/amfgate-fuzz-template-XXXXXX";
    FUZZ_CHECK(mkdtemp(path) != nullptr);
    dir = path;
    file = dir + "/page.html";
  }
  ~Scratch() {
    unlink(file.c_str());
    rmdir(dir.c_str());
  }
  void Write(std::string_view text) const {
    FILE* f = fopen(file.c_str(), "wb");
    FUZZ_CHECK(f != nullptr);
    FUZZ_CHECK(fwrite(text.data(), 1, text.size(), f) == text.size());
    FUZZ_CHECK(fclose(f) == 0);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Scratch scratch;
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  TemplateValues values;
  for (int i = 0; i < 5; ++i) {
    if (data[0] & (1 << i)) values.Set(kNames[i], (data[0] & 0x20) ? "" : std::string(kHostile));
  }

  Template parsed;
  Status s = Template::Parse(text, "page.html", &parsed);
  RefParser ref{text};
  std::vector<Node> tree;
  bool ref_ok = ref.Parse(&tree, "", 0);
  FUZZ_CHECK(s.ok() == ref_ok);
  if (!s.ok()) {
    FUZZ_CHECK(s.code() == Code::kMalformed);
    const std::string& m = s.message();
    FUZZ_CHECK(m.starts_with("page.html:") || m.starts_with("page.html: "));
    if (m.starts_with("page.html:") && m.size() > 10 && m[10] >= '0' && m[10] <= '9') {
      size_t line = std::strtoul(m.c_str() + 10, nullptr, 10);
      size_t lines = 1;
      for (char c : text) lines += c == '\n';
      FUZZ_CHECK(line >= 1 && line <= lines);
    }
  } else {
    FUZZ_CHECK(parsed.Validate());
    std::string rendered = parsed.Render(values);
    std::string expected;
    RefRender(tree, values, &expected);
    FUZZ_CHECK(rendered == expected);
    if (text.find_first_of("<>\"'") == std::string_view::npos) {
      FUZZ_CHECK(rendered.find_first_of("<>\"'") == std::string::npos);
    }
  }

  // The loader: a good page first, then the fuzzed one.
  TemplateSet set;
  scratch.Write("<p>{{user}}</p>");
  FUZZ_CHECK(set.Load(scratch.dir).ok() && set.Has("page"));
  scratch.Write(text);
  Status loaded = set.Load(scratch.dir);
  FUZZ_CHECK(loaded.ok() == s.ok());
  FUZZ_CHECK(set.Has("page"));
  std::string page = set.Render("page", values);
  const std::string* user = values.Find("user");
  std::string old_page = "<p>" + (user != nullptr ? HtmlEscape(*user) : std::string()) + "</p>";
  FUZZ_CHECK(page == (s.ok() ? parsed.Render(values) : old_page));
  return 0;
}
