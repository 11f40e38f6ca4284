TEST_DEPS_core := core
