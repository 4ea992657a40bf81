"""Feature modules: one package a feature, each with a `setup(services) -> Feature`."""
