TEST_DEPS_handoff := core amf
