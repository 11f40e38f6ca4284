TEST_DEPS_ops := core net web
