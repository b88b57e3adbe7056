"""The quarter's phases, one module each, called in calendar order by `Economy.step`."""
