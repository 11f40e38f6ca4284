TEST_DEPS_net := core net
