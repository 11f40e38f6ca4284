# Modules each libFuzzer target links (Makefile: fuzz_bin), so that a module
# another target does not use can never keep it from building, and the helper
# files a target is split into (FUZZ_OBJS_fuzz_<name>: tests/fuzz/<helper>.cpp).
FUZZ_DEPS_fuzz_amf0 := core amf
FUZZ_DEPS_fuzz_amf3 := core amf
FUZZ_DEPS_fuzz_packet := core amf
FUZZ_DEPS_fuzz_amf_json := core amf
FUZZ_DEPS_fuzz_token := core store
FUZZ_DEPS_fuzz_http := core net
FUZZ_DEPS_fuzz_form := core net web
FUZZ_DEPS_fuzz_cookie := core store web
FUZZ_DEPS_fuzz_csrf := core web
FUZZ_DEPS_fuzz_base64 := core amf web
FUZZ_DEPS_fuzz_users := core web
FUZZ_DEPS_fuzz_template := core web
FUZZ_DEPS_fuzz_config := core
FUZZ_DEPS_fuzz_static_path := core net web
FUZZ_DEPS_fuzz_gateway := core amf store net web gateway
FUZZ_OBJS_fuzz_gateway := gateway_world gateway_calls
FUZZ_DEPS_fuzz_passwd := core web
FUZZ_DEPS_fuzz_log := core
FUZZ_DEPS_fuzz_handoff_http := core amf store net web gateway
FUZZ_DEPS_fuzz_client_hello := core net
