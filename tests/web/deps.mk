TEST_DEPS_web := core web
