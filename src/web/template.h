// Page templates: `{{name}}` substitution with every value HTML-escaped.
//
// The syntax is the smallest that the pages need:
//   {{name}}            the value of `name`, HTML-escaped (empty if unset)
//   {{#name}}...{{/name}} the enclosed part when `name` is set and non-empty
//   {{^name}}...{{/name}} the enclosed part when it is not
// There is no way to emit a value unescaped, so a value can never become
// markup; values inside attributes must be quoted in the template.
//
// A TemplateSet holds every `*.html` file of one directory, parsed once at
// load into a flat list of pieces; rendering walks that list (cost linear in
// the output). Reload() parses the directory again and swaps the new set in
// only if every file parsed, so a bad edit keeps the old pages (SIGHUP).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace amfgate {

// Named values for one render. Lookups are linear: pages have a handful.
class TemplateValues {
 public:
  TemplateValues& Set(std::string_view name, std::string value);
  const std::string* Find(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

class Template {
 public:
  // Parses `text`; the error names `origin` and the line.
  static Status Parse(std::string_view text, const std::string& origin, Template* out);
  std::string Render(const TemplateValues& values) const;
  bool Validate() const;

 private:
  enum class Kind : unsigned char { kText, kValue, kSection, kInverted, kEnd };
  struct Piece {
    Kind kind;
    std::string text;  // literal text, or the value's name
    size_t end = 0;    // for sections: index of the matching kEnd
  };
  std::vector<Piece> pieces_;
};

class TemplateSet {
 public:
  // Loads every *.html file of `dir` (the names without ".html" are the keys).
  Status Load(const std::string& dir);
  // Loads the same directory again; on error the current set stays.
  Status Reload();

  bool Has(std::string_view name) const { return templates_.count(std::string(name)) != 0; }
  // The rendered page, or an empty string when there is no such template.
  std::string Render(std::string_view name, const TemplateValues& values) const;
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::map<std::string, Template, std::less<>> templates_;
};

}  // namespace amfgate
