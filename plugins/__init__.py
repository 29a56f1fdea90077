"""newslint's built-in rule plugins, each registered through the ``newslint`` entry-point group."""
