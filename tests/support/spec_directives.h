// The configuration directives SPEC section 5 names: what the help texts
// (DirectiveHelp, `amfgate --help`) must each list, checked by the config
// and command-line tests against the same list.
#pragma once

namespace amfgate::testing {

inline constexpr const char* kSpecDirectives[] = {
    "listen",
    "admin_listen",
    "public_origin",
    "certificate",
    "certificate_key",
    "users_file",
    "docroot",
    "template_dir",
    "gateway_path",
    "alias_ttl",
    "alias_delivery",
    "session_idle",
    "session_lifetime",
    "max_sessions",
    "max_aliases",
    "max_pending_aliases",
    "gateway_password_login",
    "allow_origin",
    "max_body",
    "log_level",
    "access_log",
};

}  // namespace amfgate::testing
