"""Jurisdiction: regions, departments, service catalogue, SLA policies and the working-day calendar."""
