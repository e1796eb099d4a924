"""Name, address and identifier normalisation, candidate index and explainable scorers."""
