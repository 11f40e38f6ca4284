TEST_DEPS_amfjson := core amf
