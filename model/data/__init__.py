"""Package data: the observed facts, with their sources and confidence (a CSV file)."""
