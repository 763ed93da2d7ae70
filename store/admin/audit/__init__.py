"""Back office, audit log: the AuditLog model, recording (services.record) and the viewer."""
