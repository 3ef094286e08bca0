"""The renderers: pure functions from the model to generated files."""
