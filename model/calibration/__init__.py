"""Fitting the free parameters to the observed targets: spec, search, store, report."""
