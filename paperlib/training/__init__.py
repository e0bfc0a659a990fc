"""Training: one trainer for every method (`trainer`: the step, evaluation, checkpoint and resume),
the official code's optimisers (`optimizers`), independent runs in worker processes (`parallel`) and
files written atomically and verified (`atomic`)."""
