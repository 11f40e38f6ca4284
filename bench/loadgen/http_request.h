// HTTP/1.1 requests as the load generator writes them, and the few bits of
// HTML it reads back (the login form's hidden fields, the app page's
// flashvars).
//
// Requests are appended to a connection's output buffer in one piece, with
// Host, an explicit Content-Length on bodies and, when the caller asks,
// `Connection: close`. The HTML helpers are text scans over the pages the
// server renders from conf/templates, not an HTML parser: they find
// `<input type="hidden" name=.. value=..>` and `<param name=.. value=..>`
// tags in either attribute order and undo HTML escaping of the values.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amfgate::bench {

struct RequestHead {
  std::string_view method = "GET";
  std::string_view path = "/";
  std::string_view host;
  std::string_view cookie;        // Cookie header value; omitted when empty
  std::string_view origin;        // Origin header value; omitted when empty
  std::string_view content_type;  // only with a body
  bool close = false;
};

void AppendRequest(std::string* out, const RequestHead& head, std::string_view body);

using FormFields = std::vector<std::pair<std::string, std::string>>;

// application/x-www-form-urlencoded
std::string FormEncode(const FormFields& fields);

// Every `<input type="hidden">` name/value of the page, in order.
FormFields HiddenInputs(std::string_view html);

// The value of `<param name="NAME" value="...">`, unescaped; empty if absent.
std::string ParamValue(std::string_view html, std::string_view name);

// The value of `key` in a query string (`a=1&b=2`), percent-decoded.
std::string QueryValue(std::string_view query, std::string_view key);

// Undoes &amp; &lt; &gt; &quot; &#39; &#xNN; and &#NN; entities.
std::string HtmlUnescape(std::string_view s);

}  // namespace amfgate::bench
