"""Looking at a game rather than training it: the vector fields and Jacobians of simultaneous gradient
play (`dynamics`, SGP), the generator's update against the divergence's steepest descent
(`update_direction`, FOGAN) and what happens inside a critic (`diagnostics`, WGAN-GP)."""
