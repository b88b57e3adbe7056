"""Calibration by ABC-SMC (pyabc): spec, problem, seeded sampler, history, posterior,
point refinement, report."""
