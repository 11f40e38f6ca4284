// DirectRequest: a Request line and body filled in as the server's parser
// fills them, for tests and fuzz targets that call a Router without a socket.
// The caller keeps `target`, `body` and `headers` alive and sets the
// connection's fields (peer, is_tls, received_at) itself.
#pragma once

#include <span>
#include <string_view>

#include "net/http_message.h"

namespace amfgate::testing {

inline Method MethodNamed(std::string_view name) {
  if (name == "GET") return Method::kGet;
  if (name == "HEAD") return Method::kHead;
  if (name == "POST") return Method::kPost;
  if (name == "PUT") return Method::kPut;
  if (name == "DELETE") return Method::kDelete;
  if (name == "OPTIONS") return Method::kOptions;
  if (name == "PATCH") return Method::kPatch;
  return Method::kOther;
}

inline Request DirectRequest(std::string_view method, std::string_view target,
                             std::string_view body, std::span<const HeaderField> headers) {
  Request request;
  request.method_text = method;
  request.method = MethodNamed(method);
  request.target = target;
  const size_t q = target.find('?');
  request.path = target.substr(0, q);
  request.query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  request.headers = headers;
  request.body = body;
  return request;
}

}  // namespace amfgate::testing
