"""What a chapter needs around its science: parameters declared at CPU and paper scale
(`parameters`), result files and reproduction tables (`report`), the seed record (`seeds`) and the
figures (`plotting`)."""
