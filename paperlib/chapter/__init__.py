"""What a chapter needs around its science: the one object a notebook creates after its parameters
(`runtime`), parameters declared at CPU and paper scale (`parameters`), result files and
reproduction tables (`report`), the seed record (`seeds`) and the figures (`plotting`)."""
