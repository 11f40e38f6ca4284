TEST_DEPS_store := core store
