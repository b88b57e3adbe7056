"""Studies on simulated firm data: the Entity-List event study; whether the
unidentified parameters move the policy effects."""
