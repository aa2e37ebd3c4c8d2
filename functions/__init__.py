"""Cloud Functions: one thin entry point per operation (token → pydantic → core → JSON)."""
