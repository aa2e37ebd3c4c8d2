"""Glue every function shares: authentication, error mapping, and the tenant's store."""
