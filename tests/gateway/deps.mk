TEST_DEPS_gateway := core amf store net web gateway
