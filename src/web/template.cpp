#include "web/template.h"

#include <dirent.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "web/encoding.h"

namespace amfgate {

namespace {

constexpr size_t kMaxTemplateBytes = 1 << 20;
constexpr size_t kMaxSectionDepth = 16;

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

TemplateValues& TemplateValues::Set(std::string_view name, std::string value) {
  for (auto& [k, v] : values_) {
    if (k == name) {
      v = std::move(value);
      return *this;
    }
  }
  values_.emplace_back(std::string(name), std::move(value));
  return *this;
}

const std::string* TemplateValues::Find(std::string_view name) const {
  for (const auto& [k, v] : values_) {
    if (k == name) return &v;
  }
  return nullptr;
}

Status Template::Parse(std::string_view text, const std::string& origin, Template* out) {
  Template t;
  std::vector<size_t> open;  // indices of unclosed sections
  size_t pos = 0;
  auto line_of = [&](size_t at) {
    return origin + ":" + std::to_string(1 + std::count(text.begin(), text.begin() + at, '\n'));
  };
  while (pos < text.size()) {
    size_t start = text.find("{{", pos);
    if (start == std::string_view::npos) start = text.size();
    if (start > pos) t.pieces_.push_back({Kind::kText, std::string(text.substr(pos, start - pos))});
    if (start == text.size()) break;
    size_t close = text.find("}}", start + 2);
    if (close == std::string_view::npos)
      return Status::Error(Code::kMalformed, line_of(start) + ": unclosed {{");
    std::string_view tag = text.substr(start + 2, close - start - 2);
    Kind kind = Kind::kValue;
    if (!tag.empty() && (tag[0] == '#' || tag[0] == '^' || tag[0] == '/')) {
      kind = tag[0] == '#' ? Kind::kSection : tag[0] == '^' ? Kind::kInverted : Kind::kEnd;
      tag.remove_prefix(1);
    }
    if (tag.empty() || !std::all_of(tag.begin(), tag.end(), IsNameChar)) {
      return Status::Error(
          Code::kMalformed,
          line_of(start) + ": a tag is {{name}}, {{#name}}, {{^name}} or {{/name}}");
    }
    if (kind == Kind::kEnd) {
      if (open.empty() || t.pieces_[open.back()].text != tag) {
        return Status::Error(Code::kMalformed, line_of(start) + ": {{/" + std::string(tag) +
                                                   "}} closes nothing open");
      }
      t.pieces_[open.back()].end = t.pieces_.size();
      open.pop_back();
    } else if (kind != Kind::kValue) {
      if (open.size() == kMaxSectionDepth)
        return Status::Error(Code::kMalformed, line_of(start) + ": sections nested too deep");
      open.push_back(t.pieces_.size());
    }
    t.pieces_.push_back({kind, std::string(tag)});
    pos = close + 2;
  }
  if (!open.empty()) {
    return Status::Error(Code::kMalformed, origin + ": section {{" + t.pieces_[open.back()].text +
                                               "}} is never closed");
  }
  *out = std::move(t);
  return Status::Ok();
}

std::string Template::Render(const TemplateValues& values) const {
  std::string out;
  for (size_t i = 0; i < pieces_.size(); ++i) {
    const Piece& p = pieces_[i];
    switch (p.kind) {
      case Kind::kText:
        out += p.text;
        break;
      case Kind::kValue:
        if (const std::string* v = values.Find(p.text)) AppendHtmlEscaped(*v, &out);
        break;
      case Kind::kSection:
      case Kind::kInverted: {
        const std::string* v = values.Find(p.text);
        bool set = v != nullptr && !v->empty();
        if (set != (p.kind == Kind::kSection)) i = p.end;  // skip to the matching end
        break;
      }
      case Kind::kEnd:
        break;
    }
  }
  return out;
}

bool Template::Validate() const {
  for (size_t i = 0; i < pieces_.size(); ++i) {
    const Piece& p = pieces_[i];
    if (p.kind == Kind::kSection || p.kind == Kind::kInverted) {
      if (p.end <= i || p.end >= pieces_.size() || pieces_[p.end].kind != Kind::kEnd ||
          pieces_[p.end].text != p.text) {
        return false;
      }
    }
  }
  return true;
}

Status TemplateSet::Load(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return Status::Error(Code::kIoError, dir + ": cannot open template directory");
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string_view n = e->d_name;
    if (n.size() > 5 && n.substr(n.size() - 5) == ".html" && n[0] != '.') names.emplace_back(n);
  }
  closedir(d);
  std::map<std::string, Template, std::less<>> loaded;
  for (const std::string& n : names) {
    std::string path = dir + "/" + n;
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::Error(Code::kIoError, path + ": cannot read");
    std::ostringstream text;
    text << in.rdbuf();
    if (text.str().size() > kMaxTemplateBytes)
      return Status::Error(Code::kTooLarge, path + ": larger than 1 MiB");
    Template t;
    Status s = Template::Parse(text.str(), path, &t);
    if (!s.ok()) return s;
    loaded.emplace(n.substr(0, n.size() - 5), std::move(t));
  }
  dir_ = dir;
  templates_ = std::move(loaded);
  return Status::Ok();
}

Status TemplateSet::Reload() { return Load(std::string(dir_)); }

std::string TemplateSet::Render(std::string_view name, const TemplateValues& values) const {
  auto it = templates_.find(name);
  return it == templates_.end() ? std::string() : it->second.Render(values);
}

}  // namespace amfgate
