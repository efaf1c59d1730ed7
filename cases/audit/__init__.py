"""Audit of who may do what: role grants that wait for a second person, the append-only log of
grants and revocations, and the signed checkpoints over the case event chains (issue 16)."""
