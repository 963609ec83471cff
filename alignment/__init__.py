"""Plan alignment: a plan's mechanisms against the policy registry's strategies, with evidence."""
