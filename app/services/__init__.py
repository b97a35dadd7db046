"""Use cases: each loads, applies the rules, writes, and commits. Only services commit."""
