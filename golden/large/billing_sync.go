package main

import "context"

// RunBillingSync is the billing_sync worker. It starts once the service is ready and runs
// until ctx is cancelled (stop step 4); then it has its close timeout to
// return nil. Returning an error earlier stops the service (exit code 7);
// returning nil earlier just ends the worker.
func RunBillingSync(ctx context.Context, pricing *Pricing, auditLog *AuditLog) error {
	<-ctx.Done()
	return nil
}
