TEST_DEPS_amf := core amf
