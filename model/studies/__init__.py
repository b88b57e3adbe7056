"""Studies on simulated firm data: the Entity-List event study."""
