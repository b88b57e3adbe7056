"""Experiments: specs, samplers, local/Dask execution, the Parquet store, sensitivity."""
