"""MyOpenIP domain: models, queries, validation, services and documents (never imports textual)."""
