import pytest

# The shared checks in these helpers explain their failures as a test's own asserts do.
pytest.register_assert_rewrite("tests.support")
