"""Pure domain engines. Nothing in this package imports Django."""
