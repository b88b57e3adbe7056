"""Calibration by ABC-SMC (pyabc): spec, sampler, history, posterior, refinement, report."""
