"""Studies on simulated firms: the Entity-List event study, the unidentified parameters."""
