package main

import (
	"context"
	"database/sql"
)

// AuditLog is the value of the audit_log resource, handed to the functions of the
// resources that depend on it.
type AuditLog struct{}

// OpenAuditLog opens and warms the audit_log resource; the service is not ready before it
// returns. ctx carries the open timeout; its parameters follow depends_on.
func OpenAuditLog(ctx context.Context, auditDB *sql.DB) (*AuditLog, error) {
	return &AuditLog{}, nil
}

// CloseAuditLog closes the audit_log resource once everything that depends on it has closed.
// ctx carries the close timeout.
func CloseAuditLog(ctx context.Context, v *AuditLog) error {
	return nil
}
