"""The papers' mathematics, the four axes of one training step (design.md, "A training step"):
objectives (`losses`), penalty measures and forms and weight clipping (`penalties`), and FOGAN's
penalized Wasserstein distance (`penalized_wasserstein`)."""
